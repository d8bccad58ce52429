"""facts/trailers.py and facts/applied.py: exact trailers of a real reviewed
series, real applied notices with branches, and the negatives (quoted text,
the patch's own trailers, inline patches, signatures, "applied on top of")."""

from __future__ import annotations

import pytest
from conftest import SAMPLES

from corpus_msgs import archive_read, week_read
from listsum.facts.applied import applied_branch, find_applied
from listsum.facts.trailers import find_trailers
from listsum.mail.threads import Thread, build_threads
from listsum.series import postings, series_facts
from listsum.sources.reader import read_inputs


def _thread(threads: list[Thread], tid: str) -> Thread:
    return next(t for t in threads if t.id == tid)


@pytest.fixture(scope="session")
def week_threads() -> list[Thread]:
    return build_threads(week_read().messages)


@pytest.fixture(scope="session")
def archive_threads() -> list[Thread]:
    return build_threads(archive_read().messages)


def _sample(name: str) -> Thread:
    threads = build_threads(read_inputs([str(SAMPLES / name)], use_cache=False).messages)
    assert len(threads) == 1
    return threads[0]


def _patches(thread: Thread) -> dict[str, object]:
    return {m.msgid: m for p in postings(thread) for m in p.messages}


def test_exact_trailers_of_a_reviewed_series(week_threads: list[Thread]) -> None:
    """Ricardo's vgic v4 series: Eric and Drew reviewed patches 5-11, nothing else."""
    thread = _thread(week_threads, "20211005011921.437353-1-ricarkol@google.com")
    facts = series_facts(thread, [])
    assert facts is not None
    got = sorted((t.person.split()[0], t.kind, t.patch.split("]")[0][-5:], t.message_id) for t in facts.trailers)
    assert got == [
        ("Andrew", "Reviewed-by", "06/11", "20211006094609.tbocj6phk2hmdydj@gator.home"),
        ("Andrew", "Reviewed-by", "07/11", "20211006094751.asalvm7ufhjovttg@gator.home"),
        ("Andrew", "Reviewed-by", "08/11", "20211006095226.ph5g5us7kecsyvqp@gator.home"),
        ("Andrew", "Reviewed-by", "09/11", "20211006100747.vlyrxk6s2j73blpl@gator.home"),
        ("Andrew", "Reviewed-by", "10/11", "20211006101236.5hqyaqbf2km2vqfh@gator.home"),
        ("Andrew", "Reviewed-by", "11/11", "20211006101348.7d6z2oivnv2tteof@gator.home"),
        ("Eric", "Reviewed-by", "05/11", "a6a69648-0fc3-3d94-0e65-dc82693ce4c7@redhat.com"),
        ("Eric", "Reviewed-by", "08/11", "9e153c26-005c-d545-67b0-a8505d62ca4f@redhat.com"),
        ("Eric", "Reviewed-by", "09/11", "741f4f59-c4e7-1bd8-f517-9d2536968772@redhat.com"),
        ("Eric", "Reviewed-by", "11/11", "42b14187-3865-6b56-8c09-b0dde4884487@redhat.com"),
    ]
    assert {t.person for t in facts.trailers} == {"Andrew Jones <drjones@redhat.com>",
                                                   "Eric Auger <eric.auger@redhat.com>"}
    assert facts.review_state == "reviewed"


def test_ack_on_the_cover_letter_applies_to_the_series(week_threads: list[Thread]) -> None:
    thread = _thread(week_threads, "20211004090328.540941-1-qperret@google.com")
    trailers = find_trailers(thread, _patches(thread))  # type: ignore[arg-type]
    assert [(t.kind, t.person, t.patch, t.message_id) for t in trailers] == [
        ("Acked-by", "Will Deacon <will@kernel.org>", "[PATCH 0/2] A couple of EL2 refcounts fixes",
         "20211004093925.GA27173@willie-the-truck")]


@pytest.mark.parametrize("msgid,person,patch", [
    ("20200526125634.GG1363@C02TD0UTHF1T.local", "Mark Rutland <mark.rutland@arm.com>",
     "[PATCH RFCv2 9/9] arm64: Support async page fault"),
    ("52dd9de0-67a9-0316-cfe1-83d855d26c66@arm.com", "Robin Murphy <robin.murphy@arm.com>",
     "[PATCH v7 18/23] iommu/smmuv3: Report non recoverable faults"),
])
def test_real_naks(archive_threads: list[Thread], msgid: str, person: str, patch: str) -> None:
    thread = next(t for t in archive_threads if any(m.msgid == msgid for m in t.messages))
    naks = [t for t in find_trailers(thread, _patches(thread)) if t.message_id == msgid]  # type: ignore[arg-type]
    assert [(t.kind, t.person, t.patch) for t in naks] == [("NAK", person, patch)]


def test_sample_trailers_only_from_the_replies_own_lines() -> None:
    thread = _sample("trailers-followup.mbox")
    got = [(t.kind, t.person, t.patch, t.message_id) for t in find_trailers(thread, _patches(thread))]  # type: ignore[arg-type]
    assert got == [
        ("Reviewed-by", "Rita Reviewer <rita@example.com>", "[PATCH v3 1/2] gizmo: check the size", "r1@example.com"),
        ("Tested-by", "Tom Tester <tom@example.com>", "[PATCH v3 1/2] gizmo: check the size", "t1@example.com"),
        ("NAK", "Mark Maintainer <mark@example.com>", "[PATCH v3 2/2] gizmo: drop the old check", "m2@example.com"),
        ("Acked-by", "Anna Acker <anna@example.com>", "[PATCH v3 0/2] gizmo: fix the gizmo", "an@example.com"),
    ]


@pytest.mark.parametrize("line,branch", [
    ("Applied to next, thanks!", "next"),
    ("Applied to arm64 (for-next/fixes), thanks!", "arm64 (for-next/fixes)"),
    ("Applied to kvmtool (master), thanks!", "kvmtool (master)"),
    ("Applied to kvm-arm64/misc-5.13, thanks!", "kvm-arm64/misc-5.13"),
    ("Queued, thanks.", ""),
    ("Pulled, thanks.", ""),  # Paolo Bonzini on "[GIT PULL] KVM/arm64 fixes for 5.8, take #1"
    ("Pulled the wrong branch?", None),
    ("Queued patches 1-5, thanks.", ""),
    ("Queued for 5.7. Thanks.", ""),
    ("Applied, thanks!", ""),
    ("I've applied this to -next.", "-next"),
    ("Pushed to https://gitlab.com/rhdrjones/kvm-unit-tests/-/commits/arm/queue",
     "https://gitlab.com/rhdrjones/kvm-unit-tests/-/commits/arm/queue"),
    ("has been merged into torvalds/linux.git:", "torvalds/linux.git"),
    # Paolo Bonzini taking Marc's pulls (kvmarm): "Pulled both." (2019-08-09), "Better now than
    # later! Thanks, pulled." (2020-10-31), a "not" in the next sentence (2020-12-06); Marc
    # taking a coresight pull (2021-04-13).
    ("Pulled both.  Thank you for including the lore link to the 5.3-rc3 pull", ""),
    ("Better now than later! Thanks, pulled.", ""),
    ("Pulled, thanks.  I am not sure I'll get my own pull request to Linus", ""),
    ("I've now pulled this into kvmarm/next. If you have additional fixes,", "kvmarm/next"),
    ("Thanks, pulled?", None),
    ("Pulled, not yet pushed.  Tomorrow.", None),
    # Negatives, all from the archive or close to it.
    ("Applied this series on top of v5.15-rc1 and tested, works.", None),
    ("This will be applied once the merge window closes.", None),
    ("will be applied", None),
    ("Not applied: it conflicts with kvmarm/next.", None),
    ("queued for v3 already, so stay tuned ... :)", None),
    ("I've pushed out my own version of this[1]. Please have a look.", None),
    ("I've taken the decision not to require that the VMM allocates with", None),
    ("Queued, only locally until I get a review for my replacement of patch 4", None),
    ("Applied?", None),
    ("Applied the patch and it still crashes.", None),
    ("> Applied to next, thanks!", None),
])
def test_applied_branch(line: str, branch: str | None) -> None:
    assert applied_branch(line) == branch


def test_sample_applied_only_the_maintainers_notice() -> None:
    thread = _sample("applied-replies.mbox")
    facts = find_applied(thread, {"patch@example.com"})
    assert [(a.by, a.branch, a.message_id, a.text) for a in facts] == [
        ("Marc Maintainer", "kvmarm-master/next", "ty@example.com", "Applied to kvmarm-master/next, thanks!")]


def test_real_applied_notices(archive_threads: list[Thread]) -> None:
    """Will's arm64 branch notice, Paolo's bare "Queued", pr-tracker-bot's merge."""
    cases = {
        "159424054981.2034173.14116435447086960033.b4-ty@kernel.org": ("Will Deacon", "arm64 (for-next/fixes)"),
        "77810fca-3492-2170-c350-bad35cfdc5e6@redhat.com": ("Paolo Bonzini", None),
        "156667230824.2337.2969578272613309440.pr-tracker-bot@kernel.org":
            ("pr-tracker-bot@kernel.org", "torvalds/linux.git"),
    }
    seen = {}
    for thread in archive_threads:
        ids = {m.msgid for m in thread.messages}
        if ids & cases.keys():
            for a in find_applied(thread, set(_patches(thread))):
                seen[a.message_id] = (a.by, a.branch)
    assert {k: seen.get(k) for k in cases} == cases


def test_a_b4_ty_list_is_the_notice_whatever_its_opening_line_says(archive_threads: list[Thread]) -> None:
    """Marc Zyngier's b4 ty on Will Deacon's "[PATCH v5 00/21] KVM: arm64: Rewrite page-table
    code and fault handling" (kvmarm, 2020-09-11) opens "As for last time, I've just pushed that
    it -next so that it simmers for a while." and lists "[01/21] ..." to "[21/21] ..." with their
    commits: applied (rule b4-ty-list), though no line says "Applied"."""
    from listsum.facts.applied import applied_in

    msgid = "159983659550.1978092.16804121328891667872.b4-ty@kernel.org"
    msg = next(m for t in archive_threads for m in t.messages if m.msgid == msgid)
    fact = applied_in(msg)
    assert fact is not None and fact.by == "Marc Zyngier" and fact.branch is None
    assert len(fact.commits) == 21 and fact.commits[0] == "9af3e08baa7c20ee69b7fc18e720e08a091493b9"
    assert fact.text.startswith("As for last time, I've just pushed")


def test_applied_across_the_week(week_threads: list[Thread]) -> None:
    """Every applied notice in the week: Marc twice to fixes, Paolo, Rob twice."""
    got = sorted((a.by, a.branch or "", a.text) for t in week_threads
                 for a in find_applied(t, set(_patches(t))))
    assert got == [
        ("Marc Zyngier", "fixes", "Applied to fixes, thanks!"),
        ("Marc Zyngier", "fixes", "Applied to fixes, thanks!"),
        ("Paolo Bonzini", "", "Queued patches 1-5, thanks."),
        ("Rob Herring", "", "Applied, thanks!"),
        ("Rob Herring", "", "Applied, thanks!"),
    ]


def test_mentions_is_a_safe_prefilter(archive_threads: list[Thread]) -> None:
    """mentions() never says no where the line regexes would match: re's
    IGNORECASE folds "ı" and "ſ" to ASCII, str.lower() does not. On every
    archive reply with an own line that reads as a trailer, mentions() agrees."""
    from listsum.facts import body_text, mentions, own_lines
    from listsum.facts.trailers import _NAK, _TRAILER, _WORDS

    assert mentions("I've applıed it, thanks", ("applied",))
    assert mentions("Teſted-by: A <a@b.c>", ("tested",))
    assert mentions("REVIEWED-BY: A <a@b.c>", ("reviewed",))
    assert not mentions("Looks good to me.\n> Applied\n", ("reviewed", "nak"))
    hits = 0
    for thread in archive_threads[:300]:
        for msg in thread.messages:
            text = body_text(msg)
            if any(_TRAILER.match(x) or _NAK.match(x) for x in own_lines(text)):
                hits += 1
                assert mentions(text, _WORDS), msg.msgid
    assert hits > 100


def test_own_lines_drops_quotes_and_signature() -> None:
    from listsum.facts import own_lines

    text = "Hi,\n> quoted\n \u00a0> quoted too\nReviewed-by: A <a@b.c>\n--\nsig\n-- \nmore"
    assert own_lines(text) == ["Hi,", "Reviewed-by: A <a@b.c>"]
    assert own_lines("a\r\nb\x0c> c") == ["a", "b"]
