"""The corpus week through a model server and in-process, in one run.
(`ratio`, characters per token of the prompt digests, went with the digest:
RESULTS.md keeps its figures.)

  .venv/bin/python bench/bench_server.py week [N]  # server --jobs 1, --jobs 4, in-process (no cache); N: first N threads

`week` starts llama-cpp-python's OpenAI-compatible server with the default
GGUF (n_ctx 8192, 1 thread, as in-process here) on a free loopback port. Heavy:
run once, not in a loop; the machine is shared.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

WEEK = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "kvmarm-2021-10-04.week.mbox.gz"


def _env() -> dict[str, str]:
    env = dict(os.environ)  # LISTSUM_SERVER_DEPS: the [server] extras kept out of a shared venv
    if os.environ.get("LISTSUM_SERVER_DEPS"):
        env["PYTHONPATH"] = os.pathsep.join(p for p in (os.environ["LISTSUM_SERVER_DEPS"],
                                                        env.get("PYTHONPATH")) if p)
    return env


def _server() -> tuple[subprocess.Popen[bytes], str]:
    from listsum.summarise.gguf import resolve

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", str(resolve()), "--host",
                             "127.0.0.1", "--port", str(port), "--n_ctx", "8192", "--n_threads", "1",
                             "--interrupt_requests", "False"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env())
    url = f"http://127.0.0.1:{port}/v1"
    for _ in range(480):
        try:
            with urllib.request.urlopen(url + "/models", timeout=5):
                return proc, url
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("server not ready in 240 s")


def _one(label: str, settings: object, limit: int | None) -> tuple[str, list[str]]:
    from listsum import pipeline
    from listsum.summarise.run import summarise_report

    built = pipeline.build(pipeline.ReportSettings(inputs=[str(WEEK)]))
    built.report.threads = built.report.threads[:limit]
    load = os.getloadavg()[0]
    start = time.monotonic()
    run = summarise_report(built.report, built.threads, settings)  # type: ignore[arg-type]
    wall = time.monotonic() - start
    u = run.usage
    fallbacks = sum(t.summary.fallback for t in built.report.threads)
    row = (f"| {label} | {wall:.0f} s | {u.calls} | {u.prompt_tokens} | {u.completion_tokens} | "
           f"{(u.prompt_tokens + u.completion_tokens) / wall:.0f} | {fallbacks} | {load:.1f} |")
    print(row, flush=True)
    return row, [t.summary.text for t in built.report.threads]


def week() -> None:
    from listsum.summarise.run import SummariseSettings

    limit = int(sys.argv[2]) if len(sys.argv) > 2 else None

    proc, url = _server()
    try:
        print("| run | wall | calls | prompt tok | completion tok | tok/s (wall) | fallbacks | load at start |")
        print("|---|---|---|---|---|---|---|---|")
        _, one = _one("server --jobs 1", SummariseSettings(engine="server", endpoint=url, n_ctx=8192,
                                                           use_cache=False, jobs=1), limit)
        _, four = _one("server --jobs 4", SummariseSettings(engine="server", endpoint=url, n_ctx=8192,
                                                            use_cache=False, jobs=4), limit)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    _one("in-process", SummariseSettings(engine="llama", n_threads=1, use_cache=False), limit)
    print(f"jobs 4 vs jobs 1: {sum(a == b for a, b in zip(one, four))}/{len(one)} summaries identical")


if __name__ == "__main__":
    if sys.argv[1:2] != ["week"]:
        raise SystemExit(__doc__)
    week()
