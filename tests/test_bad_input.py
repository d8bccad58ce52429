"""Bad input: each yields a Problem naming the file (and message), the rest is read.

Hand-written samples live in tests/samples/bad/ (each says in its body what
it guards); truncated gzip, empty files and folders are built in tmp_path.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from conftest import SAMPLES, WEEK

from listsum.errors import InputError, NothingUsable
from listsum.mail.body import text_of
from listsum.model import Problem
from listsum.sources.reader import read_inputs

BAD = SAMPLES / "bad"


def _read(*paths: Path | str):  # noqa: ANN202 - ReadResult
    return read_inputs([str(p) for p in paths], use_cache=False)


@pytest.mark.corpus
def test_truncated_gzip_keeps_what_was_readable(tmp_path: Path) -> None:
    cut = tmp_path / "cut.mbox.gz"
    gz = WEEK.read_bytes()
    cut.write_bytes(gz[: len(gz) // 2])
    r = _read(cut)
    assert Problem(str(cut), "gzip stream truncated; the last message may be incomplete") in r.problems
    full = gzip.decompress(gz)
    # Messages wholly inside the readable half are all there, in order; the
    # last one is cut (here inside its headers, before its Message-ID).
    assert 100 < len(r.messages) < 248
    assert full.count(b"\nFrom mboxrd@z ") > len(r.messages)
    want = _read(WEEK).messages
    n = len(r.messages) - 1
    assert [m.msgid for m in r.messages[:n]] == [m.msgid for m in want[:n]]
    assert r.messages[n].synthetic_id
    assert Problem(f"{cut}, message {n + 1}", "no Message-ID") in r.problems


def test_from_line_in_body_does_not_split() -> None:
    r = _read(BAD / "from-in-body.mbox")
    assert [m.msgid for m in r.messages] == ["from-in-body-1@example.com", "from-in-body-2@example.com"]
    assert "From 2021 onwards, this behaviour changed on 4 Oct:\nthe text continues" in text_of(r.messages[0])
    assert r.problems == []


def test_broken_mime_is_reported_per_message() -> None:
    path = BAD / "broken-mime.mbox"
    r = _read(path)
    assert len(r.messages) == 3
    assert r.problems == [
        Problem(f"{path}, message 1", "broken MIME: the multipart boundary never appears"),
        Problem(f"{path}, message 2", "broken MIME: multipart without a boundary"),
    ]


def test_undeclared_8bit() -> None:
    path = BAD / "undeclared-8bit.mbox"
    r = _read(path)
    assert [m.msgid for m in r.messages] == ["eightbit-1@example.com", "eightbit-2@example.com"]
    assert r.messages[0].subject == "Grüße aus Köln"
    assert r.problems == [
        Problem(f"{path}, message 1", "8-bit header that is not UTF-8 (read as latin-1)"),
        Problem(f"{path}, message 1", "8-bit body without a charset, not UTF-8 (read as latin-1)"),
    ]


def test_unknown_charset() -> None:
    path = BAD / "unknown-charset.mbox"
    r = _read(path)
    assert r.problems == [Problem(f"{path}, message 1", "unknown charset 'x-klingon-42' (read as UTF-8)")]


def test_message_without_headers_is_counted_not_dropped() -> None:
    path = BAD / "headerless.mbox"
    r = _read(path)
    assert [m.msgid for m in r.messages] == ["headerless-2@example.com"]
    assert r.problems == [Problem(f"{path}, message 1", "no mail headers: not read")]
    assert r.messages[0].origin.number == 2


def test_empty_file_folder_without_mail_and_non_git_dir(tmp_path: Path) -> None:
    empty = tmp_path / "empty.mbox"
    empty.write_bytes(b"")
    maildir = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    plain_dir = tmp_path / "photos"
    plain_dir.mkdir()
    (plain_dir / "a.jpg").write_bytes(b"\xff\xd8")
    junk = tmp_path / "notes.txt"
    junk.write_text("just some notes\nno mail here\n")
    gz_empty = tmp_path / "nothing.gz"
    gz_empty.write_bytes(gzip.compress(b""))
    r = _read(empty, maildir, plain_dir, junk, gz_empty, WEEK)
    assert len(r.messages) == 248  # the good input is still read
    assert r.problems == [
        Problem(str(empty), "empty file"),
        Problem(str(maildir), "no mail in this Maildir"),
        Problem(str(plain_dir), "not a Maildir, public-inbox inbox or git epoch: skipped"),
        Problem(f"{junk}, message 1", "no mail headers: not read"),
        Problem(str(junk), "no readable mail in it"),
        Problem(str(gz_empty), "no mail in it (empty after decompression)"),
    ]


def test_git_dir_that_is_broken(tmp_path: Path) -> None:
    fake = tmp_path / "0.git"
    for sub in ("objects", "refs"):
        (fake / sub).mkdir(parents=True)
    (fake / "HEAD").write_text("garbage\n")
    r = _read(fake, BAD / "from-in-body.mbox")
    assert len(r.messages) == 2
    assert len(r.problems) == 1 and r.problems[0].where == str(fake)
    assert r.problems[0].what.startswith("not a readable git epoch")


def test_missing_path_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or directory: .*nope.mbox"):
        _read(BAD / "from-in-body.mbox", tmp_path / "nope.mbox")


def test_nothing_usable(tmp_path: Path) -> None:
    empty = tmp_path / "empty.mbox"
    empty.write_bytes(b"")
    with pytest.raises(NothingUsable) as err:
        _read(empty, tmp_path)
    assert err.value.message == f"no readable mail in {empty}, {tmp_path}"
    assert err.value.hint is not None and err.value.hint.startswith(f"{empty}: empty file; ")
