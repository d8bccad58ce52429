"""Open questions: sentences people asked in prose that nobody answered.

A question is a sentence ending in "?" that a reviewer or the author wrote
outside quotes, diffs and commit text:
- a patch posting counts only for its notes below "---" (the commit text
  and the diff are the change, not a conversation: a 39-patch SME series'
  "open questions" were once its own diff lines, "+\\tubfx x2, x2,
  #ID_AA64SMFR0_FA64_SHIFT, #1 // Full FP in SM?");
- a cover letter counts up to its diffstat or shortlog;
- a reply counts for its own lines up to an inline patch or a scissors
  line, without lines that look like code or diff.

It stays open while nobody else answered it later in the thread: a later
mail from someone else that quotes the question answers it, and so does a
direct reply that quotes nothing of the asking mail (a top-posted answer).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from listsum.facts import body_text
from listsum.mail.message import Message
from listsum.mail.subject import Subject, starts_as_reply
from listsum.mail.threads import Thread

_STOP = re.compile(r"^\s*(?:diff --git |-- ?>8|-*\s*8<|>8|base-commit:|change-id:|[-\w./]+\s+\|\s+\d+|"
                   r"\d+ files? changed)|^[A-Z][\w .'-]+ \(\d+\):$")
_CODE = re.compile(r"^(?:[+@]|-(?!\s)|\t|    )|[;{}]\s*$|^\s*(?://|/\*|\*|#(?:define|include|if))|=>|::|\w\(.*\)\s*;")
_SENTENCE = re.compile(r"(?<=[.?!])\s+")
_WROTE = re.compile(r"\b(?:wrote|writes|said):\s*$")
_QUOTE = re.compile(r"^\s*>[\s>]*")


@dataclass
class Question:
    message_id: str
    sender: str
    date: datetime
    text: str


def prose(msg: Message) -> list[str]:
    """The sender's own prose lines of ``msg`` (see module docstring)."""
    text = body_text(msg)
    if not starts_as_reply(msg.subject):
        subj = Subject.parse(msg.subject)
        if subj.is_patch or subj.is_rfc:
            if subj.is_cover:
                return _until_stop(_own(text))
            parts = text.split("\n---\n", 1)
            return _until_stop(_own(parts[1])) if len(parts) == 2 else []
    return _until_stop(_own(text))


def _own(text: str) -> list[str]:
    """facts.own_lines, but each quote (and its "On ..., X wrote:" line)
    leaves a blank line: a reply interleaved with quotes is many paragraphs,
    not one (Eric Auger's reviews of the CPU ID register series)."""
    lines = text.splitlines()
    cut = min(_index(lines, "-- "), _index(lines, "--"))
    return ["" if _QUOTE.match(ln) or _WROTE.search(ln) else ln for ln in lines[:cut]]


def _index(lines: list[str], item: str) -> int:
    return lines.index(item) if item in lines else len(lines)


def _until_stop(lines: list[str]) -> list[str]:
    out = []
    for ln in lines:
        if _STOP.match(ln):
            break
        if not _CODE.search(ln):
            out.append(ln)
    return out


def sentences(lines: list[str]) -> list[str]:
    """Paragraphs joined, then split at sentence ends."""
    out: list[str] = []
    para: list[str] = []
    for ln in lines + [""]:
        if ln.strip():
            para.append(ln.strip())
            continue
        if para:
            out += _SENTENCE.split(" ".join(para))
            para = []
    return out


def is_question(sentence: str) -> bool:
    words = sentence.split()
    return sentence.endswith("?") and len(words) >= 3 and sum(c.isalpha() for c in sentence) >= 10


def _squash(text: str) -> str:
    return " ".join(text.split()).lower()


def _quoted(msg: Message) -> str:
    """The quoted text of ``msg``, one squashed string."""
    return _squash(" ".join(_QUOTE.sub("", ln) for ln in body_text(msg).splitlines() if _QUOTE.match(ln)))


def open_questions(thread: Thread, limit: int = 12) -> list[Question]:
    """Unanswered prose questions of ``thread``, oldest first."""
    msgs = sorted(thread.messages, key=lambda m: (m.date, m.msgid))
    quoted: dict[str, str] = {}
    out: list[Question] = []
    for pos, msg in enumerate(msgs):
        asked = [s for s in sentences(prose(msg)) if is_question(s)]
        if not asked:
            continue
        later = [m for m in msgs[pos + 1:] if m.from_addr != msg.from_addr]
        for m in later:
            if m.msgid not in quoted:
                quoted[m.msgid] = _quoted(m)
        top_posted = any(thread.parent.get(m.msgid) == msg.msgid and not quoted[m.msgid] for m in later)
        if top_posted:
            continue
        for q in asked:
            key = _squash(q)[-60:]  # the question's end: a quote may wrap its start differently
            if not any(key in quoted[m.msgid] for m in later):
                out.append(Question(msg.msgid, msg.sender, msg.date, q[:240]))
    return out[:limit]
