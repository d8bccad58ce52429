"""Terminal rendering of a Report with rich.

Headline statistics, a messages-per-day sparkline, busiest threads and
people, then per kind a table (subject, version, review state, messages in
window / in all, last activity) and a panel per thread with its summary and
its messages indented by reply depth. Context messages are dimmed and
marked. Tests render with ``Console(width=..., no_color=True)``.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from rich.cells import cell_len
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from listsum.report import escape, sections
from listsum.report.build import message_url
from listsum.report.escape import controls, term
from listsum.report.i18n import attention_reason, kind_label, label, span
from listsum.report.markdown import kinds_in_order
from listsum.model import Report, State, Summary, ThreadReport
from listsum.window import zone

_BARS = " ▁▂▃▄▅▆▇█"
WIDE = 100  # narrower consoles (COLUMNS=80) get the compact kind table
MAX_DEPTH = 8  # deeper replies are drawn at this indent; real threads reach 30


def sparkline(values: list[int]) -> str:
    """One bar per day; a day with mail never draws as blank (kvmarm 2021-01-16 had
    1 message against a peak of 55, which rounded to the bar of a silent day)."""
    peak = max(values, default=0) or 1
    return "".join(_BARS[max(1, round(8 * v / peak))] if v else _BARS[0] for v in values)


class TerminalRenderer:
    def __init__(self, report: Report, console: Console) -> None:
        self.r = report
        self.c = console
        self.zone = zone(report.tz)

    def t(self, key: str, **kw: object) -> str:
        return label(self.r.lang, key, **kw)

    def when(self, d: datetime) -> str:
        return d.astimezone(self.zone).strftime("%Y-%m-%d %H:%M %Z")

    def render(self) -> None:
        self.header()
        self.attention()
        self.applied_and_new()
        self.overview()
        self.activity()
        for kind, threads in kinds_in_order(self.r):
            self.kind_table(kind, threads)
        for kind, threads in kinds_in_order(self.r):
            self.c.rule(kind_label(self.r.lang, kind))
            for t in threads:
                self.thread_panel(t)

    def header(self) -> None:
        r, s = self.r, self.r.stats
        title = self.t("title", list=r.list_name) if r.list_name else self.t("title_nolist")
        w = f"{self.when(r.window.since)} .. {self.when(r.window.until - timedelta(seconds=1))}"
        if r.window.anchored_to_input and r.newest is not None:
            w += " " + self.t("window_anchored", newest=self.when(r.newest))
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold")
        grid.add_column()
        grid.add_row(self.t("generated_at"), self.when(r.generated_at))
        grid.add_row(self.t("window"), w)
        self.summarised_by(grid)
        for key in ("messages_in_window", "threads", "large_threads", "participants", "messages_context",
                    "messages_total", "duplicates_dropped", "skipped", "dates_derived"):
            grid.add_row(self.t(key), str(getattr(s, key)))
        for kind, threads in kinds_in_order(r):
            grid.add_row(kind_label(r.lang, kind), self.t("msgs_line", in_window=sum(t.in_window for t in threads),
                                                          total=sum(t.total for t in threads))
                         + f" · {self.t('threads_count', n=len(threads))}")
        self.c.print(Panel(grid, title=title, expand=False))
        problems = sections.grouped_problems(r.problems)
        for p in problems[:10]:
            self.c.print(Text(f"{self.t('problems')}: {controls(p.where)}: {controls(p.what)}", style="yellow"))
        if len(problems) > 10:
            self.c.print(Text(self.t("more_problems", n=len(problems) - 10), style="yellow"))

    def summarised_by(self, grid: Table) -> None:
        """Which model server saw the mail ("MODEL at HOST"); nothing for in-process."""
        if self.r.summarised_by:
            grid.add_row(self.t("summarised_by"), escape.term(self.r.summarised_by))

    def activity(self) -> None:
        r = self.r
        if r.per_day:
            days = [d for d, _ in r.per_day]
            self.c.print(f"{self.t('per_day')}: {days[0]} {sparkline([n for _, n in r.per_day])} {days[-1]}  "
                         + " ".join(str(n) for _, n in r.per_day))
        subjects = {t.id: t.subject for t in r.threads}
        table = Table(title=self.t("top_threads"), show_edge=False)
        table.add_column(self.t("subject"), overflow="fold")
        table.add_column(self.t("in_window"), justify="right")
        for tid, n in r.top_threads[:5]:
            table.add_row(term(subjects.get(tid, tid)), str(n))
        people = Table(title=self.t("top_people"), show_edge=False)
        people.add_column(self.t("participants"), overflow="fold")
        people.add_column(self.t("in_window"), justify="right")
        for who, n in r.top_people[:5]:
            people.add_row(term(who), str(n))
        self.c.print(table)
        self.c.print(people)

    def kind_table(self, kind: str, threads: list[ThreadReport]) -> None:
        if self.c.width < WIDE:
            return self.kind_table_narrow(kind, threads)
        table = Table(title=f"{kind_label(self.r.lang, kind)} ({len(threads)})", expand=True)
        table.add_column(self.t("subject"), ratio=1, overflow="fold")
        table.add_column(self.t("version"))
        table.add_column(self.t("review"))
        table.add_column(self.t("in_window"), justify="right")
        table.add_column(self.t("total"), justify="right")
        table.add_column(self.t("last"), no_wrap=True)
        for t in threads:
            s = t.series
            table.add_row(term(t.subject), f"v{s.version}" if s else "", self.state_word(t),
                          str(t.in_window), str(t.total), self.last(t))
        self.c.print(table)

    def kind_table_narrow(self, kind: str, threads: list[ThreadReport]) -> None:
        """Below WIDE columns the six-column table left the subject 12 characters and
        broke words ("Virtualizati|on", "compatibilit|y"): drop Version (the subject
        says it), put both counts in one column and let the state wrap instead."""
        table = Table(title=f"{kind_label(self.r.lang, kind)} ({len(threads)})", expand=True)
        table.add_column(self.t("subject"), ratio=1, min_width=24, overflow="fold")
        table.add_column(self.t("review"), max_width=17)
        table.add_column(f"{self.t('in_window')}/\n{self.t('total')}", justify="right", no_wrap=True)
        table.add_column(self.t("last"), no_wrap=True)
        for t in threads:
            table.add_row(term(t.subject), self.state_word(t), f"{t.in_window}/{t.total}",
                          self.last(t))
        self.c.print(table)

    def last(self, t: ThreadReport) -> str:
        """Last activity as MM-DD HH:MM inside the window; with its year when the thread
        went on after it (SMMUv3 v13's "03-16 18:10" read as before a January week)."""
        d = t.last.astimezone(self.zone)
        return d.strftime("%m-%d %H:%M") if t.last in self.r.window else d.strftime("%Y-%m-%d")

    def thread_panel(self, t: ThreadReport) -> None:
        parts: list[Text | Table] = []
        meta = (f"{self.t('msgs_line', in_window=t.in_window, total=t.total)} · "
                f"{self.t('participants')}: {len(t.participants)} · {self.when(t.first)} .. {self.when(t.last)}")
        parts.append(Text(meta, style="dim"))
        if t.series is not None:
            s = t.series
            revs = " → ".join(f"v{rev.version}" + ("*" if rev.thread_id == t.id else "") for rev in s.lineage)
            parts.append(Text(f"{self.t('series')}: v{s.version} · {self.t('review_state')}: "
                              f"{self.state_word(t)}" + (f" · {self.t('lineage')}: {revs}" if revs else "")))
            groups = sections.patch_groups(s)
            if groups:
                parts.append(Text(f"{self.t('patch_states')}: "
                                  + "; ".join(f"{self.t('state.' + n)}: {r}" for n, r in groups)))
            for ap in s.applied:
                parts.append(Text(f"{self.t('applied')}: {self.t('applied_by', by=controls(ap.by))}"
                                  + (f", {self.t('branch', branch=ap.branch)}" if ap.branch else "")))
        if t.state is not None:
            parts += self.state_lines(t.state, head=t.series is None)
        if t.ghost_root:
            parts.append(Text(self.t("ghost_root"), style="italic"))
        if t.summary is not None:
            tag = f"{self.t('summary')} ({self.t('engine')}: {t.summary.engine}"
            tag += f", {self.t('fallback')})" if t.summary.fallback else ")"
            parts.append(Text(tag, style="bold"))
            parts += self.record(t.summary) if (t.summary.headline or t.summary.points) \
                else [Text(controls(t.summary.text.strip()))]
        parts.append(self.message_list(t))
        title = controls(t.subject)
        if cell_len(title) > self.c.width - 6:
            # a panel title is cut at the border ("... advertising GICv2 compa─╮" at 80
            # columns): say the whole subject inside, where it can wrap
            parts.insert(0, Text(title, style="bold"))
        self.c.print(Panel(Group(*parts), title=Text(title), title_align="left"))

    def state_word(self, t: ThreadReport) -> str:
        if t.state is not None:
            return self.t(f"state.{t.state.name}") + (f" ({self.t('rfc_flag')})" if t.state.rfc else "")
        return self.t(f"state.{t.series.review_state}") if t.series else ""

    def ref(self, msgid: str) -> str:
        """A mail as its lore URL when the list URL is known, else <message-id> (markup-escaped)."""
        return term(sections.link(self.r, msgid) or f"<{msgid}>")

    def refs(self, ids: list[str]) -> str:
        shown, more = sections.evidence(ids)
        return " ".join(self.ref(e) for e in shown) + (f" {self.t('more_mail', n=more)}" if more else "")

    def state_lines(self, st: State, head: bool = True) -> list[Text]:
        """Why the state is what it is and the mail that decided it; series show the word
        itself on their Series line already."""
        word = self.t(f"state.{st.name}") + (f" ({self.t('rfc_flag')})" if st.rfc else "")
        refs = self.refs(st.evidence)
        first = (f"{self.t('state')}: {term(word)} — " if head else "  ") + term(st.detail) + (f" {refs}" if refs else "")
        lines = [Text.from_markup(first)]
        lines += [Text.from_markup(f"  {self.t('flag')} {self.t('flag.' + fl.kind)}: {term(fl.verdict)} {self.ref(fl.message_id)}",
                                   style="yellow") for fl in st.flags]
        lines += [Text.from_markup(self.later_line(x), style="dim") for x in st.later[:sections.LATER_SHOWN]]
        if len(st.later) > sections.LATER_SHOWN:
            # SMMUv3 v13 had 16 later lines above its summary in a January week
            lines.append(Text(f"  {self.t('more_mail', n=len(st.later) - sections.LATER_SHOWN)} "
                              f"({self.t('context_after')})", style="dim"))
        return lines

    def later_line(self, line: str) -> str:
        text, msgid = sections.later_parts(line)
        return f"  {term(line)}" if msgid is None else f"  {term(text)}, {self.ref(msgid)})"

    def attention(self) -> None:
        r = self.r
        title = self.t("attention_for", name=sections.me_name(r)) if r.me else self.t("attention")
        self.c.rule(term(title))
        for a in r.needs_attention:
            refs = self.refs(a.evidence)
            why = term(attention_reason(r.lang, a))
            self.c.print(f"• [bold]{term(sections.entry_subject(r, a))}[/bold]: {why} {refs}")
        if not r.needs_attention:
            self.c.print(self.t("nothing"))

    def applied_and_new(self) -> None:
        for key, threads in (("applied_week", sections.applied_this_week(self.r)),
                             ("new_series", sections.new_series(self.r))):
            self.c.rule(self.t(key, when=span(self.r.lang, self.r.window)))
            for t in threads:
                what = t.state.detail if key == "applied_week" and t.state else \
                    f"v{t.series.version if t.series else 1}, {self.state_word(t)}"
                self.c.print(f"• {term(t.subject)}: {term(what)}")
            if not threads:
                self.c.print(self.t("nothing"))

    def overview(self) -> None:
        s = self.r.overview
        if s is not None and (s.headline or s.points):
            self.c.print(Panel(Group(*self.record(s)), title=self.t("overview"), title_align="left"))

    def record(self, s: Summary) -> list[Text]:
        """The summary record, compactly: headline, state, one line per point
        ending in its mail (the archive URL, else the message-id)."""
        out = [Text(controls(s.headline))] if s.headline else []
        if s.state:
            state = self.t("state_line", state=self.t(f"state.{s.state}"))
            if s.needs_attention:
                state += self.t("attention_suffix", reason=controls(s.needs_attention))
            out.append(Text(state, style="bold"))
        for p in s.points:
            line = Text(f"  {self.t('stance.' + p.stance)} · ", style="cyan")
            line.append(controls(f"{p.who.split(' <')[0]}: "), style="bold")
            line.append(controls(f"“{p.text}”" if p.source == "mail" else p.text))
            where = message_url(self.r.list_url, p.evidence[0]) or f"<{p.evidence[0]}>"
            more = f" +{len(p.evidence) - 1}" if len(p.evidence) > 1 else ""
            line.append(controls(f"  {where}{more}"), style="dim")
            out.append(line)
        if s.prose:
            out.append(Text(controls(f"{self.t('prose')}: {s.prose}"), style="italic"))
        return out

    def message_list(self, t: ThreadReport) -> Table:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(overflow="fold")
        for m in t.messages:
            indent = "  " * min(m.depth, MAX_DEPTH)
            text = Text(f"{indent}{controls(m.sender)}: {controls(m.subject)}")
            when = self.when(m.date)
            if not m.in_window:
                # mail after the window is not "context" for it: it had not been sent yet
                # (SMMUv3 v13: Keqian Zhu's 2021-02 reviews under a January week)
                mark = "later_mark" if m.date >= self.r.window.until else "context"
                text.append(f" ({self.t(mark)})")
                text.stylize("dim")
            grid.add_row(when, text)
        return grid


def render_terminal(report: Report, console: Console | None = None) -> None:
    """Print ``report`` on ``console`` (stdout by default)."""
    TerminalRenderer(report, console or Console()).render()


def render_terminal_text(report: Report, width: int = 100) -> str:
    """The terminal rendering as plain text at a fixed width (tests, previews)."""
    buf = io.StringIO()
    console = Console(width=width, no_color=True, file=buf, force_terminal=False, color_system=None)
    render_terminal(report, console)
    return buf.getvalue()
