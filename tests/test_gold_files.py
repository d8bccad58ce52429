"""Every gold file in tests/gold/ checked against the real mail it was read from.

A gold set is the yardstick listsum is measured against (tests/gold/README.md),
so a typo in a message-id or a sender would silently cost recall. These tests
read the input with the stdlib only (headers of each message, no listsum code)
and check that each root and evidence id exists, that evidence is dated inside
the window and sent by the point's ``who``, that the vocabulary is the model's,
and that every thread with mail in the window has exactly one entry (or is
listed under "excluded" with a reason).
"""

from __future__ import annotations

import gzip
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import getaddresses, parsedate_to_datetime
from functools import cache
from pathlib import Path

import pytest

from listsum.facts.kinds import KINDS
from listsum.model import STANCES, STATES

from conftest import CORPUS

GOLD = Path(__file__).resolve().parent / "gold"
GOLD_FILES = sorted(GOLD.glob("*.json"))
_ANGLE = re.compile(rb"<([^<>\s]+)>")


@dataclass
class Head:
    """What the checks need from one message's header."""

    position: int
    message_id: str
    date: datetime | None
    senders: set[str]  # From address(es), lower case
    parents: list[str] = field(default_factory=list)  # References then In-Reply-To ids


@dataclass
class Input:
    heads: list[Head]
    by_id: dict[str, list[Head]]
    thread_of: dict[str, str]  # message-id -> thread representative


def _chunks(raw: bytes) -> list[bytes]:
    # mboxrd (all three corpus files): body lines starting "From " are quoted as ">From ".
    parts = raw.split(b"\nFrom ")
    return [p if i == 0 else b"From " + p for i, p in enumerate(parts) if p.strip()]


def _head(position: int, chunk: bytes) -> Head:
    end = chunk.find(b"\n\n")
    header = chunk[chunk.find(b"\n") + 1 : end if end >= 0 else len(chunk)]  # drop the From_ line
    msg = BytesHeaderParser(policy=compat32).parsebytes(header)
    ids = _ANGLE.findall(str(msg.get("Message-ID", "")).encode())
    message_id = ids[0].decode() if ids else f"no-message-id-{position}"
    try:
        date = parsedate_to_datetime(str(msg["Date"])) if msg["Date"] else None
    except (TypeError, ValueError):
        date = None
    if date is not None and date.tzinfo is None:
        date = date.replace(tzinfo=timezone.utc)
    senders = {addr.lower() for _, addr in getaddresses([str(v) for v in msg.get_all("From", [])]) if addr}
    parents = [r.decode() for name in ("References", "In-Reply-To")
               for r in _ANGLE.findall(str(msg.get(name, "")).encode())]
    return Head(position, message_id, date, senders, parents)


def _threads(heads: list[Head]) -> dict[str, str]:
    """Union every message with every id it references, as notmuch does (an
    absent cover letter still joins its replies); returns id -> representative."""
    up: dict[str, str] = {}

    def find(x: str) -> str:
        up.setdefault(x, x)
        while up[x] != x:
            up[x] = up[up[x]]
            x = up[x]
        return x

    for h in heads:
        for p in h.parents:
            up[find(p)] = find(h.message_id)
        find(h.message_id)
    return {h.message_id: find(h.message_id) for h in heads}


@cache
def _read(path: Path) -> Input:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        raw = f.read()
    heads = [_head(i, c) for i, c in enumerate(_chunks(raw))]
    by_id: dict[str, list[Head]] = defaultdict(list)
    for h in heads:
        by_id[h.message_id].append(h)
    return Input(heads, dict(by_id), _threads(heads))


def _load(path: Path) -> tuple[dict, Input]:
    gold = json.loads(path.read_text(encoding="utf-8"))
    src = CORPUS / gold["input"]
    assert src.exists(), f"{path.name}: input {src} missing"
    return gold, _read(src)


def _window(gold: dict) -> tuple[datetime, datetime]:
    return datetime.fromisoformat(gold["since"]), datetime.fromisoformat(gold["until"])


def _points(gold: dict):
    for t in gold["threads"]:
        for p in t["points"]:
            yield t, p


pytestmark = pytest.mark.corpus
each_file = pytest.mark.parametrize("path", GOLD_FILES, ids=[p.name for p in GOLD_FILES])


def test_gold_files_exist() -> None:
    names = {p.name for p in GOLD_FILES}
    assert "kvmarm-2021-10-04.json" in names, names


@each_file
def test_shape_and_vocabulary(path: Path) -> None:
    gold = json.loads(path.read_text(encoding="utf-8"))
    assert {"list", "input", "since", "until", "method", "threads"} <= gold.keys()
    assert gold["method"].strip() and gold["threads"]
    since, until = _window(gold)
    assert since.tzinfo and until.tzinfo and since < until
    bad = []
    for t in gold["threads"]:
        where = t.get("root")
        if t["kind"] not in KINDS:
            bad.append((where, "kind", t["kind"]))
        if t["state"] not in STATES:
            bad.append((where, "state", t["state"]))
        if not isinstance(t["rfc"], bool):
            bad.append((where, "rfc", t["rfc"]))
        if t["needs_attention"] is not None and not (isinstance(t["needs_attention"], str) and t["needs_attention"]):
            bad.append((where, "needs_attention", t["needs_attention"]))
        for p in t["points"]:
            if p["stance"] not in STANCES:
                bad.append((where, "stance", p["stance"]))
            if not p["evidence"] or not p["who"]:
                bad.append((where, "point without who/evidence", p))
    assert not bad, bad


@each_file
def test_no_two_entries_share_a_root(path: Path) -> None:
    gold = json.loads(path.read_text(encoding="utf-8"))
    roots = [t["root"] for t in gold["threads"]] + [x["root"] for x in gold.get("excluded", [])]
    dupes = sorted({r for r in roots if roots.count(r) > 1})
    assert not dupes, dupes


@each_file
def test_roots_and_evidence_exist(path: Path) -> None:
    gold, mail = _load(path)
    missing = [t["root"] for t in gold["threads"] if t["root"] not in mail.by_id]
    missing += [e for _, p in _points(gold) for e in p["evidence"] if e not in mail.by_id]
    missing += [x["root"] for x in gold.get("excluded", []) if x["root"] not in mail.by_id]
    assert not missing, f"{path.name}: not in {gold['input']}: {missing}"


@each_file
def test_root_is_a_thread_start(path: Path) -> None:
    """The root is the thread's first message in the input: nothing it refers to is in the input."""
    gold, mail = _load(path)
    bad = [(t["root"], p) for t in gold["threads"] if t["root"] in mail.by_id
           for h in mail.by_id[t["root"]] for p in h.parents if p in mail.by_id]
    assert not bad, bad


@each_file
def test_evidence_in_window_and_from_who(path: Path) -> None:
    gold, mail = _load(path)
    since, until = _window(gold)
    late, wrong_who = [], []
    for _, p in _points(gold):
        for e in p["evidence"]:
            heads = mail.by_id.get(e, [])
            if heads and not any(h.date and since <= h.date < until for h in heads):
                late.append((e, [str(h.date) for h in heads]))
            if heads and not any(p["who"].lower() in h.senders for h in heads):
                wrong_who.append((e, p["who"], sorted(set().union(*(h.senders for h in heads)))))
    assert not late, f"{path.name}: evidence outside the window: {late}"
    assert not wrong_who, f"{path.name}: who is not the sender: {wrong_who}"


@each_file
def test_every_thread_in_window_has_one_entry(path: Path) -> None:
    gold, mail = _load(path)
    since, until = _window(gold)
    active = {mail.thread_of[h.message_id] for h in mail.heads if h.date and since <= h.date < until}
    listed = defaultdict(list)
    for root in [t["root"] for t in gold["threads"]] + [x["root"] for x in gold.get("excluded", [])]:
        listed[mail.thread_of.get(root)].append(root)
    for x in gold.get("excluded", []):
        assert x.get("why"), f"excluded {x['root']} needs a reason"
    uncovered = []
    for rep in sorted(active - set(listed)):
        first = min((h for h in mail.heads if mail.thread_of[h.message_id] == rep), key=lambda h: h.position)
        uncovered.append(first.message_id)
    twice = {rep: roots for rep, roots in listed.items() if len(roots) > 1}
    outside = [roots for rep, roots in listed.items() if rep not in active]
    assert not uncovered, f"{path.name}: threads with mail in the window but no entry: {uncovered}"
    assert not twice, f"{path.name}: several entries for one thread: {twice}"
    assert not outside, f"{path.name}: entries for threads with no mail in the window: {outside}"


SECOND = sorted((GOLD / "second-reading").glob("*.json"))


@pytest.mark.parametrize("path", SECOND, ids=lambda p: p.name)
def test_each_second_reading_names_a_gold_point_and_a_stance(path: Path) -> None:
    """The blind second reading (tests/gold/second-reading/) labels every point of the
    files it covers, once, in the model's vocabulary: the human-agreement figure of
    bench/stance_agreement.py rests on it."""
    data = json.loads(path.read_text())
    assert data["files"] and data["holdout"] is path.name.startswith("holdout-")
    for name, labels in data["files"].items():
        gold = json.loads((GOLD / name).read_text())
        points = {(t["root"], k) for t in gold["threads"] for k in range(len(t.get("points", [])))}
        seen = [(x["root"], x["point"]) for x in labels]
        assert sorted(seen) == sorted(points), name
        assert all(x["stance"] in STANCES and (x["second"] is None or x["second"] in STANCES) for x in labels)
