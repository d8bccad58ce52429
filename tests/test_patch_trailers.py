"""per_patch_trailers: the trailers b4 am would apply, per patch of one posting,
on a sample modelled on hch's fsdevel series and on the real kvmarm week."""

from __future__ import annotations

from conftest import SAMPLES

from corpus_msgs import week_read
from listsum.facts.trailers import per_patch_trailers
from listsum.mail.threads import Thread, build_threads
from listsum.series import postings
from listsum.sources.reader import read_inputs


def _threads(path: str) -> dict[str, Thread]:
    return {t.id: t for t in build_threads(read_inputs([path], use_cache=False).messages)}


def _table(thread: Thread) -> dict[str, list[tuple[str, str, bool]]]:
    post = postings(thread)[-1]
    return {pid: [(f.kind, f.person, f.other_sender) for f in facts]
            for pid, facts in per_patch_trailers(thread, post).items()}


def test_cover_fan_out_quotes_other_sender_and_point_revision() -> None:
    thread = _threads(str(SAMPLES / "series-untagged-cover.mbox"))["v5-0@example.org"]
    jens = ("Acked-by", "Jens Axboe <axboe@example.dk>", False)
    assert _table(thread) == {
        # Darrick's own review; the Reviewed-by he passes on for Dave is marked, and
        # hch's reply quoting Darrick's line gives nothing again.
        "v5-1@example.org": [jens, ("Reviewed-by", "Darrick J. Wong <djwong@example.org>", False),
                             ("Reviewed-by", "Dave Chinner <david@example.com>", True)],
        # The cover letter's Ack reaches the replacement "[PATCH v5.1 2/2]"; Darrick's
        # review of the 2/2 it replaced does not.
        "v5.1-2@example.org": [jens],
    }
    facts = per_patch_trailers(thread, postings(thread)[-1])["v5-1@example.org"]
    assert [(f.message_id, f.patch) for f in facts] == [
        ("v5-ack@example.org", "[PATCH 1/2] fs: add a FMODE_NOWAIT_WRITE flag"),
        ("v5-rb1@example.org", "[PATCH 1/2] fs: add a FMODE_NOWAIT_WRITE flag"),
        ("v5-rb1@example.org", "[PATCH 1/2] fs: add a FMODE_NOWAIT_WRITE flag")]


def test_mmio_guard_reviews_land_on_their_patches() -> None:
    """Marc's "[PATCH v2 00/16] KVM: arm64: MMIO guard PV services" (kvmarm week): Drew
    Jones reviewed patches 1-4, 6, 7 and 10 (as b4 am lists them)."""
    thread = {t.id: t for t in build_threads(week_read().messages)}["20211004174849.2831548-1-maz@kernel.org"]
    post = postings(thread)[-1]
    table = per_patch_trailers(thread, post)
    reviewed = [n for n, m in enumerate(post.patches, 1)
                if ("Reviewed-by", "Andrew Jones <drjones@redhat.com>") in {(f.kind, f.person) for f in table[m.msgid]}]
    assert reviewed == [1, 2, 3, 4, 6, 7, 10]


def test_bots_give_no_trailers() -> None:
    """The kernel test robot's "Reported-by: kernel test robot <lkp@intel.com>" on Fuad's
    v7 patches 8 and 9 is a build failure, not a trailer to apply."""
    thread = {t.id: t for t in build_threads(week_read().messages)}["20211008155832.1415010-1-tabba@google.com"]
    table = per_patch_trailers(thread, postings(thread)[-1])
    assert not any("lkp@intel.com" in f.person for facts in table.values() for f in facts)
