"""Did a reviewer's reply ask for changes? Line rules, nothing learnt.

``change_requests`` reads the lines the sender wrote (quotes and signature
already dropped by ``facts.own_lines``) and returns each line that asks the
author to change something, with the rule that matched, so the deep dive can
show why it said "changes requested". Rules, each from kvmarm mail of the
week of 2021-10-04 (tests/test_thread_cmd.py holds the table):

- nak: "NAK" / "Nacked-by:"
- please: "Can you please provide some traces", "can we *please* try to get rid"
- can-you: "can you", "could you", "would you mind", "can we ... ?"
- should: "we should keep vms->highmem here", "^ should be 1", "The address
  should also be checked" -- "should" after a subject or before be/also/...,
  not a quoted "should never happen"
- prefer: "I'd rather", "I'd prefer", "I'd suggest", "nit:", "why not", "How about only guarding ..."
- imperative: "Drop unused labels.", "Remove the superfluous tab." (linux-leds reviews)
- question: a line of three words or more ending in "?" (so "// KVM_CAP_SYNC_MMU?",
  code, is not one), only in a reply to the author's own mail (a question
  between reviewers asks the author nothing)
"""

from __future__ import annotations

import re

from listsum.facts import _folded

_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("nak", re.compile(r"^\s*(?:NAK\b|Nacked-by:)|\bNAK\b")),
    # Not the verb: "it's still a \"you cannot please everyone\"" (Uwe Kleine-König, linux-leds).
    ("please", re.compile(r"(?<!cannot )(?<!can't )(?<!\bto )\bplease\b(?!\s+(?:find|ignore|disregard|everyone|everybody)\b)",
                          re.I)),
    ("can-you", re.compile(r"\b(?:can|could|would)\s+(?:you|we)\b(?!\s+(?:tell|see)\b)|\bwould you mind\b", re.I)),
    ("should", re.compile(r"\b(?:this|that|it|you|we|which|these|there|they)\s+should\b(?!\s+never\b)"
                          r"|\bshould\s+(?:be|also|probably|just|rather|use|really)\b", re.I)),
    # "How about only guarding the new tests with this, so we can still do the cpu_on test
    # when this feature isn't present?" (Drew on Oliver's PSCI 11/11, week of 2021-10-04).
    ("prefer", re.compile(r"\bI(?:'d| would)\s+(?:rather|prefer|suggest)\b|\bI suggest\b|^\s*nit:|\bwhy not\b|"
                          r"\bhow about\b", re.I)),
    # linux-leds reviewers write bare imperatives: "Drop unused labels." (Rob Herring),
    # "Remove the superfluous tab.", "Use MFD_CELL_OF()" (Lee Jones), "Drop the cast." (Krzysztof
    # Kozlowski). Capitalised verb opening the line; "Use of ..." is a noun.
    ("imperative", re.compile(r"^\s*(?:Drop|Remove|Rename|Move|Split|Squash|Document|Use|Add|Fix|Keep|Avoid|"
                              r"Replace|Merge)\s+(?!of\b)\S")),
)


# Words every match of a rule holds in some case (None: test always, the rule is cheap).
# One lower-casing and a few substring searches per reply spare the slow case-blind
# regexes on most replies: the kvmarm archive's 5,000 replies took 3.6 s, rule by line.
_CUES: dict[str, tuple[str, ...] | None] = {
    "nak": ("nak", "nack"), "please": ("please",),
    "can-you": ("can you", "can we", "could you", "could we", "would you", "would we"),
    "should": ("should",), "prefer": ("rather", "prefer", "suggest", "nit:", "why not", "how about"),
    "imperative": None,
}


# Case-sensitive rules anchored at the line start, tested once on the whole text.
_WHOLE = {name: re.compile(rule.pattern, re.M) for name, rule in _RULES if _CUES.get(name) is None}


def _active(lines: list[str]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """The rules that can match some line of ``lines``, in order."""
    text = "\n".join(lines)
    low = " ".join(_folded(text).split())  # "can  you" -> "can you", as \s+ reads it
    return tuple((name, rule) for name, rule in _RULES
                 if ((cues := _CUES.get(name)) is None and _WHOLE[name].search(text))
                 or (cues is not None and any(c in low for c in cues)))


def change_request(line: str, to_author: bool = True,
                   rules: tuple[tuple[str, re.Pattern[str]], ...] = _RULES) -> str | None:
    """The rule a line matches (see module docstring), or None."""
    low = None
    for name, rule in rules:
        cues = _CUES.get(name)
        if cues is not None:  # the slow case-blind regex only where its word is
            if low is None:
                low = " ".join((line.lower() if line.isascii() else _folded(line)).split())
            if not any(c in low for c in cues):
                continue
        if rule.search(line):
            return name
    text = line.strip()
    if to_author and text.endswith("?") and len(text.split()) >= 3:
        return "question"
    return None


def change_requests(lines: list[str], to_author: bool = True) -> list[tuple[str, str]]:
    """(rule, line) for every line of ``lines`` that asks for a change."""
    rules = _active(lines)
    if not rules and not to_author:
        return []
    out = []
    for line in lines:
        rule = change_request(line, to_author, rules)
        if rule is not None:
            out.append((rule, line.strip()))
    return out
