"""What the first three sections of every rendering show, chosen once for all renderers:
"Needs attention" (Report.needs_attention), "Applied this week" and "New series".

Pure selection over the Report; the renderers only format (and escape) it.
"""

from __future__ import annotations

import re

from listsum.report.build import message_url
from listsum.model import Attention, Problem, Report, SeriesFacts, ThreadReport


def applied_this_week(report: Report) -> list[ThreadReport]:
    """Threads whose state is applied by a notice dated inside the window."""
    out = []
    for t in report.threads:
        if t.state is None or t.state.name != "applied":
            continue
        in_window = {m.message_id for m in t.messages if m.in_window}
        if any(e in in_window for e in t.state.evidence):
            out.append(t)
    return out


def new_series(report: Report) -> list[ThreadReport]:
    """Threads whose newest posting was sent inside the window."""
    out = []
    for t in report.threads:
        s = t.series
        if s is None or t.ghost_root and not s.patches:
            continue
        if any(r.thread_id == t.id and r.version == s.version and r.date in report.window for r in s.lineage):
            out.append(t)
    return out


EVIDENCE_SHOWN = 3  # mails named per needs-attention entry or state, in every rendering


def evidence(ids: list[str]) -> tuple[list[str], int]:
    """The mails a rendering names for one entry, and how many it leaves out.

    The terminal showed 2, the Markdown 3 and the JSON all 5 mails behind the
    SMMUv3 v13 "changes requested" entry: the same entry must read the same."""
    return ids[:EVIDENCE_SHOWN], max(0, len(ids) - EVIDENCE_SHOWN)


def link(report: Report, msgid: str) -> str | None:
    """The lore URL of ``msgid`` when the list URL is known, else None (show the id)."""
    return message_url(report.list_url, msgid)


def subjects(report: Report) -> dict[str, str]:
    return {t.id: t.subject for t in report.threads}


def entry_subject(report: Report, a: Attention) -> str:
    return subjects(report).get(a.thread_id, a.thread_id)


def me_name(report: Report) -> str:
    """The name part of --me ("Marc Zyngier <maz@kernel.org>" -> "Marc Zyngier")."""
    me = report.me or ""
    return me.split("<")[0].strip().strip('"') or me.strip("<> ")


def patch_groups(s: SeriesFacts) -> list[tuple[str, str]]:
    """(state, "1-4, 6") per state of the newest posting's patches, when they differ:
    "reviewed" for most of MMIO guard v2, "changes-requested" for 13/16."""
    by: dict[str, list[int]] = {}
    for p in s.patch_states:
        by.setdefault(p.state.name, []).append(p.counter)
    if len(by) < 2:
        return []
    return [(name, _ranges(sorted(nums))) for name, nums in by.items()]


def _ranges(nums: list[int]) -> str:
    out: list[str] = []
    start = prev = nums[0]
    for n in nums[1:] + [None]:  # type: ignore[list-item]
        if n is not None and n == prev + 1:
            prev = n
            continue
        out.append(str(start) if start == prev else f"{start}-{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(out)


_LATER_REF = re.compile(r"^(?P<text>.*), <(?P<id>[^<>\s]+)>\)$")
LATER_SHOWN = 5  # "later: ..." lines a terminal panel shows before "+N more"


def later_parts(line: str) -> tuple[str, str | None]:
    """("later: comment from Keqian Zhu (2021-02-01", msgid) from a state's later line,
    so a rendering can link the mail like every other; (line, None) when it names none."""
    m = _LATER_REF.match(line)
    return (m["text"], m["id"]) if m else (line, None)


_WHERE = re.compile(r"^(?P<path>.*), message (?P<n>\d+)$")


def grouped_problems(problems: list[Problem]) -> list[Problem]:
    """One line per (input, what): the linux-leds archive has seven messages with
    "unknown charset 'y'" (messages 2040 ... 2788), which printed as seven lines
    pushing "Needs attention" off the first screen. The JSON keeps them apart."""
    groups: dict[tuple[str, str], list[str]] = {}
    for p in problems:
        m = _WHERE.match(p.where)
        path, n = (m["path"], m["n"]) if m else (p.where, "")
        groups.setdefault((path, p.what), []).append(n)
    out = []
    for (path, what), nums in groups.items():
        nums = [n for n in nums if n]
        if not nums:
            out.append(Problem(where=path, what=what))
        else:
            word = "message" if len(nums) == 1 else "messages"
            out.append(Problem(where=f"{path}, {word} {', '.join(nums)}", what=what))
    return out
