"""mbox, mboxrd and their .gz: split on From_ lines without the mailbox module.

The stdlib mailbox module builds an email.Message per mail; we only need the
byte ranges, so ``bytes.find`` over the whole buffer does the split and the
header parser reads each range in place (no copy of the message).
"""

from __future__ import annotations

import mmap
import os
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import BinaryIO

from listsum.mail.message import Origin

# A From_ line: "From " + sender + a date-ish tail. Requiring a digit keeps
# "From the manual..." in an unescaped body from splitting, and requiring a
# header on the next line keeps "From here on, 2 cases:" from splitting too.
_FROM_LINE = re.compile(rb"From \S+ [^\n]*\d")
_HEADER_LINE = re.compile(rb"[!-9;-~]+[ \t]*:")
_RD_UNQUOTE = re.compile(rb"^>(>*From )", re.M)
BOM = b"\xef\xbb\xbf"  # some editors and Windows tools put one before the first From_ line
# A header block inside a body: the sign of two mails joined by a damaged
# From_ line. Found by its Message-ID line (cheap find), then checked.
_MSGID_LINES = (b"\nMessage-I", b"\nmessage-i", b"\nMESSAGE-I")
_MSGID_HDR = re.compile(rb"Message-ID[ \t]*:[ \t]*<([^>\s]{1,200})>", re.I)
_BLOCK_LINES = 300  # list mail carries 40-80 header lines (Received:, DKIM, ...)
_BLOCK_NAMES = re.compile(rb"(?:^|\n)(?:from|date|subject)[ \t]*:", re.I)


def gunzip(data: bytes) -> tuple[bytes, str | None]:
    """Decompress every gzip member; on a cut stream keep what was readable.

    Returns the data and a problem text when the stream was truncated or
    corrupt (the last message may then be incomplete). A single member is
    decompressed in one call so the result is never copied (148 MB here).
    """
    out: list[bytes] = []
    view = memoryview(data)
    pos = 0
    problem = None
    while pos < len(data):
        dec = zlib.decompressobj(wbits=31)
        try:
            out.append(dec.decompress(view[pos:]))
            out.append(dec.flush())
        except zlib.error as exc:
            out.append(_salvage(view[pos:]))
            problem = f"gzip data corrupt ({exc}); kept what came before"
            break
        if not dec.eof:
            problem = "gzip stream truncated; the last message may be incomplete"
            break
        pos = len(data) - len(dec.unused_data)
        if data[pos:pos + 2] != b"\x1f\x8b":
            break  # trailing garbage after the last member: ignore like gzip(1)
    out = [o for o in out if o]
    return (out[0] if len(out) == 1 else b"".join(out)), problem


def _salvage(view: memoryview) -> bytes:
    """What decompresses before the damage (slow path, corrupt input only)."""
    dec = zlib.decompressobj(wbits=31)
    good: list[bytes] = []
    for i in range(0, len(view), 1 << 16):
        try:
            good.append(dec.decompress(view[i:i + (1 << 16)]))
        except zlib.error:
            break
    return b"".join(good)


def read_file(path: str) -> tuple[bytes, str | None]:
    """Whole file, gunzipped when it is gzip (by magic, not by name)."""
    with open(path, "rb") as fh:
        data = fh.read()
    return from_bytes(data)


def from_bytes(data: bytes) -> tuple[bytes, str | None]:
    if data[:2] == b"\x1f\x8b":
        return gunzip(data)
    return data, None


def load_bytes(path: str) -> bytes:
    """Whole file, gunzipped when needed (truncation is ignored here)."""
    return read_file(path)[0]


def starts_with_from_line(data: bytes) -> bool:
    return _FROM_LINE.match(data, len(BOM) if data.startswith(BOM) else 0) is not None


def is_from_line(data: bytes, start: int) -> bool:
    """Whether a From_ line starts at ``start`` (a From_ pattern, a header on the next line)."""
    if _FROM_LINE.match(data, start, data.find(b"\n", start)) is None:
        return False
    nl = data.find(b"\n", start)
    return nl >= 0 and _HEADER_LINE.match(data, nl + 1) is not None


def stream_spans(chunks: Iterable[bytes], base: int = 0, flush: bool = True) -> Iterator[tuple[bytes, int, int, int]]:
    """(buffer, start, end, offset of buffer) of every message in a stream of chunks
    that starts at a From_ line (file offset ``base``). A message cut by a chunk's end
    waits for the next chunk: the last span of each buffer is carried over. ``flush``
    False leaves the last message unread (it starts at the last ``offset + end`` yielded)."""
    pending = b""
    for chunk in chunks:
        buf = pending + chunk if pending else chunk
        spans = find_spans(buf)
        if len(spans) < 2:
            pending = buf
            continue
        for start, end in spans[:-1]:
            yield buf, start, end, base
        cut = spans[-2][1]  # the last message's From_ line starts where the one before ends
        pending, base = buf[cut:], base + cut
    if flush:
        for start, end in find_spans(pending):
            yield pending, start, end, base


def find_spans(data: bytes) -> list[tuple[int, int]]:
    """(start, end) of each message, From_ line excluded, in file order."""
    # The file's first line is a From_ line whatever follows it (a message
    # without headers there is reported by the parser, not glued to nothing).
    first = len(BOM) if data.startswith(BOM) else 0
    starts = [first] if _FROM_LINE.match(data, first) else []
    find = data.find
    pos = find(b"\nFrom ")
    while pos >= 0:
        if is_from_line(data, pos + 1):
            starts.append(pos + 1)
        pos = find(b"\nFrom ", pos + 1)
    spans = []
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(data)
        nl = find(b"\n", start, end)
        spans.append((nl + 1 if nl >= 0 else end, end))
    return spans


def suspect_merges(data: bytes, hend: int, end: int, own_id: str = "") -> list[tuple[int, str]]:
    """(offset, Message-ID) of each other mail's header block inside the body
    data[hend:end], in file order.

    The strict From_ rule (a digit, a header on the next line) keeps "From
    here on, 2 cases:" in a body from splitting, but a damaged From_ line, or
    one followed by a non-header line, then joins a real mail to the one
    before it. That mail's header block (its own Message-ID beside From:,
    Date: or Subject:, a blank line after) then follows a blank line and one
    or two odd lines (the From_ line and what broke it). Not counted: quoted
    mail (">"), git format-patch pasted into a reply (">From <sha>" in kvmarm
    2019), PGP protected headers (the mail's own Message-ID after a "--"
    boundary), and gregkh's stable notes that embed the patch's headers right
    after a blank line.
    """
    found = []
    for needle in _MSGID_LINES:
        pos = data.find(needle, hend, end)
        while pos >= 0:
            m = _MSGID_HDR.match(data, pos + 1, end)
            if m is not None:
                msgid = m.group(1).decode("utf-8", "replace")
                lo = _header_block(data, pos + 1, hend, end)
                if msgid != own_id and lo is not None and _after_from_line_gap(data, lo, hend):
                    found.append((pos + 1, msgid))
            pos = data.find(needle, pos + 1, end)
    return sorted(found)


def _after_from_line_gap(data: bytes, lo: int, hend: int) -> bool:
    """A line that is no header (not quoted, not a MIME boundary) right before
    the header block starting at ``lo`` (the broken From_ line, or what
    followed it), or a From_ line and a blank one."""
    pos = lo - 1  # the newline ending the line before the block
    if data[pos - 1:pos] == b"\n":  # a blank line right before the block: a From_ line before that?
        start = data.rfind(b"\n", hend, pos - 1) + 1
        return start > hend and _FROM_LINE.match(data, start, pos - 1) is not None
    start = data.rfind(b"\n", hend, pos) + 1
    return start > hend and data[start:start + 1] not in (b">", b"-", b"\n", b"\r")


def _header_block(data: bytes, line: int, hend: int, end: int) -> int | None:
    """Where the header-like lines around ``line`` start, when they hold
    From:, Date: or Subject: and end at a blank line; else None."""
    lo = line
    for _ in range(_BLOCK_LINES):  # walk up over header lines (and folded continuations)
        prev = data.rfind(b"\n", hend, lo - 1)
        if prev < 0 or not (_HEADER_LINE.match(data, prev + 1, lo) or data[prev + 1:prev + 2] in (b" ", b"\t")):
            break
        lo = prev + 1
    hi = line
    for _ in range(_BLOCK_LINES):  # and down to the blank line
        nl = data.find(b"\n", hi, end)
        if nl < 0:
            return None
        hi = nl + 1
        if data[hi:hi + 1] in (b"\n", b"\r"):
            break
        if not (_HEADER_LINE.match(data, hi, end) or data[hi:hi + 1] in (b" ", b"\t")):
            return None
    else:
        return None
    return lo if _BLOCK_NAMES.search(data[lo:hi]) is not None else None


def unquote(raw: bytes) -> bytes:
    """mboxrd: '>From ' -> 'From ', '>>From ' -> '>From '."""
    # Replies quote with ">" on most lines; only ">From " needs the regex.
    if b">From " in raw:
        return _RD_UNQUOTE.sub(rb"\1", raw)
    return raw


_FAULT_AROUND = 1 << 16


def _drop_pages(data: mmap.mmap, start: int, end: int) -> None:
    """Unmap the pages just copied out: each page read through the mapping
    stays in this process's RSS otherwise, and facts read the bodies of half
    an archive (the kvmarm archive's peak rose by ~140 MB). The file's pages
    stay in the page cache; a later read maps them again. Whole 64 KiB blocks:
    Linux maps the pages around a faulting one too (fault_around_bytes)."""
    first = start - start % _FAULT_AROUND
    last = min(end + (-end) % _FAULT_AROUND, len(data))
    try:
        data.madvise(mmap.MADV_DONTNEED, first, last - first)
    except (AttributeError, OSError, ValueError):
        pass  # no madvise on this platform: only the RSS figure suffers


def split_mbox(data: bytes, path: str) -> Iterator[tuple[bytes, Origin]]:
    """Yield each message's bytes (From_ line removed, mboxrd unquoted)."""
    for number, (start, end) in enumerate(find_spans(data), 1):
        yield unquote(data[start:end]), Origin(path, number)


class MboxData:
    """The decompressed bytes of one mbox, loaded on first need.

    Messages hold ``ref(start, end)`` instead of their bytes: on a warm
    parse cache the archive is only gunzipped when a body is asked for.
    """

    def __init__(self, path: str, data: bytes | None = None, *, plain: str | None = None,
                 plain_size: int = 0, plain_crc: int | None = None) -> None:
        self.path = path
        self._data: bytes | mmap.mmap | None = data
        self._plain = plain  # an uncompressed copy of the same bytes, mapped instead of gunzipping
        self._plain_size = plain_size
        self._file: BinaryIO | None = None  # the plain copy, open for pread
        self._file_tried = False
        self._plain_crc = plain_crc  # None: the copy is the input itself (a plain mbox)

    def use_plain(self, plain: str, size: int, crc: int | None = None, file: BinaryIO | None = None) -> None:
        """``file``: the copy, open, as this process just wrote it: read without
        checking its CRC again (~0.05 s for kvmarm) and immune to a later replace."""
        self._plain, self._plain_size, self._plain_crc = plain, size, crc
        if file is not None:
            self._file, self._file_tried = file, True

    def set_data(self, data: bytes | mmap.mmap) -> None:
        self._data = data

    def data(self) -> bytes | mmap.mmap:
        if self._data is None:
            self._data = self._map() or read_file(self.path)[0]
        return self._data

    def _map(self) -> mmap.mmap | None:
        if not self._plain:
            return None
        try:
            with open(self._plain, "rb") as fh:
                if os.fstat(fh.fileno()).st_size != self._plain_size or not self._plain_size:
                    return None
                view = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):
            return None
        if self._plain_crc is not None and zlib.crc32(view) != self._plain_crc:
            view.close()  # a stale or damaged copy of a .gz input: gunzip it again
            return None
        return view

    def raw(self, start: int, end: int) -> bytes:
        file = self._opened()
        if file is not None:  # pread: a copy, no page of the file mapped into this process
            return unquote(os.pread(file.fileno(), end - start, start))
        data = self.data()
        chunk = data[start:end]
        if isinstance(data, mmap.mmap):
            _drop_pages(data, start, end)
        return unquote(chunk)

    def _opened(self) -> BinaryIO | None:
        """The plain copy open for reading, when it is whole and nothing is loaded."""
        if not self._file_tried and self._data is None and self._plain:
            self._file_tried = True
            try:
                file = open(self._plain, "rb", buffering=0)  # noqa: SIM115 - lives with the handle
            except OSError:
                return None
            if os.fstat(file.fileno()).st_size == self._plain_size and self._plain_size and self._crc_ok(file):
                self._file = file
            else:
                file.close()  # stale or damaged: data() gunzips the input again
        return self._file

    def _crc_ok(self, file: BinaryIO) -> bool:
        """The copy of a .gz input matches the CRC-32 taken when it was written
        (read in chunks: nothing of it stays mapped or held)."""
        if self._plain_crc is None:
            return True
        crc = 0
        while chunk := file.read(1 << 20):
            crc = zlib.crc32(chunk, crc)
        return crc == self._plain_crc

    def ref(self, start: int, end: int) -> Callable[[], bytes]:
        return partial(self.raw, start, end)
