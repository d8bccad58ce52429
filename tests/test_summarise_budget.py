"""Token budget and map-reduce split on the largest real thread."""

from __future__ import annotations

from listsum.summarise.budget import budget_for, split
from listsum.summarise.digest import build
from listsum.summarise.prompts import render_digest
from summarise_helpers import build_week


def _words(text: str) -> int:
    return len(text.split())


def _largest():
    built = build_week()
    tr = max(built.report.threads, key=lambda t: t.total)
    return tr, built.threads[tr.id]


def test_largest_thread_is_the_halt_polling_series() -> None:
    tr, _ = _largest()
    assert tr.subject == "[PATCH v2 00/43] KVM: Halt-polling and x86 APICv overhaul" and tr.total == 44


def test_fits_in_one_part_when_under_budget() -> None:
    tr, thread = _largest()
    d = build(tr, thread)
    assert split(d, _words, 10**6) == [d]


def test_split_parts_fit_and_lose_nothing() -> None:
    tr, thread = _largest()
    d = build(tr, thread)
    budget = 800
    parts = split(d, _words, budget)
    assert len(parts) > 2
    assert all(_words(render_digest(p)) <= budget for p in parts)
    # every message is in exactly one part, in order, with its whole text
    flat = [e for p in parts for e in p.entries]
    assert [(e.who, e.text) for e in flat] == [(e.who, e.text) for e in d.entries]
    assert all(p.facts == d.facts for p in parts)  # facts travel with every part


def test_oversized_message_is_split_into_pieces_not_cut() -> None:
    tr, thread = _largest()
    d = build(tr, thread)
    cover = d.entries[0]
    assert _words(cover.text) > 150
    parts = split(d.with_entries([cover]), _words, 300)
    pieces = [e for p in parts for e in p.entries]
    assert len(pieces) > 1 and all("(piece " in e.subject for e in pieces)
    assert " ".join(e.text for e in pieces).split() == cover.text.split()


def test_budget_leaves_room_for_answer() -> None:
    assert budget_for(8192, 160) == 8192 - 160 - 200
    assert budget_for(300, 160) == 256
