"""Stance rules and own-sentence extraction, table-tested on real lines of
both corpora (kvmarm week of 2021-10-04, linux-leds 2025), each named by
who wrote it."""

from __future__ import annotations

import pytest

from listsum.summarise.stance import judge, own_sentences

# (sentences as the sender wrote them, trailers, role, expected stance, expected sentence index)
REVIEWER, AUTHOR, ASKED = "reviewer", "author", "asked"
PARENT_ASKS = "parent-asks"  # a reviewer whose parent mail (main stance aside) asks something
AUTHOR_ASKS = "author-asks"  # ... and that parent is the author's
ON_PATCH = "on-patch"  # a reviewer replying to the patch posting itself
CASES = [
    # kvmarm
    (["I'll re-spin shortly."], [], AUTHOR, "will-respin", 0),  # Quentin Perret
    (["Applied to fixes, thanks!"], [], REVIEWER, "decision", 0),  # Marc Zyngier (b4 ty)
    (["Queued patches 1-5, thanks."], [], REVIEWER, "decision", 0),  # Paolo Bonzini
    (["Please drop the inline.", "The compiler will sort it out."], [], REVIEWER, "changes-requested", 0),  # Marc
    (["How about only guarding the new tests with this, so we can still do the cpu_on test without?"], [],
     REVIEWER, "changes-requested", 0),  # Andrew Jones
    (["This is no helping with the above, but can we *please* try to get rid of this #define insanity before "
      "moving things around?"], [], REVIEWER, "changes-requested", 0),  # Marc Zyngier
    (["Why are the lock asserts getting dropped?"], [], REVIEWER, "question", 0),  # Andrew Jones
    (["If you don't mind, that'd make my life easier."], [], PARENT_ASKS, "answer", 0),
    # Marc Zyngier to Will Deacon's "Do you need me to respin my series on top of this?"
    (["If you don't mind, that'd make my life easier."], [], REVIEWER, "other", 0),  # ... unasked, no stance
    (["Agreed, I'll replace get_raz_id_reg() with get_raz_reg()."], [], AUTHOR, "will-respin", 0),  # Alexandru
    (["Will drop it."], [], AUTHOR, "will-respin", 0),  # Fuad Tabba
    (["ACK fixing that and getting rid of vgic_check_ioaddr()."], [], AUTHOR, "will-respin", 0),  # Ricardo Koller
    (["Ok, was just trying to visualize how this would work with QEMU Linux guests."], [], REVIEWER,
     "agreement", 0),  # Marcelo Tosatti
    (["Makes sense, we don't emulate it, so don't advertise it."], ["Reviewed-by"], REVIEWER, "review",
     None),  # Alexandru Elisei: the trailer is the fact
    (["For both patches:"], ["Acked-by"], REVIEWER, "ack", None),  # Will Deacon
    (["N1-SDP doesn't implement the MMIO interface at all, and our GIC emulation doesn't either."], [], ASKED,
     "answer", 0),  # Marc Zyngier answering a question thread
    (["I agree that mentioning 'gpa' oddballs this function, since it's called from a guest's point of view.",
      "If there are any other major changes in the series, I'll try to change this as well."], [], AUTHOR,
     "will-respin", 1),  # Raghavendra Rao Ananta: a promise, even when "try to"
    (["_vcpu_run doesn't return until success, so I don't think this assert is necessary.",
      "guest_main() doesn't call GUEST_ASSERT, so this case can't be used, but maybe it's fine to leave it if "
      "there's a chance somebody will add a GUEST_ASSERT later."], [], REVIEWER, "changes-requested", 0),
    # Andrew Jones: "somebody will add" is no promise; "I don't think this assert is necessary" asks to drop it
    (["So all we need to do is check 'entry_addr < max_ipa', right?"], [], REVIEWER, "question", 0),  # A. Jones
    (["nit: this comment only applies to the protected mode, right?"], [], REVIEWER, "changes-requested",
     0),  # Marc Zyngier: a nit is a request whatever its tag
    (["Please consider subscribing to kvmarm instead of posting as a non-subscriber.",
      "Put some traces in vgic_v3_enable(), and find out why vgic_sre is non-zero."], [], ASKED, "answer", 0),
    # Marc Zyngier answering Lukas Jünger's question thread: a request inside an answer
    (["It already does, that's the cool part.", "Take again the formula here:",
      "The need to have precise (ns, cycle) pairings is exactly because it ensures that everything cancels in the "
      "formula, and all that is left is the differences in tsc frequencies."], [], REVIEWER, "answer", 0),
    # Paolo Bonzini to Marcelo Tosatti: an opening answer; "the need to" is a noun, no request
    (["I put a dump_stack() in vgic_v3_enable(), but it doesn't trigger.", "From the outside it looks like the "
      "function is not called.", "I'm not sure how to proceed without JTAG."], [], REVIEWER, "question", 2),
    # Lukas Jünger: asking for help without a question mark
    (["It's an interesting one.", "I think the best thing would be to wipe the pvmfw memory; that would mean that "
      "the host can do whatever it likes at EL2, as the keys will no longer be available.",
      "I'll make a note about this, since I've parked the pvmfw patches until we've got more of the pKVM "
      "infrastructure up and running."], [], AUTHOR, "answer", 0),  # Will Deacon, author, answering Quentin Perret
    # linux-leds
    (["just a friendly ping on this series."], [], AUTHOR, "ping", 0),  # Richard Leitner
    (["Thanks for the review.", "I will send a v7 end of this week."], [], AUTHOR, "will-respin", 1),  # R. Leitner
    (["personally i like having self-describing values instead of plain 0/1, so i would be in favor of keeping it.",
      "Good catch, will fix."], [], AUTHOR, "will-respin", 1),  # Armin Wolf
    (["Please use a define."], [], REVIEWER, "changes-requested", 0),  # Ilpo Järvinen
    (["We have collected all four pieces of the puzzle, hooray!", "If you are OK with the private LED trigger "
      "approach, I will adopt it in", "What about introducing a namespace for private LED triggers, so that we can "
      "name these triggers like \"hw-driven:driver-specific-name\"?"], [], AUTHOR, "will-respin", 1),  # Rong Zhang
    (["I'll double check if/when we have any of this on the Thinkpads...I don't think we do, but I'm sure we will "
      "at some point."], [], REVIEWER, "other", 0),  # Mark Pearson: telling a fact, objecting to nothing
    (["Paging can be partial.", "Okay, if you still think regmap doesn't fit this case, please provide a summary in "
      "the cover letter to describe all your discoveries and thoughts."], [], REVIEWER, "changes-requested",
     1),  # Andy Shevchenko: an opening "Okay," does not make a request agreement
    (["This is redundant."], [], REVIEWER, "changes-requested", 0),  # Daniel Thompson
    (["Isn't there another way to do his that doesn't entail sprinkling #ifery around C-files?"], [], REVIEWER,
     "objection", 0),  # Lee Jones
    (["Applied, thanks!"], [], REVIEWER, "decision", 0),  # Lee Jones (b4 ty)
    (["I like this, it cleans up things for current systems so they do not need to carry around so much legacy."],
     [], REVIEWER, "agreement", 0),  # Linus Walleij (his Reviewed-by aside)
    (["Ah...yeah - that won't apply."], [], REVIEWER, "other", 0),  # Mark Pearson: not a decision
    (["I think that what we are lacking to move forward is Pavel's response to Marek's question [0] about "
      "elaboration on the subject.", "Unless there was a response and I can't find it."], [], PARENT_ASKS,
     "answer", 0),  # Jacek Anaszewski to Diederik de Haas's "Is that correct?"
    (["That was my instinct too, I was following a clearly incorrect pattern from another driver, merged the fields "
      "from that struct into the main max25014 struct."], [], AUTHOR, "will-respin", 0),  # Maud Spierings
    # Requests without "please" or a question mark, and decisions later in the sentence
    # (kvmarm 2021-03, linux-leds 2025-03..05: read to find classes of "other", not gold)
    (["Can you replace both of these lines with:"], [], REVIEWER, "changes-requested", 0),  # Will Deacon
    (["Can you rephrase this so the problem and solution are more clearly expressed."], [], REVIEWER,
     "changes-requested", 0),  # Daniel Thompson
    (["Follow ordering of nodes explained in DTS coding style."], [], REVIEWER, "changes-requested",
     0),  # Krzysztof Kozlowski
    (["Whatever change you want to do here, I expect to address one way or another these previous discussions.",
      "If the code is confusing, refine the description."], [], REVIEWER, "changes-requested", 0),  # Krzysztof K.
    (["Just post the revised patch, and we'll take it from there."], [], REVIEWER, "changes-requested",
     0),  # Marc Zyngier
    (["This would definitely need updating the comment for MEMBLOCK_NOMAP definition in include/linux/memblock.h "
      "just to make the semantics is clear, though arm64 is currently the only user for MEMBLOCK_NOMAP."], [],
     REVIEWER, "changes-requested", 0),  # Anshuman Khandual
    (["I would recommend to try and rebase this patch on kvmarm/next because we've made a few changes in "
      "pgtable.c recently."], [], REVIEWER, "changes-requested", 0),  # Quentin Perret
    (["It would be good to add this description to the entry related to \"trigger\" file in "
      "Documentation/ABI/testing/sysfs-class-led."], [], REVIEWER, "changes-requested", 0),  # Jacek Anaszewski
    (["That worked, now queued up, thanks!"], [], REVIEWER, "decision", 0),  # Greg KH
    (["Just finished reviewing that part too, they were very nice and I've queued them."], [], REVIEWER,
     "decision", 0),  # Paolo Bonzini
    (["I've now pulled this into kvmarm/next."], [], REVIEWER, "decision", 0),  # Marc Zyngier
    (["Unapplied, thanks."], [], REVIEWER, "decision", 0),  # Lee Jones
    (["Thank you for your contribution, it has been applied to my local review-ilpo-next branch.",
      "Note it will show up in the public platform-drivers-x86/review-ilpo-next branch only once I've pushed my "
      "local branch there, which might take a while."], [], REVIEWER, "decision", 0),  # Ilpo Järvinen (b4 ty)
    (["1-3 have been applied to the LED tree already."], [], REVIEWER, "decision", 0),  # Lee Jones (2025-10)
    (["Both patches now dropped from my queue, thanks."], [], REVIEWER, "decision", 0),  # Greg KH
    (["Readers could get queued up behind a writer, but since install_new_memslots() is serialized by slots_lock "
      "(the existing mutex), there is no chance of multiple writers, i.e. the worst case wait duration is bounded at "
      "the length of an in-flight notification."], [], AUTHOR, "other", 0),  # Sean Christopherson
    (["Interesting, I don't think I've seen __cold used in arch/arm64 before."], [], REVIEWER, "other",
     0),  # Will Deacon: about himself, no objection
    (["While it is slightly more expensive, I don't think it matters."], [], REVIEWER, "other",
     0),  # Thomas Weißschuh (linux-leds)
    (["Will: I don't think things have changed in that respect, right?"], [], REVIEWER, "question",
     0),  # Marc Zyngier checking with Will Deacon
    (["I'm not convinced these comments are necessary."], [], REVIEWER, "changes-requested", 0),  # D. Thompson
    (["I don't think you have though this one through."], [], REVIEWER, "objection", 0),  # Marc Zyngier
    (["To be honest this looks really ugly and it's not at all obvious what is going on."], [], REVIEWER,
     "objection", 0),  # Thomas Weißschuh (linux-leds)
    (["The locking is pretty ugly in this case, and I don't want to reparse the whole AP list."], [], REVIEWER,
     "other", 0),  # Marc Zyngier explaining his own alternative
    (["This pfn_valid() check may be problematic."], [], REVIEWER, "changes-requested", 0),  # Catalin Marinas
    (["Sorry to bother again, I am really hoping a response for this series. :-)"], [], AUTHOR, "ping",
     0),  # Shenming Lu (kvmarm 2021-03)
    (["Why do you need label?"], [], REVIEWER, "changes-requested", 0),  # Krzysztof Kozlowski (linux-leds)
    (["Is the interrupt useful for anything?"], [], REVIEWER, "changes-requested", 0),  # Daniel Thompson
    (["Do we really need to go through this is_aarch32_allowed check?"], [], REVIEWER, "changes-requested",
     0),  # Marc Zyngier
    (["Why is this one needed?"], [], REVIEWER, "changes-requested", 0),  # Quentin Perret (kvmarm 2021-03)
    (["Spurious change?"], [], REVIEWER, "changes-requested", 0),  # Marc Zyngier (kvmarm 2021-03)
    (["What is the advantage of doing this?"], [], REVIEWER, "question", 0),  # Marc Zyngier: asks, a real question
    (["Why are the lock asserts getting dropped?"], [], REVIEWER, "question", 0),  # Andrew Jones (as above)
    # A reviewer answering the author's question: the opening statement is the answer.
    (["I'll let you look around and decide for yourself.", "If this is not optional, you should check this call "
      "for errors."], [], AUTHOR_ASKS, "answer", 0),  # Lee Jones to Markus Probst (linux-leds 2025-11)
    (["I'll let you look around and decide for yourself.", "If this is not optional, you should check this call "
      "for errors."], [], REVIEWER, "changes-requested", 1),  # ... unasked, the request stands
    (["Every camera doesn't have the same LEDs, so you have to define exactly what's there for each one.",
      "If you want to do it in video-interface-devices.yanl, then you are standardizing it for everyone.",
      "Maybe that's fine?"], [], AUTHOR_ASKS, "answer", 0),  # Rob Herring to Aleksandrs Vinarskis (2025-10)
    (["We can always trap.", "Otherwise we wouldn't be able to hide the feature from the guest.",
      "The full MM context has to be in place before you can do anything."], [], AUTHOR_ASKS, "answer",
     0),  # Marc Zyngier to Andrew Murray (kvmarm 2020)
    (["Whatever change you want to do here, I expect to address one way or another these previous discussions.",
      "If the code is confusing, refine the description."], [], AUTHOR_ASKS, "changes-requested",
     0),  # Krzysztof Kozlowski to Diederik de Haas's "Is that correct?": a request opens it
    # Objections to the whole change, and concessions that are no agreement (kvmarm 2021-01, 2020)
    (["I was initially convinced by these first three patches, but upon further review, I think the premise is "
      "wrong."], [], REVIEWER, "objection", 0),  # Alex Williamson
    (["This looks like it's creating a larger problem than it's fixing, it's not our job to maintain the dirty "
      "bitmap regardless of what the user does."], [], REVIEWER, "objection", 0),  # Alex Williamson
    (["I might be missing something obvious here - but I don't see the point of this."], [], REVIEWER,
     "objection", 0),  # Steven Price
    (["This largely looks good to me, but I don't understand these bits:"], [], REVIEWER, "other",
     0),  # Will Deacon: a concession, not agreement
    (["I agree that the transition can only go in one direction, but it's still conditional on the scope of all "
      "groups involved.", "Renaming this to \"promote\" seems like a matter of personal preference.",
      "This seems like a frivolous change."], [], REVIEWER, "objection", 2),  # Alex Williamson
    (["RO = Read-Only indeed.", "As for your concern, I don't think it is a problem to return different values if "
      "the HW has changed in between.", "This may need to be documented though."], [], REVIEWER,
     "changes-requested", 2),  # Marc Zyngier (kvmarm 2021-01): reassurance, no objection; documenting is asked
    (["Arm IHI 0069F states that accesses to the GICR_TYPER register are RO.", "Maybe Marc can shed some light on "
      "this."], [], REVIEWER, "question", 1),  # Alexandru Elisei (kvmarm 2021-01): asks without "?"
    # "Please don't" asks not to do one thing, as "Please do not" does.
    (["Please don't ever add comments, especially kerneldocs, for such obvious driver API."], [], REVIEWER,
     "changes-requested", 0),  # Krzysztof Kozlowski (gold 2025-08: changes-requested)
    (["Please don't do assignments in variable declaration if that involves error handling."], [], REVIEWER,
     "changes-requested", 0),  # Sakari Ailus (linux-leds 2025-10)
    (["Please do not use the legacy PM callback, instead use DEFINE_SIMPLE_DEV_PM_OPS() and the driver.pm field."],
     [], REVIEWER, "changes-requested", 0),  # Armin Wolf (linux-leds 2025-07)
    # will-respin is the author promising a new revision or a change. The sentence is the respin, not a
    # promise to test beside it: Eric Auger (author of SMMUv3 nested stage v13, kvmarm 2021-01, dd79d11a).
    (["Thank for for the report.", "I need to setup the DPDK environment again and I will test on my end.",
      "I plan to respin next week and study all the issues you reported up to now.",
      "I will rebase on Jean's last branch."], [], AUTHOR, "will-respin", 2),
    (["I need to setup the DPDK environment again and I will test on my end."], [], AUTHOR, "other", 0),
    # An author's "Yes, according to ..." answers (Keqian Zhu, kvmarm 2021-01-18, a184c21f).
    (["Not hit a bug, I just read the code to implement a new idea of stage2 DBM support [1].",
      "Yes, according to doc, this is not an issue (\"The offset of @addr within a page is ignored.\").",
      "Sorry to disturb ;-)."], [], AUTHOR, "answer", 0),
    (["I will wait for your series to be applied."], [], AUTHOR, "other", 0),  # Kaustabh Chakraborty (2025-11)
    # A promise by anyone else is not will-respin: maintainers fixing while applying, a reviewer's
    # own work. Only a new revision promised makes the sender an author listsum missed.
    (["I'll fix it locally, though the SHA1 will change..."], [], REVIEWER, "other", 0),  # Marc Zyngier (2021-05)
    (["Done, and sorry for the delay."], [], REVIEWER, "other", 0),  # Marc Zyngier (kvmarm 2021-03)
    (["I can do that while applying the patches if you're fine with that."], [], REVIEWER, "other",
     0),  # Sakari Ailus (linux-leds 2026-03)
    (["I'll try and see if ARM people are willing to clarify the spec (for which an update is long overdue)."], [],
     REVIEWER, "other", 0),  # Marc Zyngier (kvmarm 2021-04)
    (["Agreed, I'll replace get_raz_id_reg() with get_raz_reg()."], [], REVIEWER, "other", 0),  # not the author
    (["I'll respin these patches accordingly."], [], REVIEWER, "will-respin", 0),  # Mark Rutland (kvmarm 2020-02)
    (["The original code's include order is not alphabetical, If you prefer, I can reorder all.",
      "Please let me know your preference."], [], AUTHOR, "answer", 0),  # LI Qingwu, answering Lee Jones
    # A reviewer's comment on the patch itself, in words no table knows, asks for a change (fresh
    # tuning sets, both lists): Onur Özkan on the Rust LED classdev (linux-leds 2025-10), Krzysztof
    # Kozlowski on LTC3208 v3 (linux-leds 2026-04), Peter Maydell on the PMUv3 tests
    # (<CAFEAcA9Yc9dKTCcP3fP93tQU62Q=2FYOoYGvUqfiOMY=pYV_RA@mail.gmail.com>, kvmarm 2020-02).
    (['"arround" -> "around"', "I think you meant InitData here."], [], ON_PATCH, "changes-requested", 0),
    (["Still incorrect order.", "I still expect this to be complete, so at least function and color."], [],
     ON_PATCH, "changes-requested", 0),
    (["This condition will only test for v8.1-required events if the PMU is exactly 8.1, so you lose coverage if "
      "the implementation happens to support ARMv8.4-PMU."], [], ON_PATCH, "changes-requested", 0),
    (["Still incorrect order."], [], REVIEWER, "other", 0),  # ... the same words elsewhere in a thread say nothing
    # "we'll" needs its apostrophe and a bare "will" opens its clause: neither "Well defined path into
    # nowhere." (Svyatoslav Ryhel, author of lm3533, linux-leds 2025-03) nor Xiang Zheng's "In this patch,
    # kvm_pmu_create_perf_event() will not recalculate the sample period." (author, kvmarm 2019-06,
    # <482838e5-64a4-ef99-2e51-4b58e18ba4b4@huawei.com>) promises anything.
    (["Well defined path into nowhere."], [], AUTHOR, "other", 0),
    (["Sorry for that I didn't notice your patches...", "I will test your patch series.",
      "In this patch, kvm_pmu_create_perf_event() will not recalculate the sample period."], [], AUTHOR, "answer", 0),
    (["Good catch, will fix."], [], AUTHOR, "will-respin", 0),
    # A verdict on the whole work wins wherever it sits (fresh tuning sets, both lists): Uwe Kleine-König on
    # the qcom-lpg RFC (linux-leds 2025-03), Marc Zyngier on userspace MPIDR (kvmarm 2020-09,
    # <7a924b0fb27505a0d8b00389fe2f02df@kernel.org>). Asked, it is no verdict.
    (["Please share the latter to a) support your case and b) make it easier for your reviewers to judge.",
      "Is the intention here that a duty_cycle is selected that approximates the requested relative duty_cycle?",
      "If it's that: Nack."], [], REVIEWER, "objection", 2),
    (["We already have a per-CPU MPIDR_EL1 register, we don't need another piece of state.",
      "That's not the way we access system registers from userspace.", "As it is, this patch is unacceptable."],
     [], REVIEWER, "objection", 2),
    (["Please drop the inline.", "Or is that not OK for some compiler?"], [], REVIEWER, "changes-requested", 0),
    # Conceding in the opening sentence agrees (fresh kvmarm sets): Andrew Murray (author, kvmarm 2019-06,
    # <20190613093957.GG49779@e119886-lin.cambridge.arm.com>), Marc Zyngier answering Robin Murphy
    # (<868sl46t60.wl-maz@kernel.org>, kvmarm 2020-02), Jacob Keller (kvmarm 2020-09). "Yes, for ..." answers.
    (["Yes that's correct.", "The hunk should look like this:"], [], AUTHOR, "agreement", 0),
    (["Indeed, this doesn't look quite right.", "Looking at the description of event 0x11, it doesn't seem to "
      "count exactly like the cycle counter."], [], ASKED, "agreement", 0),
    (["Yea this does look very odd.."], [], REVIEWER, "agreement", 0),
    (["Yes, for consistency with the other ID registers."], [], ASKED, "answer", 0),
    # A direct answer opening a reply to a mail that asked is the answer, requests after it or not
    # (kvmarm 2019-06): Paolo Bonzini (<bb04c637-24a6-220e-e596-299be5b1c503@redhat.com>), Jean-Philippe
    # Brucker. Unasked, the same words request.
    (["Yeah, as Andrea said you could drop the reference in the invalidate callback too."], [], PARENT_ASKS,
     "answer", 0),
    (["Yeah, as Andrea said you could drop the reference in the invalidate callback too."], [], REVIEWER,
     "changes-requested", 0),
    # Doubting a need or a worth asks to drop one thing, not to reject the work (both lists): Will Deacon
    # (<20200916123913.GA28056@willie-the-truck>, kvmarm 2020-09), Alice Ryhl (<aOjw6QtVArJ807MX@google.com>,
    # linux-leds 2025-10). Doubt about anything else still objects.
    (["Too many '.'s here?", "I don't think we need this symbol.", "Otherwise, idea looks good to me."], [],
     REVIEWER, "changes-requested", 1),
    (["That avoids the box.", "I don't think other abstractions have needed that."], [], REVIEWER,
     "changes-requested", 1),
    (["I don't think this is the right approach."], [], REVIEWER, "objection", 0),
    # A suggestion asked further into the question is a request (both lists): Suzuki Poulose
    # (<036304c6-d5a8-5b36-48e1-1e919c55fc4c@arm.com>, kvmarm 2019-06), Benno Lossin
    # (<DDGNXV9KS3RS.2WHS4OOYM6DOP@kernel.org>, linux-leds 2025-10). A plain question stays one.
    (["If this was the Cycle counter and t he PMCR_LC was set, shouldn't we be using 64bit mask here ?",
      "Rest looks fine to me."], [], REVIEWER, "changes-requested", 0),
    (["You can just make the length of the slice be the desired length?"], [], REVIEWER, "changes-requested", 0),
    (["Is the interrupt line shared with the other function?"], [], REVIEWER, "question", 0),
    (["Yes, I think we do.", "Two possibilities:", "However it affects a single mdev/guest context, it doesn't "
      "affect other mdevs.", "So it should be possible to isolate the page responses per mdev."], [], PARENT_ASKS,
     "answer", 0),  # Armin Wolf: after a comma, "will" still promises
]


@pytest.mark.parametrize("sentences, trailers, role, stance, index", CASES)
def test_stance_rules_on_real_lines(sentences: list[str], trailers: list[str], role: str, stance: str,
                                    index: int | None) -> None:
    j = judge(sentences, trailers, by_author=role == AUTHOR, replies_to_question=role == ASKED or (
        role == AUTHOR and stance == "answer"), parent_asks=role in (PARENT_ASKS, AUTHOR_ASKS),
              author_asks=role == AUTHOR_ASKS, reviews_patch=role == ON_PATCH)
    assert (j.stance, j.index) == (stance, index)


def test_a_bots_verdict_is_the_point_and_its_tag_no_review() -> None:
    sashiko = ["Thank you for your contribution!", "Sashiko AI review found 2 potential issue(s) to consider:"]
    assert judge(sashiko, [], bot=True).stance == "bot" and judge(sashiko, [], bot=True).index == 1
    lkp = ["kernel test robot noticed the following build warnings:"]
    assert judge(lkp, ["Reported-by"], bot=True).stance == "bot"  # a robot's suggested tag is not a review


def test_own_sentences_drop_greetings_quotes_attribution_and_signoff() -> None:
    # Heiko Stübner's German attribution, Lukas Jünger's "Hi Mark," and Marc's "M." sign-off (compressed text).
    text = ("Hi Marc,\n\nAm Montag, 13. Januar 2025, 01:23:37 Mitteleuropäische Sommerzeit schrieb Marek Vasut:\n"
            "> +\tTRIGGER_NETDEV_* flags.\n\nI see.\n\nThis is redundant. Remove it.\n"
            "> +static int foo(void);\n\tret = foo();\n\nFair enough :)\n\nThanks,\nM.")
    assert own_sentences(text, "Marc Zyngier") == ["This is redundant.", "Remove it."]
    assert own_sentences("> only quoted text\n> more\n", "X") == []


def test_a_question_besides_the_main_stance() -> None:
    from listsum.summarise.stance import Judged, second_question

    # Sakari Ailus (linux-leds): a request, and a question further down.
    sakari = ["Thanks for the update (and for the ping!).", "I think we should add this is related to the hardware "
              "strobe.", "This requires of course the appropriate labels.",
              "I also wonder whether we should use 0,1 µs or even ns for the unit."]
    j = judge(sakari, [])
    assert (j.stance, j.index) == ("changes-requested", 1) and second_question(sakari, j) == 3
    # A suggestion phrased as a question is the request itself, not a second point (Andrew Jones).
    jones = ["How about only guarding the new tests with this, so we can still do the cpu_on test without?"]
    assert second_question(jones, judge(jones, [])) is None
    assert second_question(["Applied, thanks!", "Why?"], Judged("decision", 0, True)) is None


def test_the_author_answering_from_another_address_is_the_author(leds) -> None:
    """Marek Vasut posts the netdev-trigger binding from marex@denx.de and
    answers Andrew Lunn from marek.vasut@mailbox.org (linux-leds, 2025-08):
    his explanation answers the reviewer: not a change request of his own."""
    from listsum import pipeline
    from listsum.summarise.points import authors, candidates
    from listsum.window import WindowSpec

    built = pipeline.build(pipeline.ReportSettings(inputs=[str(leds)], window=WindowSpec(since="2025-08-01",
                                                                                         until="2025-09-01")))
    reply = "24277b44-a21e-499d-9194-71edbd483902@mailbox.org"
    tr = next(t for t in built.report.threads if any(m.message_id == reply for m in t.messages))
    thread = built.threads[tr.id]
    assert "marek.vasut@mailbox.org" not in authors(thread) and "marex@denx.de" in authors(thread)
    judged: dict = {}
    candidates(tr, thread, judged)
    assert judged[reply].stance == "answer"


def test_the_author_of_an_absent_git_send_email_root_is_named_by_its_id(week) -> None:
    """Raghavendra Rao Ananta's arch_timer series is outside the kvmarm week;
    the thread's absent root "20210914223114.435273-1-rananta@google.com"
    names him, so his reply to Zenghui Yu is the author's answer."""
    from listsum.summarise.points import _GIT_SEND_EMAIL_ID, authors
    from summarise_helpers import build_week

    built = build_week()
    thread = built.threads["20210914223114.435273-1-rananta@google.com"]
    assert thread.ghost_root and "rananta@google.com" in authors(thread)
    # His reply to Zenghui's absent build report opens the thread and answers it (a question follows).
    from listsum.summarise.points import candidates

    judged: dict = {}
    candidates(next(t for t in built.report.threads if t.id == thread.id), thread, judged)
    assert judged["CAJHc60yXia60BL6_NddvqsjhXJ19bHrnyQKiPNMqEjjQuHXedw@mail.gmail.com"].stance == "answer"
    # b4's ids name no sender (linux-leds): nothing is guessed from them.
    assert _GIT_SEND_EMAIL_ID.match("20250820-hairy-economic-wildebeest-ba25a1@kuoka") is None
    assert _GIT_SEND_EMAIL_ID.match("20250819-topic-v1-1-8a3c1d2e4f5a@kernel.org") is None


def test_the_author_posting_through_the_b4_relay_is_the_author(leds) -> None:
    """Maud Spierings posts max25014 v2 "via B4 Relay" from
    devnull+maudspierings.gocontroll.com@kernel.org and answers the reviews
    from maudspierings@gocontroll.com (linux-leds, 2025-08): her "oopsie
    fixed" takes a comment (will-respin), it answers no question of hers."""
    from listsum import pipeline
    from listsum.summarise.points import authors, candidates
    from listsum.window import WindowSpec

    built = pipeline.build(pipeline.ReportSettings(inputs=[str(leds)], window=WindowSpec(since="2025-08-01",
                                                                                         until="2025-09-01")))
    reply = "32c9454a-9d57-46b1-b43b-8bba1b28c231@gocontroll.com"
    tr = next(t for t in built.report.threads if any(m.message_id == reply for m in t.messages))
    thread = built.threads[tr.id]
    assert "maudspierings@gocontroll.com" in authors(thread)
    c = next(c for c in candidates(tr, thread) if c.msg.msgid == reply)
    assert (c.role, c.judged.stance) == ("author", "will-respin")


def test_thanks_then_a_stance_is_a_point_not_courtesy() -> None:
    """"Thanks, <clause>" is courtesy only when the clause says nothing: a maintainer's
    "Thanks, applied." and an author's short agreement are points (kvmarm 2021-01: Jianyong
    Wu, the author, answering Marc Zyngier's request with only this line)."""
    jianyong = "Thanks Marc, it's OK for me and I will do the test for it."
    for line in ("Thanks, applied.", "Thanks, queued.", "Thanks, will fix.", jianyong):
        assert own_sentences(line, "X") == [line]
    for line in ("Thanks for the review.", "Thanks, Marc.", "Thanks, M.", "Thanks again for your review, Krzysztof."):
        assert own_sentences(line, "X") == []
    assert judge(["Thanks, applied."], []).stance == "decision"
    # The author agreeing and promising to test: agreement, not will-respin.
    j = judge([jianyong], [], by_author=True, replies_to_question=True)
    assert (j.stance, j.index) == ("agreement", 0)
