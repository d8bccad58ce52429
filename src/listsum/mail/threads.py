"""Threads: the raw conversation, built from References and In-Reply-To.

Two messages are in one thread when one names the other, or both name a
common ancestor, even one that is not in the input (a "ghost"). This is the
partition notmuch computes (tests/test_notmuch_agreement.py measures it on
the whole kvmarm archive); subjects are never used to join threads, so two
discussions that share a subject stay apart. Grouping patches into series
and revisions is a layer above (series.py) and never changes a thread.

Inside a thread the tree follows JWZ's algorithm: every References chain
says "each id is the parent of the next"; the first chain (oldest message
first) to name a link keeps it, and a message's own In-Reply-To (the last id
of its chain) overrides what others guessed for it. A link that would close
a loop is refused, so A-refs-B plus B-refs-A leaves the older one as root.
A message's ``parent`` is its nearest ancestor we have, walking up through
ghosts. ``Thread.id`` is the top of that tree: the root message when we have
it, else the oldest ghost ancestor (normally References[0], which RFC 5322
says to keep), so a thread keeps its id whether a window holds its root or
only later replies. Everything is decided from sorted data, so the result
does not depend on input order.
"""

from __future__ import annotations

from collections import Counter
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
    duplicates: list[Message] = field(default_factory=list)  # other copies of a msgid we have
    _depths: dict[str, int] | None = field(default=None, repr=False)

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
        """Reply depth of a message below the root (0 for the root).

        All depths are computed once, each from its parent's: a 10k-message
        In-Reply-To chain costs 10k steps, not 50M (issue 8)."""
        if self._depths is None:
            self._depths = {}
        memo = self._depths
        path: list[str] = []
        cur: str | None = msgid
        while cur is not None and cur not in memo:
            path.append(cur)
            cur = self.parent.get(cur)
            if len(path) > len(self.parent) + 1:  # a loop in hand-made parents: stop
                break
        d = memo.get(cur, -1) if cur is not None else -1
        for p in reversed(path):
            d += 1
            memo[p] = d
        return memo.get(msgid, 0)

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
            # The smaller id wins: a component's key is its smallest id,
            # whatever the input order.
            if rb < ra:
                ra, rb = rb, ra
            self.up[rb] = ra


def _order(m: Message) -> tuple[datetime, str]:
    return (m.date, m.msgid)


def _chain(m: Message) -> list[str]:
    """Ancestry ids, oldest first, without repeats or the message itself.

    Broken clients repeat ids or name the message in its own References;
    keeping the first occurrence keeps the oldest position of each id.
    """
    return [r for r in dict.fromkeys(m.parent_ids) if r != m.msgid]


def _unique(messages: list[Message]) -> tuple[list[Message], list[Message]]:
    """One message per msgid (the oldest copy, then the smallest), and the rest."""
    best: dict[str, Message] = {}
    for m in messages:
        cur = best.get(m.msgid)
        if cur is None or (m.date, len(m.raw), m.raw) < (cur.date, len(cur.raw), cur.raw):
            best[m.msgid] = m
    kept = set(map(id, best.values()))
    dups = [m for m in messages if id(m) not in kept]
    dups.sort(key=lambda m: (m.msgid, m.date, len(m.raw), m.raw))
    return sorted(best.values(), key=_order), dups


def build_threads(messages: list[Message]) -> list[Thread]:
    """Partition ``messages`` into threads, oldest thread first.

    A msgid given twice (a resent or duplicated mail) is threaded once; the
    other copies are listed in that thread's ``duplicates``, and whatever they
    reference joins the thread as well (notmuch does the same).
    """
    msgs, dups = _unique(messages)
    chains = {m.msgid: _chain(m) for m in msgs}
    uf = _UnionFind()
    for m in msgs:
        uf.find(m.msgid)
        for ref in chains[m.msgid]:
            uf.union(m.msgid, ref)
    for d in dups:  # a copy's References join too, as in notmuch; the tree uses the kept copy
        for ref in _chain(d):
            uf.union(d.msgid, ref)
    up = _links(msgs, chains)
    groups: dict[str, list[Message]] = {}
    for m in msgs:  # sorted, so each group is sorted too
        groups.setdefault(uf.find(m.msgid), []).append(m)
    present = {m.msgid for m in msgs}
    threads = {key: _make_thread(group, up, present) for key, group in groups.items()}
    for d in dups:
        threads[uf.find(d.msgid)].duplicates.append(d)
    return sorted(threads.values(), key=lambda t: (t.first, t.id))


def _links(msgs: list[Message], chains: dict[str, list[str]]) -> dict[str, str]:
    """JWZ parent links over all ids, ghosts included; never a loop.

    Linear in References length: in the first pass a link only ever hangs a
    root ``b`` under ``a``, so it closes a loop exactly when ``a`` is already
    in ``b``'s tree, which a union-find answers without walking (one message
    with 50k References took 76 s walking)."""
    up: dict[str, str] = {}
    trees = _UnionFind()
    for m in msgs:  # oldest first: the first chain to name a link keeps it
        chain = chains[m.msgid]
        for a, b in zip(chain, chain[1:]):
            if b not in up and trees.find(a) != trees.find(b):
                up[b] = a
                trees.union(a, b)
    # A message's own last reference is its parent, whatever others guessed.
    # Newest first, so of two messages naming each other the older is root.
    for m in reversed(msgs):
        chain = chains[m.msgid]
        if not chain:
            up.pop(m.msgid, None)
        elif up.get(m.msgid) != chain[-1] and not _reaches(chain[-1], m.msgid, up):
            # (skipped when the first pass already linked it so: the common case,
            # and what keeps a full-References chain linear)
            up[m.msgid] = chain[-1]
    return up


def _reaches(start: str, target: str, up: dict[str, str]) -> bool:
    """True when ``target`` is ``start`` or one of its ancestors."""
    cur: str | None = start
    while cur is not None:
        if cur == target:
            return True
        cur = up.get(cur)
    return False


def _make_thread(msgs: list[Message], up: dict[str, str], present: set[str]) -> Thread:
    parent: dict[str, str | None] = {}
    tops: dict[str, str] = {}
    nearest: dict[str, str | None] = {}  # ghost -> nearest present ancestor, shared by its replies
    for m in msgs:
        parent[m.msgid] = _present_above(m.msgid, up, present, nearest)
        tops[m.msgid] = _top(m.msgid, up, tops)
    tid = _pick_top(msgs, tops)
    return Thread(id=tid, messages=msgs, parent=parent, ghost_root=tid not in present)


def _present_above(msgid: str, up: dict[str, str], present: set[str], memo: dict[str, str | None]) -> str | None:
    """The nearest ancestor we have, climbing through ghosts (memoised: many
    replies hang from one long chain of ghosts)."""
    path: list[str] = []
    cur = up.get(msgid)
    while cur is not None and cur not in present and cur not in memo:
        path.append(cur)
        cur = up.get(cur)
    found = memo[cur] if cur is not None and cur not in present else cur
    for g in path:
        memo[g] = found
    return found


def _top(msgid: str, up: dict[str, str], memo: dict[str, str]) -> str:
    path = []
    cur = msgid
    while cur in up and cur not in memo:
        path.append(cur)
        cur = up[cur]
    top = memo.get(cur, cur)
    for p in path:
        memo[p] = top
    return top


def _pick_top(msgs: list[Message], tops: dict[str, str]) -> str:
    """The top most messages hang from; ties go to the oldest message's top.

    Several tops happen when a client sends only In-Reply-To (its chain starts
    mid-thread at a ghost nobody else links upward).
    """
    counts = Counter(tops[m.msgid] for m in msgs)
    first_seen: dict[str, int] = {}
    for i, m in enumerate(msgs):
        first_seen.setdefault(tops[m.msgid], i)
    return min(counts, key=lambda t: (-counts[t], first_seen[t]))
