"""Output checks against a real thread (hw/arm/virt v2, corpus week)."""

from __future__ import annotations

from listsum.mail.body import text_of
from listsum.summarise import checks
from summarise_helpers import week_messages


def _thread_text() -> tuple[str, list[str]]:
    msgs = [m for m in week_messages().values() if "hw/arm/virt" in m.subject]
    text = "\n".join(f"{m.sender}\n{m.subject}\n{text_of(m)}" for m in msgs)
    return text, sorted({m.sender for m in msgs})


def test_grounded_names_pass() -> None:
    text, people = _thread_text()
    assert "Andrew Jones" in people and "Eric Auger" in people
    out = "Marc Zyngier posted v2. Andrew Jones reviewed patches 1, 3 and 5; Eric Auger asked about highmem_ecam."
    assert checks.check(out, text, people) == []


def test_made_up_person_is_fatal() -> None:
    text, people = _thread_text()
    flags = checks.check("Linus Torvalds rejected the series because Greg Kroah objected.", text, people)
    assert "ungrounded-name: Linus Torvalds" in flags and "ungrounded-name: Greg Kroah" in flags
    assert checks.fatal(flags)


def test_unknown_identifier_flagged_not_fatal() -> None:
    text, people = _thread_text()
    flags = checks.check("The series changes highmem_ecam and adds frobnicate_gic_regions().", text, people)
    assert flags == ["unknown-identifier: frobnicate_gic_regions"]
    assert not checks.fatal(flags)


def test_echo_detected() -> None:
    text, people = _thread_text()
    msg = next(m for m in week_messages().values() if m.msgid == "20211004094111.2762nq634e24j4rn@gator")
    copied = " ".join(text_of(msg).split()[40:80])
    assert "echo" in checks.check(copied, text, people)


def test_loop_and_signature_detected() -> None:
    text, people = _thread_text()
    loop = "The patch looks correct and the next step is clear. " * 4
    assert "loop" in checks.check(loop, text, people)
    signed = "Andrew Jones reviewed the series.\n\nThanks,\n\n_______________________________________________\nkvmarm mailing list"
    assert "signature" in checks.check(signed, text, people)


def test_empty_output() -> None:
    assert checks.check("  ", "x", []) == ["empty"]


# Real SmolLM2-135M outputs from a run over the corpus week (listsum report,
# 2021-10-04), checked against the threads they claimed to summarise.
EL2_REFCOUNTS = (
    "The patch 0/2 addresses a couple of issues with the EL1 refcounting at EL2.\n"
    "This fixes a bug in EL3, which is not supported by EL4 and will be removed later (at least for now).\n"
    "It also reports corruption from stage-8 to page tables when using the split_page() function on host stage 6.\n"
    "The patch was reviewed after this week because of issues with corner cases at EL2 that are only found in "
    "protected mode, but it is not a fixable issue unless you can free pages between size and (1 << order).\n"
    "This also includes fixing corrupted page-table refcounting from the")
VGIC_V3 = "The previous patch was dropped, and the new one is still pending (the current version of GCIv3)."


def _digest(subject: str):  # -> (Digest, prompt text)
    from listsum.summarise.digest import build, render_digest
    from summarise_helpers import build_week

    built = build_week()
    tr = next(t for t in built.report.threads if t.subject == subject)
    d = build(tr, built.threads[tr.id])
    return d, render_digest(d)


def test_technical_tokens_shapes() -> None:
    toks = checks.technical_tokens("Fixes EL4 at stage-8 in v3.1 via split_page() and CONFIG_KVM, kVM, "
                                   "0x1f; CPUs and VMs are plurals, Marc is a word.")
    assert toks == ["EL4", "stage-8", "v3.1", "split_page", "CONFIG_KVM", "kVM", "0x1f"]


def test_invented_tokens_drop_sentences_then_fall_back() -> None:
    d, prompt = _digest("[PATCH 0/2] A couple of EL2 refcounts fixes")
    assert checks.occurs("EL2", d.source_text) and not checks.occurs("EL4", d.source_text)
    v = checks.vet(EL2_REFCOUNTS, d.source_text, d.people, prompt, trimmed=True)
    assert v.flags == ["dropped-sentence: invented EL3, EL4", "dropped-sentence: invented stage-8",
                       "dropped-sentence: unfinished", "too-few-sentences: 2 of 5 kept"]
    assert v.fallback and v.text == "" and checks.fatal(v.flags)


def test_one_bad_sentence_is_dropped_rest_kept() -> None:
    d, prompt = _digest("[PATCH 0/2] A couple of EL2 refcounts fixes")
    first, second = EL2_REFCOUNTS.splitlines()[:2]
    v = checks.vet(f"{first}\n{second}\nQuentin Perret posted it and Will Deacon acked it.",
                   d.source_text, d.people, prompt)
    assert not v.fallback and v.flags == ["dropped-sentence: invented EL3, EL4"]
    assert v.text == f"{first} Quentin Perret posted it and Will Deacon acked it."


def test_typo_identifier_dropped_and_grounded_kept() -> None:
    d, prompt = _digest("[PATCH v2 0/5] KVM: arm64: Assorted vgic-v3 fixes")
    v = checks.vet(VGIC_V3 + " Marc Zyngier posted v2 of the vgic-v3 fixes.", d.source_text, d.people, prompt)
    assert v.flags == ["dropped-sentence: invented GCIv3"] and not v.fallback
    assert v.text == "Marc Zyngier posted v2 of the vgic-v3 fixes."


def test_links_and_acronyms_must_come_from_the_thread() -> None:
    # SmolLM2 on the demo's bug report: a made-up link and a made-up acronym.
    toks = checks.technical_tokens("It can be found at https://github.com/vgicjd between hosts (GCI); "
                                   "mail dave@example.com about the ITS.")
    assert toks == ["https://github.com/vgicjd", "GCI", "dave@example.com", "ITS"]
    source = "Saving the ITS tables fails; Dave <dave@example.com> reported it on several CPUs."
    assert [t for t in toks if not checks.occurs(t, source)] == ["https://github.com/vgicjd", "GCI"]
    assert checks.occurs("CPU", source)  # the plural in the thread grounds the singular
