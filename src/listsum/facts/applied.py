"""Applied: replies in which a maintainer says the work was taken.

Real forms from the kvmarm archive:
  "Applied to next, thanks!" + b4's "[1/5] KVM: arm64: ...\n      commit: 71b3ec5f..."
  "Applied to arm64 (for-next/fixes), thanks!"  (Will Deacon)
  "Queued, thanks." / "Queued patches 1-5, thanks." / "Queued for 5.7. Thanks." (Paolo Bonzini)
  "Pulled, thanks." (Paolo Bonzini taking Marc's "[GIT PULL] KVM/arm64 fixes for 5.8, take #1")
  "Pushed to https://gitlab.com/rhdrjones/kvm-unit-tests/-/commits/arm/queue" (Drew Jones)
  "The pull request you sent on ...\n\nhas been merged into torvalds/linux.git:" (pr-tracker-bot)
  b4 ty's "[01/21] KVM: arm64: ...\n        commit: 9af3e08b..." list under any opening line
  ("I've just pushed that it -next so that it simmers", Marc Zyngier, 2020-09-11)
Not applied: "Applied this series on top of v5.15-rc1 and tested" (a tester),
"I've pushed out my own version", "queued for v3 already" (lower case: the
middle of a sentence), "will be applied", "not applied", quoted "> Applied".
"""

from __future__ import annotations

import re

from listsum.facts import body_text, mentions, own_lines
from listsum.mail.message import Message
from listsum.mail.threads import Thread
from listsum.model import AppliedFact

# The verb opens the line (a sentence start), capitalised, or after "I've".
_APPLIED = re.compile(
    r"^\s*(?:(?:thanks|thank you|ok|now)[,!.]?\s+)?"
    r"(?:(?:I've|I have|I)\s+(?:now\s+)?(?i:applied|queued|merged|pushed|pulled|picked up)|"
    r"Applied|Queued|Merged|Pushed|Pulled|Picked up)\b(?P<rest>.*)$")
# Paolo Bonzini on Marc's "[GIT PULL] KVM/arm64 fixes for 5.10, take #1" (kvmarm, 2020-10-31):
# "Better now than later! Thanks, pulled." -- the verb after "Thanks," ends a later sentence.
_THANKS_VERB = re.compile(r"[.!]\s+(?:Thanks|Thank you),\s+(?:applied|queued|pulled|merged)(?P<rest>[.!]?)\s*$")
# After the verb: "to X", "into X", "in X", a bare "," "." "!" ":", "patches 1-5",
# "it"/"this"/"them"/"the series", "for 5.7", or nothing at all.
_GOOD_REST = re.compile(
    r"^\s*(?:$|[,.!:(]|(?:to|into|in|for|on)\s+\S|(?:patches|patch)\s+\d|\d+-\d+|"
    r"(?:it|this|them|the series|the whole series|all|both)\b)", re.I)
_NEGATIVE = re.compile(
    r"\bnot\b|n't\b|\bon top\b|\blocally\b|\btested\b|\bown version\b|\bupdated\b|"
    r"\bwill\b|\bwould\b|\?|\bif\b|\bdecision\b|\bover\b", re.I)
# "to next", "this to -next", "patch 1 to target-arm.next", "to arm64 (for-next/fixes)",
# Catalin's "I queued patches 3-27 on the arm64 for-next/sme" (repo, then branch).
_BRANCH = re.compile(r"^\s*(?:(?:it|this|them|the series|patch(?:es)? [\d-]+)\s+)?(?:to|into|in|on)\s+(?:the\s+)?"
                     r"(?P<b>[^\s,!]+(?:\s+\([^)\s]+\)|\s+[\w.-]+/[^\s,!]+)?)", re.I)
# Jonathan Cameron (linux-leds): "Applied to the testing branch of iio.git."
_BRANCH_OF = re.compile(r"^\s*to\s+the\s+(?P<b>[^\s,!]+)\s+branch\s+of\s+(?P<repo>[^\s,!]+?)[.,!]?(?:\s|$)", re.I)
# pr-tracker-bot: "has been merged into torvalds/linux.git:" opens its own line.
_PR_MERGED = re.compile(r"^has been merged into (?P<b>\S+?):?\s*$")
# patchwork-bot (linux-leds 2026): "This series was applied to netdev/net-next.git (main)".
_PW_APPLIED = re.compile(r"^This (?:series|patch) was applied to (?P<b>\S+(?:\s+\([^)\s]+\))?)\s*$")
# Mark Brown's b4 ty (linux-leds 2025): "Applied to\n\n   https://git.kernel.org/.../broonie/sound.git for-next".
_APPLIED_TO_EOL = re.compile(r"^Applied to:?\s*$")
# Ilpo Järvinen's b4 ty (linux-leds 2025-11, "[PATCH v6 0/2] Add support for Uniwill laptop
# features"): "Thank you for your contribution, it has been applied to my local\nreview-ilpo-next
# branch." The branch ends the line or opens the next one.
_CONTRIBUTION = re.compile(r"^Thank you for your contribution, it has been applied to(?: my local)?(?:\s+(?P<b>\S+))?\s*$")
# b4 ty below the notice: "[1/3] Documentation:leds: Add leds-st1202.rst\n      commit: 132e6687a1..."
_COMMIT = re.compile(r"^\s+commit:\s+([0-9a-f]{7,40})\s*$")
# b4 ty's list is the notice when its opening line says it in other words: Marc Zyngier on Will
# Deacon's "[PATCH v5 00/21] KVM: arm64: Rewrite page-table code and fault handling" (kvmarm,
# 2020-09-11): "As for last time, I've just pushed that it -next so that it simmers for a
# while." over "[01/21] KVM: arm64: Remove kvm_mmu_free_memory_caches()\n commit: 9af3e08b...".
_TY_ENTRY = re.compile(r"^\s*\[\d+/\d+\]\s+\S")
# A sentence ends at ".", "!" then two spaces, or one space and a capital ("thanks. Paolo").
_SENTENCE_END = re.compile(r"[.!](?:\s{2,}|\s+(?=[A-Z]))")
# Every line _APPLIED or _PR_MERGED matches holds one of these words in some case.
_VERBS = ("applied", "queued", "merged", "pushed", "pulled", "picked up")  # _CONTRIBUTION's too


def find_applied(thread: Thread, posting_ids: set[str]) -> list[AppliedFact]:
    """One AppliedFact per reply of ``thread`` that says the work was taken."""
    out: list[AppliedFact] = []
    for msg in thread.messages:
        if msg.msgid in posting_ids:
            continue
        fact = applied_in(msg)
        if fact is not None:
            out.append(fact)
    return out


def applied_in(msg: Message) -> AppliedFact | None:
    """The "applied" notice of ``msg``, if its sender wrote one."""
    text = body_text(msg)
    if not mentions(text, _VERBS):  # most replies: skip splitting them into lines
        return None
    lines = own_lines(text)
    for i, line in enumerate(lines):
        branch = applied_branch(line) if not _APPLIED_TO_EOL.match(line) else _next_line(lines, i)
        if branch is None and (ty := _CONTRIBUTION.match(line)):
            branch = ty.group("b") or _next_line(lines, i).split(" ", 1)[0]
        if branch is not None:
            commits = [m.group(1) for x in lines[i + 1:] if (m := _COMMIT.match(x))]
            return AppliedFact(by=msg.sender, message_id=msg.msgid, date=msg.date,
                               branch=branch or None, text=line.strip(), commits=commits)
    return _ty_list(msg, lines)


def _ty_list(msg: Message, lines: list[str]) -> AppliedFact | None:
    """b4 ty's "[n/m] title" lines, each with its "commit: <sha>" below: only b4's
    thank-you for applied work writes them (rule "b4-ty-list")."""
    commits = [m.group(1) for i, x in enumerate(lines[1:], 1)
               if (m := _COMMIT.match(x)) and _TY_ENTRY.match(lines[i - 1])]
    if not commits:
        return None
    said = next((x.strip() for x in lines if mentions(x, _VERBS)), "")
    return AppliedFact(by=msg.sender, message_id=msg.msgid, date=msg.date, branch=None,
                       text=said or f"{len(commits)} commits listed by b4 ty", commits=commits)


def _first_sentence(rest: str) -> str:
    """``rest`` up to the end of its sentence: Paolo's "Pulled, thanks.  I am not sure I'll get
    my own pull request to Linus" (kvmarm, 2020-12-06) says no "not" about the pull."""
    m = _SENTENCE_END.search(rest)
    return rest[:m.start()] if m else rest


def _next_line(lines: list[str], i: int) -> str:
    return next((x.strip() for x in lines[i + 1:i + 4] if x.strip()), "")


def applied_branch(line: str) -> str | None:
    """None when ``line`` is no applied notice, else the branch ("" if unnamed)."""
    m = _PR_MERGED.match(line) or _PW_APPLIED.match(line)
    if m:
        return m.group("b")
    m = _APPLIED.match(line) or _THANKS_VERB.search(line)
    if not m:
        return None
    rest = m.group("rest")
    if not _GOOD_REST.match(rest) or _NEGATIVE.search(_first_sentence(rest)):
        return None
    of = _BRANCH_OF.match(rest)
    if of:
        return f"{of.group('repo')} ({of.group('b')})"
    b = _BRANCH.match(rest)
    return b.group("b").rstrip(".,:;!") if b else ""
