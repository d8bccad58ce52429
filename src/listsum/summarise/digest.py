"""Helpers points.py shares with the rest of summarise: a message's plain
body and a patch's counter ("3/5"), and a list of counters said in words.
(The prompt digest once built here lost its last caller when summaries
became records of rule-chosen points.)
"""

from __future__ import annotations

import re

from listsum.mail.body import text_of
from listsum.mail.message import Message

_COUNTER = re.compile(r"\[[^\]]*?\b(\d+/\d+)\]")


def body_text(msg: Message) -> str:
    """The plain body (mail/body.py)."""
    return text_of(msg)


def label(subject: str) -> str:
    """What a reply answers: "2/5", "0/5" (a cover letter carries its 0/N), "the patch"
    for a lone "[PATCH] ..." (no counter: one patch, never a cover letter), else the subject."""
    m = _COUNTER.search(subject)
    return m.group(1) if m else "the patch" if "[" in subject else subject[:60]


def patches(labels: list[str]) -> str:
    """["01/15", ..., "15/15"] -> "all 15 patches"; ["1/5", "3/5"] -> "patches 1, 3 of 5"."""
    labels = list(dict.fromkeys(labels))
    nums: set[int] = set()
    total = 0
    for lab in labels:
        m = re.fullmatch(r"(\d+)/(\d+)", lab)
        if not m:
            return ", ".join(labels)
        nums.add(int(m.group(1)))
        total = max(total, int(m.group(2)))
    if nums >= set(range(1, total + 1)):
        return f"all {total} patches" + (" and the cover letter" if 0 in nums else "")
    if nums == {0}:
        return "the cover letter"
    named = ", ".join("cover letter" if n == 0 else str(n) for n in sorted(nums))
    return f"patch {named} of {total}" if len(nums) == 1 else f"patches {named} of {total}"
