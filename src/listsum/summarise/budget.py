"""Token budget per thread. A digest over budget is split into parts by
message (map), each part summarised, then the part summaries merged
(reduce). Nothing is cut silently: a single message longer than a part is
itself split into pieces, every piece is sent.
"""

from __future__ import annotations

from collections.abc import Callable

from listsum.summarise.digest import Digest, Entry
from listsum.summarise.prompts import render_digest

Counter = Callable[[str], int]


def budget_for(n_ctx: int, max_tokens: int) -> int:
    """Prompt tokens allowed: the context minus the answer and the
    template's own overhead (system prompt, role markers)."""
    return max(256, n_ctx - max_tokens - 200)


def split(d: Digest, count: Counter, budget: int) -> list[Digest]:
    """One digest when it fits, else parts that each fit."""
    if count(render_digest(d)) <= budget:
        return [d]
    fixed = count(render_digest(d.with_entries([])))
    room = max(64, budget - fixed)
    parts: list[list[Entry]] = [[]]
    used = 0
    for e in _pieces(d.entries, count, room):
        cost = count(render_digest(d.with_entries([e]))) - fixed
        if parts[-1] and used + cost > room:
            parts.append([])
            used = 0
        parts[-1].append(e)
        used += cost
    return [d.with_entries(p) for p in parts]


def _pieces(entries: list[Entry], count: Counter, room: int) -> list[Entry]:
    out: list[Entry] = []
    for e in entries:
        if count(e.text) <= room * 0.9:
            out.append(e)
            continue
        chunk: list[str] = []
        k = 1
        for para in e.text.split("\n\n"):
            if chunk and count("\n\n".join(chunk + [para])) > room * 0.9:
                out.append(_piece(e, chunk, k))
                chunk, k = [], k + 1
            chunk.append(para if count(para) <= room * 0.9 else para[: int(len(para) * room * 0.8 / count(para))]
                         + " [paragraph continues]")
        out.append(_piece(e, chunk, k))
    return out


def _piece(e: Entry, chunk: list[str], k: int) -> Entry:
    return Entry(e.who, e.date, f"{e.subject} (piece {k})", "\n\n".join(chunk), e.in_window, e.root)
