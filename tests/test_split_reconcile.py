"""Nothing lost silently (issue 8): when a damaged From_ line joins two mails,
the report names the suspected merge (file, byte offset), so the count of
messages read plus the merges named equals the count of mails in the file.
Tested on the real week with its From_ lines damaged in the ways seen in
the fuzzer; a UTF-8 BOM before the first From_ line is simply read right.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from conftest import WEEK

from listsum.sources.reader import read_inputs

FROM = re.compile(rb"(?:^|(?<=\n))From mboxrd@z [^\n]*\n")
DAMAGE = {
    "typo": lambda line: b"Frmo" + line[4:],  # the line no longer says "From "
    "no-date": lambda line: b"From mboxrd@z\n",  # no date tail: no digit
    "non-header-next": lambda line: line + b"this line is no header\n",
    "blank-next": lambda line: line + b"\n",
}
VICTIMS = (10, 57, 120, 201)  # 0-based indexes of mails whose From_ line is damaged


def _week() -> bytes:
    return gzip.decompress(WEEK.read_bytes())


def _damage(data: bytes, kind: str) -> tuple[bytes, list[str]]:
    lines = list(FROM.finditer(data))
    starts = [m.start() for m in lines]
    assert len(starts) == 248 and starts[0] == 0
    out, lost, prev = [], [], 0
    for i in VICTIMS:
        s = starts[i]
        out += [data[prev:s], DAMAGE[kind](lines[i].group(0))]
        prev = lines[i].end()
        mid = re.search(rb"\nMessage-ID: <([^>]+)>", data[s:starts[i + 1]], re.I)
        lost.append(mid.group(1).decode())
    out.append(data[prev:])
    return b"".join(out), lost


@pytest.mark.corpus
@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_damaged_from_lines_are_named_as_merges(tmp_path: Path, kind: str) -> None:
    data, lost = _damage(_week(), kind)
    path = tmp_path / f"{kind}.mbox"
    path.write_bytes(data)
    r = read_inputs([str(path)], use_cache=False)
    merges = [p for p in r.problems if "suspected merge" in p.what]
    assert len(r.messages) + len(merges) == 248
    named = [re.search(r"headers of <([^>]+)>", p.what).group(1) for p in merges]
    assert named == lost
    for p in merges:  # the byte offset points at the joined mail's Message-ID line
        offset = int(re.search(r"at byte (\d+)", p.what).group(1))
        assert data[offset:offset + 12].lower() == b"message-id: "
        assert p.where.startswith(f"{path}, message ")


@pytest.mark.corpus
def test_bom_before_the_first_from_line_is_read_right(tmp_path: Path) -> None:
    path = tmp_path / "bom.mbox"
    path.write_bytes(b"\xef\xbb\xbf" + _week())
    gz = tmp_path / "bom.mbox.gz"
    gz.write_bytes(gzip.compress(path.read_bytes()))
    for p in (path, gz):
        r = read_inputs([str(p)], use_cache=False)
        assert len(r.messages) == 248 and r.problems == []


@pytest.mark.corpus
def test_the_real_corpora_have_no_suspected_merges(week: Path) -> None:
    """Pasted format-patch mail, PGP protected headers and gregkh's stable
    notes carry header blocks in bodies: none of them is a merge."""
    r = read_inputs([str(week)], use_cache=False)
    assert not [p for p in r.problems if "suspected merge" in p.what]
