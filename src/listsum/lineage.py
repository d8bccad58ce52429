"""Lineage: a series' revisions across threads (v1 -> v2 -> ... -> vN).

Linked by b4's ``change-id:`` line when the cover letter has one, else by author
address + normalised title of the cover letter (or lone patch), or, when the cover
title drifted, by most patch titles in common (same author, within a year). The
same title from two authors is two series. Only headers are read, plus a byte search
of cover letters for change-id, so linking a three-year archive costs well under a
second. Split from series.py, which keeps what one thread posts (``postings``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from listsum.facts.authors import Author, ghost_author
from listsum.mail.subject import Subject, starts_as_reply
from listsum.mail.threads import Thread
from listsum.model import Revision
from listsum.series import Posting, is_posting, main_posting, postings


def _title_key(post: Posting) -> tuple[str, ...]:
    cid = post.change_id()
    if cid:
        return ("change-id", cid)
    # Stable target in the key: Sasha's AUTOSEL sends one title to 4.14, 4.19, 5.4.
    return (post.kind, post.author, post.subject.stable or "", post.subject.normalised)


def _patch_keys(post: Posting) -> set[tuple[str, ...]]:
    base = (post.kind, post.author, post.subject.stable or "")
    return {base + (Subject.parse(m.subject).normalised,) for m in post.patches}


def _overlapping(found: list[Posting]) -> list[tuple[int, int]]:
    """Pairs of postings whose patch titles mostly agree: a renamed cover letter.

    Sharing one patch is not enough: maz's "[PATCH 00/26] KVM: arm64:
    Preliminary NV patches" and many small series reuse a patch of another.
    """
    keys = [_patch_keys(p) for p in found]
    lone = [p.expected <= 1 for p in found]
    bucket: dict[tuple[str, ...], list[int]] = {}
    for i, ks in enumerate(keys):
        for k in ks:
            bucket.setdefault(k, []).append(i)
    pairs: set[tuple[int, int]] = set()
    for ids in bucket.values():
        for a in ids:
            for b in ids:
                if a < b and (a, b) not in pairs:
                    shared = len(keys[a] & keys[b])
                    if (shared >= 2 and 2 * shared >= min(len(keys[a]), len(keys[b]))) or (lone[a] and lone[b] and _same_lone(keys[a], keys[b])):
                        pairs.add((a, b))
    return sorted(pairs)


def _same_lone(a: set[tuple[str, ...]], b: set[tuple[str, ...]]) -> bool:
    """Two one-patch series ("[PATCH]" or "m/1") of one patch, one with a cover letter titled
    otherwise: Craig McQueen's "[PATCH] leds: Introduce userspace LED triggers driver" and his
    "[PATCH v2 0/1] Introduce userspace LED triggers driver" over "[PATCH v2 1/1] leds:
    Introduce ..." (linux-leds, 2025-03-06 and 11), his v3 a lone patch again. Not the one patch
    of a larger series that reached the list: Mauro Carvalho Chehab's "docs: fix broken
    references to text files" came as 3/7, 08/12, 03/35 and v2 09/33 of four series (kvmarm, 2020)."""
    return len(a) == len(b) == 1 and a == b


# A retitled revision comes within months: a year-old posting sharing a patch title is another series.
_RETITLED_WITHIN = timedelta(days=365)
_MIN_PREFIX_WORDS = 3


def _retitled(found: list[Posting], groups: _Groups) -> list[tuple[int, int]]:
    """(earlier, later) postings to link where the later one is a "vN" (N >= 2) with no earlier
    revision linked: the same author's latest earlier posting, with a lower version, that
    shares a patch title or whose cover title starts like it, provided that earlier posting's
    lineage holds no version as high (two lineages are never merged).

    Markus Probst's "[PATCH v8 0/4] rust: leds: add led classdev abstractions" came from b4
    with a change-id his v7 lacks (linux-leds, 2025-11-15); Keqian Zhu's "[PATCH v2 0/2]
    vfio/iommu_type1: some fixes" follows "[PATCH 0/5] vfio/iommu_type1: Some fixes about
    dirty tracking" with other patches (kvmarm, 2021-01); Alexandru Elisei's "[PATCH v3 0/2]
    KVM: arm64: Debug fixes" carries his lone "[PATCH v2] KVM: arm64: Initialize VCPU
    mdcr_el2 before loading it" (kvmarm, 2021-04).
    """
    low: dict[int, int] = {}
    high: dict[int, int] = {}
    for i, post in enumerate(found):
        g = groups.find(i)
        low[g], high[g] = min(low.get(g, post.revision), post.revision), max(high.get(g, 0), post.revision)
    by_author: dict[str, list[int]] = {}
    for i, post in enumerate(found):
        by_author.setdefault(post.author, []).append(i)
    out = []
    for i, post in enumerate(found):
        if post.kind != "patch" or post.subject.revision_inferred or post.revision < 2 \
                or low[groups.find(i)] < post.revision:
            continue
        cands = [j for j in by_author[post.author] if _may_precede(found[j], post)
                 and high[groups.find(j)] < post.revision and groups.find(j) != groups.find(i)]
        j = _best_predecessor(post, [(j, found[j]) for j in cands])
        if j is not None:
            out.append((j, i))
    return out


def _may_precede(old: Posting, new: Posting) -> bool:
    return (old.kind == "patch" and old.revision < new.revision and old.subject.stable == new.subject.stable
            and new.date - _RETITLED_WITHIN < old.date < new.date)


def _best_predecessor(post: Posting, cands: list[tuple[int, Posting]]) -> int | None:
    """Most patch titles in common (then the latest); else a cover title one starts like the other."""
    keys = _patch_keys(post)
    shared = [(len(keys & _patch_keys(c)), c.date, j) for j, c in cands]
    best = max(shared, default=None)
    if best is not None and best[0] > 0:
        return best[2]
    words = post.subject.normalised.split()
    prefix = [(c.date, j) for j, c in cands if _word_prefix(words, c.subject.normalised.split())]
    return max(prefix)[1] if prefix else None


def _word_prefix(a: list[str], b: list[str]) -> bool:
    """One title is the other's first words, at least three of them ("vfio iommu_type1 some fixes")."""
    n = min(len(a), len(b))
    return n >= _MIN_PREFIX_WORDS and a[:n] == b[:n]


def _revision(post: Posting, thread_id: str) -> Revision:
    return Revision(version=post.revision, thread_id=thread_id, subject=post.subject.full,
                    date=post.date, resend=post.subject.resend)


class _Groups:
    """Union-find over posting indices, joined through shared keys."""

    def __init__(self, n: int) -> None:
        self.up = list(range(n))

    def find(self, i: int) -> int:
        while self.up[i] != i:
            self.up[i] = self.up[self.up[i]]
            i = self.up[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.up[max(ra, rb)] = min(ra, rb)


def link_revisions(threads: list[Thread]) -> dict[str, list[Revision]]:
    """Every thread with a posting -> all known revisions of its series, oldest first.

    Pass ALL input threads, not only the report window's, so that v12 in the
    window finds v11 from months before.
    """
    found: list[tuple[Thread, Posting]] = []
    main: dict[str, Posting] = {}
    for t in threads:
        posts = postings(t)
        found += [(t, p) for p in posts]
        if posts:
            main[t.id] = main_posting(t, posts)
    groups = _Groups(len(found))
    owner: dict[tuple[str, ...], int] = {}
    for i, (_, post) in enumerate(found):
        groups.union(owner.setdefault(_title_key(post), i), i)
    for a, b in _overlapping([p for _, p in found]):
        if found[a][1].change_id() is None and found[b][1].change_id() is None:
            groups.union(a, b)
    for a, b in _retitled([p for _, p in found], groups):
        groups.union(a, b)
    members: dict[int, list[Revision]] = {}
    for i, (thread, post) in enumerate(found):
        members.setdefault(groups.find(i), []).append(_revision(post, thread.id))
    for lineage in members.values():
        lineage.sort(key=lambda r: (r.version, r.date, r.thread_id))
        lineage[:] = _one_per_posting(lineage)
    out: dict[str, list[Revision]] = {}
    for i, (thread, post) in enumerate(found):
        if post is main[thread.id]:
            out[thread.id] = members[groups.find(i)]
    return out


# One sending of a series spread over threads: Outlook rewrote the Message-ID
# of Manuel Fombuena's "[PATCH 0/5] LED1202 / leds-st1202 fixes and
# improvements" (linux-leds, 2025-01-17 23:40:26), so its patches, sent a
# second later, thread apart; both threads are the same v1.
_SAME_POSTING = timedelta(hours=1)


def _one_per_posting(lineage: list[Revision]) -> list[Revision]:
    """One entry per version: the same (version, RESEND) again within an hour
    of the entry kept is the same posting in another thread."""
    out: list[Revision] = []
    for rev in lineage:
        kept = out[-1] if out else None
        if (kept is not None and (kept.version, kept.resend) == (rev.version, rev.resend)
                and rev.date - kept.date < _SAME_POSTING):
            continue
        out.append(rev)
    return out


def link_orphans(threads: list[Thread], lineage: dict[str, list[Revision]],
                 only: list[Thread] | None = None) -> dict[str, list[Revision]]:
    """Lineages ``link_revisions`` cannot see, found by patch title (same author), for the
    threads of ``only`` (default: all):

    - a thread whose posting is outside the input ("Re: [PATCH v3 01/10] kvm: arm64: vgic:
      Introduce vgic_check_iorange", kvmarm week of 2021-10-04) gets the lineage of the
      posting that carries that title as a patch, so its v4 supersedes it;
    - a lone patch whose title comes back as one patch of a later, larger revision (Heiko's
      "[PATCH] leds: qnap-mcu: add support for the red and green status leds" and its
      "[PATCH v2 2/2]", linux-leds 2025-08) joins that revision's lineage.
    Returns only the threads it changed.
    """
    index = _posted_titles(threads)
    out: dict[str, list[Revision]] = {}
    for t in only if only is not None else threads:
        if t.ghost_root and t.id not in lineage:
            # Every patch the replies name: Marc's 2/5 was retitled in v2 ("KVM: arm64: vgic-v3:
            # Work around ..."), his 3/5 kept its title.
            subjects = {s.normalised: s for s in (Subject.parse(m.subject) for m in t.messages)}
            author = set(Author.of("", ghost_author(t)).addrs)
            later = [tid for key, subj in subjects.items() for tid, rev, addr, _ in index.get(key, [])
                     if rev > subj.revision and (not author or addr in author)]
            if later:
                out[t.id] = _merged(lineage.get(later[0], []))
            continue
        posts = postings(t) if t.id in lineage and len(lineage[t.id]) == 1 else []
        if len(posts) == 1 and posts[0].cover is None and len(posts[0].patches) == 1:
            lone = posts[0]
            later = [tid for tid, rev, addr, date in index.get(lone.subject.normalised, [])
                     if tid != t.id and addr == lone.author and rev > lone.revision and date > lone.date]
            if later:
                both = _merged(lineage.get(t.id, []) + lineage.get(later[0], []))
                out[t.id] = out[later[0]] = both
    return out


def _posted_titles(threads: list[Thread]) -> dict[str, list[tuple[str, int, str, datetime]]]:
    """Normalised title of every posted mail -> (thread id, revision, author, date): a
    header scan, lighter than ``postings`` for every thread."""
    index: dict[str, list[tuple[str, int, str, datetime]]] = {}
    for t in threads:
        for m in t.messages:
            if starts_as_reply(m.subject):
                continue
            subj = Subject.parse(m.subject)
            if is_posting(subj):
                index.setdefault(subj.normalised, []).append((t.id, subj.revision, m.from_addr, m.date))
    return index


def _merged(revs: list[Revision]) -> list[Revision]:
    seen = {(r.thread_id, r.version, r.resend): r for r in revs}
    return sorted(seen.values(), key=lambda r: (r.version, r.date, r.thread_id))
