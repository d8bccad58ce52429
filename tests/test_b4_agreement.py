"""Per-patch trailers agree with b4's own code (``b4 am``, offline).

For every series of the kvmarm week and 60 series sampled (seeded) from the
kvmarm archive and linux-leds, b4 is run on the thread's mail and the
(kind, address) trailers it applied to each patch are compared with
``per_patch_trailers``. Every difference must be one this file explains:

- bots: b4 applies the kernel test robot's suggested "Reported-by" to the
  patch it broke; here a bot's mail is a build-failure flag (facts-state),
  never a trailer (issue 11, item 3).
- KNOWN below: b4's upward walk from a reply re-adds the raw trailers of every
  reply it passes, without its own sender check. When a maintainer answers
  with an inline fix ("Reported-by: X" + his Signed-off-by) and X replies
  below it with a Tested-by, b4 gives the *original* patch X's Reported-by,
  which is the fix's, written by someone else. We take neither the trailers
  of an inline patch nor a trailer naming someone other than its sender.
- OURS below: trailers b4's pattern misses that a reviewer plainly gave
  ("Reviewed-by : Name <addr>", a space before the colon).

Trailer kinds compared: Reviewed/Acked/Tested/Reported/Suggested/
Co-developed/Nacked-by. b4 also applies a reply's Signed-off-by, Cc, Link or
Fixes lines; those are not review facts here and are left out of both sides.
"""

from __future__ import annotations

import random
import shutil
import tempfile
from pathlib import Path

import pytest
from b4_ref import B4, Comparison, compare, newest
from corpus_msgs import archive_read, leds_read, week_read

from listsum.mail.threads import Thread, build_threads

pytestmark = pytest.mark.corpus

SEED = 20211004
PER_CORPUS = 30

# (thread id, kind, address): differences b4 has and we do not, with the mail.
KNOWN = {
    # Marc's inline fix "Reported-by: Guenter Roeck" in reply to patch 4/8, Guenter's
    # Tested-by of the fix below it (kvmarm, 2021-01-30).
    ("20210105180541.65031-1-dbrazdil@google.com", "Reported-by", "linux@roeck-us.net"):
        "b4 re-adds the trailers of an inline fix in a reply above a Tested-by",
    # Marc's inline fix "Reported-by: Alexandru Elisei", Alexandru's Reviewed-by below it.
    ("20200415072835.1164-1-yuzenghui@huawei.com", "Reported-by", "alexandru.elisei@arm.com"):
        "b4 re-adds the trailers of an inline fix in a reply above a Reviewed-by",
}


# (patch msgid, kind, address): trailers we take and b4 does not, each chosen on purpose.
OURS = {
    # Maxim Levitsky's "Reviewed-by : Maxim Levitsky <mlevitsk@redhat.com>" (a space before
    # the colon) on Sean's 24/43 (kvmarm, 2021-10-28): b4's trailer pattern wants "Name-by:";
    # the reviewer plainly gave the tag, so a maintainer's report should count it.
    ("20211009021236.4122790-25-seanjc@google.com", "Reviewed-by", "mlevitsk@redhat.com"):
        "a space before the colon: b4 misses the trailer",
}


# The bots whose suggested Reported-by b4 applies: the kernel test robot, syzbot.
_BOTS = ("lkp@intel.com", "syzbot")


def _series(threads: list[Thread]) -> list[Thread]:
    return [t for t in threads if newest(t) is not None]


@pytest.fixture(scope="module")
def comparisons() -> list[tuple[str, Comparison]]:
    if not B4.exists():
        pytest.skip(f"b4 not installed at {B4}")
    rng = random.Random(SEED)
    picked = [("week", t) for t in _series(build_threads(week_read().messages))]
    for name, read in (("kvmarm", archive_read), ("leds", leds_read)):
        picked += [(name, t) for t in rng.sample(_series(build_threads(read().messages)), PER_CORPUS)]
    # The two famous cases above always run, whatever the sample holds.
    archive = {t.id: t for t in build_threads(archive_read().messages)}
    picked += [("known", archive[tid]) for tid in {k[0] for k in KNOWN}]
    out = []
    work = Path(tempfile.mkdtemp(prefix="listsum-b4-"))
    try:
        for name, thread in picked:
            cmp = compare(thread, work)
            assert cmp is not None
            out.append((name, cmp))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


def _explained(cmp: Comparison, side: str, kind: str, addr: str, patch: str = "") -> bool:
    if side == "b4-only" and addr.startswith(_BOTS):
        return True
    if side == "ours-only":
        return (patch, kind, addr) in OURS
    return side == "b4-only" and (cmp.thread_id, kind, addr) in KNOWN


def test_every_difference_is_explained(comparisons: list[tuple[str, Comparison]]) -> None:
    assert sum(1 for name, _ in comparisons if name != "known") >= 50 + 10
    unexplained = [(c.thread_id, pid, side, pair) for _, c in comparisons
                   for pid, side, pair in c.differences() if not _explained(c, side, *pair, patch=pid)]
    assert unexplained == []


def test_known_differences_still_happen(comparisons: list[tuple[str, Comparison]]) -> None:
    """The KNOWN table cannot rot: each entry is a difference b4 really makes."""
    seen = {(c.thread_id, *pair) for _, c in comparisons for _, side, pair in c.differences() if side == "b4-only"}
    assert set(KNOWN) <= seen


def test_agreement_figure(comparisons: list[tuple[str, Comparison]]) -> None:
    """Most series agree exactly, and there is real material: over a hundred trailers."""
    placed = [c for _, c in comparisons if c.b4]
    exact = [c for c in placed if not c.differences()]
    b4_total = sum(len(v) for c in placed for v in c.b4.values())
    ours_total = sum(len(v) for c in placed for v in c.ours.values())
    print(f"\nb4 agreement: {len(exact)}/{len(placed)} series exact; b4 applied {b4_total} "
          f"per-patch trailers, listsum {ours_total}; b4 placed no patch in "
          f"{len(comparisons) - len(placed)} series")
    assert len(exact) >= 0.9 * len(placed)
    assert b4_total >= 100


def test_bot_reported_by_is_not_a_trailer(comparisons: list[tuple[str, Comparison]]) -> None:
    """Fuad's "[PATCH v7 00/11] KVM: arm64: Fixed features for protected VMs" (kvmarm week):
    b4 applies the kernel test robot's Reported-by to patches 8 and 9; we do not."""
    cmp = next(c for _, c in comparisons if c.thread_id == "20211008155832.1415010-1-tabba@google.com")
    robot = {pid for pid, side, (kind, addr) in cmp.differences() if addr == "lkp@intel.com"}
    assert robot == {"20211008155832.1415010-8-tabba@google.com", "20211008155832.1415010-9-tabba@google.com"}
