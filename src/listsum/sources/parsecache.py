"""Parse cache: header records of an input, so an unchanged input is not re-parsed.

One file per input under ``settings.cache_dir()/parse/``, named by a hash of
the input's absolute path, holding a marshal'd dict (marshal: builtin types
only, and ~10x faster to load than pickle for 15k tuples). The key is
(path, size, mtime_ns) for files and the tip commit for public-inbox git
epochs. Bodies are never stored: a record keeps where the bytes live (byte
offsets into the decompressed mbox, or the git blob id). For a gzip input
the decompressed bytes are kept beside the entry (``<hash>.mbox``, same size
as the data) and mapped with mmap, so a warm run never gunzips; it is used
only when its size and CRC-32 match what was written (checked once, when a
body is first asked for), else the input is gunzipped again.

Written atomically (temp file + os.replace) so a crash or a concurrent run
never leaves a half file; an unreadable or old-format file is a miss.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import tempfile
import zlib
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from listsum.mail.message import EPOCH, Message, Origin
from listsum.settings import cache_dir

# Bump when the record layout or the parser's output changes.
FORMAT = 2  # 2: control characters stripped from headers, suspected merges reported

Record = tuple[Any, ...]
_SECOND = timedelta(seconds=1)  # dates as whole seconds since the epoch: any year fits


@dataclass
class Entry:
    """What the cache holds for one input."""

    key: list[Any]
    records: list[Record] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (where, what)
    count: int = 0  # messages seen in the input, readable or not
    plain: int = 0  # size of the decompressed copy beside the entry (gzip inputs), 0: none
    plain_crc: int = 0  # its CRC-32 (what gzip itself checks its data by): a copy is used only when it matches


def file_key(path: str) -> list[Any]:
    st = os.stat(path)
    return [os.path.abspath(path), st.st_size, st.st_mtime_ns]


def _file_for(path: str) -> Path:
    digest = hashlib.sha1(os.path.abspath(path).encode("utf-8", "surrogateescape")).hexdigest()
    return cache_dir() / "parse" / f"{digest[:24]}.marshal"


def load(path: str) -> Entry | None:
    """The cached entry for ``path`` (any key), or None."""
    try:
        blob = _file_for(path).read_bytes()
        data = marshal.loads(blob)
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    return Entry(key=data["key"], records=data["records"], problems=data["problems"], count=data["count"],
                 plain=data.get("plain", 0), plain_crc=data.get("plain_crc", 0))


def save(path: str, entry: Entry) -> None:
    """Write atomically; a cache that cannot be written is not an error."""
    target = _file_for(path)
    data = {"format": FORMAT, "key": entry.key, "records": entry.records,
            "problems": entry.problems, "count": entry.count, "plain": entry.plain, "plain_crc": entry.plain_crc}
    _write(target, marshal.dumps(data))


def plain_copy(path: str) -> Path:
    """Where the decompressed copy of a gzip input lives (read by mmap)."""
    return _file_for(path).with_suffix(".mbox")


def save_plain(path: str, data: bytes) -> bool:
    """Keep the gunzipped bytes so a warm run's bodies need no gunzip (~0.7 s here)."""
    return _write(plain_copy(path), data)


class PlainWriter:
    """Writes the gunzipped copy chunk by chunk while the input is parsed."""

    def __init__(self, path: str) -> None:
        self.target = plain_copy(path)
        self.size = 0
        self.crc = 0  # CRC-32 of what was written, kept in the entry
        self._fh = None
        try:
            self.target.parent.mkdir(parents=True, exist_ok=True)
            fd, self._tmp = tempfile.mkstemp(dir=self.target.parent, prefix=".tmp-")
            self._fh = os.fdopen(fd, "wb")
        except OSError:
            self._fh = None

    def write(self, chunk: bytes) -> None:
        if self._fh is None:
            return
        try:
            self._fh.write(chunk)
            self.size += len(chunk)
            self.crc = zlib.crc32(chunk, self.crc)
        except OSError:
            self.abort()

    def fileno(self) -> int | None:
        """The copy's descriptor (open read-write), None once given up: forkread's child writes it."""
        return self._fh.fileno() if self._fh is not None else None

    def adopt(self, size: int, crc: int) -> None:
        """Another process wrote the copy through ``fileno()``: its size and CRC-32."""
        self.size, self.crc = size, crc

    def commit(self) -> int:
        """Size of the copy now in place (0 when it could not be written)."""
        if self._fh is None:
            return 0
        try:
            self._fh.close()
            os.replace(self._tmp, self.target)
        except OSError:
            self.abort()
            return 0
        return self.size

    def abort(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
            if os.path.exists(self._tmp):
                os.unlink(self._tmp)


def _write(target: Path, blob: bytes) -> bool:
    tmp = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
        os.replace(tmp, target)
    except OSError:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
        return False
    return True


def to_record(msg: Message, where: Any) -> Record:
    """The header fields of ``msg`` plus where its bytes live."""
    return (msg.msgid, msg.subject, msg.from_name, msg.from_addr, (msg.date - EPOCH) // _SECOND,
            msg.in_reply_to, msg.references, msg.to, msg.cc, msg.list_id, msg.date_raw,
            msg.date_flag, msg.synthetic_id, msg.problems, msg.origin.number, where)


def from_record(rec: Record, path: str) -> tuple[Message, Any]:
    """A Message (raw not loaded) and the record's ``where``."""
    (msgid, subject, from_name, from_addr, ts, irt, refs, to, cc, list_id, date_raw,
     flag, synthetic, problems, number, where) = rec
    msg = Message(msgid=msgid, subject=subject, from_name=from_name, from_addr=from_addr,
                  date=EPOCH + timedelta(seconds=ts), in_reply_to=irt, references=refs,
                  origin=Origin(path, number), to=to, cc=cc, list_id=list_id, date_raw=date_raw,
                  date_flag=flag, synthetic_id=synthetic, problems=problems)
    return msg, where
