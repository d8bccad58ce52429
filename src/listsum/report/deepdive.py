"""Renderings of a thread deep dive (thread_report.DeepDive): Markdown, JSON, terminal.

Times are UTC. The terminal form is the Markdown drawn by rich, so the two
never disagree.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime

from listsum.report.escape import md, md_code, md_lines
from listsum.thread_report import CHANGES, DeepDive, ReviewCell


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
    out += ["", "## Review matrix", "", "| Patch | Person | Given | Why |", "|---|---|---|---|"]
    out += [f"| {_cell(c.patch)} | {_cell(c.person)} | {', '.join(c.kinds)} | {_why(c)} |" for c in d.matrix]
    out += ["", "## Open questions", ""]
    out += [f"- {_cell(q.sender)} ({_t(q.date)}): {_cell(q.text)}" for q in d.questions] or ["- none found"]
    out += ["", "## Timeline", ""]
    for e in d.timeline:
        note = f" **{e.note}**" if e.note else ""
        out.append(f"- {_t(e.date)} {'  ' * min(e.depth, 6)}{_cell(e.sender)}: {_cell(e.subject)}{note}")
    return "\n".join(out) + "\n"


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
    from rich.markdown import Markdown

    Console().print(Markdown(render_markdown(d)))
