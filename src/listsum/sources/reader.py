"""read_inputs: every kind of input in, one list of unique Messages out.

Inputs are mbox/mboxrd files (gzip or not, by magic), single-message files,
Maildir folders, public-inbox git epochs (``N.git``), v2 inbox folders
(``git/0.git``, ...) and ``-`` for stdin. What cannot be read becomes a
Problem naming the input (and the message number) and reading goes on;
only a missing path or having nothing readable at all is an error.

Header records are cached per input (``parsecache``): a second run over an
unchanged file or git tip does no parsing and no decompression; bodies stay
lazy (``body.raw_of``) and are fetched from the input when first asked for.
"""

from __future__ import annotations

import mmap
import os
import stat
import sys
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from listsum import forkmap
from listsum.errors import InputError, NothingUsable
from listsum.mail.headers import MalformedMessage, header_end
from listsum.mail.message import Message, Origin, fix_dates, note_where, parse_message, parse_span
from listsum.model import Problem
from listsum.sources import forkread, maildir, mbox, parsecache, public_inbox
from listsum.sources.gzstream import GzipStream, NotMbox
from listsum.sources.mbox import MboxData

Progress = Callable[[int, int], None]
_PROGRESS_EVERY = 2000


@dataclass
class ReadResult:
    messages: list[Message]  # unique by msgid, in input order
    problems: list[Problem]
    duplicates: int  # messages dropped because their Message-ID was already read
    dates_derived: int  # dates fix_dates had to supply
    inputs: list[str]


@dataclass
class _Batch:
    """What one input (or one epoch of an inbox) gave."""

    messages: list[Message] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def read_inputs(paths: list[str], *, use_cache: bool = True,
                progress: Progress | None = None) -> ReadResult:
    """Read every input; ``progress(done, total)`` counts messages of the input at hand."""
    for p in paths:
        if p != "-" and not os.path.lexists(p):
            raise InputError(f"no such file or directory: {p}")
    batches: list[_Batch] = []
    for p in paths:
        try:
            batches += _read_path(p, use_cache, progress)
        except Exception as exc:
            note_where(exc, p)
            raise
    return _merge(batches, paths)


def _merge(batches: list[_Batch], paths: list[str]) -> ReadResult:
    seen: set[str] = set()
    out: list[Message] = []
    problems: list[Problem] = []
    dups = derived = 0
    for b in batches:
        derived += fix_dates(b.messages)
        problems += b.problems
        for msg in b.messages:
            if msg.msgid in seen:
                dups += 1
                continue
            seen.add(msg.msgid)
            out.append(msg)
            problems += [Problem(str(msg.origin), what) for what in msg.problems]
    if not out:
        first = f"{problems[0].where}: {problems[0].what}; " if problems else ""
        raise NothingUsable("no readable mail in " + ", ".join(paths),
                            hint=first + "inputs must be mbox, mbox.gz, Maildir or public-inbox git")
    return ReadResult(out, problems, dups, derived, list(paths))


def _read_path(path: str, use_cache: bool, progress: Progress | None) -> list[_Batch]:
    if path == "-":
        data, trunc = mbox.from_bytes(sys.stdin.buffer.read())
        return [_read_data("-", data, trunc, progress)]
    p = Path(path)
    if p.is_dir():
        return _read_dir(p, use_cache, progress)
    try:
        if not stat.S_ISREG(os.stat(path).st_mode) or os.path.abspath(path).startswith(("/dev/", "/proc/")):
            # A FIFO, <(cmd) or /dev/stdin: its size says nothing (0), and it
            # can be read once only: read it whole as a stream, no cache (a
            # /dev/stdin redirected from a file must not hit another file's cache).
            with open(path, "rb") as fh:
                data, trunc = mbox.from_bytes(fh.read())
            return [_read_data(path, data, trunc, progress)]
        return [_read_file(path, use_cache, progress)]
    except OSError as exc:
        return [_Batch(problems=[Problem(path, f"cannot read: {exc.strerror or exc}")])]


def _read_dir(p: Path, use_cache: bool, progress: Progress | None) -> list[_Batch]:
    if maildir.is_maildir(p):
        return [_read_maildir(p, progress)]
    epochs = public_inbox.epochs_of(p)
    if epochs:
        return [_read_epoch(e, use_cache, progress) for e in epochs]
    if public_inbox.is_epoch(p):
        return [_read_epoch(p, use_cache, progress)]
    return [_Batch(problems=[Problem(str(p), "not a Maildir, public-inbox inbox or git epoch: skipped")])]


def _read_file(path: str, use_cache: bool, progress: Progress | None) -> _Batch:
    key = parsecache.file_key(path)
    if key[1] == 0:
        return _Batch(problems=[Problem(path, "empty file")])
    if use_cache:
        entry = parsecache.load(path)
        if entry is not None and entry.key == key:
            return _from_cache(path, entry, key)
    parsed = None
    with open(path, "rb") as fh:
        if fh.read(2) == b"\x1f\x8b":
            fh.seek(0)
            try:  # the compressed bytes are read as they are inflated, never held whole
                parsed = _parse_gzip(path, fh, int(key[1]), use_cache, progress)
            except NotMbox:
                pass  # a gzipped single message: the whole-buffer path below
    if parsed is None:
        with open(path, "rb") as fh:
            raw = fh.read()
        data, trunc = mbox.from_bytes(raw)
        gzipped = data is not raw
        del raw
        parsed = _parse_data(path, data, trunc, progress)
        if use_cache and gzipped and parsed.records and parsecache.save_plain(path, data):
            parsed.plain, parsed.plain_crc = len(data), zlib.crc32(data)
    if use_cache:
        parsecache.save(path, parsecache.Entry(key, parsed.records, [(p.where, p.what) for p in parsed.batch.problems],
                                               parsed.count, parsed.plain, parsed.plain_crc))
    return parsed.batch


def _from_cache(path: str, entry: parsecache.Entry, key: list[object]) -> _Batch:
    if entry.plain:
        handle = MboxData(path, plain=str(parsecache.plain_copy(path)), plain_size=entry.plain,
                          plain_crc=entry.plain_crc)
    elif _is_gzip(path):  # the copy could not be written: gunzip when a body is asked for
        handle = MboxData(path)
    else:  # a plain mbox is its own copy
        handle = MboxData(path, plain=path, plain_size=int(key[1]))  # type: ignore[call-overload]
    batch = _Batch(problems=[Problem(w, t) for w, t in entry.problems])
    for rec in entry.records:
        msg, (start, end) = parsecache.from_record(rec, path)
        msg.raw_ref = handle.ref(start, end)
        batch.messages.append(msg)
    return batch


def _is_gzip(path: str) -> bool:
    with open(path, "rb") as fh:
        return fh.read(2) == b"\x1f\x8b"


@dataclass
class _Parsed:
    batch: _Batch = field(default_factory=_Batch)
    records: list[parsecache.Record] = field(default_factory=list)
    count: int = 0  # messages in the input, readable or not
    plain: int = 0  # size of the gunzipped copy written for the cache
    plain_crc: int = 0  # and its CRC-32
    problem_numbers: list[int] = field(default_factory=list)  # the message each of batch.problems names (forkread)

    def add(self, data: bytes, start: int, end: int, base: int, handle: MboxData, path: str) -> None:
        """Parse data[start:end], which sits at ``base + start`` in the whole input."""
        self.count += 1
        origin = Origin(path, self.count)
        hend = header_end(data, start, end)  # once, for the parser and the merge check
        try:
            msg = parse_span(data, start, end, origin, hend)
        except MalformedMessage:
            self._problem(origin, "no mail headers: not read")
            return
        msg.raw_ref = handle.ref(base + start, base + end)
        self.batch.messages.append(msg)
        self.records.append(parsecache.to_record(msg, (base + start, base + end)))
        for merged in mbox.suspect_merges(data, hend, end, msg.msgid):
            # Nothing lost silently: say where the splitter may have joined two mails.
            self._problem(origin, f"suspected merge at byte {base + merged[0]}: the headers "
                                 f"of <{merged[1]}> are inside this message (a damaged From_ line?)")

    def _problem(self, origin: Origin, what: str) -> None:
        self.batch.problems.append(Problem(str(origin), what))
        self.problem_numbers.append(origin.number)


def _parse_gzip(path: str, raw: BinaryIO, size: int, use_cache: bool, progress: Progress | None) -> _Parsed:
    """A gzipped mbox (``raw`` open at its start, ``size`` bytes), parsed while a
    thread inflates it (see gzstream); on two cores a forked child parses part (forkread)."""
    if forkmap.jobs() >= 2 and forkmap.can_fork():
        try:
            return _parse_gzip_on(path, raw, size, use_cache, progress, forked=True)
        except forkread.CopyFailed:  # no copy on a full disk, or a child died: the plain path copes
            raw.seek(0)
    return _parse_gzip_on(path, raw, size, use_cache, progress, forked=False)


def _parse_gzip_on(path: str, raw: BinaryIO, size: int, use_cache: bool, progress: Progress | None,
                   forked: bool) -> _Parsed:
    stream = GzipStream(raw)
    writer = parsecache.PlainWriter(path) if use_cache else None
    # Without a cache the bytes go to an unlinked temp file, mapped below:
    # joining the chunks in memory would double the peak RSS (~420 MB here).
    spool = tempfile.TemporaryFile(prefix="listsum-") if writer is None else None
    handle = MboxData(path)
    out = _Parsed()
    try:
        if forked:
            total, crc = forkread.parse_gzip(path, stream, writer or spool, out, _Parsed, handle, progress, size)  # type: ignore[arg-type]
            if writer:
                writer.adopt(total, crc)
        else:
            for buf, start, end, base in stream.messages(writer.write if writer else spool.write):  # type: ignore[union-attr]
                out.add(buf, start, end, base, handle, path)
                if progress and out.count % _PROGRESS_EVERY == 0:
                    progress(out.count, max(out.count, out.count * size // max(stream.fed, 1)))
    except BaseException:
        if writer:
            writer.abort()
        if spool:
            spool.close()
        raise
    if writer:
        own = writer.fileno()
        kept = os.fdopen(os.dup(own), "rb", buffering=0) if own is not None else None  # the inode just written
        out.plain, out.plain_crc = writer.commit(), writer.crc
        if kept is not None and not out.plain:
            kept.close()
            kept = None
        handle.use_plain(str(parsecache.plain_copy(path)), out.plain, out.plain_crc, kept)
    if spool is not None:
        spool.flush()
        if stream.size:
            handle.set_data(mmap.mmap(spool.fileno(), 0, access=mmap.ACCESS_READ))
        spool.close()  # the mapping keeps the unlinked file alive
    elif not out.plain:
        handle.set_data(mbox.read_file(path)[0])
    if stream.problem:
        out.batch.problems.insert(0, Problem(path, stream.problem))
    if not stream.size:
        out.batch.problems.append(Problem(path, "no mail in it (empty after decompression)"))
    elif not out.batch.messages:
        out.batch.problems.append(Problem(path, "no readable mail in it"))
    if progress:
        progress(out.count, out.count)
    return out


def _read_data(path: str, data: bytes, trunc: str | None, progress: Progress | None) -> _Batch:
    return _parse_data(path, data, trunc, progress).batch


def _parse_data(path: str, data: bytes, trunc: str | None, progress: Progress | None) -> _Parsed:
    """Split and parse one mbox (or single message) held in memory."""
    out = _Parsed()
    batch = out.batch
    if trunc:
        batch.problems.append(Problem(path, trunc))
    if not data.strip():
        batch.problems.append(Problem(path, "no mail in it (empty after decompression)"))
        return out
    spans = mbox.find_spans(data)
    if not spans:
        # Not an mbox: one message as saved by a mail client (.eml), or junk.
        if data.startswith(b"From "):
            batch.problems.append(Problem(path, "mbox without a usable From_ line: not read"))
            return out
        spans = [(0, len(data))]
    elif data[:spans[0][0]].strip() and not data.startswith((b"From ", mbox.BOM + b"From ")):
        batch.problems.append(Problem(path, "text before the first From_ line: skipped"))
    handle = MboxData(path, data)
    for start, end in spans:
        out.add(data, start, end, 0, handle, path)
        if progress and out.count % _PROGRESS_EVERY == 0:
            progress(out.count, len(spans))
    if not batch.messages:
        batch.problems.append(Problem(path, "no readable mail in it"))
    if progress:
        progress(len(spans), len(spans))
    return out


def _read_maildir(p: Path, progress: Progress | None) -> _Batch:
    batch = _Batch()
    files = maildir.message_files(p)
    for number, f in enumerate(files, 1):
        try:
            raw = f.read_bytes()
            msg = parse_message(raw, Origin(str(f), 1))
        except OSError as exc:
            batch.problems.append(Problem(str(f), f"cannot read: {exc.strerror or exc}"))
            continue
        except MalformedMessage:
            batch.problems.append(Problem(str(f), "no mail headers: not read"))
            continue
        # Keep memory flat on big folders: re-read the file for the body.
        msg.raw, msg.raw_ref = b"", maildir.loader(f)
        batch.messages.append(msg)
        if progress and number % _PROGRESS_EVERY == 0:
            progress(number, len(files))
    if not files:
        batch.problems.append(Problem(str(p), "no mail in this Maildir"))
    elif not batch.messages:
        batch.problems.append(Problem(str(p), "no readable mail in this Maildir"))
    return batch


def _read_epoch(git_dir: Path, use_cache: bool, progress: Progress | None) -> _Batch:
    path = str(git_dir)
    try:
        head = public_inbox.tip(git_dir)
    except public_inbox.GitError as exc:
        return _Batch(problems=[Problem(path, f"not a readable git epoch: {exc}")])
    if head is None:
        return _Batch(problems=[Problem(path, "no mail in this git epoch (no commits)")])
    key = [os.path.abspath(path), head]
    entry = parsecache.load(path) if use_cache else None
    blobs = public_inbox.GitBlobs(git_dir)
    old: list[parsecache.Record] = []
    batch = _Batch()
    since = None
    count = 0
    if entry is not None and entry.key[0] == key[0]:
        if entry.key == key or public_inbox.is_ancestor(git_dir, entry.key[1], head):
            old, since, count = entry.records, entry.key[1], entry.count
            batch.problems += [Problem(w, t) for w, t in entry.problems]
    for rec in old:
        msg, oid = parsecache.from_record(rec, path)
        msg.raw_ref = blobs.ref(oid)
        batch.messages.append(msg)
    if since == head:
        return batch
    new = _read_commits(git_dir, head, since, count, batch, blobs, progress)
    if use_cache:
        records = old + new[0]
        parsecache.save(path, parsecache.Entry(key, records, [(p.where, p.what) for p in batch.problems], new[1]))
    if not batch.messages:
        batch.problems.append(Problem(path, "no readable mail in this git epoch"))
    return batch


def _read_commits(git_dir: Path, head: str, since: str | None, count: int, batch: _Batch,
                  blobs: public_inbox.GitBlobs, progress: Progress | None) -> tuple[list[parsecache.Record], int]:
    """Parse the commits after ``since``; returns their records and the new count."""
    path = str(git_dir)
    names = [f"{c}:m" for c in public_inbox.commits(git_dir, head, since)]
    records: list[parsecache.Record] = []
    for i, (oid, blob) in enumerate(public_inbox.read_blobs(git_dir, names), 1):
        number = count + i
        if blob is None:
            continue  # a deletion commit ("d" instead of "m"): nothing to read
        try:
            msg = parse_message(blob, Origin(path, number))
        except MalformedMessage:
            batch.problems.append(Problem(str(Origin(path, number)), "no mail headers: not read"))
            continue
        # Like the mbox path: bytes on demand (one cat-file process), memory stays flat.
        msg.raw, msg.raw_ref = b"", blobs.ref(oid)
        batch.messages.append(msg)
        records.append(parsecache.to_record(msg, oid))
        if progress and i % _PROGRESS_EVERY == 0:
            progress(i, len(names))
    return records, count + len(names)
