"""series.py: postings inside a thread, revision linking across threads,
and SeriesFacts, on the real kvmarm archive and week plus one sample."""

from __future__ import annotations

import pytest
from conftest import SAMPLES

from corpus_msgs import archive_read, week_read
from listsum.mail.subject import Subject
from listsum.mail.threads import Thread, build_threads
from listsum.model import Revision
from listsum.lineage import link_revisions
from listsum.series import postings, series_facts
from listsum.sources.reader import read_inputs


@pytest.fixture(scope="session")
def archive_threads() -> dict[str, Thread]:
    return {t.id: t for t in build_threads(archive_read().messages)}


@pytest.fixture(scope="session")
def archive_lineage(archive_threads: dict[str, Thread]) -> dict[str, list[Revision]]:
    return link_revisions(list(archive_threads.values()))


@pytest.fixture(scope="session")
def week_threads() -> dict[str, Thread]:
    return {t.id: t for t in build_threads(week_read().messages)}


def _versions(lineage: list[Revision]) -> list[tuple[int, bool]]:
    return [(r.version, r.resend) for r in lineage]


def test_mte_lineage_v1_to_v17(archive_lineage: dict[str, list[Revision]]) -> None:
    """Steven Price's MTE series: an RFC, then v1..v17 over a year, one thread each."""
    lineage = archive_lineage["20210621111716.37157-1-steven.price@arm.com"]
    assert [r.version for r in lineage] == [1, 1] + list(range(2, 18))
    assert lineage[0].subject == "[RFC PATCH 0/2] MTE support for KVM guest"
    assert lineage[0].thread_id == "20200617123844.29960-1-steven.price@arm.com"
    assert lineage[-1].subject == "[PATCH v17 0/6] MTE support for KVM guest"
    assert len({r.thread_id for r in lineage}) == 18
    # v1 sees the whole lineage too: linking looks forward as well as back.
    assert archive_lineage["20200713100102.53664-1-steven.price@arm.com"] == lineage


def test_lineage_is_ordered_and_complete(archive_lineage: dict[str, list[Revision]]) -> None:
    stats = archive_lineage["20210618222709.1858088-1-jingzhangos@google.com"]
    assert [r.version for r in stats] == list(range(1, 13))
    assert all(a.date < b.date for a, b in zip(stats, stats[1:]))


def test_resend_is_the_same_version(archive_lineage: dict[str, list[Revision]]) -> None:
    lineage = archive_lineage["1593748297-1965-1-git-send-email-anshuman.khandual@arm.com"]
    # v1 was "[PATCH 0/6] Introduce ID_PFR2 and other CPU feature changes": retitled, one patch in common.
    assert _versions(lineage) == [(1, False), (2, False), (3, False), (4, False), (5, False), (5, True)]
    assert lineage[0].subject == "[PATCH 0/6] Introduce ID_PFR2 and other CPU feature changes"
    # "[PATCH RESEND]" four months after "[PATCH]" links to it, as version 1.
    lin = archive_lineage["1584090189-20301-1-git-send-email-linmiaohe@huawei.com"]
    assert _versions(lin) == [(1, False), (1, True)]


def test_resend_facts(archive_threads: dict[str, Thread], archive_lineage: dict[str, list[Revision]]) -> None:
    tid = "1593748297-1965-1-git-send-email-anshuman.khandual@arm.com"
    facts = series_facts(archive_threads[tid], archive_lineage[tid])
    assert facts is not None
    # Only the cover letter reached kvmarm: 0 of 4 patches seen. Catalin's b4 "thanks" applies it.
    assert (facts.version, facts.resend, facts.patches, facts.expected, facts.has_cover) == (5, True, 0, 4, True)
    assert [(a.by, a.branch, a.message_id) for a in facts.applied] == [
        ("Catalin Marinas", "arm64 (for-next/cpufeature)", "159379155800.20268.8910088727326709928.b4-ty@arm.com")]


def test_autosel_backports_to_different_kernels_stay_apart(
        archive_threads: dict[str, Thread], archive_lineage: dict[str, list[Revision]]) -> None:
    """Sasha sends one title to 4.4, 4.9, 4.14, 4.19 and 5.0: five series, not revisions."""
    title = "KVM: arm/arm64: Ensure vcpu target is unset on reset failure"
    tids = [t.id for t in archive_threads.values() if t.subject.endswith(title) and "AUTOSEL" in t.subject]
    assert len(tids) == 5
    assert all(len(archive_lineage[tid]) == 1 for tid in tids)


def test_v2_in_reply_to_v1_is_split(week_threads: dict[str, Thread]) -> None:
    """Quentin's v2 went out in the thread of a re-sent v1 (same send-email run)."""
    thread = week_threads["20211005090155.734578-1-qperret@google.com"]
    posts = postings(thread)
    assert [(p.revision, p.cover is not None, len(p.patches)) for p in posts] == [(1, True, 2), (2, True, 2)]
    lineage = link_revisions(list(week_threads.values()))[thread.id]
    assert [(r.version, r.thread_id) for r in lineage] == [
        (1, "20211004090328.540941-1-qperret@google.com"),
        (1, "20211005090155.734578-1-qperret@google.com"),
        (2, "20211005090155.734578-1-qperret@google.com")]
    facts = series_facts(thread, lineage)
    assert facts is not None
    assert (facts.version, facts.patches, facts.expected, facts.has_cover) == (2, 2, 2, True)
    assert [a.branch for a in facts.applied] == ["fixes"]
    assert facts.review_state == "applied"


def test_posting_missing_from_input(week_threads: dict[str, Thread]) -> None:
    """Only replies to Eric's v2 of hw/arm/virt are in the week: facts from their subject."""
    thread = next(t for t in week_threads.values() if t.subject.startswith("Re: [PATCH v2 1/5] hw/arm/virt"))
    assert thread.ghost_root
    facts = series_facts(thread, [])
    assert facts is not None
    assert (facts.version, facts.patches, facts.expected, facts.has_cover) == (2, 0, 5, False)
    assert {t.person for t in facts.trailers} == {"Andrew Jones <drjones@redhat.com>"}


def test_not_a_posting(week_threads: dict[str, Thread]) -> None:
    thread = next(t for t in week_threads.values()
                  if t.subject == "KVM userspace GICv2 IRQ controller on platform with GICv3")
    assert postings(thread) == []
    assert series_facts(thread, []) is None


def test_change_id_links_renamed_revisions_and_authors_stay_apart() -> None:
    threads = build_threads(read_inputs([str(SAMPLES / "series-change-id.mbox")], use_cache=False).messages)
    lineage = link_revisions(threads)
    alice = lineage["v2-0@example.com"]
    assert [(r.version, r.thread_id) for r in alice] == [(1, "v1-0@example.com"), (2, "v2-0@example.com")]
    by_id = {t.id: t for t in threads}
    facts = series_facts(by_id["v2-0@example.com"], alice)
    assert facts is not None
    assert (facts.change_id, facts.version, facts.patches, facts.expected) == ("20240101-frob-1a2b3c4d", 2, 1, 1)
    # Carol: same title as Alice's v1, other author; her RESEND is the same version.
    carol = lineage["carol-1@example.com"]
    assert [(r.version, r.resend, r.thread_id) for r in carol] == [
        (1, False, "carol-1@example.com"), (1, True, "carol-2@example.com")]
    assert series_facts(by_id["carol-1@example.com"], carol).change_id is None  # type: ignore[union-attr]


def test_linking_the_archive_is_cheap(archive_threads: dict[str, Thread]) -> None:
    """Headers only, plus cover letters' bytes (its time is in bench/bench_read.py's classify)."""
    lineage = link_revisions(list(archive_threads.values()))
    assert len(lineage) > 1200
    assert sum(1 for ls in lineage.values() if len(ls) > 1) > 400


def _sample(name: str) -> dict[str, Thread]:
    return {t.id: t for t in build_threads(read_inputs([str(SAMPLES / name)], use_cache=False).messages)}


def test_untagged_cover_letter_is_a_series_with_its_version() -> None:
    """hch-style cover letters: no [PATCH] tag, "v5" at the end, "[PATCH 1/2]" below."""
    from listsum.facts.kinds import classify

    threads = _sample("series-untagged-cover.mbox")
    v5 = threads["v5-0@example.org"]
    posts = postings(v5)
    assert [(p.revision, p.cover.msgid if p.cover else None, p.expected) for p in posts] == [
        (5, "v5-0@example.org", 2)]
    # "[PATCH v5.1 2/2]" replaces patch 2 of v5: still two patches.
    assert [m.msgid for m in posts[0].patches] == ["v5-1@example.org", "v5.1-2@example.org"]
    lineage = link_revisions(list(threads.values()))[v5.id]
    # One entry per version, each the cover letter, not three copies of the first patch.
    assert [(r.version, r.thread_id, r.subject) for r in lineage] == [
        (v, f"v{v}-0@example.org", f"re-enable IOCB_NOWAIT writes to files v{v}") for v in (4, 5, 6)]
    facts = series_facts(v5, lineage)
    assert facts is not None
    assert (facts.version, facts.patches, facts.expected, facts.has_cover) == (5, 2, 2, True)
    assert classify(v5, facts) == "patch"


def test_untagged_root_with_a_lone_patch_reply_stays_a_discussion(archive_threads: dict[str, Thread]) -> None:
    """Oliver's "KVM/arm64: Guest ABI changes do not appear rollback-safe" (kvmarm 2021) has
    his own "[RFC PATCH] KVM: arm64: Allow VMMs to opt-out of KVM_CAP_PTP" as a reply:
    a discussion with a patch in it, not a cover letter."""
    from listsum.facts.kinds import classify

    thread = archive_threads["YSVhV+UIMY12u2PW@google.com"]
    posts = postings(thread)
    assert [(p.cover, len(p.patches)) for p in posts] == [(None, 1)]
    assert classify(thread, series_facts(thread, [])) == "discussion"


def test_unversioned_patches_take_their_cover_letters_version(archive_threads: dict[str, Thread]) -> None:
    """Jianyong Wu's "[RFC PATCH v10 0/9] Enable ptp_kvm for arm/arm64" sent "[RFC PATCH 1/9]"...:
    one v10 posting of 9 patches, as b4 reads it, not a v1 of 9 and an empty v10."""
    posts = postings(archive_threads["20200210084906.24870-1-jianyong.wu@arm.com"])
    assert [(p.revision, p.cover is not None, len(p.patches)) for p in posts] == [(10, True, 9)]


def test_per_patch_versions_stay_in_their_cover_letters_posting() -> None:
    """Arnd's "[PATCH v2 00/10] gpiolib: fence off legacy interfaces" (linux-leds, 2026-05)
    tags each patch with its own history: "[PATCH 07/10] [v6 net-next] ...". One posting."""
    from corpus_msgs import leds_read

    thread = next(t for t in build_threads(leds_read().messages)
                  if t.id == "20260520183815.2510387-1-arnd@kernel.org")
    posts = postings(thread)
    assert [(p.revision, p.cover is not None, len(p.patches)) for p in posts][-1] == (2, True, 10)
    assert [Subject.parse(m.subject).counter for m in posts[-1].patches] == list(range(1, 11))


def test_one_posting_split_over_threads_is_one_lineage_entry() -> None:
    """Outlook rewrote the Message-ID of Manuel Fombuena's "[PATCH 0/5] LED1202 / leds-st1202
    fixes and improvements" (linux-leds, 2025-01-17), so its patches thread apart: one v1 in
    the lineage, then his RESEND two weeks later."""
    from corpus_msgs import leds_read

    threads = build_threads(leds_read().messages)
    lineage = link_revisions(threads)["20250117234034.670794-1-fombuena@outlook.com"]
    assert [(r.version, r.resend, r.subject) for r in lineage][:2] == [
        (1, False, "[PATCH 0/5] LED1202 / leds-st1202 fixes and improvements"),
        (1, True, "[PATCH RESEND 0/5] LED1202 / leds-st1202 fixes and improvements")]


def test_a_pull_request_inside_a_patch_thread_is_not_its_lineage(
        archive_threads: dict[str, Thread], archive_lineage: dict[str, list[Revision]]) -> None:
    """Lee Jones answered the v4 of Thomas Zimmermann's fbdev series and the v17 of Dzmitry
    Sankouski's MAX77705 series with "[GIT PULL] Immutable branch between ..." (linux-leds,
    2025): each thread keeps its series' lineage. A thread a pull opens stays the pull's: Marc's
    "[GIT PULL] KVM/arm64 fixes for 5.12, take #1" with his own "[PATCH 0/8]" of it below,
    whose state Paolo's answer to the pull decides (5.12-rc1 must not be the base: a comment)."""
    from corpus_msgs import leds_read

    lineage = link_revisions(build_threads(leds_read().messages))
    fbdev = lineage["20250321095517.313713-1-tzimmermann@suse.de"]
    assert [r.version for r in fbdev] == [1, 2, 3, 4] and fbdev[-1].subject.startswith("[PATCH v4 00/11] backlight")
    max77705 = lineage["20250123-starqltechn_integration_upstream-v17-0-8b06685b6612@gmail.com"]
    assert max77705[-1].subject.startswith("[PATCH v17 0/7] Add support for Maxim Integrated MAX77705")
    pull = archive_lineage["20210305164944.3729910-1-maz@kernel.org"]
    assert [r.subject for r in pull] == ["[GIT PULL] KVM/arm64 fixes for 5.12, take #1"]
    facts = series_facts(archive_threads["20210305164944.3729910-1-maz@kernel.org"], pull)
    assert facts is not None and facts.state is not None
    assert (facts.state.name, facts.state.evidence) == ("under-review", ["847417af-fdab-9ca1-3edc-39f1d77cb6cb@redhat.com"])


def test_a_retitled_revision_is_linked_by_author_and_patches(archive_lineage: dict[str, list[Revision]]) -> None:
    """Orphan "vN" postings find the same author's earlier posting (lead's miss class 3):
    by a patch title in common (Alexandru Elisei's lone "[PATCH v2] KVM: arm64: Initialize
    VCPU mdcr_el2 before loading it" became patch 1 of "[PATCH v3 0/2] KVM: arm64: Debug
    fixes"), or, sharing none, by a cover title the other starts with (Keqian Zhu's "[PATCH
    0/5] vfio/iommu_type1: Some fixes about dirty tracking" -> "[PATCH v2 0/2]
    vfio/iommu_type1: some fixes", kvmarm 2021-01)."""
    debug = archive_lineage["20210323180057.263356-1-alexandru.elisei@arm.com"]
    assert [r.subject for r in debug] == ["[PATCH v2] KVM: arm64: Initialize VCPU mdcr_el2 before loading it",
                                         "[PATCH v3 0/2] KVM: arm64: Debug fixes"]
    vfio = archive_lineage["20210107092901.19712-1-zhukeqian1@huawei.com"]
    assert [(r.version, r.resend) for r in vfio] == [(1, False), (2, False), (2, True), (3, False)]
    assert vfio[1].thread_id == "20210115092643.728-1-zhukeqian1@huawei.com"
    # Not linked: his "[PATCH 0/6] vfio/iommu_type1: Some optimizations about dirty tracking",
    # posted the same day, whose title the v2's does not start (it follows his December 0/7).
    assert [r.version for r in archive_lineage["20210107044401.19828-1-zhukeqian1@huawei.com"]] == [1, 1]


def test_a_retitled_revision_never_merges_two_lineages(archive_lineage: dict[str, list[Revision]]) -> None:
    """James Morse's "[PATCH v2] KVM: arm64: Skip more of the SError vaxorcism" was patch 6 of
    his "[PATCH v1 0/6] KVM: arm64: Account host/guest SError more precisely", which went on
    to its own v3: the vaxorcism lineage stays apart (kvmarm, 2019-06)."""
    vax = archive_lineage["20190610163034.116151-1-james.morse@arm.com"]
    assert [r.subject for r in vax] == ["[PATCH v2] KVM: arm64: Skip more of the SError vaxorcism",
                                       "[PATCH v3 0/2] KVM: arm64: Skip more of the SError vaxorcism"]


def test_a_revision_that_gained_a_change_id_is_linked() -> None:
    """Markus Probst's "[PATCH v8 0/4] rust: leds: add led classdev abstractions" is the first
    sent with b4 (change-id "rust_leds"), v1..v7 have none (linux-leds, 2025-11-15)."""
    from corpus_msgs import leds_read

    lineage = link_revisions(build_threads(leds_read().messages))
    v7 = lineage["20251027200547.1038967-1-markus.probst@posteo.de"]
    assert [r.version for r in v7][:9] == [1, 2, 3, 4, 5, 6, 7, 8, 9]
    assert v7[7].thread_id == "20251115-rust_leds-v8-0-d9a41f355538@posteo.de"


def test_a_lone_patch_and_its_one_patch_series_are_one_lineage(archive_lineage: dict[str, list[Revision]]) -> None:
    """Craig McQueen's "[PATCH] leds: Introduce userspace LED triggers driver" came back as
    "[PATCH v2 0/1] Introduce userspace LED triggers driver" over the same patch, then as a lone
    "[PATCH v3]" (linux-leds, 2025-03): one lineage, v1 superseded by the v2 of 11 Mar. Not
    Mauro Carvalho Chehab's "docs: fix broken references to text files", the one patch kvmarm
    got of four larger series (3/7, 08/12, 03/35, v2 09/33, 2020)."""
    from corpus_msgs import leds_read

    leds = link_revisions(build_threads(leds_read().messages))
    assert [r.version for r in leds["20250306114640.313793-1-craig@mcqueen.au"]] == [1, 2, 3]
    assert leds["20250306114640.313793-1-craig@mcqueen.au"][1].thread_id == "20250311013143.371930-1-craig@mcqueen.au"
    docs = archive_lineage["cover.1584450500.git.mchehab+huawei@kernel.org"]
    assert [r.subject for r in docs] == ["[PATCH 00/12] Fix broken references for Documentation/*"]


def test_the_state_is_of_the_posting_out_by_the_windows_end() -> None:
    """Carlo Szelinsky sent "[PATCH net-next v5 0/2] net: pse-pd: ..." on 29 Apr 2026 in reply to
    his v4 of 10 Apr: the week of 1-16 Apr reads the v4, which Jakub Kicinski asked changes of
    (13 Apr), not a v5 with no reply yet (linux-leds)."""
    from datetime import datetime, timezone

    from corpus_msgs import leds_read
    from listsum.model import Window

    threads = {t.id: t for t in build_threads(leds_read().messages)}
    thread = threads["20260410124428.809943-1-github@szelinsky.de"]
    lineage = link_revisions(list(threads.values()))[thread.id]
    week = Window(since=datetime(2026, 4, 1, tzinfo=timezone.utc), until=datetime(2026, 4, 16, tzinfo=timezone.utc))
    facts = series_facts(thread, lineage, week)
    assert facts is not None and facts.state is not None
    assert (facts.version, facts.state.name) == (4, "changes-requested")
    assert "kuba@kernel.org" in facts.state.detail or "Jakub" in facts.state.detail
    later = series_facts(thread, lineage)
    assert later is not None and later.version == 5
