"""Facts: pure functions from threads to facts with provenance.

trailers.py (Reviewed-by, Acked-by, NAK, ... given in replies), applied.py
("Applied to next, thanks!"), kinds.py (one kind per thread). Bodies are read
through ``body_text`` so the decoding lives in one place (mail/body.py).
"""

from __future__ import annotations

import re

from listsum.mail.body import text_of
from listsum.mail.message import Message

_QUOTED = re.compile(r"^\s*>")


def body_text(msg: Message) -> str:
    """The decoded plain-text body of ``msg`` (memoised by mail/body.py)."""
    return text_of(msg)


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
