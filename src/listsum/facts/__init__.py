"""Facts: pure functions from threads to facts with provenance.

trailers.py (Reviewed-by, Acked-by, NAK, ... given in replies), applied.py
("Applied to next, thanks!"), kinds.py (one kind per thread). Bodies are read
through ``body_text`` so the decoding lives in one place (mail/body.py).
"""

from __future__ import annotations

from functools import lru_cache

from listsum.mail.body import body_text as decode_body
from listsum.mail.message import Message

# re's IGNORECASE matches these to ASCII "i"/"s" although str.lower() keeps
# them apart (the Kelvin sign "K" does lower to "k").
_ODD_CASE = str.maketrans({"İ": "i", "ı": "i", "ſ": "s"})


def body_text(msg: Message) -> str:
    """The decoded plain-text body of ``msg``.

    Not memoised on the message: facts read the replies of every thread of an
    archive once, and keeping all their texts held ~160 MB at the end of the
    kvmarm archive (15,434 mails). A small LRU covers the passes that read one
    thread's replies in turn (trailers, then applied); a text somebody else
    memoised (text_of, for summaries) is reused.
    """
    return msg.text_memo if msg.text_memo is not None else _decoded(msg)


@lru_cache(maxsize=512)
def _decoded(msg: Message) -> str:
    raw = msg.raw_ref() if msg.raw_ref is not None else msg.raw
    text = decode_body(raw)
    return text.replace("\r\n", "\n") if "\r" in text else text


def own_lines(text: str) -> list[str]:
    """The lines the sender wrote: quoted lines dropped, stop at the signature.

    "-- " is the signature marker; everything below it is the sender's
    footer, never a trailer or an "applied" notice.
    """
    return list(_own_lines(text))


@lru_cache(maxsize=256)
def _own_lines(text: str) -> tuple[str, ...]:
    """Cached: trailers, applied and state read the same replies of one thread in turn."""
    lines = text.splitlines()
    # list.index and str.lstrip instead of a loop with a regex per line: this
    # runs over every reply of an archive. lstrip strips exactly what re's \s
    # matches, so "  > x" is quoted as with r"^\s*>".
    cut = min(_index(lines, "-- "), _index(lines, "--"))  # some clients strip the trailing space
    return tuple([line for line in lines[:cut] if not line.lstrip().startswith(">")])  # a list: no generator to resume per line


def _index(lines: list[str], item: str) -> int:
    try:
        return lines.index(item)
    except ValueError:
        return len(lines)


def mentions(text: str, words: tuple[str, ...]) -> bool:
    """Whether ``text`` holds one of ``words`` (lower-case ASCII) in any case.

    A necessary condition for a line regex built on ``(?i:word|...)`` to
    match, tested with a few substring searches over the whole body: far
    cheaper than splitting every reply into lines, and most replies mention
    none of the words. Letters re folds but str.lower() does not are
    mapped first, so the test never misses a line the regex would match.
    """
    low = _folded(text)
    for w in words:  # a loop, not any(genexpr): called for every reply of an archive
        if w in low:
            return True
    return False


@lru_cache(maxsize=1024)
def _folded(text: str) -> str:
    """Cached: trailers, then applied, test the same replies of one thread."""
    if not text.isascii() and ("İ" in text or "ı" in text or "ſ" in text):
        text = text.translate(_ODD_CASE)
    return text.lower()
