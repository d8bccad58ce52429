"""Grounding checks (what prose.py asks of a model's sentence) against a real
thread: hw/arm/virt v2 and the EL2 refcounts fixes, corpus week."""

from __future__ import annotations

from listsum.mail.body import text_of
from listsum.summarise import checks
from summarise_helpers import week_messages


def _thread_text(subject_part: str) -> tuple[str, list[str]]:
    msgs = [m for m in week_messages().values() if subject_part in m.subject]
    text = "\n".join(f"{m.sender}\n{m.subject}\n{text_of(m)}" for m in msgs)
    return text, sorted({m.sender for m in msgs})


def test_grounded_names_pass() -> None:
    text, people = _thread_text("hw/arm/virt")
    assert "Andrew Jones" in people and "Eric Auger" in people
    out = "Marc Zyngier posted v2. Andrew Jones reviewed patches 1, 3 and 5; Eric Auger asked about highmem_ecam."
    assert checks.names_in(out) == ["Marc Zyngier", "Andrew Jones", "Eric Auger"]
    assert all(checks.grounded(n, text, people) for n in checks.names_in(out))


def test_made_up_person_is_not_grounded() -> None:
    text, people = _thread_text("hw/arm/virt")
    names = checks.names_in("Linus Torvalds rejected the series because Greg Kroah objected.")
    assert names == ["Linus Torvalds", "Greg Kroah"]
    assert not any(checks.grounded(n, text, people) for n in names)


def test_technical_tokens_shapes() -> None:
    toks = checks.technical_tokens("Fixes EL4 at stage-8 in v3.1 via split_page() and CONFIG_KVM, kVM, "
                                   "0x1f; CPUs and VMs are plurals, Marc is a word.")
    assert toks == ["EL4", "stage-8", "v3.1", "split_page", "CONFIG_KVM", "kVM", "0x1f"]


def test_invented_tokens_are_not_in_the_thread() -> None:
    # A real SmolLM2-135M sentence about the EL2 refcounts fixes (listsum
    # report, 2021-10-04): EL3 and EL4 are made up, EL2 is the thread's own.
    text, _ = _thread_text("A couple of EL2 refcounts fixes")
    sentence = "This fixes a bug in EL3, which is not supported by EL4 and will be removed later (at least for now)."
    assert checks.occurs("EL2", text)
    assert [t for t in checks.technical_tokens(sentence) if not checks.occurs(t, text)] == ["EL3", "EL4"]


def test_links_and_acronyms_must_come_from_the_thread() -> None:
    # SmolLM2 on the demo's bug report: a made-up link and a made-up acronym.
    toks = checks.technical_tokens("It can be found at https://github.com/vgicjd between hosts (GCI); "
                                   "mail dave@example.com about the ITS.")
    assert toks == ["https://github.com/vgicjd", "GCI", "dave@example.com", "ITS"]
    source = "Saving the ITS tables fails; Dave <dave@example.com> reported it on several CPUs."
    assert [t for t in toks if not checks.occurs(t, source)] == ["https://github.com/vgicjd", "GCI"]
    assert checks.occurs("CPU", source)  # the plural in the thread grounds the singular
