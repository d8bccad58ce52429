"""The summarise stage: what the pipeline calls.

For each reported thread: build the digest (compressed, facts lifted),
look in the cache, else prompt the model (map-reduce when over budget),
check the output, and fall back to the extractive summary when a check
fails. Then an overview of the week. The model is loaded only on the first
cache miss, so a re-run of a cached week never loads it.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from listsum.mail.subject import strip_reply
from listsum.mail.threads import Thread
from listsum.report.model import Report, Summary, ThreadReport
from listsum.summarise import checks, extractive
from listsum.summarise.base import REGISTRY, Options, Prompt, Summariser
from listsum.summarise.budget import budget_for, split
from listsum.summarise.digest import Digest, build
from listsum.summarise.prompts import PROMPT_VERSION, merge_prompt, render_digest, thread_prompt
from listsum.store import Cached, Store, cache_key, open_db

Progress = Callable[[str, int, int], None]
_THINK = re.compile(r"<think>.*?(</think>|$)", re.S)


@dataclass
class SummariseSettings:
    engine: str = "llama"  # "llama" | "extractive" | "none"
    model: str | None = None  # PATH or NAME
    n_ctx: int | None = None
    n_threads: int | None = None
    n_gpu_layers: int = 0
    lang: str = "en"
    use_cache: bool = True
    # --engine server: an OpenAI-compatible endpoint; see summarise/server.py
    endpoint: str | None = None
    allow_hosts: tuple[str, ...] = ()
    jobs: int = 1  # threads sent at once (a server only)
    timeout: float | None = None


@dataclass
class Usage:
    """Running totals for progress and eval."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    calls: int = 0
    started: float = field(default_factory=time.monotonic)

    def rate(self) -> float:
        return (self.prompt_tokens + self.completion_tokens) / self.seconds if self.seconds else 0.0


def make_backend(settings: SummariseSettings, vocab_only: bool = False) -> Summariser:
    """The backend for ``settings.engine``; unset sizes come from the config file."""
    from listsum.settings import load_config

    cfg = load_config()
    if settings.engine == "server":
        from listsum.summarise.server import server_kwargs

        return REGISTRY.create("server", **server_kwargs(settings, cfg))
    kwargs: dict[str, object] = dict(model=settings.model, n_ctx=settings.n_ctx or cfg.get("n_ctx"),
                                     n_threads=settings.n_threads or cfg.get("n_threads"),
                                     n_gpu_layers=settings.n_gpu_layers or int(cfg.get("n_gpu_layers", 0)))
    if vocab_only:
        kwargs["vocab_only"] = True
    return REGISTRY.create(settings.engine, **kwargs)


class Run:
    """One summarising run: backend (lazy), cache, options, usage."""

    def __init__(self, settings: SummariseSettings, backend: Summariser | None = None,
                 store: Store | None = None) -> None:
        if settings.lang not in ("en", "zh"):
            from listsum.errors import UsageError

            raise UsageError(f"--lang: unknown language {settings.lang!r} (en or zh)")
        self.settings = settings
        self._backend = backend
        self.extractive = settings.engine == "extractive"
        self.store = store if store is not None else (Store(open_db()) if settings.use_cache else None)
        self.options = Options()
        self.usage = Usage()
        self.cache_hits = 0
        self._lock = threading.Lock()  # usage and cache_hits, when threads run at once (--jobs)

    @property
    def backend(self) -> Summariser:
        if self._backend is None:
            self._backend = make_backend(self.settings)
        return self._backend

    def model_tag(self) -> str:
        return "extractive" if self.extractive else f"{self.backend.model_id}:{self.backend.model_hash}"

    def thread(self, tr: ThreadReport, thread: Thread) -> Summary:
        digest = build(tr, thread)
        key = cache_key(render_digest(digest), self.model_tag(), PROMPT_VERSION, self.settings.lang)
        hit = self.store.get(key) if self.store else None
        if hit is not None:
            with self._lock:
                self.cache_hits += 1
            return Summary(hit.text, hit.engine, hit.fallback, hit.flags, cached=True)
        prev = self.store.previous(tr.id, self.settings.lang) if self.store else None
        if prev is not None and not prev.fallback:
            # An older summary may predate today's checks (or prompt): only what
            # still passes them against this thread becomes background.
            background = _prose(checks.vet(prev.text, digest.source_text, digest.people).text)
            if background:
                digest = build(tr, thread, previous=background)
        before = self.usage.prompt_tokens
        summary = self._summarise(digest)
        if self.store:
            self.store.put(key, tr.id, self.settings.lang, Cached(summary.text, summary.engine, summary.fallback,
                                                                   summary.flags),
                           prompt_tokens=self.usage.prompt_tokens - before)
        return summary

    def _summarise(self, d: Digest) -> Summary:
        if self.extractive:
            return Summary(extractive.summarise(d, self.settings.lang), "extractive")
        be = self.backend
        parts = split(d, be.count_tokens, budget_for(be.n_ctx, self.options.max_tokens))
        if len(parts) == 1:
            prompt = thread_prompt(d, self.settings.lang)
        else:  # map, then reduce: nothing of the thread is left out
            partials = [self._generate(thread_prompt(p, self.settings.lang))[0] for p in parts]
            prompt = merge_prompt(d, partials, self.settings.lang)
        text, looped = self._generate(prompt)
        vetted = checks.vet(text, d.source_text, d.people, prompt.user, trimmed=looped)
        flags = vetted.flags + (["loop-trimmed"] if looped else [])
        if len(parts) > 1:
            flags.append(f"map-reduce: {len(parts)} parts")
        if vetted.fallback:
            return Summary(extractive.summarise(d, self.settings.lang), "extractive", fallback=True, flags=flags)
        # The model's prose, then the facts it may have left out or got wrong.
        prose = _prose(vetted.text)  # a model that copied the State line does not get to repeat it
        return Summary(f"{prose}\n{d.state}" if d.state else prose, be.model_id, flags=flags)

    def _generate(self, prompt: Prompt) -> tuple[str, bool]:
        out = self.backend.complete(prompt, self.options)
        with self._lock:
            u = self.usage
            u.prompt_tokens += out.prompt_tokens
            u.completion_tokens += out.completion_tokens
            u.seconds += out.seconds
            u.calls += 1
        return clean(out.text), out.looped

    def overview(self, report: Report) -> Summary:
        """A frame of counted facts, then for each of the busiest threads the
        first sentence of its own checked summary, named by its subject. No
        model call: a model asked about many threads at once mixes their
        subjects, and every sentence here was already vetted against its thread."""
        frame = _fact_overview(report, self.settings.lang)
        picked = [(t, first) for t in _busiest(report, TOP_THREADS)
                  if t.summary and not t.summary.fallback and (first := _first_sentence(t.summary.text))]
        text = "\n".join([frame] + [f"{_short(t.subject)}: {first}" for t, first in picked])
        # Named after the model whose sentences it quotes (never loads a model for that).
        engine = picked[0][0].summary.engine if picked and not self.extractive else "extractive"
        return Summary(text, engine)


TOP_THREADS = 3


def _busiest(report: Report, n: int) -> list[ThreadReport]:
    return sorted(report.threads, key=lambda t: -t.in_window)[:n]


def _short(subject: str) -> str:
    return strip_reply(subject)


def _sentences(text: str) -> list[str]:
    return [s for s in checks.split_sentences(text) if not s.startswith("State:")]


def _prose(text: str) -> str:
    """A summary without its State: line(s): the facts are added afresh."""
    return " ".join(_sentences(text))


def _first_sentence(text: str) -> str:
    prose = _sentences(text)
    return prose[0] if prose else ""


def clean(text: str) -> str:
    """Strip reasoning blocks and stray template markers."""
    text = _THINK.sub("", text)
    for marker in ("<|im_end|>", "<end_of_turn>", "<|endoftext|>"):
        text = text.replace(marker, "")
    return text.strip()


def _fact_overview(report: Report, lang: str) -> str:
    by_kind = report.by_kind()
    kinds = ", ".join(f"{len(v)} {k}" for k, v in sorted(by_kind.items(), key=lambda kv: -len(kv[1])))
    busiest = _busiest(report, 3)
    names = "; ".join(f"{_short(t.subject)} ({t.in_window})" for t in busiest)
    applied = [t for t in report.threads if t.series and t.series.applied]
    if lang == "zh":
        done = f"已合入 {len(applied)} 个系列。" if applied else ""
        return f"本周 {len(report.threads)} 个讨论（{kinds}）。{done}最活跃：{names}。"
    done = ("Applied: " + "; ".join(f"{_short(t.subject)}"
                                    + (f" ({t.series.applied[0].branch})" if t.series.applied[0].branch else "")
                                    for t in applied[:5]) + ". ") if applied else ""
    return f"{len(report.threads)} threads this week ({kinds}). {done}Most active: {names}."


def summarise_report(report: Report, threads: Mapping[str, Thread], settings: SummariseSettings,
                     progress: Progress | None = None, backend: Summariser | None = None) -> Run | None:
    """Fill ThreadReport.summary for every reported thread and report.overview."""
    if settings.engine == "none":
        return None
    from listsum.summarise.jobs import summarise_threads

    run = Run(settings, backend)
    todo = [t for t in report.threads if t.id in threads]
    summarise_threads(run, todo, threads, settings.jobs, progress)
    report.summarised_by = getattr(run._backend, "label", None)  # "MODEL at HOST" for a server
    report.overview = run.overview(report)
    return run


def dry_run(report: Report, threads: Mapping[str, Thread], settings: SummariseSettings,
            backend: Summariser | None = None) -> list[tuple[str, int]]:
    """(thread id, prompt tokens) per thread, counted with the model's
    tokenizer (vocab only: nothing is evaluated)."""
    if settings.engine == "none":
        return []
    if backend is None and settings.engine == "server":  # the server counts with its own tokenizer
        backend = make_backend(settings)
    if backend is None:
        vocab = SummariseSettings(**{**settings.__dict__, "engine": "llama"})
        backend = make_backend(vocab, vocab_only=True)
    out: list[tuple[str, int]] = []
    options = Options()
    for tr in report.threads:
        if tr.id not in threads:
            continue
        d = build(tr, threads[tr.id])
        parts = split(d, backend.count_tokens, budget_for(backend.n_ctx, options.max_tokens))
        out.append((tr.id, sum(backend.prompt_tokens(thread_prompt(p, settings.lang)) for p in parts)))
    return out
