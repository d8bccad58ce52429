"""`listsum eval MBOX`: score a model on an mbox without a gold set, so
users can pick one.

Runs the real summarise stage (no cache) over the reported threads and
scores what a model now does to a record: the stances it changed, the prose
it was asked for and whether that passed its check, the points and their
evidence, the calls, tokens and time. The model is asked to choose and to
write prose whatever its gate says, as `eval --gold` does, so the figures
measure what a gate would be set from. Points are counted as eval --gold
counts them (summarise/gold.py); without a gold set there is no recall.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from listsum.model import Summary, ThreadReport
from listsum.summarise.base import Summariser
from listsum.summarise.jobs import SERVER_ERROR
from listsum.summarise.run import Progress, Run, SummariseSettings

_CHOSE = "model-chose: "  # run.py: how many choices the model changed
_REJECTED = "prose-rejected: "  # prose.py: why the prose failed its check


@dataclass
class EvalResult:
    model: str
    threads: int = 0
    points: int = 0
    unsupported: int = 0  # points citing nothing, or mail not in their thread: must be 0
    changed: int = 0  # stances (or sentences) the model chose differently from the rules
    prose_attempts: int = 0
    prose_passed: int = 0
    rejected: Counter[str] = field(default_factory=Counter)  # why prose failed its check
    server_errors: int = 0
    model_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0  # time in the model
    wall: float = 0.0
    counting: str = ""  # how a server backend counted tokens (server route or estimate)

    def rows(self) -> list[tuple[str, str]]:
        tps = (self.prompt_tokens + self.completion_tokens) / self.seconds if self.seconds else 0.0
        per = self.points / self.threads if self.threads else 0.0
        passed = f"{self.prose_passed / self.prose_attempts:.0%} " if self.prose_attempts else ""
        return [("model", self.model), ("threads", str(self.threads)),
                ("points", f"{self.points}, {per:.2f} per thread"),
                ("points without evidence", str(self.unsupported)),
                ("stances changed", str(self.changed)),
                ("prose passed", f"{passed}({self.prose_passed}/{self.prose_attempts})"),
                ("prose rejected", ", ".join(f"{k} {v}" for k, v in sorted(self.rejected.items())) or "-"),
                ("server errors", str(self.server_errors)), ("model calls", str(self.model_calls)),
                ("prompt tokens", str(self.prompt_tokens)), ("completion tokens", str(self.completion_tokens)),
                ("model time", f"{self.seconds:.0f} s ({tps:.0f} tok/s)"), ("wall time", f"{self.wall:.0f} s")
                ] + ([("tokens counted by", self.counting)] if self.counting else [])


def evaluate(mbox: str, settings: SummariseSettings, since: str | None = None, until: str | None = None,
             limit: int | None = None, progress: Progress | None = None,
             backend: Summariser | None = None) -> EvalResult:
    from listsum import pipeline
    from listsum.summarise.jobs import summarise_threads
    from listsum.window import WindowSpec

    start = time.monotonic()
    built = pipeline.build(pipeline.ReportSettings(inputs=[mbox], window=WindowSpec(since=since, until=until)))
    run = Run(SummariseSettings(**{**settings.__dict__, "use_cache": False, "choose": True, "prose": True}),
              backend)
    res = EvalResult(model=getattr(run.backend, "label", run.backend.model_id))
    todo = [t for t in built.report.threads if t.id in built.threads][:limit]
    # Threads may run at once (--jobs, a server); scoring follows in thread order.
    for tr, summary in zip(todo, summarise_threads(run, todo, built.threads, settings.jobs, progress)):
        score(res, tr, summary)
    u = run.usage
    res.model_calls, res.prompt_tokens, res.completion_tokens = u.calls, u.prompt_tokens, u.completion_tokens
    res.seconds, res.wall = u.seconds, time.monotonic() - start
    res.counting = getattr(run._backend, "counting", "")
    return res


def score(res: EvalResult, tr: ThreadReport, s: Summary) -> None:
    """Add one thread's record to ``res``."""
    ids = {m.message_id for m in tr.messages}
    res.threads += 1
    res.points += len(s.points)
    res.unsupported += sum(1 for p in s.points if not p.evidence or not set(p.evidence) <= ids)
    res.changed += sum(int(f.removeprefix(_CHOSE)) for f in s.flags if f.startswith(_CHOSE))
    res.server_errors += any(f.startswith(SERVER_ERROR) for f in s.flags)
    rejected = [f.removeprefix(_REJECTED).split(":")[0] for f in s.flags if f.startswith(_REJECTED)]
    if s.prose or rejected:  # the model was asked for prose
        res.prose_attempts += 1
        res.prose_passed += bool(s.prose)
        res.rejected.update(rejected)
