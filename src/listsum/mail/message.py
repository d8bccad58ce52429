"""Message: one mail, parsed once, headers first.

Contract:
- ``msgid``, ``in_reply_to`` and ``references`` are bare ids (no angle
  brackets), case kept as sent: Message-IDs are case-sensitive on the left.
- ``subject`` and ``from_name`` are RFC 2047-decoded and whitespace-folded.
- ``from_addr``, ``to`` and ``cc`` are lower-cased addresses.
- ``date`` is timezone-aware UTC. When the Date header is missing or absurd,
  ``fix_dates`` derives one from the neighbouring messages of the same input
  and sets ``date_flag``; the header's own text stays in ``date_raw``.
- The raw bytes are loaded lazily: the reader sets ``raw_ref`` and the first
  read of ``raw`` (or ``body.raw_of``) loads them, so reading a year of mail
  costs header parsing only. ``body.text_of`` gives the decoded text.
- ``problems`` lists what is wrong with this mail (no Message-ID, broken
  MIME, unknown charset, ...); the reader reports each as a Problem.

Reading and decoding header values lives in headers.py, addresses in
address.py; this module assembles a Message from them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from sys import intern
from typing import Any

from listsum.mail.address import parse_addrs, parse_from
from listsum.mail.headers import (MalformedMessage, decode_words, first_id, ids_in, mime_problems, parse_date,
                                  read_headers, squash)

UTC = timezone.utc
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a message came from: for error messages and provenance."""

    path: str
    number: int  # 1-based position of the message in that input

    def __str__(self) -> str:
        return f"{self.path}, message {self.number}"


@dataclass(eq=False, slots=True)
class Message:
    msgid: str
    subject: str
    from_name: str
    from_addr: str
    date: datetime
    in_reply_to: str | None
    references: tuple[str, ...]
    origin: Origin
    raw: bytes = field(default=b"", repr=False)  # loaded on first read via raw_ref
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    list_id: str = ""
    date_raw: str = ""
    date_flag: str = ""  # "" | "missing" | "absurd": date derived from neighbours
    synthetic_id: bool = False
    problems: tuple[str, ...] = ()  # oddities worth reporting (never fatal)
    raw_ref: Callable[[], bytes] | None = field(default=None, repr=False)  # loads raw lazily
    text_memo: str | None = field(default=None, repr=False)  # body.text_of's memo

    @property
    def sender(self) -> str:
        """Display name, or the address when there is none."""
        return self.from_name or self.from_addr

    @property
    def parent_ids(self) -> tuple[str, ...]:
        """References then In-Reply-To: the ancestry chain, oldest first."""
        refs = self.references
        if self.in_reply_to and (not refs or refs[-1] != self.in_reply_to):
            refs = refs + (self.in_reply_to,)
        return refs


def _lazy(slot: Any) -> property:
    """Wrap the ``raw`` slot: reading it loads the bytes through ``raw_ref`` once.

    Kept as a plain field for the constructor (``Message(..., raw=b"...")``)
    and for code that reads ``msg.raw``; the reader sets ``raw_ref`` instead.
    """

    def get(self: Message) -> bytes:
        data = slot.__get__(self, Message)
        if not data and self.raw_ref is not None:
            data = self.raw_ref()
            slot.__set__(self, data)
            self.raw_ref = None
        return data

    return property(get, slot.__set__)


Message.raw = _lazy(Message.__dict__["raw"])  # type: ignore[assignment,method-assign]


def note_where(exc: BaseException, where: object) -> None:
    """Name the input (and message) an unexpected error happened in, once:
    the CLI prints it in its one-line internal error."""
    if not getattr(exc, "__notes__", None):
        exc.add_note(str(where))


def parse_span(data: bytes, start: int, end: int, origin: Origin, hend: int | None = None) -> Message:
    """Parse the headers of the message at data[start:end] (no From_ line);
    ``hend``: its ``header_end``, when the caller needs it too (found once).

    ``raw`` is left empty: the caller sets ``raw_ref`` (or ``raw``).
    """
    try:
        return _parse_span(data, start, end, origin, hend)
    except MalformedMessage:
        raise
    except Exception as exc:
        note_where(exc, origin)
        raise


def _parse_span(data: bytes, start: int, end: int, origin: Origin, hend: int | None = None) -> Message:
    problems: list[str] = []
    try:
        h, hend = read_headers(data, start, end, problems, hend)
    except MalformedMessage:
        raise MalformedMessage(f"{origin}: no mail headers found") from None
    msgid = first_id(h.get(b"message-id", ""))
    synthetic = msgid is None
    if synthetic:
        # Stable across runs: derived from the headers we have.
        msgid = f"listsum-{hashlib.sha1(data[start:min(end, start + 4096)]).hexdigest()[:20]}@synthetic.invalid"
        problems.append("no Message-ID")
    refs = h.get(b"references", "")
    irt = first_id(h.get(b"in-reply-to", ""))
    name, addr = parse_from(h.get(b"from", ""))
    date_raw = h.get(b"date", "")
    date = parse_date(date_raw)
    subject = h.get(b"subject", "")
    problems += mime_problems(h.get(b"content-type", ""), data, hend, end)
    # Interned: an archive names few addresses and lists (902 in kvmarm's 163k To/Cc
    # entries) and its References repeat other mails' ids; one string each instead of
    # a copy per mail (~12 MB of the kvmarm headers), shared again by the parse cache.
    return Message(
        msgid=intern(msgid),
        subject=decode_words(subject) if "=?" in subject else squash(subject),
        from_name=squash(name),
        from_addr=intern(addr),
        date=date or EPOCH,
        in_reply_to=intern(irt) if irt is not None else None,
        references=tuple(intern(r) for r in ids_in(refs) if r != msgid) if refs else (),
        origin=origin,
        to=tuple(map(intern, parse_addrs(h.get(b"to", "")))),
        cc=tuple(map(intern, parse_addrs(h.get(b"cc", "")))),
        list_id=intern(h.get(b"list-id", "")),
        date_raw=date_raw,
        date_flag="" if date is not None else ("missing" if not date_raw else "absurd"),
        synthetic_id=synthetic,
        problems=tuple(problems),
    )


def parse_message(raw: bytes, origin: Origin) -> Message:
    """Parse the headers of one raw message (without its mbox From_ line)."""
    msg = parse_span(raw, 0, len(raw), origin)
    msg.raw = raw
    return msg


_LOW = datetime(1990, 1, 1, tzinfo=UTC)
_DRIFT = timedelta(days=366)


def fix_dates(messages: list[Message], now: datetime | None = None) -> int:
    """Give messages with a missing or absurd date one from their neighbours.

    Archives are in arrival order, so the messages just before and after are
    the best witnesses. A date is absurd when it is before 1990, in the future,
    or more than a year away from the median of its ten neighbours (a clock
    set to 2037 or 1980). Returns how many dates were derived.
    """
    now = now or datetime.now(UTC)
    n = len(messages)
    fixed = 0
    good = [m.date_flag == "" and _LOW <= m.date <= now + timedelta(days=1) for m in messages]
    for i, msg in enumerate(messages):
        if good[i]:
            window = [messages[j].date for j in range(max(0, i - 5), min(n, i + 6))
                      if j != i and good[j]]
            if len(window) >= 4:
                window.sort()
                if abs(msg.date - window[len(window) // 2]) <= _DRIFT:
                    continue
            else:
                continue
            good[i] = False
            msg.date_flag = "absurd"
    for i, msg in enumerate(messages):
        if good[i]:
            continue
        if not msg.date_flag:
            msg.date_flag = "absurd"
        before = next((messages[j].date for j in range(i - 1, -1, -1) if good[j]), None)
        after = next((messages[j].date for j in range(i + 1, n) if good[j]), None)
        msg.date = before or after or EPOCH
        fixed += 1
    return fixed
