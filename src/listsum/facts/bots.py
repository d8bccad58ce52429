"""Bots: the one place that says which mail a machine wrote, and what it found.

A bot's reply is never a review: its suggested "Reported-by: kernel test
robot" is not a trailer and its "Thank you for the patch!" is not a comment.
What it found (facts/bot_report.py) becomes a Flag on the patch it answers
(``bot_flag``): build-failure (a build error, a branch's BUILD REGRESSION),
build-warning (build, checker and new DTB warnings), ci-failure (dt_binding_check
errors, AI review issues, syzbot, performance regressions) or ci-passed.

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
from listsum.facts.bot_report import bot_verdict, flag_kind
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
# 'make dt_binding_check' on your patch:" / "My bot found new DTB warnings"; Dan
# Carpenter's smatch reports, which lkp mails from his address ("kernel test robot
# noticed the following build warnings:", 202510231653.3V9E5oxE-lkp@intel.com). Only
# the sender's own line opening so: an author's "the kernel test robot found ..." or a
# maintainer forwarding Sashiko's findings with his own request is a person's mail.
# Greg Kroah-Hartman's patch-bot answers from his own address: "This is the semi-friendly
# patch-bot of Greg Kroah-Hartman." to Markus Elfring's comment on "[PATCH v1 1/4] device
# property: Split fwnode_get_child_node_count()" (linux-leds, 2025-03-11); its "Please do not
# bother developers" asks the author nothing.
_HUMAN_BOT_LINE = re.compile(r"^(?:My bot found|kernel test robot noticed|This is the semi-friendly patch-bot of)\b")
# lkp mints the Message-ID of every report it sends, also from a person's address
# ("tree: .../lee/leds.git ..." from error27@gmail.com, 202605210624.3gcr3prk-lkp@intel.com).
_LKP_ID = re.compile(r"^\d{12}\.\w+-lkp@intel\.com$")

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
    """A bot's sender, an lkp report, or a bot's report sent from a person's address
    (robh's dt-review-ci, Dan Carpenter's smatch): reads the body only for the last."""
    if is_bot(msg) or _LKP_ID.match(msg.msgid):
        return True
    text = body_text(msg)
    return ("bot found" in text or "robot noticed" in text or "patch-bot of" in text) and any(_HUMAN_BOT_LINE.match(x) for x in own_lines(text))


def bot_flag(msg: Message, patch: str) -> Flag | None:
    """The Flag a bot's reply sets on ``patch`` (a subject); None for other mail.

    Its kind comes from what the report found (facts/bot_report.py), not from its opening
    line: lkp's "Thank you for the patch! Perhaps something to improve:" over sparse warnings
    (202011191103.JVUre092-lkp@intel.com, SMMUv3 v13) is a build-warning, and its verdict is
    "sparse warning: drivers/iommu/...: sparse: ..." rather than the greeting."""
    if not is_bot_mail(msg) or is_merge_bot(msg):
        return None
    found = bot_verdict(msg)
    if found is None:
        return None
    text = f"{found.kind}: {found.line}" if found.line else found.kind
    return Flag(kind=flag_kind(found), patch=patch, verdict=text, message_id=msg.msgid, date=msg.date)
