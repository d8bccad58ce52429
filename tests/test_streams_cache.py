"""FIFOs and process substitution are read as streams (they were "empty
file"), and the parse cache's decompressed copy of a .gz input is used only
when its CRC-32 matches (it was trusted by size alone)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import WEEK

from listsum.mail.body import text_of
from listsum.sources import parsecache
from listsum.sources.reader import read_inputs

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.corpus
def test_fifo_is_read_as_a_stream(tmp_path: Path) -> None:
    fifo = tmp_path / "week.fifo"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_bytes(WEEK.read_bytes()))
    writer.start()
    r = read_inputs([str(fifo)])  # the cache is not used for a stream
    writer.join()
    assert len(r.messages) == 248 and r.problems == []
    assert "refcount" in text_of(r.messages[0])


@pytest.mark.corpus
@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash for <(cmd)")
def test_process_substitution_through_the_cli() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    cmd = f"'{sys.executable}' -m listsum report <(cat '{WEEK}') --engine none --format json -q"
    res = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, env=env, timeout=120)
    assert res.returncode == 0, res.stderr
    assert '"messages_total": 248' in res.stdout and "empty file" not in res.stdout


@pytest.mark.corpus
def test_gz_cache_copy_is_checked_by_content(tmp_path: Path) -> None:
    gz = tmp_path / "week.mbox.gz"
    shutil.copy(WEEK, gz)
    first = read_inputs([str(gz)])
    want = text_of(first.messages[5])
    copy = parsecache.plain_copy(str(gz))
    data = bytearray(copy.read_bytes())
    # Same size, other bytes: a stale copy that a size check would take.
    start = data.find(want.encode()[:40])
    assert start > 0
    data[start:start + 40] = b"X" * 40
    copy.write_bytes(bytes(data))
    again = read_inputs([str(gz)])
    assert text_of(again.messages[5]) == want
