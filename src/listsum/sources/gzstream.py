"""Gunzip while parsing: a thread inflates the next chunk (zlib releases the
GIL) while the caller splits and parses the messages of the last one.

On the 2-core box this hides most of the ~0.8 s that gunzipping the
148 MB archive takes. Messages are yielded as (buffer, start, end, offset):
``buffer[start:end]`` is the message and ``offset`` is where ``buffer``
begins in the whole decompressed stream, so callers can record global byte
offsets for the lazy bodies. Every decompressed chunk also goes to ``sink``
(the parse cache writes them to its plain copy), called in the inflating
thread so that the write, too, overlaps the parse.
"""

from __future__ import annotations

import queue
import threading
import zlib
from collections.abc import Callable, Iterator
from typing import BinaryIO

from listsum.sources.mbox import starts_with_from_line, stream_spans

# Compressed bytes per step (~1.2 MB of mail) and steps queued ahead: what is in
# flight at once. 2 MB steps (~10 MB of mail each) with 4 queued held ~70 MB
# above the parsed headers, the cold read's peak on the kvmarm archive.
_IN_CHUNK = 256 << 10
_QUEUED = 4


class NotMbox(ValueError):
    """The decompressed data does not start with a From_ line."""


class GzipStream:
    """``data``: the compressed bytes, or a file open for reading them (read a
    chunk at a time, so the whole .gz is never held: ~34 MB for kvmarm)."""

    def __init__(self, data: bytes | BinaryIO) -> None:
        self.data = data
        self.problem: str | None = None  # truncation or corruption, known at the end
        self.size = 0  # decompressed bytes seen
        self.fed = 0  # compressed bytes inflated so far (for a progress estimate)
        self._q: queue.Queue[bytes | None] = queue.Queue(maxsize=_QUEUED)
        self._stop = threading.Event()  # the consumer gave up: stop inflating
        self._sink: Callable[[bytes], None] | None = None
        self._error: Exception | None = None  # the sink's, raised again in the consumer

    def _pieces(self) -> Iterator[bytes | memoryview]:
        if isinstance(self.data, (bytes, bytearray, memoryview)):
            view = memoryview(self.data)
            for i in range(0, len(view), _IN_CHUNK):
                yield view[i:i + _IN_CHUNK]
        else:
            while piece := self.data.read(_IN_CHUNK):
                yield piece

    def _inflate(self) -> None:
        dec, open_member, members, carry = zlib.decompressobj(wbits=31), False, 0, b""
        try:
            for piece in self._pieces():
                data: bytes | memoryview = carry + piece if carry else piece
                carry = b""
                while data:
                    if self._stop.is_set():
                        return
                    if not open_member and members:
                        if len(data) < 2:  # a next member's magic may straddle two reads
                            carry = bytes(data)
                            break
                        if bytes(data[:2]) != b"\x1f\x8b":
                            return  # trailing garbage after the last member: ignore like gzip(1)
                    open_member = True
                    out = dec.decompress(data)
                    self.fed += len(data) - len(dec.unused_data)
                    if out and self._sink is not None:
                        self._sink(out)  # here, not in the consumer: the write overlaps the parse
                    self._q.put(out)
                    if not dec.eof:
                        break
                    data, dec, open_member, members = dec.unused_data, zlib.decompressobj(wbits=31), False, members + 1
            if open_member:
                self.problem = "gzip stream truncated; the last message may be incomplete"
        except zlib.error as exc:
            self.problem = f"gzip data corrupt ({exc}); kept what came before"
        except Exception as exc:  # noqa: BLE001 - the sink's (a spool on a full disk): the consumer raises it
            self._error = exc
        finally:
            self._q.put(None)

    def chunks(self, sink: Callable[[bytes], None] | None = None) -> Iterator[bytes]:
        """Inflated chunks in order; each goes to ``sink`` first, in the inflating
        thread (writing the parse cache's plain copy, ~150 MB for kvmarm, took
        ~0.3 s of the parser's time when the consumer did it)."""
        self._sink = sink
        worker = threading.Thread(target=self._inflate, daemon=True)
        worker.start()
        try:
            while (chunk := self._q.get()) is not None:
                if chunk:
                    self.size += len(chunk)
                    yield chunk
        finally:
            self._stop.set()
            while worker.is_alive():  # the consumer stopped early: unblock the thread's put()
                try:
                    self._q.get(timeout=0.1)
                except queue.Empty:
                    pass
            worker.join()
        if self._error is not None:
            raise self._error

    def messages(self, sink: Callable[[bytes], None]) -> Iterator[tuple[bytes, int, int, int]]:
        """(buffer, start, end, offset) per message, From_ lines excluded."""
        yield from stream_spans(self._checked(self.chunks(sink)))

    @staticmethod
    def _checked(chunks: Iterator[bytes]) -> Iterator[bytes]:
        first = True
        for chunk in chunks:
            if first and not starts_with_from_line(chunk):
                raise NotMbox("not an mbox")  # the sink got this chunk already: callers drop what it wrote
            first = False
            yield chunk
