"""Message compression on real kvmarm mail (the corpus week)."""

from __future__ import annotations

import re

from listsum.mail.body import text_of
from listsum.summarise.compress import compress
from summarise_helpers import week_messages


def _c(msgid: str):
    msg = week_messages()[msgid]
    return compress(text_of(msg), msg.sender)


def test_inline_reply_keeps_answered_line_and_lifts_trailer() -> None:
    c = _c("20211004094111.2762nq634e24j4rn@gator")  # Andrew Jones on hw/arm/virt 1/5
    assert ("Reviewed-by", "Andrew Jones <drjones@redhat.com>") in c.trailers
    assert "could also remove the superfluous ()" in c.text
    # the quoted line he answers is kept, the rest of the quoted patch is not
    assert "> +    acpi_dsdt_add_pci(scope, memmap, (irqmap[VIRT_PCIE] + ARM_SPI_BASE), vms);" in c.text
    assert "diff --git" not in c.text and "Signed-off-by" not in c.text
    assert len([ln for ln in c.text.splitlines() if ln.startswith(">")]) == 1
    assert "2.30.2" not in c.text and "Reviewed-by" not in c.text


def test_patch_keeps_diffstat_drops_diff() -> None:
    msg = week_messages()["20211004090328.540941-2-qperret@google.com"]
    raw = text_of(msg)
    c = compress(raw, msg.sender)
    assert "diff --git" in raw and "diff --git" not in c.text
    assert not re.search(r"^[+-]\s", c.text, re.M)
    assert c.diffstat[-1] == "3 files changed, 20 insertions(+), 1 deletion(-)"
    assert any(d.startswith("arch/arm64/kvm/hyp/nvhe/page_alloc.c") for d in c.diffstat)
    assert "refcounts the pages of concatenated stage-2 PGDs" in " ".join(c.text.split())


def test_footer_signature_greeting_dropped_everywhere() -> None:
    msgs = week_messages().values()
    assert all("kvmarm mailing list" in text_of(m) for m in msgs)  # every list mail carries the footer
    for m in msgs:
        c = compress(text_of(m), m.sender)
        assert "kvmarm mailing list" not in c.text
        assert "lists.cs.columbia.edu/mailman" not in c.text
        assert not c.text.startswith(("Hi all,", "Hi Marc,", "Hello"))


def test_cover_letter_greeting_dropped() -> None:
    c = _c("20211004090328.540941-1-qperret@google.com")
    assert c.text.startswith("This addresses a couple of issues Will has found")


def test_decisions_kept_for_the_stance_rules() -> None:
    """compress() no longer lifts decisions aside (nothing read them); the line stays in the
    text, where the stance rules read it as a decision."""
    from listsum.summarise.stance import judge, own_sentences

    for msgid, line in (("163343543062.3848981.1421083280351176528.b4-ty@kernel.org", "Applied to fixes, thanks!"),
                        ("YVtEUpIFdOrIoH0B@robh.at.kernel.org", "Applied, thanks!")):
        c = _c(msgid)
        sents = own_sentences(c.text, week_messages()[msgid].sender)
        j = judge(sents, [k for k, _ in c.trailers])
        assert j.stance == "decision" and j.index is not None and sents[j.index].startswith(line.split(",")[0]), sents


def test_week_compresses_to_a_fraction() -> None:
    msgs = list(week_messages().values())
    raw = sum(len(text_of(m).split()) for m in msgs)
    kept = sum(len(compress(text_of(m), m.sender).text.split()) for m in msgs)
    assert len(msgs) == 248
    assert kept < raw * 0.15, (kept, raw)


def test_two_line_attribution_dropped() -> None:
    # Marc's client writes "On Mon, 04 Oct 2021 ... +0100,\nName <addr> wrote:"
    for m in week_messages().values():
        if m.from_addr == "maz@kernel.org" and m.subject.startswith("Re:"):
            c = compress(text_of(m), m.sender)
            assert not re.search(r"^On \w{3}, \d\d \w{3} \d{4}", c.text, re.M), c.text[:200]
