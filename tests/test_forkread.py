"""forkread: the cold read of a .gz on two cores (a child inflates, a child
parses the second half of the rest) gives the single-process read's
messages, numbers, problems and cache, leaves no child behind, and falls
back to the plain path when the cache's copy cannot be written."""

from __future__ import annotations

import errno
import gzip
import os
from pathlib import Path

import pytest
from test_split_reconcile import _damage, _week

from listsum.mail.body import text_of
from listsum.sources import forkread, parsecache, reader
from listsum.sources.reader import read_inputs

FIELDS = ("msgid", "subject", "from_name", "from_addr", "date", "in_reply_to", "references", "to", "cc",
          "list_id", "date_raw", "date_flag", "synthetic_id", "problems", "origin")

pytestmark = [pytest.mark.corpus, pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")]


def _read(path: Path, jobs: str, monkeypatch: pytest.MonkeyPatch, use_cache: bool = True):  # noqa: ANN202
    monkeypatch.setenv("LISTSUM_JOBS", jobs)
    return read_inputs([str(path)], use_cache=use_cache)


def _same(a, b) -> None:  # noqa: ANN001
    assert [tuple(getattr(m, f) for f in FIELDS) for m in a.messages] == \
        [tuple(getattr(m, f) for f in FIELDS) for m in b.messages]
    assert a.problems == b.problems and a.duplicates == b.duplicates
    assert [text_of(m) for m in a.messages] == [text_of(m) for m in b.messages]


@pytest.fixture
def split_small(monkeypatch: pytest.MonkeyPatch) -> None:
    """The week is 1.7 MB: split any rest, read back in 64 KiB steps (many chunk edges)."""
    monkeypatch.setattr(forkread, "_MIN_SPLIT", 0)
    monkeypatch.setattr(forkread, "_CHUNK", 1 << 16)


@pytest.fixture
def damaged(tmp_path: Path) -> Path:
    """The week with four damaged From_ lines (one in each quarter): merges named with byte offsets."""
    data, _ = _damage(_week(), "non-header-next")
    path = tmp_path / "damaged.mbox.gz"
    path.write_bytes(gzip.compress(data))
    return path


@pytest.mark.parametrize("use_cache", [True, False], ids=["cache", "spool"])
def test_two_processes_read_what_one_does(damaged: Path, split_small: None, monkeypatch: pytest.MonkeyPatch,
                                          tmp_path: Path, use_cache: bool) -> None:
    calls: list[int] = []
    real = forkread._split_rest
    monkeypatch.setattr(forkread, "_split_rest", lambda *a: (calls.append(a[3] - a[2]), real(*a)))
    two = _read(damaged, "2", monkeypatch, use_cache)
    assert calls and calls[0] > 0  # the forked path ran, with a rest to share
    entry = parsecache.load(str(damaged))
    monkeypatch.setenv("LISTSUM_USER_PATH", str(tmp_path / "other"))
    one = _read(damaged, "1", monkeypatch, use_cache)
    _same(two, one)
    merges = [p for p in two.problems if "suspected merge" in p.what]
    assert len(merges) == 4 and len(two.messages) == 244
    if use_cache:
        assert entry is not None and entry == parsecache.load(str(damaged))  # records, numbers, the copy's CRC
        assert entry.plain == len(gzip.decompress(damaged.read_bytes()))
        warm = _read(damaged, "2", monkeypatch)
        _same(warm, one)


def test_a_full_disk_for_the_copy_falls_back(damaged: Path, split_small: None,
                                             monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def full(fd: int, data: bytes, pos: int) -> int:  # the inflating child's writes
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "pwrite", full)
    plain: list[bool] = []
    real = reader._parse_gzip_on
    monkeypatch.setattr(reader, "_parse_gzip_on", lambda *a, forked: (plain.append(forked), real(*a, forked=forked))[1])
    two = _read(damaged, "2", monkeypatch)
    assert plain == [True, False]  # tried on two processes, then read on one
    monkeypatch.setenv("LISTSUM_USER_PATH", str(tmp_path / "other"))
    _same(two, _read(damaged, "1", monkeypatch))


def test_ctrl_c_leaves_no_child(damaged: Path, split_small: None, monkeypatch: pytest.MonkeyPatch) -> None:
    forked: list[int] = []
    real_fork, real_add = os.fork, reader._Parsed.add

    def spy() -> int:
        pid = real_fork()
        if pid:
            forked.append(pid)
        return pid

    def add(self, *a) -> None:  # noqa: ANN001
        if self.count == 100 and os.getpid() == parent:
            raise KeyboardInterrupt
        real_add(self, *a)

    parent = os.getpid()
    monkeypatch.setattr(os, "fork", spy)
    monkeypatch.setattr(reader._Parsed, "add", add)
    monkeypatch.setattr(forkread, "_MIN_SPLIT", 1 << 40)  # interrupted while the inflating child may run
    monkeypatch.setenv("LISTSUM_JOBS", "2")
    with pytest.raises(KeyboardInterrupt):
        read_inputs([str(damaged)])
    assert forked
    for pid in forked:
        with pytest.raises(ChildProcessError):  # reaped already
            os.waitpid(pid, os.WNOHANG)
    assert not list((parsecache.plain_copy(str(damaged)).parent).glob(".tmp-*"))  # the copy's temp file is gone


def test_a_gzipped_single_message_is_still_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = _week().split(b"\n", 1)[1].split(b"\nFrom mboxrd@z", 1)[0] + b"\n"  # one mail, no From_ line
    path = tmp_path / "one.eml.gz"
    path.write_bytes(gzip.compress(raw))
    r = _read(path, "2", monkeypatch)
    assert len(r.messages) == 1 and r.problems == []


def test_a_dead_inflating_child_falls_back(damaged: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Killed (the OOM killer, a SIGINT only it got): read again on one process, not "cannot read"."""
    monkeypatch.setattr(forkread, "_inflate_into", lambda *a: os._exit(1))
    two = _read(damaged, "2", monkeypatch)
    monkeypatch.setenv("LISTSUM_USER_PATH", str(tmp_path / "other"))
    _same(two, _read(damaged, "1", monkeypatch))
