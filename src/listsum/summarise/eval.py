"""`listsum eval`: score a model on an mbox, so users can pick one.

Runs the real summarise stage (no cache) over the reported threads and
counts what the checks found: grounded-name rate (names in the outputs
that occur in their thread), flagged identifiers, echo rate, fallback
rate, tokens and time.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from listsum.summarise import checks
from listsum.summarise.base import Summariser
from listsum.summarise.run import Progress, Run, SummariseSettings


@dataclass
class EvalResult:
    model: str
    threads: int = 0
    names: int = 0
    grounded: int = 0
    identifiers_flagged: int = 0
    sentences_dropped: int = 0  # sentences with an invented token or person, cut from a kept output
    echoes: int = 0
    loops_trimmed: int = 0
    fallbacks: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0  # time in the model
    wall: float = 0.0
    fallback_reasons: dict[str, int] = field(default_factory=dict)
    counting: str = ""  # how a server backend counted tokens (server route or estimate)

    def rate(self, part: int) -> float:
        return part / self.threads if self.threads else 0.0

    @property
    def grounded_rate(self) -> float:
        return self.grounded / self.names if self.names else 1.0

    def rows(self) -> list[tuple[str, str]]:
        tps = (self.prompt_tokens + self.completion_tokens) / self.seconds if self.seconds else 0.0
        return [("model", self.model), ("threads", str(self.threads)),
                ("grounded-name rate", f"{self.grounded_rate:.0%} ({self.grounded}/{self.names})"),
                ("flagged identifiers", str(self.identifiers_flagged)),
                ("sentences dropped", str(self.sentences_dropped)),
                ("echo rate", f"{self.rate(self.echoes):.0%}"),
                ("loops trimmed", str(self.loops_trimmed)),
                ("fallback rate", f"{self.rate(self.fallbacks):.0%} ({self.fallbacks})"),
                ("fallback reasons", ", ".join(f"{k} {v}" for k, v in sorted(self.fallback_reasons.items())) or "-"),
                ("prompt tokens", str(self.prompt_tokens)), ("completion tokens", str(self.completion_tokens)),
                ("model time", f"{self.seconds:.0f} s ({tps:.0f} tok/s)"), ("wall time", f"{self.wall:.0f} s")
                ] + ([("tokens counted by", self.counting)] if self.counting else [])


def evaluate(mbox: str, settings: SummariseSettings, since: str | None = None, until: str | None = None,
             limit: int | None = None, progress: Progress | None = None,
             backend: Summariser | None = None) -> EvalResult:
    from listsum import pipeline
    from listsum.window import WindowSpec

    start = time.monotonic()
    built = pipeline.build(pipeline.ReportSettings(inputs=[mbox], window=WindowSpec(since=since, until=until)))
    run = Run(SummariseSettings(**{**settings.__dict__, "use_cache": False}), backend)
    from listsum.summarise.jobs import summarise_threads

    res = EvalResult(model=getattr(run.backend, "label", run.backend.model_id))
    todo = [t for t in built.report.threads if t.id in built.threads][:limit]
    # Threads may run at once (--jobs, a server); scoring follows in thread order.
    for tr, summary in zip(todo, summarise_threads(run, todo, built.threads, settings.jobs, progress)):
        _score(res, summary.flags, summary.fallback, summary.text if not summary.fallback else "",
               built.threads[tr.id], tr.participants)
    u = run.usage
    res.prompt_tokens, res.completion_tokens, res.seconds = u.prompt_tokens, u.completion_tokens, u.seconds
    res.wall = time.monotonic() - start
    res.counting = getattr(run._backend, "counting", "")
    return res


def _score(res: EvalResult, flags: list[str], fallback: bool, model_text: str, thread: object,
           people: list[str]) -> None:
    res.threads += 1
    kinds = [f.split(":")[0] for f in flags]
    if "server-error" in kinds:  # the model never answered: not its fault, but counted
        res.fallback_reasons["server-error"] = res.fallback_reasons.get("server-error", 0) + 1
    res.identifiers_flagged += kinds.count("unknown-identifier")
    res.sentences_dropped += kinds.count("dropped-sentence")
    res.echoes += "echo" in kinds
    res.loops_trimmed += "loop-trimmed" in kinds
    bad_names = kinds.count("ungrounded-name") + sum(len(checks.names_in(f)) for f in flags
                                                     if f.startswith("dropped-sentence"))
    if fallback:
        res.fallbacks += 1
        for k in set(kinds) & set(checks.FATAL):
            res.fallback_reasons[k] = res.fallback_reasons.get(k, 0) + 1
        res.names += bad_names  # the names the model made up count against it
        return
    # Names in what was kept (not the State line, which is facts) passed the checks;
    # names in dropped sentences were invented.
    found = len(checks.names_in(model_text.split("\nState:")[0]))
    res.names += found + bad_names
    res.grounded += found
