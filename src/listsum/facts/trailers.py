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

``per_patch_trailers`` gives, per patch of one posting, the trailers
``b4 am`` would apply (b4 0.16 LoreMailbox.get_series): cover-letter
trailers fan out to every patch, a trailer naming someone other than its
mail's sender is kept but marked ``other_sender`` (b4 reports it as a
mismatch and leaves it out), and bots give none (b4 applies the kernel test
robot's suggested Reported-by; here that is a build failure, not a review).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from listsum.facts import body_text, mentions, own_lines
from listsum.facts.bots import is_bot
from listsum.mail.message import Message
from listsum.mail.threads import Thread
from listsum.mail.subject import Subject, starts_as_reply
from listsum.model import TrailerFact

if TYPE_CHECKING:  # series.py imports this module
    from listsum.series import Posting

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
_SCISSORS = re.compile(r"^\s*-*\s*(?:8<|>8)")
# An inline diff runs from "diff --git" over its hunk lines; the reply may go on
# below it: Gavin Shan's "Tested-by" for Will's page-table rewrite (kvmarm,
# 2020-09) follows a debugging diff.
_DIFF_START = re.compile(r"^diff --git ")
_DIFF_LINE = re.compile(r"^(?:[ +\-@\\]|index |diff |new file|deleted file|similarity|rename |old mode|new mode)")
# Every line _TRAILER or _NAK can match starts with one of these words (any
# case) after blanks; a quoted "> Acked-by" does not. For ASCII text whose only
# line break is "\n", one case-sensitive scan for "\n" + word (letters spelt
# [xX], so it is still any case) rules out most replies before they are split
# into lines: 4x cheaper than lower-casing and searching, and ~2x more
# selective, since most replies only quote trailers. Other text takes the
# substring test on the lower-cased body (``mentions``).
_WORDS = ("reviewed", "acked", "tested", "reported", "suggested", "co-developed", "nak", "nack")
_CANDIDATE = re.compile(r"\n[ \t]*(?:" + "|".join(
    "".join(f"[{c}{c.upper()}]" if c.isalpha() else re.escape(c) for c in w) for w in _WORDS) + ")")
_ODD_BREAKS = ("\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e")  # str.splitlines breaks there too


def find_trailers(thread: Thread, patches: dict[str, Message]) -> list[TrailerFact]:
    """Trailers given in the replies of ``thread``; ``patches`` maps the
    Message-IDs of the postings (cover letters and patches) to their mail."""
    out: list[TrailerFact] = []
    seen: set[tuple[str, str, str]] = set()
    for msg in thread.messages:
        if msg.msgid in patches:
            continue
        given = reply_trailers(msg)
        # lkp's "kindly add ... Reported-by: kernel test robot <lkp@intel.com>" is a suggestion,
        # no trailer given: it showed among SMMUv3 v13's trailers (202011191103.JVUre092-lkp@intel.com)
        # in the report and its JSON. By sender only: the bots that suggest one (lkp, syzbot) write
        # from bot addresses, and Rob Herring's own Reviewed-by comes from robh@kernel.org.
        if given and is_bot(msg):
            continue
        target = _target(thread, msg, patches)
        for kind, person in given:
            key = (kind, person.lower(), target)
            if key not in seen:
                seen.add(key)
                out.append(TrailerFact(kind=kind, person=person, patch=target,
                                       message_id=msg.msgid, date=msg.date))
    return out


def reply_trailers(msg: Message) -> list[tuple[str, str]]:
    """(kind, person) pairs the sender of ``msg`` gives in its own lines."""
    return [(kind, person) for kind, person, _ in _own_trailers(msg)]


@lru_cache(maxsize=4096)
def _own_trailers(msg: Message) -> tuple[tuple[str, str, bool], ...]:
    """(kind, person, bare): ``bare`` for a "NAK" line that is no "X-by:" trailer.

    Cached per message (identity: Message compares by identity): find_trailers,
    per_patch_trailers and state.py read the same replies of a thread in turn,
    and attention reads the revision before again. A window of mail, not every
    body: the result is a few tuples, the key a message the threads hold anyway.
    """
    text = body_text(msg)
    if not _may_hold_trailers(text):  # most replies: skip splitting them into lines
        return ()
    lines = own_lines(text)
    cut = next((i for i, line in enumerate(lines) if _SCISSORS.match(line)), len(lines))
    lines = lines[:cut]
    skip = _inline_patch_blocks(lines)
    if "diff --git" in text:
        skip |= _diff_lines(lines)
    out: list[tuple[str, str, bool]] = []
    sender = f"{msg.from_name} <{msg.from_addr}>" if msg.from_name else msg.from_addr
    for i, line in enumerate(lines):
        if i in skip:
            continue
        m = _TRAILER.match(line)
        if m and _PERSON.search(m.group(2)):
            word = m.group(1).lower()
            out.append((_CANON.get(word, "NAK"), m.group(2), False))
        elif _NAK.match(line):
            out.append(("NAK", sender, True))
    return tuple(out)


def per_patch_trailers(thread: Thread, posting: Posting) -> dict[str, list[TrailerFact]]:
    """Patch Message-ID -> the trailers ``b4 am`` would apply to it, for the
    patches of ``posting`` (one posting of ``thread``), oldest first."""
    out: dict[str, list[TrailerFact]] = {m.msgid: [] for m in posting.patches}
    subjects = {m.msgid: m.subject for m in posting.patches}
    cover = posting.cover.msgid if posting.cover is not None else None
    by_id = {m.msgid: m for m in thread.messages}
    for msg in thread.messages:
        if not _is_followup(thread, msg) or is_bot(msg):
            continue
        given = _given(msg)
        if not given:
            continue
        landing = _landing(thread, msg, by_id)
        targets = list(out) if landing is not None and landing == cover else [landing] if landing in out else []
        for target in targets:
            for kind, person, other in given:
                _add(out[target], TrailerFact(kind=kind, person=person, patch=subjects[target],
                                              message_id=msg.msgid, date=msg.date, other_sender=other))
    return out


def _add(facts: list[TrailerFact], new: TrailerFact) -> None:
    """One trailer per (kind, person) and patch; a sender's own beats a mismatched one."""
    key = (new.kind, _address(new.person))
    for i, old in enumerate(facts):
        if (old.kind, _address(old.person)) == key:
            if old.other_sender and not new.other_sender:
                facts[i] = new
            return
    facts.append(new)


def _is_followup(thread: Thread, msg: Message) -> bool:
    """b4's "reply": a Re:/Aw:/Fwd: subject, or an untagged mail inside the thread
    (b4 counts one as a follow-up when it carries trailers; only those matter here)."""
    if starts_as_reply(msg.subject):  # Subject.parse would say reply: most mail, spared the parse
        return True
    subj = Subject.parse(msg.subject)
    if subj.reply:
        return True
    return thread.parent.get(msg.msgid) is not None and not (subj.is_patch or subj.is_rfc or subj.is_pull)


def _landing(thread: Thread, msg: Message, by_id: dict[str, Message]) -> str | None:
    """The first mail above ``msg`` that is not a follow-up: where b4 puts its trailers."""
    cur, seen = thread.parent.get(msg.msgid), {msg.msgid}
    while cur is not None and cur not in seen:
        parent = by_id.get(cur)
        if parent is None:
            return None  # the chain runs through mail we do not have: b4 stops there too
        if not _is_followup(thread, parent):
            return cur
        seen.add(cur)
        cur = thread.parent.get(cur)
    return None


# b4 requires a dotted address in a person trailer and drops "# comment" extinfo.
_B4_PERSON = re.compile(r"\S+@\S+\.\S+")
_EXTINFO = re.compile(r"\s+#[^#]+$")
_ADDR = re.compile(r"<([^<>\s]+@[^<>\s]+)>|(\S+@\S+)")


def _given(msg: Message) -> list[tuple[str, str, bool]]:
    """(kind, person, other_sender) for the trailer lines ``msg``'s sender wrote."""
    out = []
    for kind, person, bare in _own_trailers(msg):
        if bare:
            continue  # Steven Rostedt's "NAK for any code this touches ...": an objection, no trailer
        person = _EXTINFO.sub("", person.replace("<mailto:", "<"))
        if _B4_PERSON.search(person):
            out.append((kind, person, not _same_person(person, msg)))
    return out


def _address(person: str) -> str:
    m = _ADDR.search(person)
    return (m.group(1) or m.group(2)).lower().strip("<>,;") if m else person.lower()


def _same_person(person: str, msg: Message) -> bool:
    """b4's LoreMessage.get_trailers match: the address (ignoring "+tag" and one
    subdomain level, foo@linux.intel.com = foo@intel.com) or the exact name."""
    ours, theirs = _address(person), msg.from_addr.lower()
    if _email_eq(ours, theirs):
        return True
    name = person[:person.find("<")].strip().strip('"').lower() if "<" in person else ""
    return bool(name) and name == msg.from_name.lower()


def _email_eq(a: str, b: str) -> bool:
    a, b = re.sub(r"\+[^@]+@", "@", a), re.sub(r"\+[^@]+@", "@", b)
    if a == b:
        return True
    if a.count("@") != 1 or b.count("@") != 1:
        return False
    (la, da), (lb, db) = a.split("@"), b.split("@")
    return la == lb and abs(da.count(".") - db.count(".")) == 1 and (
        da.endswith("." + db) or db.endswith("." + da))


def _diff_lines(lines: list[str]) -> set[int]:
    """Line numbers inside inline diffs (from "diff --git" to the first non-hunk line)."""
    skip: set[int] = set()
    inside = False
    for i, line in enumerate(lines):
        inside = bool(_DIFF_START.match(line)) or (inside and bool(_DIFF_LINE.match(line)))
        if inside:
            skip.add(i)
    return skip


def _may_hold_trailers(text: str) -> bool:
    """False only when no own line of ``text`` can be a trailer or NAK line."""
    if text.isascii() and not any(c in text for c in _ODD_BREAKS):  # "in": memchr, 100x a regex class
        return _CANDIDATE.search("\n" + text) is not None
    return mentions(text, _WORDS)


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
