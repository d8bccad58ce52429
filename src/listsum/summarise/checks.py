"""Checks on every model output, against the thread it claims to summarise.

A small model invents people, copies its input, loops, or signs off like a
mail. Each check returns flags (short strings that go into Summary.flags);
``fatal`` decides which flags replace the output by the extractive summary.
Pure functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from listsum.summarise.base import is_looping

# Two or three capitalised words: "Marc Zyngier", "Oliver Upton".
_NAME = re.compile(r"\b([A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?(?: [A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?){1,2})\b")
# Words that start capitalised phrases which are not people.
_NOT_PEOPLE = {
    "The", "This", "That", "These", "Those", "It", "In", "On", "At", "For", "And", "But", "So", "If", "As",
    "A", "An", "He", "She", "They", "We", "Patch", "Patches", "Series", "Thread", "Kernel", "Linux", "Arm",
    "Summary", "Background", "Status", "Reviewed", "Acked", "Tested", "Applied", "Version", "Subject",
    "Git", "Pull", "Request", "Bug", "Report", "Question", "Fix", "Fixes", "Add", "Remove", "Support",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "October", "September",
    "November", "December", "January", "February", "March", "April", "May", "June", "July", "August",
    "Where", "What", "Who", "When", "After", "Before", "Since", "There", "Here", "His", "Her", "Their",
}
# Identifiers: snake_case, CONFIG_FOO, CamelCase, foo() calls.
_IDENT = re.compile(r"\b(?:CONFIG_[A-Z0-9_]+|[a-z][a-z0-9]*_[a-z0-9_]+|[A-Za-z_][A-Za-z0-9_]*\(\)|"
                    r"[a-z]+[A-Z][A-Za-z0-9]*)\b(?:\(\))?")
_SIGNOFF = re.compile(r"(^|\n)-- ?\n|_{10,}|mailing list|lists\.cs\.columbia\.edu|Signed-off-by:|"
                      r"(^|\n)\s*(Thanks|Cheers|Regards|Best regards),?\s*(\n|$)", re.I)
ECHO_WORDS = 20  # a verbatim run this long is a copy, not a summary
WHOLE = ("empty", "echo", "loop", "signature")  # about the whole output: no sentence can be kept
FATAL = WHOLE + ("ungrounded-name", "too-few-sentences")


def names_in(text: str) -> list[str]:
    out: list[str] = []
    for m in _NAME.finditer(text):
        words = m.group(1).split()
        while words and words[0] in _NOT_PEOPLE:
            words.pop(0)
        if len(words) >= 2 and not any(w in _NOT_PEOPLE for w in words):
            out.append(" ".join(words))
    return list(dict.fromkeys(out))


def grounded(name: str, thread_text: str, people: list[str]) -> bool:
    low = thread_text.lower()
    if name.lower() in low:
        return True
    parts = name.lower().split()
    # "Marc Z." style or a surname alone is fine when the full person is a participant.
    if any(all(p in person.lower() for p in parts) for person in people):
        return True
    # "Virtual Machines" is two ordinary words of the thread, capitalised; a
    # made-up person ("Linus Torvalds") has words the thread never uses.
    words = set(re.findall(r"[a-z]+", low))
    return all(p in words for p in parts)


def identifiers_in(text: str) -> list[str]:
    return list(dict.fromkeys(m.group(0).rstrip("()") for m in _IDENT.finditer(text)))


def echo_run(output: str, source: str) -> int:
    """Longest run of words in ``output`` copied verbatim from ``source``
    (in steps of ECHO_WORDS-grams, which is all the check needs)."""
    words = output.split()
    src = " ".join(source.split())
    best = run = 0
    n = 8
    for i in range(0, max(0, len(words) - n + 1)):
        if " ".join(words[i:i + n]) in src:
            run = run + 1 if run else n
            best = max(best, run)
        else:
            run = 0
    return best


def whole_output_flags(text: str, compared_to: str) -> list[str]:
    """What condemns an output as a whole: empty, echo of ``compared_to``
    (what the model saw), a repetition loop, a signature."""
    if len(text.split()) < 3:
        return ["empty"]
    flags: list[str] = []
    if echo_run(text, compared_to) >= ECHO_WORDS:
        flags.append("echo")
    if is_looping(text, n=4, times=3) or _repeated_lines(text):
        flags.append("loop")
    if _SIGNOFF.search(text):
        flags.append("signature")
    return flags


def check(output: str, thread_text: str, people: list[str], prompt_text: str = "") -> list[str]:
    """Every flag for one output, for eval and tests. thread_text: the thread's
    own text (bodies and headers); people: participants' names; prompt_text:
    what the model saw."""
    text = output.strip()
    whole = whole_output_flags(text, prompt_text or thread_text)
    if whole == ["empty"]:
        return whole
    flags = [f"ungrounded-name: {n}" for n in names_in(text) if not grounded(n, thread_text, people)]
    flags += [f"unknown-identifier: {i}" for i in identifiers_in(text) if i not in thread_text]
    return flags + whole


def _repeated_lines(text: str) -> bool:
    lines = [ln.strip().lower() for ln in text.splitlines() if len(ln.strip()) > 15]
    return len(lines) != len(set(lines))


def fatal(flags: list[str]) -> bool:
    return any(f.split(":")[0] in FATAL for f in flags)


# --- Sentence-level vetting: drop what is invented, keep what is grounded ---

_SENT_SPLIT = re.compile(r"(?<=[.!?])\s+|\n+")
_STRIP = "\"'`.,;:!?()[]{}<>*"
# Mixed case inside a word (kVM, VMhost, CamelCase) or a call: identifier shape.
_MIXED = re.compile(r"[a-z][A-Z]|[A-Z]{2,}[a-z]")
_LINK = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+\.[\w.-]+")
MIN_KEPT = 0.5  # fewer surviving sentences than this share: the whole output is unreliable


@dataclass
class Vetted:
    """What is left of a model output after the checks."""

    text: str
    flags: list[str]
    fallback: bool


def technical_tokens(sentence: str) -> list[str]:
    """Tokens a model can invent that a reader cannot tell from facts: any
    word with a digit (EL4, stage-8, v3.1, 0x1f), an underscore, mixed case
    (CamelCase, kVM), call parentheses (foo()), an acronym of three or more
    capitals (GCI), or a link or address (SmolLM2 wrote a made-up
    "https://github.com/vgicjd" into the sample's bug report summary)."""
    out: list[str] = []
    for raw in sentence.split():
        link = _LINK.search(raw)
        if link:
            out.append(link.group(0).rstrip(".,;:)]>"))
            continue
        call = "()" in raw
        tok = raw.strip(_STRIP)
        tok = tok[:-2] if tok.endswith("'s") else tok
        plural = tok.endswith("s") and tok[:-1].isupper()
        tok = tok[:-1] if plural else tok  # CPUs, VMs: plurals, not identifiers
        if len(tok) < 2 and not tok.isdigit():
            continue
        acronym = not plural and len(tok) >= 3 and tok.isalpha() and tok.isupper()
        if call or acronym or any(c.isdigit() for c in tok) or "_" in tok or _MIXED.search(tok):
            out.append(tok)
    return list(dict.fromkeys(out))


def occurs(token: str, source: str) -> bool:
    """``token`` is a whole word of ``source`` (case-insensitive: "el2" for "EL2" is no invention)."""
    # A plural in the thread ("CPUs") grounds the singular the checks look for.
    pat = r"(?<![A-Za-z0-9_])" + re.escape(token) + r"(?:s|es)?(?![A-Za-z0-9_])"
    return re.search(pat, source, re.I) is not None


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENT_SPLIT.split(text) if s.strip()]


def _sentence_problems(sentence: str, source: str, people: list[str]) -> list[str]:
    bad = [t for t in technical_tokens(sentence) if not occurs(t, source)]
    bad += [n for n in names_in(sentence) if not grounded(n, source, people)]
    return bad


def vet(output: str, thread_text: str, people: list[str], prompt_text: str = "", trimmed: bool = False) -> Vetted:
    """Whole-output checks first (empty, echo, loop, signature: fall back);
    then every sentence with an invented token or person is dropped. Falls
    back when less than MIN_KEPT of the sentences survive. ``trimmed``: the
    generation was cut off, so an unfinished last sentence is dropped too."""
    text = output.strip()
    # Names and identifiers are judged per sentence below, not here.
    whole = whole_output_flags(text, prompt_text or thread_text)
    if whole:
        return Vetted("", whole, True)
    source = thread_text + "\n" + prompt_text
    sents = split_sentences(text)
    kept: list[str] = []
    flags: list[str] = []
    for i, s in enumerate(sents):
        bad = _sentence_problems(s, source, people)
        if bad:
            flags.append("dropped-sentence: invented " + ", ".join(bad))
        elif trimmed and i == len(sents) - 1 and s[-1] not in ".!?)\"'。":
            flags.append("dropped-sentence: unfinished")
        else:
            kept.append(s)
    if not kept or len(kept) < MIN_KEPT * len(sents):
        return Vetted("", flags + [f"too-few-sentences: {len(kept)} of {len(sents)} kept"], True)
    return Vetted(" ".join(kept), flags, False)
