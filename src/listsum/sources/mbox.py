"""mbox, mboxrd and their .gz: split on From_ lines without the mailbox module.

The stdlib mailbox module builds an email.Message per mail; we only need the
byte ranges, so one regex over the whole buffer does the split.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator

from listsum.mail.message import Origin

# A From_ line: "From " + something + a date-ish tail. Requiring a digit on
# the line keeps "From the manual..." in an unescaped body from splitting.
_FROM_LINE = re.compile(rb"^From \S+.*\d.*$", re.M)
_RD_UNQUOTE = re.compile(rb"^>(>*From )", re.M)


def load_bytes(path: str) -> bytes:
    """Whole file, gunzipped when it is gzip (by magic, not by name)."""
    with open(path, "rb") as fh:
        data = fh.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data


def split_mbox(data: bytes, path: str) -> Iterator[tuple[bytes, Origin]]:
    """Yield each message's bytes (From_ line removed, mboxrd unquoted)."""
    starts = [m.start() for m in _FROM_LINE.finditer(data)
              if m.start() == 0 or data[m.start() - 1:m.start()] == b"\n"]
    for number, start in enumerate(starts, 1):
        end = starts[number] if number < len(starts) else len(data)
        nl = data.find(b"\n", start, end)
        body = data[nl + 1:end] if nl >= 0 else b""
        if b"\n>" in body or body.startswith(b">"):
            body = _RD_UNQUOTE.sub(rb"\1", body)
        yield body, Origin(path, number)
