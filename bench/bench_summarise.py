"""Benchmark of the summarise stage on the corpus week.

  .venv/bin/python bench/bench_summarise.py tokens   # prompt tokens: raw, quotes cut, final
  .venv/bin/python bench/bench_summarise.py speed    # tokens/s of both models, n_threads=2
  .venv/bin/python bench/bench_summarise.py report   # end-to-end week with the default model, then the re-run

Heavy (speed, report): run once, not in a loop; the machine is shared.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

WEEK = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "kvmarm-2021-10-04.week.mbox.gz"


def tokens() -> None:
    from listsum import pipeline
    from listsum.mail.body import text_of
    from listsum.summarise.run import SummariseSettings, dry_run, make_backend

    built = pipeline.build(pipeline.ReportSettings(inputs=[str(WEEK)]))
    for name in ("smollm2", "gemma3-270m"):
        be = make_backend(SummariseSettings(model=name), vocab_only=True)
        msgs = [m for t in built.threads.values() for m in t.messages]
        raw = sum(be.count_tokens(text_of(m)) for m in msgs)
        unquoted = sum(be.count_tokens("\n".join(ln for ln in text_of(m).splitlines() if not ln.startswith(">")))
                       for m in msgs)
        plan = dry_run(built.report, built.threads, SummariseSettings(model=name), backend=be)
        print(f"{name}: raw {raw}, quotes cut {unquoted}, prompts sent {sum(n for _, n in plan)} "
              f"({len(plan)} threads, largest {max(n for _, n in plan)})")


def speed() -> None:
    import llama_cpp

    from listsum.summarise.gguf import resolve

    text = open(__file__).read() * 3
    for name in ("smollm2", "gemma3-270m"):
        llm = llama_cpp.Llama(model_path=str(resolve(name)), n_ctx=4096, n_threads=2, verbose=False)
        toks = llm.tokenize(text.encode())[:1024]
        start = time.monotonic()
        llm.eval(toks)
        pe = time.monotonic() - start
        start, n = time.monotonic(), 0
        for _ in llm.generate(toks[-1:], temp=0.0):
            n += 1
            if n == 64:
                break
        ge = time.monotonic() - start
        print(f"{name}: prompt eval {len(toks) / pe:.0f} tok/s, generation {n / ge:.1f} tok/s (n_threads=2)")


def report() -> None:
    from listsum import pipeline

    settings = pipeline.ReportSettings(inputs=[str(WEEK)])
    for label in ("first run", "re-run (cache)"):
        start = time.monotonic()
        rep = pipeline.run(settings)
        fallbacks = sum(1 for t in rep.threads if t.summary and t.summary.fallback)
        print(f"{label}: {time.monotonic() - start:.1f} s, {len(rep.threads)} threads, {fallbacks} fallbacks")


if __name__ == "__main__":
    {"tokens": tokens, "speed": speed, "report": report}[sys.argv[1] if len(sys.argv) > 1 else "tokens"]()
