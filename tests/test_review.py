"""facts/review.py on real reviewer lines of both lists, both ways: lines that ask the
author for a change (each rule named after one) and lines that do not (help asked of the
author, a maintainer's "Fix now queued", pasted git log output and inline patches)."""

from __future__ import annotations

from functools import lru_cache

import pytest

from corpus_msgs import archive_read, by_id, leds_read
from listsum.facts import body_text, own_lines
from listsum.facts.review import change_request, change_requests
from listsum.mail.message import Message

pytestmark = [pytest.mark.corpus]


@lru_cache(maxsize=None)
def _messages(corpus: str) -> dict[str, Message]:
    return by_id({"archive": archive_read, "leds": leds_read}[corpus]())


# (corpus, message id, a fragment of the line, the rule or None)
LINES = [
    # Alex Williamson on Keqian Zhu's "[PATCH 0/6] vfio/iommu_type1: Some optimizations about
    # dirty tracking" (kvmarm, 2021-01-15): suggestions, no "please" or "should".
    ("archive", "20210115162359.749e8d0d@omen.home.shazbot.org", "what about making a counter", "suggest"),
    ("archive", "20210115163926.3d107090@omen.home.shazbot.org", "the better optimization would be", "suggest"),
    ("leds", "Z_P9AEGq2sBYShgv@aspen.lan", "I think it would be better to add support", "suggest"),
    ("archive", "c469bc11-9cd0-531a-9bd3-46d070ec0e72@redhat.com", "s/filed/field in the commit title", "typo"),
    ("leds", "CAOMZO5D6m3V2ZpFOtabrkvf6+SGE+3-xpAE=PZo+Ak=49ozyLg@mail.gmail.com", "Typo: integrated", "typo"),
    ("archive", "CA+EHjTwebfoJLpure-mHNzCnmLwnNEi6yh66OLFGrhH_+ysExA@mail.gmail.com", "Missing include guard.",
     "missing"),
    ("leds", "CAHp75VfSoDHX-zy3Kdk0=oBA64mKddXqHh7v6RwfzRJo8Az_1A@mail.gmail.com", "This check is not needed.",
     "redundant"),
    ("leds", "20250905152404.GB953718-robh@kernel.org", "You need to keep the property here:", "need"),
    ("archive", "20201109165933.GA447754@google.com", "Could this be simplified to __hyp_pa", "can-this"),
    ("archive", "20210202181307.GA17311@willie-the-truck", "Maybe just take a pfn instead?", "instead"),
    ("archive", "190b57e6-0ac5-63bb-57d8-5bab2aea0b2c@huawei.com", "Shouldn't we also set this uaccess_read cb",
     "should"),
    # The state gold sets of 2026-12-06 (states2): Lee Jones on "[PATCH] leds: uleds documentation
    # fixes" (leds, 2025-03-14), Rob Herring on LP5812 v16 1/3 (leds, 2025-10-15), Marc
    # Zyngier on the VGIC group enablement v2 (kvmarm, 2019-11-25) and the SError vaxorcism v2
    # (kvmarm, 2019-06-10).
    ("leds", "20250314110853.GF3890718@google.com", "You must remember to use", "must"),
    ("leds", "cfe39a0e-e475-4d0d-bad6-461b25f430ef@kernel.org", "You must base and test on mainline", "must"),
    ("leds", "20251015165648.GA4046261-robh@kernel.org", "My suggestion was to drop direct_mode", "prefer"),
    ("archive", "e2426986ebc9be4e14eb99028b28a43e@www.loen.fr", "What I'm suggesting is that we create", "prefer"),
    ("archive", "1d806015-bbad-c2dd-2ff6-2a5bdb73e117@arm.com", "you'll need to verify", "need"),
    # Not requests.
    ("archive", "3f7094ffd77a6615d7179be94dbecc60@kernel.org", "you must do two", None),  # Marc explains
    ("archive", "06ef13e1-fffe-d4a2-721e-f666f331fb3c@arm.com", "you must have sized", None),  # an inference
    ("archive", "CAJc+Z1GFHp17+ROTyDnfS4QLs0kCEVBCD7+OBkHZA53q-zmiLQ@mail.gmail.com",
     "Could you help have a look about the BUG message", None),  # a tester asks the author for help
    ("archive", "e3446187abb20eb2a95eae1f51b36ca1@kernel.org", "Fix now queued, thanks.", None),
    ("archive", "20210622104124.2b1a4820@slackpad.fritz.box", "Keep in mind that this is not a bullet-proof", None),
    ("archive", "87im02stkg.wl-maz@kernel.org", "lives in debug.c, shouldn't it?", None),  # a tag question
    ("leds", "CAD++jLmyYkxWmed+_TR90bQjOm80qOiFhy+ozO+oaStTCZgC6w@mail.gmail.com",
     "I don't think you need to NULL-check", None),
]


@pytest.mark.parametrize(("corpus", "msgid", "fragment", "rule"), LINES)
def test_change_request_rules_on_real_lines(corpus: str, msgid: str, fragment: str, rule: str | None) -> None:
    line = next(ln for ln in own_lines(body_text(_messages(corpus)[msgid])) if fragment in ln)
    assert change_request(line, to_author=False) == rule


# (corpus, message id, a pasted line that must not count, what the reply does ask, if anything)
PASTED = [
    # Jakub Kicinski's AI review pastes git show output: "Date:   ..." then the message indented.
    ("leds", "20260413225334.3638943-1-kuba@kernel.org", 'Add per-PI "delivering" and "enabled" LED triggers', None),
    # Marc Zyngier's inline patch for Russell King's PMU regression (kvmarm, 2021-09): its commit
    # message ("Add a callback ...", "we should be able to deal with any ordering") is no request;
    # his own "Can you please give the following hack a go" above it is one.
    ("archive", "877dfcwutt.wl-maz@kernel.org", "Add a callback from the PMU code into KVM",
     "Can you please give the following hack a go (on top of 5.15-rc1)? I've"),
    # Nicholas Piggin's patch after a "---" line (kvmarm, 2021-06).
    ("archive", "1624534759.nj0ylor2eh.astroid@bobo.none", "Fix this by only taking a reference on the page", None),
]


@pytest.mark.parametrize(("corpus", "msgid", "pasted", "asked"), PASTED)
def test_pasted_git_output_and_patches_ask_nothing(corpus: str, msgid: str, pasted: str, asked: str | None) -> None:
    lines = own_lines(body_text(_messages(corpus)[msgid]))
    # The line is there and, unindented, reads as a request.
    assert change_request(next(ln for ln in lines if pasted in ln).strip(), to_author=False) is not None
    found = change_requests(lines, to_author=False)
    assert not any(pasted in text for _, text in found)
    if asked is not None:
        assert asked in [text for _, text in found]


def test_a_reviewer_answering_inside_an_unquoted_diff_is_still_read() -> None:
    """Andrew Jones pastes a diff and writes "^ should be 1, since we know argv[0] is
    prognam" under one of its lines (kvmarm week of 2021-10-04): the diff's lines go, his stays."""
    lines = own_lines(body_text(_messages("archive")["20211008062855.3g34sxevl6w3gn6h@gator.home"]))
    found = change_requests(lines, to_author=False)
    assert any(text.startswith("^ should be 1") for _, text in found)
    assert not any(text.startswith(("+", "-", "*")) for _, text in found)


ANSWERS = [
    ("archive", "28dab4367d6ced5a7d7cbc80ee77f68d@kernel.org",
     ("will-change", "I'll fix that and resend something next week.")),  # Marc to Eric Auger
    ("archive", "67c2f61a5dd33731cf52b6e26095ed51@kernel.org", ("done", "Updated version pushed out.")),  # to Ard
    # Marc's "Can you please give the following hack a go" promises nothing; the commit message
    # of his inline patch ("we should be able to deal with any ordering") is not read.
    ("archive", "877dfcwutt.wl-maz@kernel.org", None),
    # Zenghui Yu to James Morse's "We can't just go removing these things" on "[PATCH v1 1/5] KVM:
    # arm/arm64: Remove kvm_mmio_emulate tracepoint" (kvmarm, 2019-06-13).
    ("archive", "5885c607-1314-ff53-38f1-9f48b1c16de4@huawei.com",
     ("will-change", "I'm OK to just drop this patch in next version.")),
    # Rudraksha Gupta answering Dmitry Baryshkov's sorting request from the series that needs it
    # ("[PATCH v4 3/3] ARM: dts: qcom: msm8960: expressatt: Add camera flash", leds, 2026-04-01).
    ("leds", "d4fb2b66-85ae-4de4-b3dd-54260c73fd06@gmail.com", ("done", "I have made the changes here:")),
]


def test_a_will_that_continues_the_sentence_above_promises_nothing() -> None:
    from listsum.facts.review import author_answer

    # Keqian Zhu explaining code (kvmarm, 2020-12): "... vfio_iommu_unmap_unpin_all\nwill remove ...".
    assert author_answer(["the dirty log, then vfio_iommu_unmap_unpin_all()",
                          "will remove all dma_range (in vfio_iommu_unmap_unpin_all). If this happens"]) is None
    assert author_answer(["Thanks.", "will fix in v2."]) == ("will-change", "will fix in v2.")
    # "we'?ll" read "well" (the stance rules had the same bug, fixed in summarise/stance_rules.py).
    assert author_answer(["We might as well drop this patch then."]) is None
    assert author_answer(["Right, i'll fix it."]) == ("will-change", "Right, i'll fix it.")


@pytest.mark.parametrize(("corpus", "msgid", "said"), ANSWERS)
def test_the_authors_answer(corpus: str, msgid: str, said: tuple[str, str] | None) -> None:
    from listsum.facts.review import author_answer

    assert author_answer(own_lines(body_text(_messages(corpus)[msgid]))) == said
