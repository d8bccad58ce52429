"""Deep-dive time (`listsum thread`, no model) for the largest series of each corpus,
and for a 10-revision, 38-patch, 100+-message series built from real mail.

    .venv/bin/python bench/bench_deepdive.py

For each corpus: the series with the most mail over all its revisions
(lineage.link_revisions), then `listsum thread NEWEST --mbox CORPUS --engine
none --format json` as a subprocess, run twice (the first run fills the
parse cache; the second is what a user waits for on a re-run), wall time.

The built series: Quentin Perret's "A stage 2 for the host" v1..v6 (kvmarm,
27..38 patches) plus v7..v10, each a copy of the v6 thread with one diff line
changed per patch (so every patch is "changed" and gets a range-diff), and
with the replies of the v2, v3 and v5 threads re-parented onto it (so the newest
thread has 100+ messages). Mail bytes are real; only ids, subjects and one
line per patch are rewritten.
"""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
CORPORA = [CORPUS / "kvmarm-2019-2021.mbox.gz", CORPUS / "linux-leds-2025-01-2026-07.mbox.gz"]
STAGE2 = ["20201117181607.1761516-1-qperret@google.com", "20210108121524.656872-1-qperret@google.com",
          "20210302150002.3685113-1-qperret@google.com", "20210310175751.3320106-1-qperret@google.com",
          "20210315143536.214621-1-qperret@google.com", "20210319100146.1149909-1-qperret@google.com"]


def largest_series(path: Path) -> tuple[str, int, int, int]:
    """(newest thread id, revisions, messages over all revisions, patches of the newest)."""
    from listsum import lineage as lineage_mod, series
    from listsum.mail.threads import build_threads
    from listsum.sources.reader import read_inputs

    threads = build_threads(read_inputs([str(path)]).messages)
    by_id = {t.id: t for t in threads}
    best = ("", 0, 0, 0)
    for lineage in lineage_mod.link_revisions(threads).values():
        ids = list(dict.fromkeys(r.thread_id for r in lineage))
        total = sum(len(by_id[i].messages) for i in ids)
        if total > best[2]:
            newest = lineage[-1].thread_id
            posts = series.postings(by_id[newest])
            best = (newest, len({r.version for r in lineage}), total, max(len(p.patches) for p in posts))
    return best


def run_thread(msgid: str, inputs: list[Path], user: Path) -> float:
    cmd = [sys.executable, "-m", "listsum", "thread", msgid, "--engine", "none", "-q", "--format", "json",
           "-o", str(user / "dive.json")]
    for p in inputs:
        cmd += ["--mbox", str(p)]
    env = {**os.environ, "LISTSUM_USER_PATH": str(user), "PYTHONPATH": str(ROOT / "src")}
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, env=env)
    return time.perf_counter() - t0


def _ids(raw: bytes, mapping: dict[str, str]) -> bytes:
    head, sep, body = raw.partition(b"\n\n")
    for old, new in mapping.items():
        head = head.replace(f"<{old}>".encode(), f"<{new}>".encode())
    return head + sep + body


def build_series(out: Path) -> str:
    """The 10-revision series (module docstring) as one mbox; the v10 cover's id."""
    from listsum.mail.subject import Subject, starts_as_reply
    from listsum.mail.threads import build_threads
    from listsum.sources.reader import read_inputs
    from listsum.deepdive import find_thread

    threads = build_threads(read_inputs([str(CORPORA[0])]).messages)
    real = [find_thread(threads, mid) for mid in STAGE2]
    chunks = [m.raw for t in real for m in t.messages]
    v6 = real[-1]
    for version in range(7, 11):
        tag = f"v{version}x"
        counter = {}  # patch counter -> new id of that posting
        mapping = {}
        for m in v6.messages:
            new = m.msgid.replace("@", f".{tag}@")
            mapping[m.msgid] = new
            if not starts_as_reply(m.subject):
                counter[Subject.parse(m.subject).counter] = new
        replies = [m for t in (real[1], real[2], real[4]) for m in t.messages if starts_as_reply(m.subject)]
        if version == 10:
            for t in (real[1], real[2], real[4]):
                for m in t.messages:
                    if not starts_as_reply(m.subject):
                        mapping[m.msgid] = counter.get(Subject.parse(m.subject).counter, counter[0])
            for m in replies:
                mapping[m.msgid] = m.msgid.replace("@", f".{tag}@")
        for m in v6.messages + (replies if version == 10 else []):
            raw = _ids(m.raw, mapping).replace(b"[PATCH v6 ", f"[PATCH v{version} ".encode())
            if not starts_as_reply(m.subject):
                # One added line changed per patch: a new patch-id, a small range-diff.
                raw = re.sub(rb"(\n\+[^\n+][^\n]*)", lambda x: x.group(1) + f" /* {tag} */".encode(), raw, count=1)
            chunks.append(raw)
    data = b"".join(b"From bench@z Thu Jan  1 00:00:00 1970\n" + re.sub(rb"(?m)^(>*From )", rb">\1", c)
                    + (b"" if c.endswith(b"\n") else b"\n") for c in chunks)
    out.write_bytes(gzip.compress(data, mtime=0))
    return STAGE2[-1].replace("@", ".v10x@")


def main() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    print(f"cpus: {os.cpu_count()}")
    with tempfile.TemporaryDirectory(prefix="listsum-bench-dd-") as tmp:
        user = Path(tmp)
        for path in CORPORA:
            msgid, revs, total, patches = largest_series(path)
            cold, warm = (run_thread(msgid, [path], user) for _ in range(2))
            print(f"{path.name}: largest series {msgid} ({revs} revisions, {total} messages, "
                  f"{patches} patches in the newest): thread --mbox CORPUS {cold:.2f} s first run, {warm:.2f} s re-run")
        built = user / "stage2-10.mbox.gz"
        msgid = build_series(built)
        cold, warm = (run_thread(msgid, [built], user) for _ in range(2))
        import json

        d = json.loads((user / "dive.json").read_text())
        print(f"built series: {len(d['revisions'])} revisions, {d['messages']} messages in the newest thread, "
              f"{d['revisions'][-1]['patches']} patches, {len(d['steps'])} steps: {cold:.2f} s first run, "
              f"{warm:.2f} s re-run")
        with_archive = run_thread(msgid, [built, CORPORA[0]], user)
        print(f"built series + the whole kvmarm archive as input: {with_archive:.2f} s")


if __name__ == "__main__":
    main()
