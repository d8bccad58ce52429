"""Threads: the raw conversation, built from References and In-Reply-To.

Two messages are in one thread when one names the other, or both name a
common ancestor, even one that is not in the input (a "ghost"). This is the
partition notmuch computes; subjects are never used to join threads, so two
discussions that share a subject stay apart (the seed reports' defect is the
opposite: one discussion split by subject). Grouping patches into series and
revisions is a layer above (series.py) and never changes a thread.

Inside a thread each message gets a parent: the nearest ancestor in its
References chain that we have (JWZ's rule), else the thread's root. Cycles
(A references B, B references A) are broken deterministically by date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from listsum.mail.message import Message


@dataclass(eq=False)
class Thread:
    """One conversation. ``messages`` sorted by (date, msgid)."""

    id: str  # msgid of the root message, or of the oldest ghost ancestor
    messages: list[Message]
    parent: dict[str, str | None] = field(default_factory=dict)  # msgid -> parent msgid
    ghost_root: bool = False  # the conversation starts at a mail we do not have

    @property
    def root(self) -> Message:
        """The first message we have: the root, or the oldest reply to a ghost."""
        by_id = {m.msgid: m for m in self.messages}
        return by_id.get(self.id) or self.messages[0]

    @property
    def subject(self) -> str:
        return self.root.subject

    @property
    def first(self) -> datetime:
        return self.messages[0].date

    @property
    def last(self) -> datetime:
        return self.messages[-1].date

    def depth(self, msgid: str) -> int:
        """Reply depth of a message below the root (0 for the root)."""
        d, seen = 0, set()
        cur = self.parent.get(msgid)
        while cur is not None and cur not in seen:
            seen.add(cur)
            d += 1
            cur = self.parent.get(cur)
        return d

    def participants(self) -> list[str]:
        """Distinct senders (by address), in order of first appearance."""
        seen: dict[str, str] = {}
        for m in self.messages:
            seen.setdefault(m.from_addr or m.sender, m.sender)
        return list(seen.values())


class _UnionFind:
    def __init__(self) -> None:
        self.up: dict[str, str] = {}

    def find(self, x: str) -> str:
        up = self.up
        root = x
        while up.get(root, root) != root:
            root = up[root]
        while up.get(x, x) != root:  # path compression
            up[x], x = root, up[x]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # Deterministic: the smaller id wins, whatever the input order.
            if rb < ra:
                ra, rb = rb, ra
            self.up[rb] = ra


def _order(m: Message) -> tuple[datetime, str]:
    return (m.date, m.msgid)


def build_threads(messages: list[Message]) -> list[Thread]:
    """Partition ``messages`` (unique msgids) into threads, oldest thread first."""
    uf = _UnionFind()
    by_id = {m.msgid: m for m in messages}
    for m in messages:
        uf.find(m.msgid)
        for ref in m.parent_ids:
            uf.union(m.msgid, ref)
    groups: dict[str, list[Message]] = {}
    for m in messages:
        groups.setdefault(uf.find(m.msgid), []).append(m)
    threads = [_make_thread(msgs, by_id) for msgs in groups.values()]
    threads.sort(key=lambda t: (t.first, t.id))
    return threads


def _make_thread(msgs: list[Message], by_id: dict[str, Message]) -> Thread:
    msgs.sort(key=_order)
    parent: dict[str, str | None] = {}
    for m in msgs:
        # Nearest ancestor we actually have; In-Reply-To is the last parent id.
        parent[m.msgid] = next((r for r in reversed(m.parent_ids) if r in by_id and r != m.msgid), None)
    _break_cycles(parent, by_id)
    roots = [m for m in msgs if parent[m.msgid] is None]
    root = roots[0] if roots else msgs[0]
    ghost = bool(root.parent_ids)
    tid = root.references[0] if ghost and root.references else (
        root.in_reply_to if ghost and root.in_reply_to else root.msgid)
    # Other roots (siblings under a ghost) hang from the thread root for display.
    for r in roots[1:]:
        parent[r.msgid] = None
    return Thread(id=tid, messages=msgs, parent=parent, ghost_root=ghost)


def _break_cycles(parent: dict[str, str | None], by_id: dict[str, Message]) -> None:
    for start in list(parent):
        path: list[str] = []
        seen: set[str] = set()
        cur: str | None = start
        while cur is not None and cur not in seen:
            seen.add(cur)
            path.append(cur)
            cur = parent.get(cur)
        if cur is not None:  # cycle: cut at its oldest member
            loop = path[path.index(cur):]
            oldest = min(loop, key=lambda i: _order(by_id[i]))
            parent[oldest] = None
