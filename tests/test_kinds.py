"""facts/kinds.py: the kind of real kvmarm threads, one per rule, and the
cost of classifying the whole archive."""

from __future__ import annotations

from collections import Counter

import pytest

from corpus_msgs import archive_read, week_read
from listsum.facts.kinds import KINDS, classify
from listsum.mail.threads import Thread, build_threads
from listsum.model import SeriesFacts
from listsum.lineage import link_revisions
from listsum.series import postings, series_facts


@pytest.fixture(scope="session")
def archive_threads() -> list[Thread]:
    return build_threads(archive_read().messages)


def _kind_of(threads: list[Thread], subject_start: str) -> str:
    thread = next(t for t in threads if t.subject.startswith(subject_start))  # the oldest
    return classify(thread, series_facts(thread, []))


@pytest.mark.parametrize("subject,kind", [
    ("[kvmarm:next 29/32] arch/arm64/kvm/sys_regs.c:1544:13: warning", "bot"),  # lkp@intel.com
    ("[PATCH] KVM: arm64: fix boolreturn.cocci warnings", "bot"),  # kernel test robot's own patch
    ("[GIT PULL] KVM/arm updates for 5.2", "pull"),
    ("[GIT PULL 00/23] KVM/arm updates for 5.6", "pull"),
    ("[PULL kvm-unit-tests 00/39] arm/arm64: The old and new", "pull"),
    ("[PATCH AUTOSEL 5.14 16/40] KVM: arm64: nvhe: Fix missing FORCE", "stable"),
    ("[PATCH][stable-5.4] KVM: arm64: Reject VM creation", "stable"),
    ("[PATCH for-stable-5.10 0/2] Backport for- Work around firmware", "stable"),
    ("[PATCH stable 4.19 v2 0/2] arm64: entry: Place an SB sequence", "stable"),
    ("[RFC/RFT PATCH 0/3] arm64: drop pfn_valid_within() and simplify pfn_valid()", "rfc"),
    ("[RFC v16 0/9] SMMUv3 Nested Stage Setup (IOMMU part)", "rfc"),
    ("[PATCH v17 0/6] MTE support for KVM guest", "patch"),
    ("[kvm-unit-tests PATCH v8 00/13] arm/arm64: Add ITS tests", "patch"),
    ("BUG: KASAN: slab-out-of-bounds in kvm_pmu_get_canonical_pmc", "bug"),
    ("REGRESSION: Upgrading host kernel from 5.11 to 5.13 breaks QEMU guests", "bug"),
    ("[kvm-unit-tests BUG] lib/ldiv32.c breaks arm compilation", "bug"),
    ("VM live migration failed from Linux v5.9 to Linux v5.10-rc1", "bug"),
    ("[stable-rc] 5.12 arch/arm64/kvm/arm.c:722:8: error: use of undeclared label", "bug"),
    ("[Question] Hardware management of stage2 page dirty state", "question"),
    ("How to translate a VA in Guest to PA in Host?", "question"),
    ("Question on guest enable msi fail when using GICv4/4.1", "question"),
    ("Any way to disable KVM VHE extension?", "question"),
    ("KVM userspace GICv2 IRQ controller on platform with GICv3", "question"),  # asks in the body
    ('Plumber VFIO/IOMMU/PCI "Dual Stage SMMUv3 Status" Follow-up', "announce"),
    ("KVM works on RPi4", "discussion"),
    # Oliver's report holds patches posted inside it; the thread stays a discussion.
    ("KVM/arm64: Guest ABI changes do not appear rollback-safe", "discussion"),
    ("PATCH v4 00/11] KVM: x86/xen: Add in-kernel Xen event channel delivery", "patch"),
    ("Against removing aarch32 kvm host support", "discussion"),
])
def test_kind_of_real_threads(archive_threads: list[Thread], subject: str, kind: str) -> None:
    assert kind in KINDS
    assert _kind_of(archive_threads, subject) == kind


def test_week_kinds() -> None:
    threads = build_threads(week_read().messages)
    lineage = link_revisions(threads)
    kinds = Counter(classify(t, series_facts(t, lineage.get(t.id, []))) for t in threads)
    assert kinds == Counter({"patch": 28, "question": 1, "stable": 1})


def _stub(thread: Thread) -> SeriesFacts | None:
    """What classify reads of a thread's series facts, without reading trailers."""
    posts = postings(thread)
    return SeriesFacts(version=1, patches=0, expected=0, has_cover=posts[-1].cover is not None) if posts else None


def test_whole_archive_is_classified_fast(archive_threads: list[Thread]) -> None:
    """Subjects decide nearly everything: bodies are read for ~60 non-patch roots.
    (Its speed is bench/bench_read.py's "classify", not a timed assertion here.)"""
    kinds = Counter(classify(t, _stub(t)) for t in archive_threads)
    assert set(kinds) <= set(KINDS)
    assert kinds["patch"] > 1000 and kinds["pull"] >= 50 and kinds["stable"] >= 60
    assert 10 <= kinds["bug"] <= 20 and 10 <= kinds["question"] <= 25 and kinds["bot"] == 2
