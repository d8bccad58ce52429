"""Read speed: cold and warm parse cache, plus thread + classify, on the archive.

    .venv/bin/python bench/bench_read.py [MBOX] [--epoch] [--half] [--week=SINCE,UNTIL] [--compare=SRC,...]

Each figure runs in a fresh process started from a small parent (so peak
RSS is its own: a child inherits its parent's high-water mark) with the cache
in a temp dir: "cold" starts with an empty parse cache (gunzip, split,
parse, write cache), "warm" runs again over the unchanged file. For
reference the same run times the stdlib ``mailbox.mbox`` over the same
(decompressed) data, parsing every message as the mailbox module does.
One line per figure. Takes ~15-30 s on the 2-core dev box.

listsum's figures come twice: LISTSUM_JOBS=1 (one process, the plain path)
and LISTSUM_JOBS=2 (forked children share the cold read and the facts,
forkread.py and forkmap.py) -- the 2-process ratio uses two cores against
a one-core stdlib parse. Peak RSS is given for the parent and, with
children, as parent + the largest child (one child runs at a time; a
forked child counts the pages it shares with the parent, so this is an
upper bound). ``--compare=SRC1,SRC2`` runs the cold/warm pair for each
source tree (PYTHONPATH) in the same run against one stdlib reference. With --epoch it
also builds a public-inbox epoch of the same mail (one commit per message,
~5 s) and times reading it cold and warm. With --half it also runs cold and
warm on the first half of the messages (cut at a From_ line, gzipped again
in a child), so peak RSS can be compared against the whole file's: does it
grow with the archive?
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "corpus" / "kvmarm-2019-2021.mbox.gz"


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _children_cpu() -> float:
    t = os.times()
    return t.children_user + t.children_system


def _children_peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def child_listsum(path: str) -> dict[str, float]:
    """read_inputs, then build_threads, then classify every thread (with
    BENCH_WEEK="SINCE,UNTIL": only the threads a report of that window shows,
    revisions and pulls still linked over the whole archive, as `listsum report` does)."""
    from datetime import datetime, timezone

    from listsum.mail.threads import build_threads
    from listsum.pipeline import facts
    from listsum.sources.reader import read_inputs

    k0 = _children_cpu()
    t0, c0 = time.perf_counter(), time.process_time()
    res = read_inputs([path])
    t1, c1 = time.perf_counter(), time.process_time()
    threads = build_threads(res.messages)
    t2, c2 = time.perf_counter(), time.process_time()
    chosen = threads
    if os.environ.get("BENCH_WEEK"):
        since, until = (datetime.fromisoformat(d).replace(tzinfo=timezone.utc)
                        for d in os.environ["BENCH_WEEK"].split(","))
        chosen = [t for t in threads if any(since <= m.date < until for m in t.messages)]
    kinds, _ = facts(threads, chosen)
    t3, c3 = time.perf_counter(), time.process_time()
    return {"messages": len(res.messages), "threads": len(threads), "kinds": len(kinds),
            "read": t1 - t0, "thread": t2 - t1, "classify": t3 - t2, "total": t3 - t0, "rss": _peak_mb(),
            "rss_child": _children_peak_mb(),
            "cpu_read": c1 - c0, "cpu_classify": c3 - c2, "cpu": c3 - c0, "cpu_children": _children_cpu() - k0}


def child_mailbox(path: str) -> dict[str, float]:
    """stdlib reference: gunzip to a temp file, then mailbox.mbox over it."""
    import gzip
    import mailbox

    t0, c0 = time.perf_counter(), time.process_time()
    with tempfile.TemporaryDirectory() as tmp:
        plain = Path(tmp) / "a.mbox"
        with open(path, "rb") as fh:
            data = fh.read()
        plain.write_bytes(gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data)
        del data
        n = 0
        for msg in mailbox.mbox(str(plain)):
            n += bool(msg["message-id"])
        total, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"messages": n, "total": total, "cpu": cpu, "rss": _peak_mb()}


def child_epoch(path: str) -> dict[str, float]:
    from listsum.sources.reader import read_inputs

    t0 = time.perf_counter()
    res = read_inputs([path])
    return {"messages": len(res.messages), "read": time.perf_counter() - t0, "rss": _peak_mb()}


def build_epoch(mbox_path: str, git_dir: Path) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from test_sources import make_epoch

    from listsum.sources import mbox

    data, _ = mbox.read_file(mbox_path)
    make_epoch(git_dir, [mbox.unquote(data[s:e]) for s, e in mbox.find_spans(data)])


def bench_epoch(path: str) -> None:
    with tempfile.TemporaryDirectory(prefix="listsum-bench-") as tmp:
        git_dir = Path(tmp) / "0.git"
        # In a child: a forked process inherits the parent's RSS high-water mark.
        subprocess.run([sys.executable, __file__, "--build-epoch", path, str(git_dir)], check=True)
        env = {**os.environ, "LISTSUM_USER_PATH": str(Path(tmp) / "user")}
        for name in ("cold", "warm"):
            r = run_child("epoch", str(git_dir), env)
            print(f"public-inbox epoch {name}: {r['messages']:.0f} msgs, read {r['read']:.2f} s "
                  f"({r['messages'] / r['read']:,.0f} msgs/s), peak RSS {r['rss']:.0f} MB")


def make_half(src: str, dst: str) -> None:
    """The first half of ``src``'s messages as a gzipped mbox (in a child: the
    gunzipped archive must not raise the bench parent's high-water mark)."""
    import gzip

    from listsum.sources import mbox

    data, _ = mbox.read_file(src)
    spans = mbox.find_spans(data)
    cut = spans[len(spans) // 2 - 1][1]  # where the next message's From_ line starts
    Path(dst).write_bytes(gzip.compress(bytes(data[:cut]), compresslevel=6))


def bench_half(path: str) -> None:
    with tempfile.TemporaryDirectory(prefix="listsum-bench-") as tmp:
        half = str(Path(tmp) / "half.mbox.gz")
        subprocess.run([sys.executable, __file__, "--make-half", path, half], check=True)
        env = {**os.environ, "LISTSUM_USER_PATH": str(Path(tmp) / "user")}
        for name in ("cold", "warm"):
            r = run_child("listsum", half, env)
            print(f"first half {name}: {r['messages']:.0f} msgs, {r['threads']:.0f} threads: read {r['read']:.2f} s, "
                  f"thread {r['thread']:.2f} s, classify {r['classify']:.2f} s, total {r['total']:.2f} s, "
                  f"peak RSS {r['rss']:.0f} MB")


def bench_week(path: str, week: str) -> None:
    """The report's job: the whole archive read and threaded, facts for one window's threads."""
    with tempfile.TemporaryDirectory(prefix="listsum-bench-") as tmp:
        env = {**os.environ, "LISTSUM_USER_PATH": str(Path(tmp) / "user"), "BENCH_WEEK": week}
        runs = {name: run_child("listsum", path, env) for name in ("cold", "warm")}
        ref = run_child("mailbox", path, env)
        for name, r in runs.items():
            print(f"week {week} {name}: {r['kinds']:.0f} of {r['threads']:.0f} threads: read {r['read']:.2f} s, "
                  f"thread {r['thread']:.2f} s, facts {r['classify']:.2f} s, total {r['total']:.2f} s "
                  f"= {r['total'] / ref['total']:.2f}x mailbox ({ref['total']:.2f} s), peak RSS {r['rss']:.0f} MB")


def run_child(kind: str, path: str, env: dict[str, str]) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--child", kind, path], env=env, check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _rss(r: dict[str, float]) -> str:
    if not r.get("rss_child"):
        return f"peak RSS {r['rss']:.0f} MB"
    return f"peak RSS {r['rss']:.0f} MB parent, <= {r['rss'] + r['rss_child']:.0f} MB all processes"


def _importable(name: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def pair(path: str, env: dict[str, str]) -> tuple[dict[str, float], dict[str, float]]:
    """Cold then warm, a fresh parse cache."""
    with tempfile.TemporaryDirectory(prefix="listsum-bench-") as user:
        env = {**env, "LISTSUM_USER_PATH": user}
        return run_child("listsum", path, env), run_child("listsum", path, env)


def report(label: str, cold: dict[str, float], warm: dict[str, float], ref: dict[str, float]) -> None:
    n = cold["messages"]
    for name, r in (("cold", cold), ("warm", warm)):
        print(f"{label}{name}: {n:.0f} msgs, {r['threads']:.0f} threads: read {r['read']:.2f} s "
              f"({n / r['read']:,.0f} msgs/s), thread {r['thread']:.2f} s, classify {r['classify']:.2f} s, "
              f"total {r['total']:.2f} s ({n / r['total']:,.0f} msgs/s), {_rss(r)}")
    # Issue 11's measure: listsum's read + thread + facts over the stdlib parse.
    print(f"{label}ratio listsum total / mailbox: cold {cold['total'] / ref['total']:.2f}x, "
          f"warm {warm['total'] / ref['total']:.2f}x")
    # CPU seconds move less than wall time on a shared box; the forked children's are added.
    print(f"{label}cpu: cold read {cold['cpu_read']:.2f} s, classify {cold['cpu_classify']:.2f} s, "
          f"total {cold['cpu']:.2f} s + children {cold['cpu_children']:.2f} s; warm total {warm['cpu']:.2f} s "
          f"+ children {warm['cpu_children']:.2f} s; mailbox {ref['cpu']:.2f} s")


def main(path: str, trees: list[str]) -> None:
    env = dict(os.environ)
    runs = []
    for tree in trees or [""]:
        tenv = {**env, "PYTHONPATH": tree} if tree else env
        # Without a tree the children import whatever listsum this Python finds (PYTHONPATH, else the venv's).
        has_jobs = Path(tree, "listsum", "forkmap.py").exists() if tree else _importable("listsum.forkmap")
        for jobs in (("1", "2") if has_jobs else ("1",)):
            label = (f"{tree} " if tree else "") + f"[{jobs} proc{'s' if jobs != '1' else ''}] "
            runs.append((label, *pair(path, {**tenv, "LISTSUM_JOBS": jobs})))
    ref = run_child("mailbox", path, env)
    print(f"stdlib mailbox.mbox: {ref['messages']:.0f} msgs in {ref['total']:.2f} s "
          f"({ref['messages'] / ref['total']:,.0f} msgs/s), peak RSS {ref['rss']:.0f} MB (one process, one core)")
    for label, cold, warm in runs:
        report(label, cold, warm, ref)


if __name__ == "__main__":
    if len(sys.argv) > 3 and sys.argv[1] == "--make-half":
        make_half(sys.argv[2], sys.argv[3])
    elif len(sys.argv) > 3 and sys.argv[1] == "--build-epoch":
        build_epoch(sys.argv[2], Path(sys.argv[3]))
    elif len(sys.argv) > 2 and sys.argv[1] == "--child":
        fn = {"listsum": child_listsum, "mailbox": child_mailbox, "epoch": child_epoch}[sys.argv[2]]
        print(json.dumps(fn(sys.argv[3])))
    elif any(a in ("-h", "--help") for a in sys.argv[1:]):
        print(__doc__)
    else:
        week = next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--week=")), None)
        trees = next((a.split("=", 1)[1].split(",") for a in sys.argv[1:] if a.startswith("--compare=")), [])
        args = [a for a in sys.argv[1:] if a not in ("--epoch", "--half") and not a.startswith(("--week=", "--compare="))]
        if any(a.startswith("-") for a in args):
            sys.exit(f"bench_read.py: unknown option {next(a for a in args if a.startswith('-'))} (--help)")
        target = args[0] if args else str(DEFAULT)
        if week:  # --week=2021-01-11,2021-01-18: only the report's figure
            bench_week(target, week)
            sys.exit(0)
        main(target, trees)
        if "--half" in sys.argv:
            bench_half(target)
        if "--epoch" in sys.argv:
            bench_epoch(target)
