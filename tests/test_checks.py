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
