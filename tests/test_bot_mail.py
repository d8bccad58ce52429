"""Which mail a bot wrote: one detector (facts/bots.is_bot_mail) for facts and points.

Was two: points read a mail as a bot's when "Sashiko" or "kernel test robot" appeared in
its first three sentences, so Lee Jones forwarding Sashiko's findings with his own request
and an author's "Sashiko is right ... I tested it" became bot verdicts (24 person's mails
of linux-leds 2026 read so), while facts missed Dan Carpenter's smatch reports that lkp
sends from his address. Real mail of both lists, outside the held-out windows.
"""

from __future__ import annotations

import pytest
from corpus_msgs import corpus_msg

from listsum.facts.bots import is_bot_mail

# (corpus, message-id, bot?, why)
MAIL = [
    ("leds", "202510220909.HJVE90Ky-lkp@intel.com", True, "kernel test robot <lkp@intel.com>"),
    ("leds", "176217262093.2953282.2008834134717044680.robh@kernel.org", True, "robh: 'My bot found errors ...'"),
    ("leds", "202510231653.3V9E5oxE-lkp@intel.com", True, "smatch report lkp sent from Dan Carpenter's address"),
    ("leds", "202605210624.3gcr3prk-lkp@intel.com", True, "lkp's 'tree: ...' report from error27@gmail.com"),
    ("leds", "87955568-f73b-4df1-bc94-9acb4c337c0e@stanley.mountain", True, "'kernel test robot noticed' as own line"),
    ("kvmarm", "156939449538.4188.158567627991892527@8230166b0665", True, "patchew no-reply"),
    ("leds", "2025031151-camcorder-sandstone-bd1c@gregkh", True,
     "'This is the semi-friendly patch-bot of Greg Kroah-Hartman.' to Markus Elfring (fwnode v1 1/4)"),
    ("leds", "20260702111638.GL2108533@google.com", False, "Lee Jones: 'Some AI findings to chew on.'"),
    ("leds", "20260617150403.GJ10056@google.com", False, "Lee Jones: 'Where the non-pre-existing issues considered?'"),
    ("leds", "CAA3Noor8kEMPbjAOf8UWz4LQ=n9H80=1L42wseOGH-3HGa7-XA@mail.gmail.com", False,
     "author: 'Sashiko is right and I tested it too now to confirm.'"),
    ("leds", "20260701-pulmonary-passably-c9272ba25533@spud", False, "Conor: 'Some valid looking stuff from Sashiko'"),
    ("leds", "2025091113-mournful-smirk-8e03@gregkh", False, "Greg himself: 'The sysfs api is really odd here.'"),
    ("kvmarm", "CAAdAUtg9C1ykvcVvw2QNVyDe0X76hWptxupGH8Ah_mkhxqkp1g@mail.gmail.com", False,
     "author: 'According to the warning reported by kernel test robot'"),
]


@pytest.mark.parametrize("corpus, msgid, bot, why", MAIL)
def test_bot_mail_is_the_bots_not_a_persons_naming_one(corpus: str, msgid: str, bot: bool, why: str) -> None:
    msg = corpus_msg(corpus, msgid)
    assert is_bot_mail(msg) is bot, why


def test_a_merge_bots_notice_is_a_decision_point() -> None:
    from listsum.summarise.points import merge_notice

    # pr-tracker-bot on "[GIT PULL] arm64: Fixes for -rc6" (kvmarm, 2019-08-24).
    msg = corpus_msg("kvmarm", "156667230824.2337.2969578272613309440.pr-tracker-bot@kernel.org")
    sents = ["The pull request you sent on Sat, 24 Aug 2019 13:12:55 +0100:",
             "has been merged into torvalds/linux.git: https://git.kernel.org/torvalds/c/0a022eccf7c4"]
    assert is_bot_mail(msg)
    j = merge_notice(sents)
    assert (j.stance, j.index) == ("decision", 1)
    assert merge_notice(["This series was applied to netdev/net-next.git (main) by Jakub Kicinski:"]).index == 0
