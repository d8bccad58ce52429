"""Markdown rendering of a Report, in the shape users know from the old tool.

Header (generated at, window, totals, kinds, large threads, per day, people),
then one section per kind, one block per thread: counts, participants,
first/last time, series version and revisions, review state, the summary
slot (naming its engine), and every message with time, sender and link.
Messages outside the window are marked as context, so nobody mistakes last
month's patch for this week's. All times in the report's --tz.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from listsum.report import escape, sections
from listsum.mail.address import name_addr
from listsum.report.build import message_url
from listsum.report.escape import md, md_code, md_lines
from listsum.report.i18n import attention_reason, kind_label, label, span
from listsum.model import Report, SeriesFacts, State, Summary, ThreadReport
from listsum.window import zone

KIND_ORDER = ("patch", "rfc", "pull", "bug", "question", "stable", "bot", "announce", "discussion")
esc = md  # the one Markdown escape for mail text (report/escape.py)


class _Fmt:
    """Label and time helpers bound to one report's language and zone."""

    def __init__(self, report: Report) -> None:
        self.lang = report.lang
        self.zone = zone(report.tz)
        self.report = report

    def t(self, key: str, **kw: object) -> str:
        return label(self.lang, key, **kw)

    def when(self, d: datetime, seconds: bool = False) -> str:
        return d.astimezone(self.zone).strftime("%Y-%m-%d %H:%M:%S %Z" if seconds else "%Y-%m-%d %H:%M %Z")


def kinds_in_order(report: Report) -> list[tuple[str, list[ThreadReport]]]:
    groups = report.by_kind()
    order = [k for k in KIND_ORDER if k in groups] + sorted(k for k in groups if k not in KIND_ORDER)
    return [(k, groups[k]) for k in order]


def _header(f: _Fmt) -> list[str]:
    r = f.report
    title = f.t("title", list=r.list_name) if r.list_name else f.t("title_nolist")
    w = r.window
    last_day = f.when(w.until - timedelta(seconds=1), seconds=True)
    lines = [f"# {esc(title)}", "", f"**{f.t('generated_at')}**: {f.when(r.generated_at, seconds=True)}", ""]
    span = f"{f.when(w.since, seconds=True)} .. {last_day}"
    if w.anchored_to_input and r.newest is not None:
        span += " " + f.t("window_anchored", newest=f.when(r.newest))
    lines += [f"**{f.t('window')}**: {span}", ""]
    if r.inputs:
        lines += [f"**{f.t('inputs')}**: " + ", ".join(md_code(p) for p in r.inputs), ""]
    if r.list_url:  # where every mail link points (--list-url, --list, or the mail's List-Id)
        lines += [f"**{f.t('links')}**: {md_code(r.list_url)}", ""]
    return lines + _summarised_by(f)


def _summarised_by(f: _Fmt) -> list[str]:
    """Which model server saw the mail ("MODEL at HOST"); nothing for in-process."""
    by = f.report.summarised_by
    return [f"**{f.t('summarised_by')}**: {escape.md(by)}", ""] if by else []


def _totals(f: _Fmt) -> list[str]:
    s = f.report.stats
    rows = [("messages_in_window", s.messages_in_window), ("threads", s.threads),
            ("large_threads", s.large_threads), ("participants", s.participants),
            ("messages_context", s.messages_context), ("messages_total", s.messages_total),
            ("duplicates_dropped", s.duplicates_dropped), ("skipped", s.skipped),
            ("dates_derived", s.dates_derived)]
    return [f"## {f.t('totals')}", ""] + [f"- **{f.t(k)}**: {v}" for k, v in rows] + [""]


def _kinds(f: _Fmt) -> list[str]:
    lines = [f"### {f.t('kinds')}", ""]
    for kind, threads in kinds_in_order(f.report):
        text = f.t("kind_line", kind=f"**{kind_label(f.lang, kind)}**", threads=len(threads),
                   in_window=sum(t.in_window for t in threads), total=sum(t.total for t in threads))
        lines.append(f"- {text}")
    return lines + [""]


def _large(f: _Fmt, anchors: dict[str, str]) -> list[str]:
    big = [t for t in f.report.threads if t.total > 20]
    if not big:
        return []
    lines = [f"### {f.t('large')}", ""]
    for t in sorted(big, key=lambda t: (-t.total, t.first)):
        lines.append(f"- [{esc(t.subject)}](#{anchors[t.id]}): {f.t('msgs_line', in_window=t.in_window, total=t.total)}")
    return lines + [""]


def _activity(f: _Fmt, anchors: dict[str, str]) -> list[str]:
    r = f.report
    lines: list[str] = []
    if r.per_day:
        peak = max(n for _, n in r.per_day) or 1
        lines += [f"### {f.t('per_day')}", "", f"| {f.t('day')} | {f.t('messages')} | |", "|---|---:|---|"]
        # a day with mail gets at least one block, so it never looks like a silent one
        lines += [f"| {d} | {n} | {'█' * (max(1, round(20 * n / peak)) if n else 0)} |" for d, n in r.per_day] + [""]
    subjects = {t.id: t.subject for t in r.threads}
    if r.top_threads:
        lines += [f"### {f.t('top_threads')}", ""]
        lines += [f"1. [{esc(subjects[i])}](#{anchors[i]}): {n}" for i, n in r.top_threads if i in subjects] + [""]
    if r.top_people:
        lines += [f"### {f.t('top_people')}", ""] + [f"1. {esc(w)}: {n}" for w, n in r.top_people] + [""]
    return lines


def _problems(f: _Fmt) -> list[str]:
    probs = sections.grouped_problems(f.report.problems)
    if not probs:
        return []
    lines = [f"## {f.t('problems')}", ""] + [f"- {esc(p.where)}: {esc(p.what)}" for p in probs[:50]]
    if len(probs) > 50:
        lines.append(f"- {f.t('more_problems', n=len(probs) - 50)}")
    return lines + [""]


def _series(f: _Fmt, s: SeriesFacts, thread: ThreadReport, anchors: dict[str, str]) -> list[str]:
    parts = [f"v{s.version}"]
    if s.expected and s.patches:  # none seen: the posting is outside the input, not "0 of 5"
        parts.append(f.t("patches", patches=s.patches, expected=s.expected))
    if s.has_cover:
        parts.append(f.t("cover"))
    lines = [f"- **{f.t('series')}**: " + ", ".join(parts)]
    if len(s.lineage) > 1:
        revs = []
        for rev in s.lineage:
            if rev.thread_id == thread.id:
                revs.append(f"v{rev.version} ({f.t('this_thread')})")
            elif rev.thread_id in anchors:
                revs.append(f"[v{rev.version}](#{anchors[rev.thread_id]})")
            elif f.report.list_url:
                revs.append(f"[v{rev.version}]({message_url(f.report.list_url, rev.thread_id)}) {f.when(rev.date)}")
            else:
                revs.append(f"v{rev.version} {md_code(f'<{rev.thread_id}>')} {f.when(rev.date)}")
        lines.append(f"- **{f.t('lineage')}**: " + " → ".join(revs))
    lines.append(f"- **{f.t('review_state')}**: " + (_state_text(f, s.state) if s.state else f.t("state." + s.review_state)))
    groups = sections.patch_groups(s)
    if groups:
        lines.append(f"- **{f.t('patch_states')}**: " + "; ".join(f"{f.t('state.' + n)}: {r}" for n, r in groups))
    for tr in s.trailers:
        lines.append(f"  - {tr.kind}: {esc(tr.person)} ({esc(tr.patch)})" + _later(f, tr.date))
    for ap in s.applied:
        where = f", {f.t('branch', branch=ap.branch)}" if ap.branch else ""
        lines.append(f"  - {f.t('applied')}: {f.t('applied_by', by=esc(ap.by))}{where}, {f.when(ap.date)}")
    return lines


def _later(f: _Fmt, when: datetime | None) -> str:
    """" — later, 2021-03-15" for a fact dated after the window: Krishna Reddy's Tested-by
    of SMMUv3 v13 (2021-03-15) sat undated among the trailers of a January week,
    beside a review state that is, rightly, as of the window's end."""
    if when is None or when < f.report.window.until:
        return ""
    return f" — {f.t('later_mark')}, {when.astimezone(f.zone):%Y-%m-%d}"


def _summary(f: _Fmt, s: Summary | None) -> list[str]:
    if s is None:
        return []
    tags = [f"{f.t('engine')}: {s.engine}"] + ([f.t("cached")] if s.cached else [])
    lines = [f"#### {f.t('summary')} ({', '.join(tags)})", ""]
    if s.fallback:
        lines += [f"> ⚠ {f.t('fallback')}" + (f": {md(', '.join(s.flags))}" if s.flags else ""), ""]
    if s.headline or s.points:
        return lines + _record(f, s) + [""]
    return lines + [md_lines(s.text), ""]


def _mail_link(f: _Fmt, msgid: str) -> str:
    """A point's link: the archive URL listsum builds, else the message-id as code."""
    url = message_url(f.report.list_url, msgid)
    return f"[{f.t('mail')}]({url})" if url else md_code(f"<{msgid}>")


def _record(f: _Fmt, s: Summary) -> list[str]:
    """The summary record: headline, state, one line per point with its mail, checked prose."""
    lines = [f"**{md(s.headline)}**", ""] if s.headline else []
    if s.state:
        state = f.t("state_line", state=f.t(f"state.{s.state}"))
        if s.needs_attention:
            state += f.t("attention_suffix", reason=md(s.needs_attention))
        lines += [state, ""]
    for p in s.points:
        said = f"“{md(p.text)}”" if p.source == "mail" else md(p.text)
        links = " ".join(_mail_link(f, m) for m in p.evidence[:3]) + (" …" if len(p.evidence) > 3 else "")
        who = md(p.who.split(" <")[0])
        lines.append(f"- **{who}** ({f.t('stance.' + p.stance)}): {said} {links}")
    if s.prose:
        lines += ["", f"_{f.t('prose')}_: {md(s.prose)}"]
    return lines


def _messages(f: _Fmt, t: ThreadReport) -> list[str]:
    w = f.report.window
    lines = [f"#### {f.t('messages')}", ""]
    for i, m in enumerate(t.messages, 1):
        mark = ""
        if not m.in_window:
            mark = f" _({f.t('context')}: {f.t('context_before' if m.date < w.since else 'context_after')})_"
        flag = f" _({f.t('date_flag')})_" if m.date_flag else ""
        link = f" [lore]({m.url})" if m.url else f" {md_code(f'<{m.message_id}>')}"
        who = md(name_addr(m.sender, m.from_addr))
        item = f"{i}. "
        lines.append(f"{item}**[{f.when(m.date)}]** {esc(m.subject)}{mark}{flag}")
        # the sender nests under its item only when indented to the item's text: "10. "
        # needs 4 spaces, and with 3 the 58-mail SMMUv3 v13 list broke apart at mail 10
        lines.append(f"{' ' * len(item)}- {who}{link}")
    return lines + [""]


def _thread(f: _Fmt, n: int, t: ThreadReport, anchors: dict[str, str]) -> list[str]:
    lines = [f'<a id="{anchors[t.id]}"></a>', "", f"### {n}. {esc(t.subject)}", ""]
    people = ", ".join(esc(p) for p in t.participants)
    lines += [f"- **{f.t('messages')}**: {f.t('msgs_line', in_window=t.in_window, total=t.total)}",
              f"- **{f.t('participants')}** ({len(t.participants)}): {people}",
              f"- **{f.t('first')}**: {f.when(t.first)} | **{f.t('last')}**: {f.when(t.last)}"]
    if t.series is not None:
        lines += _series(f, t.series, t, anchors)
    if t.state is not None:
        lines += _state(f, t.state, head=t.series is None)
    if t.ghost_root:
        lines.append(f"- _{f.t('ghost_root')}_")
    return lines + [""] + _summary(f, t.summary) + _messages(f, t) + ["---", ""]


def _ref(f: _Fmt, msgid: str) -> str:
    """A link to one mail: lore when the list URL is known, else its id as code."""
    url = sections.link(f.report, msgid)
    return f"[{f.t('mail')}](<{url}>)" if url else escape.md_code(f"<{msgid}>")


def _refs(f: _Fmt, ids: list[str]) -> str:
    shown, more = sections.evidence(ids)
    return ", ".join(_ref(f, e) for e in shown) + (f", {f.t('more_mail', n=more)}" if more else "")


def _state_text(f: _Fmt, st: State) -> str:
    """"superseded — superseded by v2 ([mail](...))": the word, why, and the mail that decided it."""
    head = f.t("state." + st.name) + (f" ({f.t('rfc_flag')})" if st.rfc else "")
    refs = ", ".join(_ref(f, e) for e in st.evidence[:3])
    return head + (f" — {escape.md(st.detail)}" if st.detail else "") + (f" ({refs})" if refs else "")


def _later_line(f: _Fmt, line: str) -> str:
    """A later line with its mail as code or link, like every other mail in the report
    (it was escaped text: "\\<529d39a0-...\\@huawei.com\\>")."""
    text, msgid = sections.later_parts(line)
    return escape.md(line) if msgid is None else f"{escape.md(text)}, {_ref(f, msgid)})"


def _state(f: _Fmt, st: State, head: bool) -> list[str]:
    """A thread's State line (series have theirs in the series block), bot flags, later facts."""
    lines = [f"- **{f.t('state')}**: {_state_text(f, st)}"] if head else []
    lines += [f"  - {f.t('flag')} {f.t('flag.' + fl.kind)}: {escape.md(fl.verdict)} ({_ref(f, fl.message_id)})" for fl in st.flags]
    lines += [f"  - {_later_line(f, x)}" for x in st.later]
    return lines


def _attention(f: _Fmt, anchors: dict[str, str]) -> list[str]:
    r = f.report
    title = f.t("attention_for", name=escape.md(sections.me_name(r))) if r.me else f.t("attention")
    lines = [f"## {title}", ""]
    for a in r.needs_attention:
        refs = _refs(f, a.evidence)
        subject = escape.md(sections.entry_subject(r, a))
        where = f"[{subject}](#{anchors[a.thread_id]})" if a.thread_id in anchors else subject
        lines.append(f"- {where}: {escape.md(attention_reason(f.lang, a))}" + (f" ({refs})" if refs else ""))
    return lines + ([f"- {f.t('nothing')}"] if not r.needs_attention else []) + [""]


def _applied_and_new(f: _Fmt, anchors: dict[str, str]) -> list[str]:
    lines: list[str] = []
    for key, threads in (("applied_week", sections.applied_this_week(f.report)),
                         ("new_series", sections.new_series(f.report))):
        lines += [f"## {f.t(key, when=span(f.lang, f.report.window))}", ""]
        for t in threads:
            st = t.state
            what = (escape.md(st.detail) if key == "applied_week" and st else
                    f"v{t.series.version if t.series else 1}, {f.t('state.' + st.name) if st else ''}"
                    + (f" ({f.t('rfc_flag')})" if st and st.rfc else ""))
            lines.append(f"- [{escape.md(t.subject)}](#{anchors[t.id]}): {what}")
        lines += ([f"- {f.t('nothing')}"] if not threads else []) + [""]
    return lines


def render_markdown(report: Report) -> str:
    f = _Fmt(report)
    anchors = {t.id: f"t{i}" for i, t in enumerate(report.threads, 1)}
    out = _header(f) + _attention(f, anchors) + _applied_and_new(f, anchors) + _totals(f) + _kinds(f) + _large(f, anchors) + _activity(f, anchors) + _problems(f)
    if report.overview is not None:
        out += [f"## {f.t('overview')}", ""] + _summary(f, report.overview)[2:]
    out += ["---", ""]
    for kind, threads in kinds_in_order(report):
        out += [f"## {kind_label(f.lang, kind)}", "", f.t("threads_count", n=len(threads)), "", "---", ""]
        for n, t in enumerate(threads, 1):
            out += _thread(f, n, t, anchors)
    return "\n".join(out).rstrip() + "\n"
