"""Renderings of a thread deep dive (deepdive.DeepDive): Markdown, JSON, terminal.

Times are UTC. The terminal form is the Markdown drawn by rich, so the two
never disagree.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime

from listsum.facts.evolution import STALE, RevisionStep
from listsum.report.escape import controls, md, md_code, md_lines
from listsum.deepdive import CHANGES, DeepDive, ReviewCell

# Range-diff lines shown per patch in Markdown (JSON has them all), and
# steps whose diffs are shown (the newest; older steps get their table).
DIFF_LINES = 60
DIFF_STEPS = 1
REVIEWS_SHOWN = 25  # review checks per step in Markdown; the JSON has every one


def _t(when: datetime) -> str:
    return f"{when:%Y-%m-%d %H:%M}"


def _cell(text: str) -> str:
    """Mail text in a line or a table cell: escaped (report/escape.py)."""
    return md(text)


def _summary(d: DeepDive) -> list[str]:
    s = d.summary
    if s is None:
        return []
    tags = [f"engine: {s.engine}"] + (["cached"] if s.cached else [])
    out = [f"## Summary ({', '.join(tags)})", ""]
    if s.fallback:  # the reader must know this is not the model's text
        out += ["> ⚠ fallback: the model's output failed a check and was replaced"
                + (f": {md(', '.join(s.flags))}" if s.flags else ""), ""]
    return out + [md_lines(s.text), ""]


def _why(c: ReviewCell) -> str:
    """The first change-request line, then the mail ids behind the cell."""
    line = next((f'"{_cell(e.line)}" ' for e in c.evidence if e.kind == CHANGES), "")
    return line + " ".join(md_code(f"<{m}>") for m in c.message_ids)


def render_markdown(d: DeepDive) -> str:
    out = [f"# {_cell(d.subject)}", "",
           f"{d.messages} messages, {len(d.participants)} participants, {_t(d.first)} .. {_t(d.last)} UTC", ""]
    out += _summary(d)
    out += ["## Revisions", ""]
    for r in d.revisions or []:
        mark = " (this thread)" if r.in_thread else ""
        out.append(f"- **v{r.version}**{mark}: {_t(r.date)}, {r.patches} patches: {_cell(r.subject)}")
        out += [f"  - {_cell(c)}" for c in r.changes]
    if not d.revisions:
        out.append("- not a patch series")
    out += _revision_sections(d)
    out += ["", "## Review matrix", "", "| Patch | Person | Given | Why |", "|---|---|---|---|"]
    out += [f"| {_cell(c.patch)} | {_cell(c.person)} | {', '.join(c.kinds)} | {_why(c)} |" for c in d.matrix]
    out += ["", "## Open questions", ""]
    out += [f"- {_cell(q.sender)} ({_t(q.date)}): {_cell(q.text)}" for q in d.questions] or ["- none found"]
    out += _landing(d)
    out += ["", "## Timeline", ""]
    for e in d.timeline:
        note = f" **{e.note}**" if e.note else ""
        out.append(f"- {_t(e.date)} {'  ' * min(e.depth, 6)}{_cell(e.sender)}: {_cell(e.subject)}{note}")
    return "\n".join(out) + "\n"


def _revision_sections(d: DeepDive) -> list[str]:
    """What changed from each revision to the next, newest first."""
    if not d.steps:
        return []
    out = ["", "## What changed between revisions", "",
           "_Matched by title, then patch-id, then content; no tree needed. "
           "Review checks are a heuristic: line overlap and changelog words, not a reading of the code._"]
    for n, st in enumerate(reversed(d.steps)):
        out += _step(st, with_diffs=n < DIFF_STEPS, url=d.list_url)
    return out


def _step(st: RevisionStep, with_diffs: bool, url: str | None = None) -> list[str]:
    counts: dict[str, int] = {}
    for p in st.patches:
        counts[p.status] = counts.get(p.status, 0) + 1
    out = ["", f"### v{st.from_version} → v{st.to_version}: "
           + ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))]
    same = [p for p in st.patches if p.status == "unchanged" and not p.message_changed and p.new]
    if len(same) < len(st.patches):
        out += ["", "| Patch | Status | Size |", "|---|---|---|"]
    for p in st.patches:
        if p in same:
            continue
        ref = p.new or p.old
        name = md(ref.subject) if ref else ""
        if p.status == "renamed" and p.old and p.new:
            name = f"{md(p.new.subject)} (was: {md(p.old.subject)})"
        status = p.status + (", message changed" if p.message_changed and p.status == "unchanged" else "") \
            + (" (context only: rebased)" if p.context_only else "")
        out.append(f"| {name} | {status} | {md(p.size)} |")
    if same:
        out += ["", f"Unchanged (same patch-id, same message): {len(same)} patch{'es' if len(same) > 1 else ''}, "
                + _counters([p.new.counter for p in same if p.new]) + "."]
    out += _trailer_flags(st, url) + _review_checks(st, url)
    if with_diffs:
        out += _diffs(st)
    return out


def _counters(nums: list[int]) -> str:
    """"1-12, 15, 22-23": patch numbers as ranges."""
    out: list[str] = []
    for n in sorted(nums):
        if out and out[-1].split("-")[-1] == str(n - 1):
            out[-1] = out[-1].split("-")[0] + f"-{n}"
        else:
            out.append(str(n))
    return ("patch " if len(nums) == 1 else "patches ") + ", ".join(out)


def _ref(msgid: str, list_url: str | None) -> str:
    """A mail: its Message-ID, linked when the list's URL is known (report.build.message_url)."""
    from listsum.report.build import message_url

    link = message_url(list_url, msgid)
    if not link:
        return md(f"<{msgid}>")
    return f"[{md(msgid)}]({link.replace('(', '%28').replace(')', '%29').replace(' ', '%20')})"


def _trailer_flags(st: RevisionStep, url: str | None = None) -> list[str]:
    flagged = [t for t in st.trailers if t.status != "carried"]
    if not st.trailers:
        return []
    out = ["", f"Trailers of v{st.from_version}: {len(st.trailers) - len(flagged)} carried as given"
           + (", flagged:" if flagged else ".")]
    for t in flagged:
        mark = "⚠ " if t.status == STALE else ""
        via = " (given on the cover letter)" if t.via_cover else ""
        out.append(f"- {mark}{t.kind}: {md(t.person)} on {md(t.patch)}{via}: **{t.status}** "
                   f"({_ref(t.given_in, url)} → {_ref(t.new_message_id, url)})")
    return out


def _review_checks(st: RevisionStep, url: str | None = None) -> list[str]:
    if not st.reviews:
        return []
    out = ["", f"Review of v{st.from_version} (heuristic):"]
    for r in st.reviews[:REVIEWS_SHOWN]:
        answer = f" → {_ref(r.answer_in, url)}" if r.answer_in else ""
        said = f"; changelog: \"{md(r.changelog_line)}\"" if r.changelog_line else ""
        hunk = f" (about {md_code(r.quoted[-1][:120])})" if r.quoted else ""
        out.append(f"- **{r.verdict}**: {md(r.person)} on {md(r.patch)}: \"{md(r.line)}\"{hunk}{said} "
                   f"({_ref(r.asked_in, url)}{answer})")
    if len(st.reviews) > REVIEWS_SHOWN:
        out.append(f"- ... {len(st.reviews) - REVIEWS_SHOWN} more in the JSON output")
    return out


def _diffs(st: RevisionStep) -> list[str]:
    out: list[str] = []
    for p in st.patches:
        if not p.diff or p.new is None:
            continue
        lines = [controls(ln) for ln in p.diff[:DIFF_LINES]]
        fence = "`" * max(3, 1 + max((len(r) for ln in lines for r in _ticks(ln)), default=0))
        more = len(p.diff) - len(lines)
        out += ["", f"Range-diff of {md(p.new.subject)} ({md(p.size)}):", "", fence + "diff", *lines, fence]
        if more > 0:
            out.append(f"({more} more lines in the JSON output)")
    return out


def _ticks(line: str) -> list[str]:
    import re

    return re.findall(r"`{3,}", line)


def _landing(d: DeepDive) -> list[str]:
    """Did it land: --git findings, else the "applied" replies."""
    if not d.steps and not d.applied and not d.landed:
        return []
    out = ["", "## Did it land?", ""]
    if d.landed_in:
        out.append(f"Looked up in {md_code(d.landed_in)} by patch-id, else author + subject:")
        out.append("")
        for x in d.landed:
            if x.found_by:
                out.append(f"- {md(x.subject)}: {md_code(x.commit[:12])} ({x.found_by})"
                           + (f", in {md(x.contained_in)}" if x.contained_in else ""))
            else:
                out.append(f"- {md(x.subject)}: **not found**")
        out.append("")
    if d.applied:
        out += [f"- applied by {md(a.by)}" + (f" to {md(a.branch)}" if a.branch else "")
                + f" on {_t(a.date)}: \"{md(a.text)}\" ({_ref(a.message_id, d.list_url)})" for a in d.applied]
    elif not d.landed_in:
        out.append("- no \"applied\" reply on any revision (pass --git PATH to look in a tree)")
    return out


def _jsonable(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def render_json(d: DeepDive) -> str:
    return json.dumps(_jsonable(dataclasses.asdict(d)), indent=1, ensure_ascii=False) + "\n"


def render(d: DeepDive, kind: str) -> str:
    if kind == "json":
        return render_json(d)
    return render_markdown(d)


def print_terminal(d: DeepDive) -> None:
    from rich.console import Console

    Console().print(terminal_markdown(render_markdown(d)))


def terminal_markdown(text: str):  # -> rich.markdown.Markdown (rich imported lazily)
    """The deep dive's Markdown as rich draws it, with table cells folded rather than cut:
    rich ends a long cell with "…", which cut "+1 -2 lines in drivers/iommu/arm/arm-sm…" at
    80 columns (SMMUv3 nested stage, kvmarm): a path nobody could then open."""
    from rich.markdown import Markdown, TableElement
    from rich.table import Table

    class FoldedTable(TableElement):
        def __rich_console__(self, console, options):  # type: ignore[no-untyped-def]
            for part in super().__rich_console__(console, options):
                if isinstance(part, Table):
                    for column in part.columns:
                        column.overflow = "fold"
                yield part

    class DiveMarkdown(Markdown):
        elements = {**Markdown.elements, "table_open": FoldedTable}

    return DiveMarkdown(text)
