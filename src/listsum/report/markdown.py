"""Markdown rendering of a Report, in the shape users know from the old tool.

Header (generated at, window, totals, kinds, large threads, per day, people),
then one section per kind, one block per thread: counts, participants,
first/last time, series version and revisions, review state, the summary
slot (naming its engine), and every message with time, sender and link.
Messages outside the window are marked as context, so nobody mistakes last
month's patch for this week's. All times in the report's --tz.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from listsum.report.build import message_url
from listsum.report.escape import md, md_code
from listsum.report.i18n import kind_label, label
from listsum.report.model import Report, SeriesFacts, Summary, ThreadReport
from listsum.window import zone

KIND_ORDER = ("patch", "rfc", "pull", "bug", "question", "stable", "bot", "announce", "discussion")
_ESCAPE = re.compile(r"([\\`*<>|])")


def esc(text: str) -> str:
    """Subject/name text safe inside Markdown (brackets kept: [PATCH] reads well)."""
    return _ESCAPE.sub(r"\\\1", text)


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
        lines += [f"**{f.t('inputs')}**: " + ", ".join(f"`{p}`" for p in r.inputs), ""]
    return lines


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
        lines += [f"| {d} | {n} | {'█' * round(20 * n / peak)} |" for d, n in r.per_day] + [""]
    subjects = {t.id: t.subject for t in r.threads}
    if r.top_threads:
        lines += [f"### {f.t('top_threads')}", ""]
        lines += [f"1. [{esc(subjects[i])}](#{anchors[i]}): {n}" for i, n in r.top_threads if i in subjects] + [""]
    if r.top_people:
        lines += [f"### {f.t('top_people')}", ""] + [f"1. {esc(w)}: {n}" for w, n in r.top_people] + [""]
    return lines


def _problems(f: _Fmt) -> list[str]:
    probs = f.report.problems
    if not probs:
        return []
    lines = [f"## {f.t('problems')}", ""] + [f"- {esc(p.where)}: {esc(p.what)}" for p in probs[:50]]
    if len(probs) > 50:
        lines.append(f"- {f.t('more_problems', n=len(probs) - 50)}")
    return lines + [""]


def _series(f: _Fmt, s: SeriesFacts, thread: ThreadReport, anchors: dict[str, str]) -> list[str]:
    parts = [f"v{s.version}"]
    if s.expected:
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
                revs.append(f"v{rev.version} `<{rev.thread_id}>` {f.when(rev.date)}")
        lines.append(f"- **{f.t('lineage')}**: " + " → ".join(revs))
    lines.append(f"- **{f.t('review_state')}**: {f.t('state.' + s.review_state)}")
    for tr in s.trailers:
        lines.append(f"  - {tr.kind}: {esc(tr.person)} ({esc(tr.patch)})")
    for ap in s.applied:
        where = f", {f.t('branch', branch=ap.branch)}" if ap.branch else ""
        lines.append(f"  - {f.t('applied')}: {f.t('applied_by', by=esc(ap.by))}{where}, {f.when(ap.date)}")
    return lines


def _summary(f: _Fmt, s: Summary | None) -> list[str]:
    if s is None:
        return []
    tags = [f"{f.t('engine')}: {s.engine}"] + ([f.t("cached")] if s.cached else [])
    lines = [f"#### {f.t('summary')} ({', '.join(tags)})", ""]
    if s.fallback:
        lines += [f"> ⚠ {f.t('fallback')}" + (f": {', '.join(s.flags)}" if s.flags else ""), ""]
    if s.headline or s.points:
        return lines + _record(f, s) + [""]
    return lines + [s.text.strip(), ""]


def _mail_link(f: _Fmt, msgid: str) -> str:
    """A point's link: the archive URL listsum builds, else the message-id as code."""
    url = message_url(f.report.list_url, msgid)
    return f"[{f.t('mail')}]({url})" if url else md_code(f"<{msgid}>")


def _record(f: _Fmt, s: Summary) -> list[str]:
    """The summary record: headline, state, one line per point with its mail, checked prose."""
    lines = [f"**{md(s.headline)}**", ""] if s.headline else []
    if s.state:
        state = f.t("state_line", state=f.t(f"tstate.{s.state}"))
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
        link = f" [lore]({m.url})" if m.url else f" `<{m.message_id}>`"
        who = esc(f"{m.sender} <{m.from_addr}>" if m.from_addr and m.sender != m.from_addr else m.sender)
        lines.append(f"{i}. **[{f.when(m.date)}]** {esc(m.subject)}{mark}{flag}")
        lines.append(f"   - {who}{link}")
    return lines + [""]


def _thread(f: _Fmt, n: int, t: ThreadReport, anchors: dict[str, str]) -> list[str]:
    lines = [f'<a id="{anchors[t.id]}"></a>', "", f"### {n}. {esc(t.subject)}", ""]
    people = ", ".join(esc(p) for p in t.participants)
    lines += [f"- **{f.t('messages')}**: {f.t('msgs_line', in_window=t.in_window, total=t.total)}",
              f"- **{f.t('participants')}** ({len(t.participants)}): {people}",
              f"- **{f.t('first')}**: {f.when(t.first)} | **{f.t('last')}**: {f.when(t.last)}"]
    if t.series is not None:
        lines += _series(f, t.series, t, anchors)
    if t.ghost_root:
        lines.append(f"- _{f.t('ghost_root')}_")
    return lines + [""] + _summary(f, t.summary) + _messages(f, t) + ["---", ""]


def render_markdown(report: Report) -> str:
    f = _Fmt(report)
    anchors = {t.id: f"t{i}" for i, t in enumerate(report.threads, 1)}
    out = _header(f) + _totals(f) + _kinds(f) + _large(f, anchors) + _activity(f, anchors) + _problems(f)
    if report.overview is not None:
        out += [f"## {f.t('overview')}", ""] + _summary(f, report.overview)[2:]
    out += ["---", ""]
    for kind, threads in kinds_in_order(report):
        out += [f"## {kind_label(f.lang, kind)}", "", f.t("threads_count", n=len(threads)), "", "---", ""]
        for n, t in enumerate(threads, 1):
            out += _thread(f, n, t, anchors)
    return "\n".join(out).rstrip() + "\n"
