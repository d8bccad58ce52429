"""Read + thread the whole archive with listsum, then with notmuch, in one run.

    .venv/bin/python bench/bench_thread.py [MBOX]

Prints each stage's time, the ratio, and the pairwise same-thread agreement
(precision / recall / F1 with notmuch as reference). notmuch indexes bodies
for full-text search, we read headers only, so the ratio is what a user
waits, not a like-for-like cost. The notmuch database lives in a temp dir
and is removed afterwards. Takes ~3-4 minutes on the 2-core dev box.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import notmuch_ref  # noqa: E402

from listsum.mail.message import fix_dates, parse_message  # noqa: E402
from listsum.mail.threads import build_threads  # noqa: E402
from listsum.sources.mbox import load_bytes, split_mbox  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "corpus" / "kvmarm-2019-2021.mbox.gz"


def clock() -> float:
    return time.perf_counter()


def main(path: Path) -> None:
    t0 = clock()
    data = load_bytes(str(path))
    raws = list(split_mbox(data, str(path)))
    t_split = clock()
    msgs = [parse_message(raw, origin) for raw, origin in raws]
    fix_dates(msgs)
    t_parse = clock()
    threads = build_threads(msgs)
    t_thread = clock()
    ours = clock() - t0
    print(f"listsum: {len(msgs)} mails -> {len(threads)} threads")
    print(f"  load+split {t_split - t0:6.2f} s   parse {t_parse - t_split:6.2f} s   "
          f"thread {t_thread - t_parse:6.3f} s   total {ours:6.2f} s")

    with tempfile.TemporaryDirectory(prefix="listsum-notmuch-") as tmp:
        work = Path(tmp)
        t1 = clock()
        notmuch_ref.write_maildir((raw for raw, _ in raws), work / "mail")
        t_write = clock()
        notmuch_ref.index(work)
        t_index = clock()
        ref = notmuch_ref.threads(work)
        t_show = clock()
    theirs = t_show - t1
    print(f"notmuch: {len(ref)} threads")
    print(f"  maildir {t_write - t1:6.2f} s   new {t_index - t_write:6.2f} s   "
          f"show {t_show - t_index:6.2f} s   total {theirs:6.2f} s")
    print(f"ratio notmuch/listsum: {theirs / ours:.1f}x   "
          f"(threading alone: {(t_show - t_index) / (t_thread - t_parse):.0f}x vs notmuch show)")

    tid = {m.msgid: i for i, t in enumerate(threads) for m in t.messages}
    scores = notmuch_ref.pair_scores([tid[m.msgid] for m in msgs], notmuch_ref.labels(ref, len(msgs)))
    print(f"pairs: ours {scores.ours_pairs}, notmuch {scores.ref_pairs}, shared {scores.both_pairs}")
    print(f"precision {scores.precision:.5f}  recall {scores.recall:.5f}  F1 {scores.f1:.5f}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
