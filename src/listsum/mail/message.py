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
"""

from __future__ import annotations

import codecs
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.errors import MessageError
from email.header import decode_header, make_header
from email.utils import getaddresses, parsedate_tz
from functools import lru_cache
from sys import intern
from typing import Any

from listsum.report.escape import controls

UTC = timezone.utc
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# Headers we read; everything else is skipped without decoding. One regex
# anchored on the newline before each header finds them in place, with no
# copy of the header block (the archive's headers alone are ~70 MB).
_NAMES = (rb"message-id|in-reply-to|references|subject|from|date|to|cc|list-id"
          rb"|content-type")
_HDR = re.compile(rb"\n(" + _NAMES + rb")[ \t]*:[ \t]*([^\n]*(?:\n[ \t][^\n]*)*)", re.I)
_HDR_FIRST = re.compile(rb"(" + _NAMES + rb")[ \t]*:[ \t]*([^\n]*(?:\n[ \t][^\n]*)*)", re.I)
_ANY_HEADER = re.compile(rb"[!-9;-~]+[ \t]*:")
_FOLD = re.compile(r"\r?\n[ \t]+")
_ANGLE = re.compile(r"<([^<>\s]+)>")
_WS = re.compile(r"\s+")
# "Name <addr>", '"Name" <addr>' or a bare addr: 99% of From lines.
_FROM_SIMPLE = re.compile(r'\s*(?:"([^"\\]*)"|([^"<>,;()\\]*?))\s*<([^<>\s]*)>\s*$')
_BARE_ADDR = re.compile(r"\s*<?([^\s<>\"(),;:]+@[^\s<>\"(),;:]+)>?\s*$")
# RFC 2822 common form: "[Mon, ]4 Oct 2021 10:29:13 +0800"
_DATE = re.compile(r"\s*(?:[A-Za-z]{3},?\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+"
                   r"(\d{1,2}):(\d\d)(?::(\d\d))?\s*([+-])(\d\d)(\d\d)(?:\s|$)")
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_CHARSET = re.compile(r'charset\s*=\s*"?([^";\s]+)', re.I)
_BOUNDARY = re.compile(r'boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))', re.I)
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
_HIGH = re.compile(rb"[\x80-\xff]")


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


def name_addr(name: str, addr: str) -> str:
    """"Name <addr>", or whichever of the two there is: the one place a
    person is written out (reports, participants, digests)."""
    if name and addr and name != addr:
        return f"{name} <{addr}>"
    return addr or name or "(unknown)"


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


class MalformedMessage(ValueError):
    """A blob that cannot be read as mail at all (no headers)."""


def decode_words(value: str) -> str:
    """RFC 2047 words to text; raw 8-bit was already decoded as UTF-8."""
    if "=?" in value:
        try:
            value = str(make_header(decode_header(value)))
        except (UnicodeError, LookupError, ValueError, AssertionError, MessageError):
            pass  # keep the encoded form rather than lose the header
        value = controls(value)  # "=?utf-8?q?=1B]8;;...?=" decodes into an escape sequence
    return _WS.sub(" ", value).strip()


def _text(value: bytes, problems: list[str]) -> str:
    try:
        text = value.decode("ascii")
    except UnicodeDecodeError:
        try:
            text = value.decode("utf-8")
        except UnicodeDecodeError:
            # Undeclared 8-bit that is not UTF-8: old clients sending latin-1.
            problems.append("8-bit header that is not UTF-8 (read as latin-1)")
            text = value.decode("latin-1")
    if "\n" in text:
        text = _FOLD.sub(" ", text)
    # Mail text is data: no escape sequence or control character survives
    # parsing (an OSC 8 link in a From name was once read as the sender "\x1b").
    return controls(text.rstrip("\r "))


def header_end(data: bytes, start: int, end: int) -> int:
    """Offset of the newline before the blank line ending the headers (``end`` when none).

    CRLF mail (Maildir files from Windows tools) is told by its first line,
    so each message costs one find(), not two.
    """
    nl = data.find(b"\n", start, end)
    if nl > start and data[nl - 1] == 13:
        hend = data.find(b"\n\r\n", start, end)
    else:
        hend = data.find(b"\n\n", start, end)
    return end if hend < 0 else hend


def split_headers(raw: bytes) -> dict[bytes, str]:
    """The wanted headers of ``raw``, first occurrence wins, unfolded."""
    try:
        return read_headers(raw)[0]
    except MalformedMessage:
        return {}


def read_headers(data: bytes, start: int = 0, end: int | None = None,
                 problems: list[str] | None = None, hend: int | None = None) -> tuple[dict[bytes, str], int]:
    """The wanted headers of one message and where its headers end
    (``hend``: ``header_end`` of the same span, when the caller has it).

    First occurrence wins; names lower-cased; values unfolded.
    """
    end = len(data) if end is None else end
    hend = header_end(data, start, end) if hend is None else hend
    probs = problems if problems is not None else []
    out: dict[bytes, str] = {}
    first = _HDR_FIRST.match(data, start, hend)
    if first:
        out[first.group(1).lower()] = _text(first.group(2), probs)
    for m in _HDR.finditer(data, start, hend):
        name = m.group(1).lower()
        if name not in out:
            out[name] = _text(m.group(2), probs)
    if not out and _ANY_HEADER.match(data, start, hend) is None:
        raise MalformedMessage("no mail headers found")
    return out, hend


def parse_date(value: str) -> datetime | None:
    """RFC 2822 date to aware UTC, or None when unreadable.

    The common form takes a regex; the rest goes to email.utils.
    Zones like -9900 (seen in the wild, see b4) are out of range: treated as UTC.
    """
    if not value:
        return None
    m = _DATE.match(value)
    if m:
        day, mon, year, hh, mm, ss, sign, zh, zm = m.groups()
        month = _MONTHS.get(mon.lower())
        offset = int(zh) * 3600 + int(zm) * 60
        if month and offset <= 14 * 3600:
            try:
                naive = datetime(int(year), month, int(day), int(hh), int(mm), min(int(ss or 0), 59))
                # Year 1 with +0100 or 9999 with -0500 leaves datetime's range.
                return (naive - timedelta(seconds=offset if sign == "+" else -offset)).replace(tzinfo=UTC)
            except (ValueError, OverflowError):
                return None
    return _parse_date_slow(value)


def _parse_date_slow(value: str) -> datetime | None:
    try:
        tup = parsedate_tz(value)
    except (TypeError, ValueError, IndexError):
        return None
    if tup is None:
        return None
    offset = tup[9] or 0
    if abs(offset) > 14 * 3600:
        offset = 0
    try:
        naive = datetime(*tup[:6])
        return (naive - timedelta(seconds=offset)).replace(tzinfo=UTC)
    except (ValueError, OverflowError):
        return None


def _first_id(value: str) -> str | None:
    m = _ANGLE.search(value)
    if m:
        return m.group(1)
    value = value.strip()
    # Some clients drop the brackets; accept a bare token with an '@'.
    if value and " " not in value and "@" in value:
        return value.strip("<>")
    return None


def parse_from(value: str) -> tuple[str, str]:
    """(display name, lower-cased address) of a From header."""
    if not value:
        return "", ""
    m = _FROM_SIMPLE.match(value)
    if m:
        name = m.group(1) if m.group(1) is not None else m.group(2)
        return decode_words(name).strip('"'), m.group(3).lower()
    m = _BARE_ADDR.match(value)
    if m:
        return "", m.group(1).lower()
    pairs = getaddresses([value])
    if not pairs:
        return "", ""
    name, addr = pairs[0]
    return decode_words(name).strip('"'), addr.lower()


def parse_addrs(value: str) -> tuple[str, ...]:
    """Lower-cased addresses of a To/Cc header."""
    if not value:
        return ()
    if '"' in value:
        value = _QUOTED.sub("", value)  # quoted names may hold commas and '<'
    if "(" in value:
        return tuple(a.lower() for _, a in getaddresses([value]) if a)
    out = []
    for part in value.split(","):
        lt = part.find("<")
        addr = part[lt + 1:part.find(">", lt)] if lt >= 0 else part.strip()
        if addr:
            out.append(addr.lower())
    return tuple(out)


@lru_cache(maxsize=256)
def known_charset(name: str) -> bool:
    try:
        codecs.lookup(name)
    except (LookupError, ValueError):  # ValueError: a NUL in the name (fuzzer)
        return False
    return True


def mime_problems(ctype: str, data: bytes, hend: int, end: int) -> list[str]:
    """Cheap checks of a body done while its bytes are at hand."""
    if not ctype:
        ctype = "text/plain"
    low = ctype.lower()
    if low.startswith("multipart/"):
        b = _BOUNDARY.search(ctype)
        if b is None:
            return ["broken MIME: multipart without a boundary"]
        boundary = (b.group(1) or b.group(2)).encode("utf-8", "replace")
        if data.find(b"--" + boundary, hend, end) < 0:
            return ["broken MIME: the multipart boundary never appears"]
        return []
    cs = _CHARSET.search(ctype)
    if cs is not None:
        if not known_charset(cs.group(1)):
            return [f"unknown charset {cs.group(1)!r} (read as UTF-8)"]
        return []
    if low.startswith("text/") and _HIGH.search(data, hend, end) is not None:
        try:
            data[hend:end].decode("utf-8")
        except UnicodeDecodeError:
            return ["8-bit body without a charset, not UTF-8 (read as latin-1)"]
    return []


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
    msgid = _first_id(h.get(b"message-id", ""))
    synthetic = msgid is None
    if synthetic:
        # Stable across runs: derived from the headers we have.
        msgid = f"listsum-{hashlib.sha1(data[start:min(end, start + 4096)]).hexdigest()[:20]}@synthetic.invalid"
        problems.append("no Message-ID")
    refs = h.get(b"references", "")
    irt = _first_id(h.get(b"in-reply-to", ""))
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
        subject=decode_words(subject) if "=?" in subject else _WS.sub(" ", subject).strip(),
        from_name=_WS.sub(" ", name).strip(),
        from_addr=intern(addr),
        date=date or EPOCH,
        in_reply_to=intern(irt) if irt is not None else None,
        references=tuple(intern(r) for r in _ANGLE.findall(refs) if r != msgid) if refs else (),
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
