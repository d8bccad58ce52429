"""Header values, read and decoded: the raw header block of one mail in,
text out. No Message here, only the pieces message.py assembles one from.

- ``read_headers`` finds the wanted headers in place (first occurrence
  wins, names lower-cased, values unfolded, 8-bit read as UTF-8 else latin-1,
  control characters removed: mail text is data).
- ``decode_words`` undoes RFC 2047; ``parse_date`` gives aware UTC;
  ``first_id`` / ``ids_in`` give bare Message-IDs.
- ``mime_problems`` checks what Content-Type declares against the body.
Addresses (From, To, Cc) are in address.py.
"""

from __future__ import annotations

import codecs
import re
from datetime import datetime, timedelta, timezone
from email.errors import MessageError
from email.header import decode_header, make_header
from email.utils import parsedate_tz
from functools import lru_cache

from listsum.report.escape import controls

UTC = timezone.utc

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
# RFC 2822 common form: "[Mon, ]4 Oct 2021 10:29:13 +0800"
_DATE = re.compile(r"\s*(?:[A-Za-z]{3},?\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+"
                   r"(\d{1,2}):(\d\d)(?::(\d\d))?\s*([+-])(\d\d)(\d\d)(?:\s|$)")
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_CHARSET = re.compile(r'charset\s*=\s*"?([^";\s]+)', re.I)
_BOUNDARY = re.compile(r'boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))', re.I)
_HIGH = re.compile(rb"[\x80-\xff]")


class MalformedMessage(ValueError):
    """A blob that cannot be read as mail at all (no headers)."""


def squash(value: str) -> str:
    """Runs of whitespace to one space, ends stripped."""
    return _WS.sub(" ", value).strip()


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


def first_id(value: str) -> str | None:
    """The first Message-ID of a Message-ID / In-Reply-To header, bare."""
    m = _ANGLE.search(value)
    if m:
        return m.group(1)
    value = value.strip()
    # Some clients drop the brackets; accept a bare token with an '@'.
    if value and " " not in value and "@" in value:
        return value.strip("<>")
    return None


def ids_in(value: str) -> list[str]:
    """Every bracketed Message-ID of a References header, bare, in order."""
    return _ANGLE.findall(value)


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
