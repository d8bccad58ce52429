"""The cold read of a gzipped mbox on two cores (reader.py calls it when
forkmap.jobs() is 2; one core keeps gzstream's single-process path).

Gunzipping the kvmarm archive takes ~0.55 s and parsing its headers ~1.3 s.
Here a forked child inflates the whole stream into the file the bytes go to
anyway (the parse cache's plain copy, else an unlinked spool) and reports
each step through a pipe, while this process reads that file back a chunk
at a time as it grows (pread: nothing mapped, memory stays flat) and parses.
When the stream ends, what is left unparsed is cut at a From_ line in the
middle: a second child parses the second part while this process parses
the first, and sends its messages back as parse-cache records (renumbered
here: it cannot know how many messages come before its part). Messages,
problems and records are those of the single-process read, in the same
order. Either child is killed and reaped on any error or Ctrl-C here.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import struct
import zlib
from collections.abc import Callable, Iterator
from typing import Any, Protocol

from listsum.forkmap import call_in_child
from listsum.mail.message import Origin
from listsum.model import Problem
from listsum.sources import parsecache
from listsum.sources.gzstream import GzipStream, NotMbox
from listsum.sources.mbox import MboxData, is_from_line, starts_with_from_line, stream_spans

_CHUNK = 1 << 20  # bytes read back per step (the single-process path's ~1.2 MB of mail per step)
_MIN_SPLIT = 8 << 20  # a smaller rest is parsed here: a fork and the records' trip cost more
_PROBE = 1 << 20  # how far past the middle a From_ line is looked for


class Parsed(Protocol):  # reader._Parsed
    count: int
    batch: Any
    records: list[parsecache.Record]
    problem_numbers: list[int]

    def add(self, data: bytes, start: int, end: int, base: int, handle: MboxData, path: str) -> None: ...


class CopyFailed(OSError):
    """The two-process read cannot go on: the file the parser reads back could
    not be written (the parse cache's copy on a full disk), or the inflating
    child died. The caller reads again on the single-process path."""


class Target(Protocol):  # parsecache.PlainWriter or the unlinked spool
    def fileno(self) -> int | None: ...


_STEP = struct.Struct("<q")  # the child's reports: bytes written so far; -1 then the end's length and pickle


class _Inflater:
    """A forked child inflates ``stream`` into ``fd`` and reports each step
    through a pipe; a thread would hold up the parser for the GIL at every
    step (inflating took 1.0-1.3 s beside the parse instead of 0.55 s)."""

    def __init__(self, stream: GzipStream, fd: int) -> None:
        self.avail = 0
        self.end: dict[str, Any] | None = None  # size, crc, problem, fed, error: once the child is done
        self._buf = b""
        rfd, wfd = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            code = 1
            try:
                os.close(rfd)
                _inflate_into(stream, fd, wfd)
                code = 0
            finally:
                os._exit(code)
        os.close(wfd)
        self._rfd = rfd

    def wait(self, beyond: int) -> tuple[int, bool]:
        """(bytes written, done) once more than ``beyond`` are, or the child is done;
        reads every report already sent, so ``done`` is known as soon as it can be."""
        while self.end is None and (self.avail <= beyond or self._ready()):
            self._read_report()
        return self.avail, self.end is not None

    def _ready(self) -> bool:
        return bool(select.select([self._rfd], [], [], 0)[0])

    def _take(self, n: int) -> bytes:
        while len(self._buf) < n:
            more = os.read(self._rfd, 1 << 16)
            if not more:
                raise CopyFailed("the inflating child ended without a word")
            self._buf += more
        out, self._buf = self._buf[:n], self._buf[n:]
        return out

    def _read_report(self) -> None:
        (value,) = _STEP.unpack(self._take(_STEP.size))
        if value >= 0:
            self.avail = value
            return
        (length,) = _STEP.unpack(self._take(_STEP.size))
        self.end = pickle.loads(self._take(length))  # noqa: S301 - our own child's

    def close(self) -> None:
        """Reap the child (killed first when it is not done: Ctrl-C, an error here)."""
        os.close(self._rfd)
        if self.end is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        os.waitpid(self.pid, 0)


class _PReader:
    """The input read with pread: the child must not move the file offset it
    shares with the parent (which reads the input again after a CopyFailed)."""

    def __init__(self, fd: int, pos: int) -> None:
        self.fd, self.pos = fd, pos

    def read(self, n: int) -> bytes:
        data = os.pread(self.fd, n, self.pos)
        self.pos += len(data)
        return data


def _inflate_into(stream: GzipStream, fd: int, report: int) -> None:
    """In the child: every inflated chunk to ``fd`` at its offset, then a report."""
    if hasattr(stream.data, "fileno"):
        stream.data = _PReader(stream.data.fileno(), stream.data.tell())  # type: ignore[assignment]
    end: dict[str, Any] = {"error": None}
    crc = pos = 0
    try:
        for chunk in stream.chunks():
            view = memoryview(chunk)
            while view:
                n = os.pwrite(fd, view, pos)
                pos, view = pos + n, view[n:]
            crc = zlib.crc32(chunk, crc)
            os.write(report, _STEP.pack(pos))
    except OSError as exc:  # a full disk: the parent decides (CopyFailed for the cache's copy)
        end["error"] = (exc.errno, exc.strerror or str(exc))
    end.update(size=pos, crc=crc, problem=stream.problem, fed=stream.fed)
    blob = pickle.dumps(end)
    os.write(report, _STEP.pack(-1) + _STEP.pack(len(blob)) + blob)


def parse_gzip(path: str, stream: GzipStream, target: Target, out: Parsed, fresh: Callable[[], Parsed],
               handle: MboxData, progress: Callable[[int, int], None] | None, size: int) -> tuple[int, int]:
    """Parse ``stream`` into ``out`` while a child inflates it into ``target``'s file.
    Returns the decompressed size and its CRC-32; sets ``stream.size/problem/fed``."""
    fd = target.fileno()
    if fd is None:
        raise CopyFailed("no file to write the stream to")
    inflater = _Inflater(stream, fd)
    try:
        rest = _while_inflating(path, fd, inflater, out, handle, progress, stream, size)
    finally:
        inflater.close()
    end = inflater.end or {}
    if end.get("error"):
        errno, text = end["error"]
        raise (CopyFailed if isinstance(target, parsecache.PlainWriter) else OSError)(errno, text)
    stream.size, stream.problem, stream.fed = end["size"], end["problem"], end["fed"]
    if rest < stream.size:
        _split_rest(path, fd, rest, stream.size, out, fresh, handle)
    return stream.size, end["crc"]


def _while_inflating(path: str, fd: int, inflater: _Inflater, out: Parsed, handle: MboxData,
                     progress: Callable[[int, int], None] | None, stream: GzipStream, size: int) -> int:
    """Parse whole messages as bytes land; returns where the unparsed rest starts (a From_ line)."""
    rest = 0
    for buf, start, end, base in stream_spans(_landed(fd, inflater), flush=False):
        out.add(buf, start, end, base, handle, path)
        rest = base + end  # the next message's From_ line starts here
        if progress and out.count % 2000 == 0:
            progress(out.count, max(out.count, out.count * size // max(stream.fed, 1)))
    return rest


def _landed(fd: int, inflater: _Inflater) -> Iterator[bytes]:
    """The copy's bytes as the inflater writes them, until it is done."""
    read, checked = 0, False
    while True:
        avail, done = inflater.wait(read)
        if not checked and avail:
            if not starts_with_from_line(os.pread(fd, min(avail, _CHUNK), 0)):
                raise NotMbox("not an mbox")  # a gzipped single message: the reader's whole-buffer path
            checked = True
        if done:
            return
        chunk = os.pread(fd, min(avail - read, _CHUNK), read)
        read += len(chunk)
        yield chunk


def _split_rest(path: str, fd: int, lo: int, hi: int, out: Parsed, fresh: Callable[[], Parsed],
                handle: MboxData) -> None:
    """Parse fd[lo:hi] (``lo`` at a From_ line): the second half in a child when it is big."""
    mid = _from_line_after(fd, lo + (hi - lo) // 2, hi) if hi - lo >= _MIN_SPLIT else None
    if mid is None:
        _parse_range(path, fd, lo, hi, out, handle)
        return

    def child() -> tuple[list[parsecache.Record], list[tuple[int, str]], int]:
        part = fresh()
        _parse_range(path, fd, mid, hi, part, handle)
        return part.records, list(zip(part.problem_numbers, [p.what for p in part.batch.problems])), part.count

    theirs, _ = call_in_child(child, lambda: _parse_range(path, fd, lo, mid, out, handle))
    if theirs is None:  # the child failed: parse its part here, same result
        _parse_range(path, fd, mid, hi, out, handle)
        return
    records, problems, count = theirs
    shift = out.count
    for number, what in problems:
        out.batch.problems.append(Problem(str(Origin(path, number + shift)), what))
        out.problem_numbers.append(number + shift)
    for rec in records:
        rec = (*rec[:14], rec[14] + shift, rec[15])
        msg, (start, end) = parsecache.from_record(rec, path)
        msg.raw_ref = handle.ref(start, end)
        out.batch.messages.append(msg)
        out.records.append(rec)
    out.count += count


def _from_line_after(fd: int, pos: int, hi: int) -> int | None:
    """The first From_ line at or after ``pos`` (before ``hi``), told as find_spans tells one:
    its next line must be whole in the window read, so the test sees what it would."""
    window = os.pread(fd, min(_PROBE, hi - pos), pos)
    start = window.find(b"\nFrom ")
    while start >= 0:
        nl = window.find(b"\n", start + 1)
        if nl >= 0 and window.find(b"\n", nl + 1) >= 0 and is_from_line(window, start + 1):
            return pos + start + 1
        start = window.find(b"\nFrom ", start + 1)
    return None


def _chunks(fd: int, lo: int, hi: int) -> Iterator[bytes]:
    pos = lo
    while pos < hi:
        chunk = os.pread(fd, min(_CHUNK, hi - pos), pos)
        if not chunk:
            return
        yield chunk
        pos += len(chunk)


def _parse_range(path: str, fd: int, lo: int, hi: int, out: Parsed, handle: MboxData) -> None:
    """Every message of fd[lo:hi]; ``lo`` is at a From_ line, ``hi`` at one or the end."""
    for buf, start, end, base in stream_spans(_chunks(fd, lo, hi), lo):
        out.add(buf, start, end, base, handle, path)
