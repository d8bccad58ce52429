"""Inputs (sources/): counts on the real corpus, the parse cache, Maildir,
public-inbox epochs and v2 inboxes built from a slice of the week file, stdin."""

from __future__ import annotations

import gzip
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import WEEK
from corpus_msgs import archive_read, by_number, week_read

from listsum.mail.body import text_of
from listsum.model import Problem
from listsum.sources import mbox, reader
from listsum.sources.reader import read_inputs

pytestmark = pytest.mark.corpus

FIELDS = ("msgid", "subject", "from_name", "from_addr", "date", "in_reply_to", "references", "to", "cc",
          "list_id", "date_raw", "date_flag", "synthetic_id", "problems")


def _week_raws(n: int) -> list[bytes]:
    data, _ = mbox.read_file(str(WEEK))
    return [mbox.unquote(data[s:e]) for s, e in mbox.find_spans(data)[:n]]


def _fields(msgs: list) -> list[tuple]:  # noqa: ANN001
    return [tuple(getattr(m, f) for f in FIELDS) for m in msgs]


class TestCorpusCounts:
    def test_archive(self) -> None:
        r = archive_read()
        # 15,435 mails: one Message-ID is sent twice (messages 4973 and 4974)
        assert len(r.messages) == 15_434 and r.duplicates == 1
        assert max(m.origin.number for m in r.messages) == 15_435  # every mail was numbered
        numbers = by_number(r)
        assert 4973 in numbers and 4974 not in numbers
        assert numbers[4973].msgid == "63cf223058e7963891dcfb8cf0c5ccfe31548712.1589784221.git.ananos@nubificus.co.uk"
        assert r.problems == [Problem(f"{r.inputs[0]}, message 9246", "no Message-ID")]
        assert sum(m.synthetic_id for m in r.messages) == 1
        assert r.dates_derived == 0
        assert [m.origin.number for m in r.messages[:3]] == [1, 2, 3]

    def test_week(self) -> None:
        r = week_read()
        assert (len(r.messages), r.duplicates, r.problems) == (248, 0, [])
        assert len({m.msgid for m in r.messages}) == 248

    def test_same_input_twice_counts_duplicates(self) -> None:
        r = read_inputs([str(WEEK), str(WEEK)], use_cache=False)
        assert (len(r.messages), r.duplicates) == (248, 248)
        assert r.inputs == [str(WEEK), str(WEEK)]

    def test_plain_and_gzip_read_alike(self, tmp_path: Path) -> None:
        plain = tmp_path / "week.mbox"
        plain.write_bytes(gzip.decompress(WEEK.read_bytes()))
        r = read_inputs([str(plain)], use_cache=False)
        assert _fields(r.messages) == _fields(week_read().messages)
        assert text_of(r.messages[5]) == text_of(week_read().messages[5])


@pytest.mark.parametrize("chunk", [7001, 2 << 20])
def test_gzip_stream_matches_whole_buffer_split_across_members(chunk: int,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Two gzip members (cat a.gz b.gz): the threaded stream gives the same
    messages at the same global offsets as gunzip-then-split, also when
    chunks end inside messages and inside From_ lines."""
    from listsum.sources import gzstream
    from listsum.sources.gzstream import GzipStream

    monkeypatch.setattr(gzstream, "_IN_CHUNK", chunk)
    raw = WEEK.read_bytes() * 2
    stream = GzipStream(raw)
    got = [(base + s, base + e) for buf, s, e, base in stream.messages(lambda chunk: None)]
    data, problem = mbox.gunzip(raw)
    assert problem is None and stream.problem is None and stream.size == len(data)
    assert got == mbox.find_spans(data) and len(got) == 496


def test_gzip_stream_reads_a_file_as_it_inflates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The reader hands the stream an open file, not the whole .gz: the same
    messages at the same offsets, also when one read ends a member and the
    next member's magic bytes straddle two reads (chunk = member + 1 byte)."""
    from listsum.sources import gzstream
    from listsum.sources.gzstream import GzipStream

    one = WEEK.read_bytes()
    path = tmp_path / "two.mbox.gz"
    path.write_bytes(one * 2 + b"\n")  # and a stray byte after the last member, as gzip(1) ignores
    data, _ = mbox.gunzip(one * 2)
    for chunk in (len(one) + 1, 65536):
        monkeypatch.setattr(gzstream, "_IN_CHUNK", chunk)
        with open(path, "rb") as fh:
            stream = GzipStream(fh)
            got = [(base + s, base + e) for buf, s, e, base in stream.messages(lambda c: None)]
        assert stream.problem is None and stream.size == len(data) and stream.fed == 2 * len(one)
        assert got == mbox.find_spans(data) and len(got) == 496


def test_gzip_stream_sink_error_reaches_the_reader() -> None:
    """The sink runs in the inflating thread; a write that fails there (the
    unlinked spool on a full disk) is raised in the consumer, not lost with
    the thread, and the messages before it were yielded."""
    from listsum.sources.gzstream import GzipStream

    seen: list[int] = []

    def full(chunk: bytes) -> None:
        seen.append(len(chunk))
        if len(seen) == 2:
            raise OSError(28, "No space left on device")

    got = []
    with pytest.raises(OSError, match="No space left"):
        for item in GzipStream(WEEK.read_bytes()).messages(full):
            got.append(item)
    assert got and len(seen) == 2


class TestParseCache:
    def test_second_run_does_not_parse(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        path = tmp_path / "week.mbox.gz"
        path.write_bytes(WEEK.read_bytes())
        calls: list[int] = []
        cold = read_inputs([str(path)], progress=lambda d, t: calls.append(d))
        assert calls[-1] == 248
        from listsum.settings import cache_dir

        files = sorted(p.suffix for p in (cache_dir() / "parse").iterdir())
        assert files == [".marshal", ".mbox"]  # header records + the gunzipped copy

        def boom(*a: object, **k: object) -> None:
            raise AssertionError("parsed or decompressed again")

        monkeypatch.setattr(reader, "parse_span", boom)
        monkeypatch.setattr(mbox, "read_file", boom)
        warm = read_inputs([str(path)])
        assert _fields(warm.messages) == _fields(cold.messages)
        assert [m.origin for m in warm.messages] == [m.origin for m in cold.messages]
        # Bodies stay lazy and come from the mapped copy: no gunzip even now.
        assert warm.messages[0].raw_ref is not None
        assert [text_of(m) for m in warm.messages] == [text_of(m) for m in cold.messages]

    def test_lost_plain_copy_falls_back_to_the_input(self, tmp_path: Path) -> None:
        from listsum.sources import parsecache

        path = tmp_path / "week.mbox.gz"
        path.write_bytes(WEEK.read_bytes())
        cold = read_inputs([str(path)])
        parsecache.plain_copy(str(path)).unlink()
        warm = read_inputs([str(path)])
        assert text_of(warm.messages[40]) == text_of(cold.messages[40])

    def test_gzip_without_plain_copy_gunzips_for_bodies(self, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
        from listsum.sources import parsecache

        path = tmp_path / "week.mbox.gz"
        path.write_bytes(WEEK.read_bytes())
        monkeypatch.setattr(parsecache.PlainWriter, "write", lambda self, chunk: None)  # disk full
        monkeypatch.setattr(parsecache.PlainWriter, "commit", lambda self: 0)
        cold = read_inputs([str(path)])
        warm = read_inputs([str(path)])
        assert warm.messages[40].raw_ref is not None
        assert text_of(warm.messages[40]) == text_of(cold.messages[40])

    def test_changed_file_is_parsed_again(self, tmp_path: Path) -> None:
        path = tmp_path / "week.mbox"
        raws = _week_raws(6)
        path.write_bytes(b"".join(b"From x@y Mon Oct  4 10:00:00 2021\n" + r for r in raws[:5]))
        assert len(read_inputs([str(path)]).messages) == 5
        path.write_bytes(b"".join(b"From x@y Mon Oct  4 10:00:00 2021\n" + r for r in raws))
        os.utime(path, ns=(1, 1))
        assert len(read_inputs([str(path)]).messages) == 6

    def test_no_cache_writes_nothing(self, tmp_path: Path) -> None:
        from listsum.settings import cache_dir

        read_inputs([str(WEEK)], use_cache=False)
        assert not (cache_dir() / "parse").exists()


class TestMaildir:
    def test_cur_and_new_in_name_order(self, tmp_path: Path) -> None:
        raws = _week_raws(10)
        md = tmp_path / "md"
        for sub in ("cur", "new", "tmp"):
            (md / sub).mkdir(parents=True)
        for i, raw in enumerate(raws):
            sub = "new" if i % 3 == 0 else "cur"
            (md / sub / f"{1633341600 + i}.M{i}P1.host:2,S").write_bytes(raw)
        (md / "cur" / ".hidden").write_text("not mail")
        (md / "tmp" / "1633341700.partial").write_bytes(raws[0])
        r = read_inputs([str(md)])
        assert [m.msgid for m in r.messages] == [m.msgid for m in week_read().messages[:10]]
        assert r.problems == []
        assert text_of(r.messages[4]) == text_of(week_read().messages[4])
        assert r.messages[4].origin.path.endswith("1633341604.M4P1.host:2,S")


def make_epoch(git_dir: Path, raws: list[bytes], delete_after: int | None = None) -> None:
    """A public-inbox style epoch: one commit per message, the mail in blob ``m``."""
    if not git_dir.exists():
        subprocess.run(["git", "init", "-q", "--bare", str(git_dir)], check=True)
    has_tip = subprocess.run(["git", f"--git-dir={git_dir}", "rev-parse", "-q", "--verify", "HEAD"],
                             capture_output=True).returncode == 0
    chunks = []
    for i, raw in enumerate(raws, 1):
        chunks.append(b"commit refs/heads/master\ncommitter A U Thor <a@example.com> %d +0000\ndata 0\n"
                      % (1633341600 + i))
        if i == 1 and has_tip:
            chunks.append(b"from refs/heads/master^0\n")
        chunks += [b"M 100644 inline m\n", b"data %d\n" % len(raw), raw, b"\n"]
        if delete_after == i:  # public-inbox removes a message: "d" replaces "m"
            chunks.append(b"commit refs/heads/master\ncommitter A <a@example.com> 1633350000 +0000\n"
                          b"data 0\nD m\nM 100644 inline d\ndata 0\n\n")
    subprocess.run(["git", f"--git-dir={git_dir}", "fast-import", "--quiet"], input=b"".join(chunks),
                   check=True, capture_output=True)


class TestPublicInbox:
    def test_epoch_read_and_incremental_update(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        raws = _week_raws(35)
        epoch = tmp_path / "0.git"
        make_epoch(epoch, raws[:30], delete_after=12)
        r = read_inputs([str(epoch)])
        want = [m.msgid for m in week_read().messages]
        assert [m.msgid for m in r.messages] == want[:30]
        assert r.problems == []
        # Commit 13 is the deletion, so messages after it are one number further on.
        assert [m.origin.number for m in r.messages][11:14] == [12, 14, 15]
        assert r.messages[20].raw == raws[20]

        make_epoch(epoch, raws[30:])
        parsed: list[bytes] = []
        real = reader.parse_message
        monkeypatch.setattr(reader, "parse_message", lambda raw, o: parsed.append(raw) or real(raw, o))
        r2 = read_inputs([str(epoch)])
        assert parsed == raws[30:]  # only the new commits
        assert [m.msgid for m in r2.messages] == want[:35]
        # Old messages come from the cache; their bodies through one cat-file process.
        assert r2.messages[3].raw_ref is not None
        assert text_of(r2.messages[3]) == text_of(week_read().messages[3])
        parsed.clear()
        assert [m.msgid for m in read_inputs([str(epoch)]).messages] == want[:35] and parsed == []

    def test_epoch_whose_head_points_nowhere_reads_master(self, tmp_path: Path) -> None:
        epoch = tmp_path / "0.git"
        make_epoch(epoch, _week_raws(3))
        subprocess.run(["git", f"--git-dir={epoch}", "symbolic-ref", "HEAD", "refs/heads/main"], check=True)
        r = read_inputs([str(epoch)], use_cache=False)
        assert [m.msgid for m in r.messages] == [m.msgid for m in week_read().messages[:3]]

    def test_v2_inbox_reads_all_epochs_in_number_order(self, tmp_path: Path) -> None:
        raws = _week_raws(30)
        inbox = tmp_path / "kvmarm"
        (inbox / "git").mkdir(parents=True)
        make_epoch(inbox / "git" / "0.git", raws[:10])
        make_epoch(inbox / "git" / "1.git", raws[10:20])
        make_epoch(inbox / "git" / "2.git", raws[20:])
        r = read_inputs([str(inbox)], use_cache=False)
        assert [m.msgid for m in r.messages] == [m.msgid for m in week_read().messages[:30]]
        assert {m.origin.path for m in r.messages[10:20]} == {str(inbox / "git" / "1.git")}


class TestStdin:
    def test_gzip_on_stdin(self, monkeypatch: pytest.MonkeyPatch) -> None:
        fake = io.TextIOWrapper(io.BytesIO(WEEK.read_bytes()))
        monkeypatch.setattr(sys, "stdin", fake)
        r = read_inputs(["-"])
        assert len(r.messages) == 248 and r.messages[0].origin.path == "-"
        assert _fields(r.messages) == _fields(week_read().messages)

    def test_single_message_file(self, tmp_path: Path) -> None:
        path = tmp_path / "one.eml"
        path.write_bytes(_week_raws(1)[0])
        r = read_inputs([str(path)], use_cache=False)
        assert [m.msgid for m in r.messages] == ["20211004090328.540941-1-qperret@google.com"]
