"""The deep dive's revision part: v(N-1) -> vN steps, and whether the series landed.

Picks one posting per version from the lineage (pipeline.facts),
hands consecutive pairs to facts/evolution.py, and the newest posting's
patches to sources/gittree.py when ``--git`` names a tree. The "applied"
replies of every revision are the evidence when no tree is given.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

from listsum.facts.applied import find_applied
from listsum.facts.evolution import RevisionStep, side, step
from listsum.mail.subject import Subject
from listsum.mail.threads import Thread
from listsum.model import AppliedFact, Revision
from listsum.series import Posting, postings
from listsum.sources.gittree import Landing, Wanted, find_landed

Progress = Callable[[str], None]


def pick_postings(lineage: list[Revision], by_thread: dict[str, Thread]) -> list[tuple[Posting, Thread]]:
    """One posting per version, oldest version first: of several sendings of
    one version (a RESEND, a v2 posted twice) the one with most patches, then the latest."""
    best: dict[int, tuple[Posting, Thread]] = {}
    for rev in lineage:
        thread = by_thread.get(rev.thread_id)
        if thread is None:
            continue
        for post in postings(thread):
            if post.revision != rev.version or post.subject.full != rev.subject or not post.patches:
                continue
            cur = best.get(post.revision)
            if cur is None or (len(post.patches), post.date) > (len(cur[0].patches), cur[0].date):
                best[post.revision] = (post, thread)
    return [best[v] for v in sorted(best)]


def revision_steps(chosen: list[tuple[Posting, Thread]], progress: Progress | None = None) -> list[RevisionStep]:
    """Every consecutive pair of ``chosen``, compared."""
    started = time.monotonic()
    sides = [side(p, t) for p, t in chosen]
    out = []
    for old, new in zip(sides, sides[1:]):
        if progress and time.monotonic() - started > 1.0:
            progress(f"comparing v{old.post.revision} with v{new.post.revision}")
        out.append(step(old, new))
    return out


def applied_all(chosen: list[tuple[Posting, Thread]]) -> list[AppliedFact]:
    """"Applied" replies on any revision's thread, oldest first."""
    seen: set[str] = set()
    out: list[AppliedFact] = []
    for _, thread in chosen:
        if thread.id in seen:
            continue
        seen.add(thread.id)
        posted = {m.msgid for p in postings(thread) for m in p.messages}
        out += find_applied(thread, posted)
    return sorted(out, key=lambda a: a.date)


def landed(chosen: list[tuple[Posting, Thread]], repo: Path, progress: Progress | None = None) -> list[Landing]:
    """The newest revision's patches looked up in ``repo``."""
    from listsum.facts import body_text
    from listsum.facts.interdiff import patch_id

    if not chosen:
        return []
    post = chosen[-1][0]
    wanted = [Wanted(Subject.parse(m.subject).title, m.msgid, _author(m.from_addr, body_text(m)),
                     patch_id(body_text(m))) for m in post.patches]
    return find_landed(repo, wanted, chosen[0][0].date, progress)


_IN_BODY_FROM = re.compile(r"^From:\s*(?:.*<)?([^\s<>]+@[^\s<>]+)>?\s*$")


def _author(sender: str, body: str) -> str:
    """The commit's author: the in-body "From:" of a patch sent for someone else, else the sender."""
    first = body.lstrip("\n").split("\n", 1)[0]
    m = _IN_BODY_FROM.match(first)
    return m.group(1).lower() if m else sender
