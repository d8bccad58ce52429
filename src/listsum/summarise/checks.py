"""Grounding checks for prose a model writes (prose.py): is a name, an
identifier or a link in the mail a sentence cites? Pure functions.
"""

from __future__ import annotations

import re

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
_STRIP = "\"'`.,;:!?()[]{}<>*"
# Mixed case inside a word (kVM, VMhost, CamelCase) or a call: identifier shape.
_MIXED = re.compile(r"[a-z][A-Z]|[A-Z]{2,}[a-z]")
_LINK = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+\.[\w.-]+")


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
