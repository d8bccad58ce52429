"""Bots: the one place that says which mail a machine wrote, and what it found.

A bot's reply is never a review: its suggested "Reported-by: kernel test
robot" is not a trailer and its "Thank you for the patch!" is not a comment.
What it found becomes a Flag on the patch it answers (``bot_flag``).

Real senders, both corpora (kvmarm 2019-2021, linux-leds 2025-2026):
  "kernel test robot <lkp@intel.com>" / "kbuild test robot <lkp@intel.com>"
  "kernel test robot <oliver.sang@intel.com>" (performance regressions)
  "<sashiko-bot@kernel.org>" (Sashiko AI review), "<no-reply@patchew.org>" (QEMU CI)
  "<pr-tracker-bot@kernel.org>", "<patchwork-bot+netdevbpf@kernel.org>" (merge notices)
  syzbot ("syzbot+5c3b...@syzkaller.appspotmail.com")
and one human address that also sends bot mail: Rob Herring's dt-review-ci
writes from robh@kernel.org, "My bot found errors running 'make dt_binding_check'".
"""

from __future__ import annotations

import re
from functools import lru_cache

from listsum.facts import body_text, own_lines
from listsum.mail.message import Message
from listsum.model import Flag

# "-bot@"/"bot+": pr-tracker-bot, sashiko-bot, patchwork-bot+netdevbpf. Not a bare
# "bot" inside a word: Alex Williamson writes from alex@shazbot.org.
_BOT_ADDR = re.compile(r"^(?:lkp@intel\.com|syzbot.*@.*|.*-bot(?:\+[^@]*)?@.*|.*\bci@.*|noreply@.*|no-reply@.*)$",
                       re.I)
_BOT_NAME = re.compile(r"\b(?:robot|syzbot|bot)\b", re.I)
# Bots whose mail says work was merged: their "applied" is a decision, not a flag.
_MERGE_BOT = re.compile(r"^(?:pr-tracker-bot|patchwork-bot)\b", re.I)
# A human address that sends bot mail: robh's "My bot found errors running
# 'make dt_binding_check' on your patch:" / "My bot found new DTB warnings".
_HUMAN_BOT_LINE = re.compile(r"^My bot found\b")

# (flag kind, line pattern), first match wins; the matching own line is the verdict.
_VERDICTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # lkp: "kernel test robot noticed the following build errors:" (leds 2025),
    # "I love your patch! Yet something to improve:" / "Thank you for the patch! Perhaps
    # something to improve:" (kvmarm 2019-2021; the build log follows).
    ("build-failure", re.compile(r"noticed the following build (?:errors|warnings)|"
                                 r"(?:I love your patch|Thank you for the patch)! (?:Yet|Perhaps) something to improve",
                                 re.I)),
    # patchew: "This series failed the docker-quick@centos7 build test."
    ("build-failure", re.compile(r"\bfailed the \S+ build test\b|\bfailed to build\b", re.I)),
    # robh: "My bot found errors running 'make dt_binding_check' on your patch:".
    ("ci-failure", re.compile(r"^My bot found (?:errors|new DTB warnings)", re.I)),
    # sashiko: "Sashiko AI review found 2 potential issue(s) to consider:".
    ("ci-failure", re.compile(r"\bfound [1-9]\d* potential issue", re.I)),
    # oliver.sang: "kernel test robot noticed a 3.2% regression of will-it-scale...".
    ("ci-failure", re.compile(r"kernel test robot noticed\b|\bseems to have some coding style problems\b|"
                              r"\bsyzbot (?:found|has found)\b|\bcrashed\b", re.I)),
    # sashiko: "Sashiko has reviewed this patch and found no issues. It looks great!";
    # syzbot: "syzbot has tested the proposed patch and the reproducer did not trigger any issue".
    ("ci-passed", re.compile(r"\bfound no issues\b|\bdid not trigger any issue\b|\bpassed\b", re.I)),
)


def is_bot(msg: Message) -> bool:
    """Whether the sender is a machine, by its address or name (headers only: cheap)."""
    return _bot_sender(msg.from_addr, msg.from_name)


@lru_cache(maxsize=4096)
def _bot_sender(addr: str, name: str) -> bool:
    """Cached by sender: state, trailers and attention ask again for each reply
    (39,823 calls for kvmarm's 15,434 mails, from 387 senders)."""
    return bool(_BOT_ADDR.match(addr) or _BOT_NAME.search(name))


def is_merge_bot(msg: Message) -> bool:
    """pr-tracker-bot / patchwork-bot: their notices say the work was merged."""
    return bool(_MERGE_BOT.match(msg.from_addr))


def is_bot_mail(msg: Message) -> bool:
    """A bot's sender, or robh's dt-review-ci mail from a human address (reads the body)."""
    if is_bot(msg):
        return True
    return "My bot found" in body_text(msg) and any(_HUMAN_BOT_LINE.match(x) for x in own_lines(body_text(msg)))


def verdict(text: str) -> tuple[str, str] | None:
    """(flag kind, the bot's own one-line verdict) of a bot mail's body, or None."""
    for line in own_lines(text)[:60]:
        line = line.strip()
        for kind, rule in _VERDICTS:
            if rule.search(line):
                return kind, line
    return None


def bot_flag(msg: Message, patch: str) -> Flag | None:
    """The Flag a bot's reply sets on ``patch`` (a subject); None for other mail."""
    if not is_bot_mail(msg) or is_merge_bot(msg):
        return None
    found = verdict(body_text(msg))
    if found is None:
        return None
    return Flag(kind=found[0], patch=patch, verdict=found[1], message_id=msg.msgid, date=msg.date)
