"""Our own fuzz suite (issue 8): seeded mutations of real mail from the corpus
week (header damage, hostile dates, From_ damage, encodings, deep MIME,
control characters) through the whole model-free pipeline. No crash, no
escape sequence in any rendering, and no message lost without a Problem
naming it. bench/fuzz.py runs the same cases by the 100,000."""

from __future__ import annotations

import random
from pathlib import Path

import fuzzlib
import pytest
from conftest import WEEK

CASES, PER_CASE = 150, 20  # 3,000 mutated messages, ~15 s here
SEED = 8


@pytest.mark.corpus
def test_fuzz_week_no_crash_no_silent_loss(tmp_path: Path) -> None:
    pool = fuzzlib.real_messages([WEEK])
    assert len(pool) == 248
    rng = random.Random(SEED)
    failures: list[str] = []
    for n in range(CASES):
        data, written = fuzzlib.make_case(rng, pool, PER_CASE)
        path = tmp_path / f"case{n}.mbox"
        path.write_bytes(data)
        try:
            out = fuzzlib.run_case(path, written)
        except Exception as exc:  # noqa: BLE001 - every crash is collected and named
            failures.append(f"case {n} (seed {SEED}): crash {type(exc).__name__}: {exc} {getattr(exc, '__notes__', '')}")
            continue
        if out.lost:
            failures.append(f"case {n} (seed {SEED}): lost without a Problem: {out.lost}")
        path.unlink()
    assert failures == []


def test_mutations_really_mutate() -> None:
    """A fuzzer that writes the corpus back unchanged cannot fail."""
    pool = [b"From mboxrd@z Mon Oct  4 10:00:00 2021\nFrom: A <a@b.c>\nSubject: s\nMessage-ID: <m@x>\n"
            b"Date: Mon, 4 Oct 2021 10:00:00 +0000\n\nhello world, a body of some length\n\n"]
    rng = random.Random(1)
    cases = [fuzzlib.make_case(rng, pool, 1, rate=1.0)[0] for _ in range(200)]
    assert len(set(cases)) > 50 and cases.count(pool[0]) < 20
