"""The long fuzz run (issue 8): >= 100,000 mutated real messages from both
corpora through the whole model-free pipeline, counting crashes, hangs over
10 s and unexplained losses (all three must be 0). Same mutations as
tests/test_fuzz.py (tests/fuzzlib.py).

    PYTHONPATH=src python bench/fuzz.py --messages 100000 --seed 1 [--minutes 60]

Each case runs in this process under a 10 s alarm; a crash or a hang keeps
its case file in --keep for replay. Prints one summary line (and every
failure) and exits 1 when any count is not 0.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
CORPUS = REPO.parent / "shared" / "corpus"
SOURCES = [CORPUS / "kvmarm-2019-2021.mbox.gz", CORPUS / "linux-leds-2025-01-2026-07.mbox.gz"]
HANG_SECONDS = 10


class Hang(Exception):
    pass


def _alarm(_sig: int, _frame: object) -> None:
    raise Hang(f"over {HANG_SECONDS} s")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=100_000)
    ap.add_argument("--per-case", type=int, default=50)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--minutes", type=float, default=0, help="stop early after this long (0: no cap)")
    ap.add_argument("--keep", type=Path, default=Path(tempfile.gettempdir()) / "listsum-fuzz")
    args = ap.parse_args()
    os.environ.setdefault("LISTSUM_USER_PATH", tempfile.mkdtemp(prefix="listsum-fuzz-user-"))
    import fuzzlib

    pool = fuzzlib.real_messages(SOURCES)
    rng = random.Random(args.seed)
    args.keep.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGALRM, _alarm)
    start = time.monotonic()
    done = crashes = hangs = lost = cases = 0
    while done < args.messages:
        if args.minutes and time.monotonic() - start > args.minutes * 60:
            break
        data, written = fuzzlib.make_case(rng, pool, args.per_case)
        path = args.keep / f"case-{args.seed}-{cases}.mbox"
        path.write_bytes(data)
        signal.alarm(HANG_SECONDS)
        try:
            out = fuzzlib.run_case(path, written)
            signal.alarm(0)
            if out.lost:
                lost += len(out.lost)
                print(f"LOST {path}: {out.lost}", flush=True)
            else:
                path.unlink()
        except Hang:
            hangs += 1
            print(f"HANG {path}", flush=True)
        except Exception as exc:  # noqa: BLE001 - counted and shown
            signal.alarm(0)
            crashes += 1
            print(f"CRASH {path}: {type(exc).__name__}: {exc} {getattr(exc, '__notes__', '')}", flush=True)
            traceback.print_exc(limit=4)
        done += args.per_case
        cases += 1
        if cases % 100 == 0:
            print(f"... {done} messages, {time.monotonic() - start:.0f} s", file=sys.stderr, flush=True)
    took = time.monotonic() - start
    print(f"fuzz seed {args.seed}: {done} mutated messages in {cases} cases from {len(pool)} real ones, "
          f"{took:.0f} s: crashes {crashes}, hangs>{HANG_SECONDS}s {hangs}, unexplained losses {lost}")
    return 1 if crashes or hangs or lost else 0


if __name__ == "__main__":
    sys.exit(main())
