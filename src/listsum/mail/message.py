"""Message: one mail, parsed once, headers first.

Contract:
- ``msgid``, ``in_reply_to`` and ``references`` are bare ids (no angle
  brackets), case kept as sent: Message-IDs are case-sensitive on the left.
- ``subject`` and ``from_name`` are RFC 2047-decoded and whitespace-folded.
- ``from_addr`` is lower-cased.
- ``date`` is timezone-aware UTC. When the Date header is missing or absurd,
  ``fix_dates`` derives one from the neighbouring messages of the same input
  and sets ``date_flag``; the header's own text stays in ``date_raw``.
- The raw bytes are kept (``raw``), the body is decoded only when asked
  (``body.text_of``), so reading a year of mail costs header parsing only.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.header import decode_header, make_header
from email.utils import getaddresses, parsedate_tz

UTC = timezone.utc

# Headers we read; everything else is skipped without decoding.
_WANTED = {
    b"message-id", b"in-reply-to", b"references", b"subject", b"from",
    b"date", b"to", b"cc", b"list-id", b"content-type", b"x-mailing-list",
}
_HDR_END = re.compile(rb"\r?\n\r?\n")
_FOLD = re.compile(rb"\r?\n[ \t]+")
_ANGLE = re.compile(r"<([^<>\s]+)>")
_WS = re.compile(r"\s+")


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
    raw: bytes = field(repr=False)
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    list_id: str = ""
    date_raw: str = ""
    date_flag: str = ""  # "" | "missing" | "absurd": date derived from neighbours
    synthetic_id: bool = False
    problems: tuple[str, ...] = ()  # header-level oddities worth reporting

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


class MalformedMessage(ValueError):
    """A blob that cannot be read as mail at all (no headers)."""


def decode_words(value: str) -> str:
    """RFC 2047 words to text; raw 8-bit was already decoded as UTF-8."""
    if "=?" in value:
        try:
            value = str(make_header(decode_header(value)))
        except (UnicodeError, LookupError, ValueError, AssertionError):
            pass  # keep the encoded form rather than lose the header
    return _WS.sub(" ", value).strip()


def split_headers(raw: bytes) -> dict[bytes, str]:
    """The wanted headers of ``raw``, first occurrence wins, unfolded."""
    m = _HDR_END.search(raw)
    block = raw[: m.start()] if m else raw
    block = _FOLD.sub(b" ", block)
    out: dict[bytes, str] = {}
    for line in block.split(b"\n"):
        colon = line.find(b":")
        if colon <= 0:
            continue
        name = line[:colon].strip().lower()
        if name in _WANTED and name not in out:
            # Undeclared 8-bit in headers is nearly always UTF-8; never fail on it.
            out[name] = line[colon + 1 :].strip().decode("utf-8", "replace")
    return out


def parse_date(value: str) -> datetime | None:
    """RFC 2822 date to aware UTC, or None when unreadable.

    Zones like -9900 (seen in the wild, see b4) are out of range: treated as UTC.
    """
    if not value:
        return None
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
    except (ValueError, OverflowError):
        return None
    return (naive - timedelta(seconds=offset)).replace(tzinfo=UTC)


def _first_id(value: str) -> str | None:
    m = _ANGLE.search(value)
    if m:
        return m.group(1)
    value = value.strip()
    # Some clients drop the brackets; accept a bare token with an '@'.
    if value and " " not in value and "@" in value:
        return value.strip("<>")
    return None


def _addrs(value: str) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(a.lower() for _, a in getaddresses([value]) if a)


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def parse_message(raw: bytes, origin: Origin) -> Message:
    """Parse the headers of one raw message (without its mbox From_ line)."""
    h = split_headers(raw)
    if not h:
        raise MalformedMessage(f"{origin}: no mail headers found")
    problems: list[str] = []
    msgid = _first_id(h.get(b"message-id", ""))
    synthetic = msgid is None
    if synthetic:
        # Stable across runs: derived from the headers we have.
        digest = hashlib.sha1(raw[:4096]).hexdigest()[:20]
        msgid = f"listsum-{digest}@synthetic.invalid"
        problems.append("no Message-ID")
    refs = tuple(_ANGLE.findall(h.get(b"references", "")))
    irt = _first_id(h.get(b"in-reply-to", ""))
    name, addr = "", ""
    frm = h.get(b"from", "")
    if frm:
        pairs = getaddresses([decode_words(frm)])
        if pairs:
            name, addr = pairs[0]
    date_raw = h.get(b"date", "")
    date = parse_date(date_raw)
    flag = "" if date is not None else ("missing" if not date_raw else "absurd")
    return Message(
        msgid=msgid,
        subject=decode_words(h.get(b"subject", "")),
        from_name=_WS.sub(" ", name).strip().strip('"'),
        from_addr=addr.lower(),
        date=date or EPOCH,
        in_reply_to=irt,
        references=tuple(r for r in refs if r != msgid),
        origin=origin,
        raw=raw,
        to=_addrs(h.get(b"to", "")),
        cc=_addrs(h.get(b"cc", "")),
        list_id=h.get(b"list-id", ""),
        date_raw=date_raw,
        date_flag=flag,
        synthetic_id=synthetic,
        problems=tuple(problems),
    )


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
