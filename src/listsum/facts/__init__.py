"""Facts: pure functions from threads to facts with provenance.

trailers.py (Reviewed-by, Acked-by, NAK, ... given in replies), applied.py
("Applied to next, thanks!"), kinds.py (one kind per thread). Bodies are read
through ``body_text`` so the decoding lives in one place (mail/body.py).
"""

from __future__ import annotations

import re
from email import message_from_bytes, policy

from listsum.mail.message import Message

try:  # mail/body.py owns body decoding; fall back until it exists.
    from listsum.mail.body import text_of as _text_of
except ImportError:  # pragma: no cover - transitional
    _text_of = None

_QUOTED = re.compile(r"^\s*>")


def body_text(msg: Message) -> str:
    """The decoded text/plain body of ``msg`` ("" when there is none)."""
    if _text_of is not None:
        return _text_of(msg)
    parsed = message_from_bytes(msg.raw, policy=policy.default)
    part = parsed.get_body(preferencelist=("plain",))
    if part is None:
        return ""
    try:
        return str(part.get_content())
    except (LookupError, UnicodeError, AttributeError):
        return ""


def own_lines(text: str) -> list[str]:
    """The lines the sender wrote: quoted lines dropped, stop at the signature.

    "-- " is the signature marker; everything below it is the sender's
    footer, never a trailer or an "applied" notice.
    """
    out: list[str] = []
    for line in text.splitlines():
        if line in ("-- ", "--"):  # some clients strip the trailing space
            break
        if not _QUOTED.match(line):
            out.append(line)
    return out
