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


def test_fuzz_option_values_never_crash(tmp_path: Path) -> None:
    """Random values for every window/format/output option: exit 0, 1 or 2,
    never 3 (internal error) or a traceback."""
    from typer.testing import CliRunner

    from listsum.cli import app, load_commands

    load_commands()
    sample = Path(__file__).resolve().parents[1] / "examples" / "sample.mbox"
    values = ["", "0", "-1", "7", "99999999", "9" * 40, "2021-10-04", "0001-01-01", "9999-12-31", "2021-13-45",
              "2021-10-04T25:00", "2021-10-04T10:00+14:00", "36h", "0d", "99999999w", "7x", "\x1b[2J", "Z",
              "1e9", "nan", "../x", "Europe/Berlin", "md", "json"]
    rng = random.Random(SEED)
    runner = CliRunner()
    for n in range(12):
        args = ["report", str(sample), "--engine", "none"]
        for opt in rng.sample(["--since", "--until", "--days", "--tz", "--format", "--lang", "-o"], rng.randrange(1, 4)):
            value = rng.choice(values)
            args += [opt, str(tmp_path / value.replace("/", "_")) + ".md" if opt == "-o" and value else value]
        res = runner.invoke(app, args, catch_exceptions=True)
        assert res.exit_code in (0, 1, 2), (n, args, res.output, res.exception)
        assert "Traceback" not in res.output and "Internal error" not in res.output, (n, args, res.output)
