"""Our threads against notmuch's, message pair by message pair.

Measured on the whole kvmarm archive (bench/bench_thread.py): 15,435 mails,
1,306 threads on both sides, pairwise F1 = 1.0 (232,101 same-thread pairs,
all shared). notmuch needs ~170 s to index the whole archive on this 2-core
box, over the 3 minutes a test may take, so this test indexes a three-month
slice (2020-09 .. 2020-11, 1,546 mails, ~20 s) plus the week file, both cut
out of the archive, so threads crossing the slice edges test ghost roots.
Nothing is cached: every run rebuilds the notmuch database in tmp_path.

Classes of mail where threading could disagree, and what each side does.
Seen in the corpus, where both agree:
- In-Reply-To with a trailing comment, e.g. message 6616 of the archive
  (`<...-8-maz@kernel.org> (Marc Zyngier's message of "Fri, 4 Sep 2020...")`):
  both read the bracketed id.
- In-Reply-To and no References (18 mails, e.g. message 379): both join.
- No Message-ID (message 9246, an Outlook "RE: [RFC PATCH 10/11] vfio/..."):
  notmuch names it notmuch-sha1-..., we listsum-...@synthetic.invalid; both
  thread it by its References.
- One Message-ID twice (messages 4973 and 4974, "[PATCH 2/2] KVMM: Memory and
  interface related changes" resent two minutes later): one message, two files
  in notmuch; one message plus Thread.duplicates for us.
- Replies whose root is outside the input: both join them on the ghost.
Not in the corpus; checked on hand-written mail in test_edge_classes:
- In-Reply-To naming two messages: notmuch joins all three threads, we follow
  the first id only. notmuch is right (RFC 5322 allows several ids), but
  message.py keeps one In-Reply-To id; fixing it needs Message to keep all.
- In-Reply-To without angle brackets (`In-Reply-To: q1@x`): we join (the
  reply clearly names its parent), notmuch does not. Ours is kept.
- A duplicated Message-ID whose copies reference different threads: notmuch
  joins both threads; so do we (build_threads unions every copy's References).
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import notmuch_ref
import pytest

from listsum.mail.message import Message, Origin, parse_message
from listsum.mail.threads import build_threads
from listsum.sources.mbox import load_bytes, split_mbox

pytestmark = pytest.mark.skipif(notmuch_ref.notmuch_binary() is None,
                                reason="notmuch binary not installed (apt-get install notmuch)")

SLICE = (datetime(2020, 9, 1, tzinfo=timezone.utc), datetime(2020, 12, 1, tzinfo=timezone.utc))


def our_labels(messages: list[Message]) -> list[str]:
    """Per-position thread id, from build_threads."""
    tid = {m.msgid: t.id for t in build_threads(messages) for m in t.messages}
    return [tid[m.msgid] for m in messages]


def compare(raws: list[bytes], tmp: Path) -> tuple[notmuch_ref.Scores, list[list[int]], list[str]]:
    msgs = [parse_message(raw, Origin("test", i + 1)) for i, raw in enumerate(raws)]
    ref = notmuch_ref.reference(raws, tmp)
    ours = our_labels(msgs)
    return notmuch_ref.pair_scores(ours, notmuch_ref.labels(ref, len(raws))), ref, ours


@pytest.mark.corpus
def test_week_file_equals_notmuch(week: Path, tmp_path: Path):
    raws = [raw for raw, _ in split_mbox(load_bytes(str(week)), str(week))]
    scores, ref, ours = compare(raws, tmp_path)
    assert len(ref) == len(set(ours)) == 30
    assert scores.ref_pairs == scores.ours_pairs == scores.both_pairs > 0


@pytest.mark.corpus
def test_three_months_of_archive_agree_with_notmuch(archive: Path, tmp_path: Path):
    raws = []
    for raw, origin in split_mbox(load_bytes(str(archive)), str(archive)):
        if SLICE[0] <= parse_message(raw, origin).date < SLICE[1]:
            raws.append(raw)
    assert len(raws) == 1546
    scores, ref, ours = compare(raws, tmp_path)
    assert scores.f1 >= 0.999, scores
    assert len(ref) == len(set(ours))


def mail(mid: str | None, refs: str | None = None, irt: str | None = None, subject: str = "s") -> bytes:
    head = [f"Message-ID: {mid}"] if mid else []
    head += [f"References: {refs}"] if refs is not None else []
    head += [f"In-Reply-To: {irt}"] if irt is not None else []
    head += [f"Subject: {subject}", "From: A <a@x.org>", "Date: Mon, 4 Oct 2021 10:00:00 +0000"]
    return ("\n".join(head) + "\n\nbody\n").encode()


# (name, mails, groups of positions notmuch 0.37 makes, groups we make)
EDGE = [
    ("loop", [mail("<a@x>", refs="<b@x>"), mail("<b@x>", refs="<a@x>")], [[0, 1]], None),
    ("self reference", [mail("<c@x>", refs="<c@x>"), mail("<c2@x>")], [[0], [1]], None),
    ("siblings under a ghost", [mail("<g1@x>", refs="<G@x>"), mail("<g2@x>", irt="<G@x>")], [[0, 1]], None),
    ("truncated chain", [mail("<d1@x>", refs="<R@x> <X@x>"), mail("<d2@x>", irt="<X@x>")], [[0, 1]], None),
    ("no Message-ID", [mail("<n1@x>"), mail(None, refs="<n1@x>")], [[0, 1]], None),
    ("same subject, no refs", [mail("<s1@x>", subject="T"), mail("<s2@x>", subject="Re: T")], [[0], [1]], None),
    ("comment after id", [mail("<j1@x>"), mail("<j2@x>", irt="<j1@x> (Joe's message of \"Mon\")")],
     [[0, 1]], None),
    ("bare References", [mail("<k1@x>"), mail("<k2@x>", refs="k1@x")], [[0], [1]], None),
    ("empty <> entries", [mail("<l1@x>"), mail("<l2@x>", refs="<l1@x> <>"), mail("<l3@x>", refs="<>")],
     [[0, 1], [2]], None),
    ("ids are case-sensitive", [mail("<u1@x>"), mail("<u2@x>", irt="<U1@x>")], [[0], [1]], None),
    ("In-Reply-To outside References", [mail("<v1@x>"), mail("<v2@x>", refs="<zz@x>", irt="<v1@x>")],
     [[0, 1]], None),
    ("duplicate Message-ID", [mail("<t1@x>"), mail("<t2@x>"), mail("<dup@x>", refs="<t1@x>"),
                              mail("<dup@x>", refs="<t2@x>")], [[0, 1, 2, 3]], None),
    # Disagreements, see the module docstring.
    ("two ids in In-Reply-To", [mail("<p1@x>"), mail("<p2@x>"), mail("<m@x>", irt="<p1@x> <p2@x>")],
     [[0, 1, 2]], [[0, 2], [1]]),
    ("bare In-Reply-To", [mail("<q1@x>"), mail("<q2@x>", irt="q1@x")], [[0], [1]], [[0, 1]]),
]


def groups(labels: list[str]) -> list[list[int]]:
    out: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        out.setdefault(label, []).append(i)
    return sorted(out.values())


def test_edge_classes(tmp_path: Path):
    """Every case in one notmuch database: offsets keep the cases apart."""
    raws, spans = [], []
    for _, mails, _, _ in EDGE:
        spans.append(len(raws))
        raws += mails
    _, ref, ours = compare(raws, tmp_path)
    ref_groups = sorted(sorted(g) for g in ref)
    for (name, mails, nm_expect, ours_expect), start in zip(EDGE, spans):
        span = range(start, start + len(mails))
        nm = [[p - start for p in g] for g in ref_groups if g[0] in span]
        mine = [[p - start for p in g] for g in groups(ours) if g[0] in span]
        assert nm == nm_expect, f"notmuch changed on {name!r}"
        assert mine == (ours_expect or nm_expect), name
