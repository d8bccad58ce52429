"""Renderings of a thread deep dive (thread_report.DeepDive): Markdown, JSON, terminal.

Times are UTC. The terminal form is the Markdown drawn by rich, so the two
never disagree.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime

from listsum.thread_report import DeepDive


def _t(when: datetime) -> str:
    return f"{when:%Y-%m-%d %H:%M}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(d: DeepDive) -> str:
    out = [f"# {_cell(d.subject)}", "",
           f"{d.messages} messages, {len(d.participants)} participants, {_t(d.first)} .. {_t(d.last)} UTC", ""]
    out += ["## Revisions", ""]
    for r in d.revisions or []:
        mark = " (this thread)" if r.in_thread else ""
        out.append(f"- **v{r.version}**{mark}: {_t(r.date)}, {r.patches} patches: {_cell(r.subject)}")
        out += [f"  - {_cell(c)}" for c in r.changes]
    if not d.revisions:
        out.append("- not a patch series")
    out += ["", "## Review matrix", "", "| Patch | Person | Given |", "|---|---|---|"]
    out += [f"| {_cell(c.patch)} | {_cell(c.person)} | {', '.join(c.kinds)} |" for c in d.matrix]
    out += ["", "## Open questions", ""]
    out += [f"- {_cell(q.sender)} ({_t(q.date)}): {_cell(q.text)}" for q in d.questions] or ["- none found"]
    if d.summary is not None:
        out += ["", f"## Summary ({d.summary.engine})", "", d.summary.text]
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
