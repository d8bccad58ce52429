"""The author's answers to reviews, which state.py reads beside the reviews themselves.

An author's reply decides nothing by itself but answers the review it quotes (rules
author-will-change and author-done of facts/state.py, lines read by review.author_answer).
"""

from __future__ import annotations

import re

from listsum.facts import body_text, own_lines
from listsum.facts.authors import Author
from listsum.facts.review import author_answer
from listsum.mail.message import Message
from listsum.mail.threads import Thread


def answered_mail(thread: Thread, by_id: dict[str, Message], msgid: str, author: Author) -> str | None:
    """The reviewer's mail an author's reply answers: the nearest mail above it the author did
    not write. Rudraksha Gupta first asks Dmitry Baryshkov to move his request to another
    series, then answers his own mail: "I have made the changes here: ..." (linux-leds,
    2026-04-01, "[PATCH v4 3/3] ARM: dts: qcom: msm8960: expressatt: Add camera flash")."""
    cur, hops = thread.parent.get(msgid), 0
    while cur is not None and hops < 1000:
        above = by_id.get(cur)
        if above is None:
            return None
        if not author.wrote(above):
            return cur
        cur, hops = thread.parent.get(cur), hops + 1
    return None


_ANSWER_CUES = ("will", "Will", "'ll", "Done", "Fixed", "pushed out", "next ", "made the change")
# "On 05/04/2019 16:31, Andre Przywara wrote:" above the quote the author answers.
_ATTRIBUTION = re.compile(r"^\s*On\b.*,\s*(?P<name>[^,<>]+?)\s*(?:<[^<>]*>\s*)?wrote:\s*$")


def note_answer(msg: Message, parent: str, answers: dict[str, tuple[str, str]]) -> None:
    """Keep under ``parent`` (the reviewer's msgid) what the author's ``msg`` says to it."""
    text = body_text(msg)
    if any(cue in text for cue in _ANSWER_CUES):
        said = author_answer(own_lines(text))
        if said is not None:
            answers.setdefault(parent, said)


def promise_to_absent(msg: Message) -> tuple[str, str] | None:
    """author-will-change on a review the input lacks: Julien Thierry's "I'll rework this to make
    things a little bit more flexible." to Andre Przywara's April review of "[PATCH kvmtool 08/16]
    arm/pci: Do not use first PCI IO space bytes" (kvmarm, 2019-06-14), posting and review both
    outside the input. (promise, the reviewer): the attribution line names him, when it can."""
    text = body_text(msg)
    if not any(cue in text for cue in _ANSWER_CUES):
        return None
    lines = own_lines(text)
    said = author_answer(lines)
    if said is None or said[0] != "will-change":
        return None
    asker = next((m.group("name") for x in lines if (m := _ATTRIBUTION.match(x))), "a review not in the input")
    return said[1], asker
