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
- prefer: "I'd rather", "I'd prefer", "I'd suggest", "nit:", "why not", "How about only guarding ...",
  "My suggestion was to drop direct_mode", "What I'm suggesting is that we create a list"
- imperative: "Drop unused labels.", "Remove the superfluous tab." (linux-leds reviews)
- suggest: "what about making a counter on our struct vfio_iommu", "the better optimization
  would be to pass both rather than recalculate" (Alex Williamson, kvmarm 2021-01), "It would
  be better to add support for secondary backlight" (linux-leds)
- typo: "s/filed/field in the commit title", "Typo: s/systme/system/"
- missing: "Missing include guard.", "Missing unlock." (both lists)
- redundant: "This check is not needed.", "First test seems unnecessary."
- need: "You need to keep the property here:", "This needs to be an int." (linux-leds),
  "you'll need to verify that it doesn't make things much worse" (kvmarm)
- must: "You must remember to use `-s` when committing patches." (Lee Jones, linux-leds)
- can-this: "Could this be simplified to __hyp_pa(hyp_symbol_addr(sym))?" (kvmarm)
- instead: "Could this take a pointer to a struct kvm_vcpu_fault_info instead?"
- question: a line of three words or more ending in "?" (so "// KVM_CAP_SYNC_MMU?",
  code, is not one), only in a reply to the author's own mail (a question
  between reviewers asks the author nothing)

Not requests: "Could you help have a look about the BUG message" (a tester asking the author
for help, kvmarm 2021-01), "Fix now queued, thanks.", "Keep in mind that ...", and what
the sender pasted rather than wrote (``prose_lines``): git log output ("commit <sha>",
"Date:   ...", then the message indented: Jakub Kicinski's AI reviews, linux-leds 2026-04)
and an inline patch's commit message ("From <sha> Mon Sep 17 00:00:00 2001" ... "Add a
callback from the PMU code into KVM", Marc Zyngier, kvmarm 2021-09).
"""

from __future__ import annotations

import re

from listsum.facts import _folded

_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("nak", re.compile(r"^\s*(?:NAK\b|Nacked-by:)|\bNAK\b")),
    # Not the verb: "it's still a \"you cannot please everyone\"" (Uwe Kleine-König, linux-leds).
    ("please", re.compile(r"(?<!cannot )(?<!can't )(?<!\bto )\bplease\b(?!\s+(?:find|ignore|disregard|everyone|everybody)\b)",
                          re.I)),
    ("can-you", re.compile(r"\b(?:can|could|would)\s+(?:you|we)\b(?!\s+(?:tell|see|help)\b)|\bwould you mind\b", re.I)),
    # "Shouldn't we also set this uaccess_read cb for GICR_I{S,C}ACTIVER0?" (kvmarm); not the
    # tag of "... lives in debug.c, shouldn't it?".
    ("should", re.compile(r"\b(?:this|that|it|you|we|which|these|there|they)\s+should\b(?!\s+never\b)"
                          r"|\bshould\s+(?:be|also|probably|just|rather|use|really)\b"
                          r"|\bshouldn'?t\s+(?:this|that|it|we|you)\b(?!\s*\?)", re.I)),
    # "How about only guarding the new tests with this, so we can still do the cpu_on test
    # when this feature isn't present?" (Drew on Oliver's PSCI 11/11, week of 2021-10-04).
    # "My suggestion was to drop direct_mode" (Rob Herring on LP5812 v16 1/3, linux-leds
    # 2025-10-15); "What I'm suggesting is that we create a list for these interrupts" (Marc
    # Zyngier on Andre Przywara's "[PATCH v2] kvm: arm: VGIC: Fix interrupt group enablement",
    # kvmarm 2019-11-25).
    ("prefer", re.compile(r"\bI(?:'d| would)\s+(?:rather|prefer|suggest)\b|\bI suggest\b|^\s*nit:|\bwhy not\b|"
                          r"\bhow about\b|\bmy suggestion (?:was|is) to\b|\bwhat I(?:'m| am) suggesting\b", re.I)),
    # linux-leds reviewers write bare imperatives: "Drop unused labels." (Rob Herring),
    # "Remove the superfluous tab.", "Use MFD_CELL_OF()" (Lee Jones), "Drop the cast." (Krzysztof
    # Kozlowski). Capitalised verb opening the line; "Use of ..." is a noun.
    # At most one space of indent: git log's message lines are indented by four.
    ("imperative", re.compile(r"^ ?(?:Drop|Remove|Rename|Move|Split|Squash|Document|Use|Add|Fix|Keep|Avoid|"
                              r"Replace|Merge)\s+(?!of\b|in mind\b|now\b|is\b)\S")),
    ("suggest", re.compile(r"\bwhat about\s+\w+ing\b|\b(?:would|'d)\s+be\s+(?:better|cleaner|simpler|safer|preferable|"
                           r"clearer|good|nice)\s+to\b|\bthe\s+(?:better|proper|right|cleaner)\s+(?:\w+\s+)?"
                           r"(?:would\s+be|is)\s+to\b", re.I)),
    ("typo", re.compile(r"^\s*s/[^/\s]+/[^/]*/?|^\s*typo\b", re.I)),
    ("missing", re.compile(r"^\s*missing\s+\S", re.I)),
    ("redundant", re.compile(r"\b(?:is|are|seems|looks)\s+(?:redundant|unnecessary|superfluous|not needed)\b", re.I)),
    # Not "I don't think you need to NULL-check", nor "something that needs to be freed".
    # "you'll need to verify that it doesn't make things much worse" (Marc Zyngier on James
    # Morse's "[PATCH v2] KVM: arm64: Skip more of the SError vaxorcism", kvmarm 2019-06-10).
    ("need", re.compile(r"(?<!\bdo )(?<!\bif )(?<!think )\byou(?:'ll| will)?\s+need\s+to\b|^\s*(?:this|it)\s+needs\s+to\b"
                        r"|\b(?:and|so|but) (?:this|it)\s+needs\s+to\b", re.I)),
    # Lee Jones on Craig McQueen's "[PATCH] leds: uleds documentation fixes" (linux-leds,
    # 2025-03-14): "You must remember to use `-s` when committing patches."
    # A sentence that opens so, not "if you have done two disable_irq(), you must do two" (an
    # explanation) nor "you must have sized" (an inference).
    ("must", re.compile(r"(?:^\s*|[.!?:]\s+)You\s+must\s+(?!have\b|be\b)\w")),
    ("can-this", re.compile(r"(?:^|[.?!]\s+)(?:Can|Could)\s+(?:this|that|it)\s+(?:be\s+(?:\w+ed|done|made|split)|take|use)\b")),
    ("instead", re.compile(r"\binstead\?\s*$", re.I)),
)


# Words every match of a rule holds in some case (None: test always, the rule is cheap).
# One lower-casing and a few substring searches per reply spare the slow case-blind
# regexes on most replies: the kvmarm archive's 5,000 replies took 3.6 s, rule by line.
_CUES: dict[str, tuple[str, ...] | None] = {
    "nak": ("nak", "nack"), "please": ("please",),
    "can-you": ("can you", "can we", "could you", "could we", "would you", "would we"),
    "should": ("should",), "prefer": ("rather", "prefer", "suggest", "nit:", "why not", "how about"),
    "imperative": None, "suggest": ("what about", "would be", "'d be", " is to"), "typo": ("typo", "s/"),
    "missing": ("missing",), "redundant": ("redundant", "unnecessary", "superfluous", "not needed"),
    "need": ("need to", "needs to"), "must": ("you must",), "can-this": ("can this", "can that", "can it", "could this",
                                                                   "could that", "could it"),
    "instead": ("instead?",),
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


# A pasted inline patch's commit message starts at git format-patch's first line, its Subject
# or a scissors line, else at the first "---" above the diff (Nicholas Piggin's, kvmarm
# 2021-06); it ends where the diff starts.
_PATCH_START = re.compile(r"^(?:From [0-9a-f]{40} |Subject: \[PATCH|-{2,} ?>8 ?-{2,}|-+8<-+)")
_DASHES = re.compile(r"^---\s*$")
_DIFF = re.compile(r"^(?:diff --git |--- a/|Index: )")
# Inside the diff only its own syntax goes: a reviewer answering in an unquoted patch writes
# between its lines ("^ should be 1", Andrew Jones; Outlook replies from arm.com, kvmarm).
_DIFF_LINE = re.compile(r"^(?:[+\- ]|@@|diff |index |new file|deleted file|similarity |rename |\\ No newline)")
# git log / git show output: "commit <sha>", "Author: ...", "Date:   ..." then the message indented.
_GIT_HEADER = re.compile(r"^(?:commit [0-9a-f]{7,40}\b|Author:\s+\S.*<|Date:\s{2,}\S|Merge:\s+[0-9a-f]|Commit(?:Date)?:\s)")


def prose_lines(lines: list[str]) -> list[str]:
    """``lines`` without what the sender pasted: git log output, an inline patch's commit
    message and its diff lines. They tell what a commit does, never what to change."""
    diff = next((i for i, line in enumerate(lines) if _DIFF.match(line)), len(lines))
    start = diff
    if diff < len(lines):
        start = next((i for i in range(diff) if _PATCH_START.match(lines[i])), None) \
            or next((i for i in range(diff) if _DASHES.match(lines[i])), diff)
    body = _without_git_log(lines[:start])
    return body + [line for line in lines[diff:]
                   if line.strip() and (not _DIFF_LINE.match(line) or line.lstrip().startswith("^"))]


def _without_git_log(lines: list[str]) -> list[str]:
    out, in_log = [], False
    for line in lines:
        if _GIT_HEADER.match(line):
            in_log = True
        elif in_log and line.strip() and not line.startswith((" ", "\t")):
            in_log = False
        if not in_log:
            out.append(line)
    return out


def change_requests(lines: list[str], to_author: bool = True) -> list[tuple[str, str]]:
    """(rule, line) for every line of ``lines`` that asks for a change."""
    lines = prose_lines(lines)
    rules = _active(lines)
    if not rules and not to_author:
        return []
    out = []
    for line in lines:
        rule = change_request(line, to_author, rules)
        if rule is not None:
            out.append((rule, line.strip()))
    return out


# The author's answer to a reviewer: a promise to change ("I'll fix that and resend something
# next week.", Marc Zyngier to Eric Auger on "[PATCH 6/6] KVM: arm64: Upgrade PMU support to
# ARMv8.4", kvmarm 2021-01-15; "Will fix.", "Good catch, will fix in v3."; "Done." for the
# next version) makes the reviewer's comment a change request; a maintainer-author's
# "Updated version pushed out." (Marc to Ard Biesheuvel, the same week) answers it in his tree.
# Not a third person's "the compiler will fix it up": a bare "will" only opens a sentence;
# "we'll" needs its apostrophe ("We might as well drop this patch" is no promise).
_WILL_CHANGE = re.compile(
    r"(?:\b[Ii]'ll|\bI will|\b[Ww]e'll|\b[Ww]e will|(?:^|[.,!;:]\s*)[Ww]ill)\s+(?:fix|respin|re-spin|resend|re-send|repost|"
    r"re-post|update|change|drop|rework|address|remove|rename|split)\b|^\s*(?:Done|Fixed)\b[.!]?\s*$"
    # Zenghui Yu to James Morse on "[PATCH v1 1/5] KVM: arm/arm64: Remove kvm_mmio_emulate
    # tracepoint" (kvmarm, 2019-06-13): "I'm OK to just drop this patch in next version."
    r"|\b(?:drop|fix|change|update|rework|remove|rename|split|address)\b[^.?!]*\b(?:in|for)\s+(?:the\s+)?"
    r"next\s+(?:version|revision|spin|respin|iteration)\b")
# Rudraksha Gupta to Dmitry Baryshkov's "Could you please make sure that they are sorted" on
# "[PATCH v4 3/3] ARM: dts: qcom: msm8960: expressatt: Add camera flash" (linux-leds,
# 2026-04-01): "I have made the changes here: https://lore.kernel.org/..." (the series it needs).
_PUSHED = re.compile(r"\b(?:[Uu]pdated (?:version|branch|series|patch)|[Ff]ixed and|[Ss]quashed and) pushed out\b"
                     r"|^\s*Updated version pushed out\b|^\s*I(?:'ve| have) made the changes? here\b")


def author_answer(lines: list[str]) -> tuple[str, str] | None:
    """("done", line) when the author says the change is in their tree, ("will-change", line)
    when they promise it, else None. ``lines``: the author's own lines."""
    lines = prose_lines(lines)
    for line in lines:
        if _PUSHED.search(line):
            return "done", line.strip()
    for i, line in enumerate(lines):
        m = _WILL_CHANGE.search(line)
        # "... vfio_iommu_unmap_unpin_all\nwill remove all dma_range" (kvmarm): a line-initial
        # "will" that continues the sentence above is code told, not a promise.
        if m and not (m.start() == 0 and line[:1] == "w" and i and lines[i - 1].strip()[-1:] not in ".!?:"):
            return "will-change", line.strip()
    return None
