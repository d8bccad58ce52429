"""Trailers given in replies: Reviewed-by, Acked-by, Tested-by, NAK, ...

Only the sender's own lines count: quoted text ("> Reviewed-by: ...") is
someone else's, and the postings themselves (cover letter, patches) carry
the author's own Signed-off-by chain, which is not review. A reply that
carries an inline patch ("how about this instead", with its own commit
message) is recognised by a trailer block that contains Signed-off-by:
that block belongs to the inline patch and is skipped.

Each trailer applies to the nearest posting above the reply (the patch
replied to, or the cover letter, which stands for the whole series) and
remembers the Message-ID that gave it.
"""

from __future__ import annotations

import re

from listsum.facts import body_text, mentions, own_lines
from listsum.mail.message import Message
from listsum.mail.threads import Thread
from listsum.report.model import TrailerFact

_TRAILER = re.compile(
    r"^\s*(reviewed|acked|tested|reported|suggested|co-developed|nacked|naked|nack|nak)-by\s*:\s*(.+?)\s*$",
    re.I)
_CANON = {"reviewed": "Reviewed-by", "acked": "Acked-by", "tested": "Tested-by",
          "reported": "Reported-by", "suggested": "Suggested-by",
          "co-developed": "Co-developed-by"}
_ANY_TRAILER = re.compile(r"^\s*[A-Za-z][\w-]*-by\s*:", re.I)
_SIGNED_OFF = re.compile(r"^\s*signed-off-by\s*:", re.I)
_PERSON = re.compile(r"\S+@\S+")
# A NAK line: "NAK", "NACK." or "NAK, this breaks ..." in capitals, or a line
# that is only "Nack."/"nacked": prose that merely mentions a nak does not count.
_NAK = re.compile(r"^\s*(?:(?:NAK|NACK)\b(?!-)|(?i:nak|nack|nacked)[.!]?\s*$)")
# "-- >8 --" / "8<------": below a scissors line is a patch, not the reply.
_SCISSORS = re.compile(r"^\s*-*\s*(?:8<|>8)|^diff --git ")
# Every line _TRAILER or _NAK matches holds one of these words in some case.
_WORDS = ("reviewed", "acked", "tested", "reported", "suggested", "co-developed", "nak", "nack")


def find_trailers(thread: Thread, patches: dict[str, Message]) -> list[TrailerFact]:
    """Trailers given in the replies of ``thread``; ``patches`` maps the
    Message-IDs of the postings (cover letters and patches) to their mail."""
    out: list[TrailerFact] = []
    seen: set[tuple[str, str, str]] = set()
    for msg in thread.messages:
        if msg.msgid in patches:
            continue
        target = _target(thread, msg, patches)
        for kind, person in reply_trailers(msg):
            key = (kind, person.lower(), target)
            if key not in seen:
                seen.add(key)
                out.append(TrailerFact(kind=kind, person=person, patch=target,
                                       message_id=msg.msgid, date=msg.date))
    return out


def reply_trailers(msg: Message) -> list[tuple[str, str]]:
    """(kind, person) pairs the sender of ``msg`` gives in its own lines."""
    text = body_text(msg)
    if not mentions(text, _WORDS):  # most replies: skip splitting them into lines
        return []
    lines = own_lines(text)
    cut = next((i for i, line in enumerate(lines) if _SCISSORS.match(line)), len(lines))
    lines = lines[:cut]
    skip = _inline_patch_blocks(lines)
    out: list[tuple[str, str]] = []
    sender = f"{msg.from_name} <{msg.from_addr}>" if msg.from_name else msg.from_addr
    for i, line in enumerate(lines):
        if i in skip:
            continue
        m = _TRAILER.match(line)
        if m and _PERSON.search(m.group(2)):
            word = m.group(1).lower()
            out.append((_CANON.get(word, "NAK"), m.group(2)))
        elif _NAK.match(line):
            out.append(("NAK", sender))
    return out


def _inline_patch_blocks(lines: list[str]) -> set[int]:
    """Line numbers of trailer blocks that contain a Signed-off-by."""
    skip: set[int] = set()
    block: list[int] = []
    for i, line in enumerate(lines + [""]):
        if _ANY_TRAILER.match(line):
            block.append(i)
            continue
        if any(_SIGNED_OFF.match(lines[j]) for j in block):
            skip.update(block)
        block = []
    return skip


def _target(thread: Thread, msg: Message, patches: dict[str, Message]) -> str:
    """Subject of the nearest posting above ``msg``, else its own subject
    without reply markers (the posting is not in the input)."""
    cur, seen = thread.parent.get(msg.msgid), set()
    while cur is not None and cur not in seen:
        if cur in patches:
            return patches[cur].subject
        seen.add(cur)
        cur = thread.parent.get(cur)
    return re.sub(r"^(?:\s*(?:re|fwd?|aw|sv)\s*:\s*)+", "", msg.subject, flags=re.I)
