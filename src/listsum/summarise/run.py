"""The summarise stage: what the pipeline calls.

For each reported thread a summary *record* (points.py): a headline, the
thread's state, and points, each a participant's own sentence or an
extracted fact citing its mail. The rules read every reply; a model
(through the Summariser interface only) chooses stance and sentence where
the rules are unsure, and may add prose only when every sentence passes a
check against the mail it cites (prose.py), if its gate allows (gates.py).
Records are cached as JSON; the model is loaded only on the first cache
miss, so a re-run of a cached week never loads it. Then the week's
overview, built the same way: facts and points with their mail.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from listsum.mail.threads import Thread
from listsum.model import Point, Report, Summary, ThreadReport
from listsum.summarise import choose, prose, record
from listsum.summarise.base import REGISTRY, Completion, Options, Prompt, Summariser
from listsum.summarise.digest import body_text
from listsum.summarise.gates import Gate, gate_for
from listsum.summarise.points import RANK, candidates, open_request, select, subject_of
from listsum.summarise.stance import Judged
from listsum.summarise.points import record as make_record
from listsum.summarise.prompts import rules_version
from listsum.cache import Cached, Store, cache_key, open_db

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
    choose: bool | None = None  # None: the model's gate decides (gates.py)
    prose: bool | None = None


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
    """One summarising run: backend (lazy), cache, gate, usage."""

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
        self._gate: Gate | None = None

    @property
    def backend(self) -> Summariser:
        if self._backend is None:
            self._backend = make_backend(self.settings)
        return self._backend

    @property
    def gate(self) -> Gate:
        """Whether this model chooses and writes prose: its eval figures,
        then the config file, then --choose/--prose style settings."""
        if self._gate is None:
            from listsum.settings import load_config

            g = gate_for(self.backend.model_hash, load_config())
            s = self.settings
            self._gate = Gate(choose=g.choose if s.choose is None else s.choose,
                              prose=g.prose if s.prose is None else s.prose)
        return self._gate

    def gate_source(self) -> str:
        """What set the gate: the settings, the config file, or the model's eval figures."""
        from listsum.settings import load_config

        if self.settings.choose is not None or self.settings.prose is not None:
            return "the settings"
        cfg = load_config()
        return "the config (choose/prose)" if "choose" in cfg or "prose" in cfg else "the model's eval figures"

    def plan(self) -> str:
        """One line saying what summarising will do: an engine asked for by
        name may be held to the rules by its gate, and the user should not
        read "llama" and get rules alone without being told."""
        if self.extractive:
            return "summarising by rules alone (--engine extractive)"
        g, model = self.gate, self.backend.model_id
        if not (g.choose or g.prose):
            return f"rules alone: {self.gate_source()} keep {model} from choosing (listsum models)"
        does = ["chooses where the rules are unsure"] if g.choose else []
        does += ["writes checked prose"] if g.prose else []
        return f"summarising with {model}: it " + " and ".join(does)

    def model_tag(self) -> str:
        if self.extractive:
            return "extractive"
        g = self.gate
        return f"{self.backend.model_id}:{self.backend.model_hash}:choose={g.choose}:prose={g.prose}"

    def thread(self, tr: ThreadReport, thread: Thread, attention: str | None = None,
               until: datetime | None = None) -> Summary:
        """The record of one thread; ``until``: the window's end (a revision
        posted after it does not supersede this one)."""
        key = cache_key(_content(tr, attention) + [until.isoformat() if until else None], self.model_tag(),
                        rules_version(), self.settings.lang)
        hit = self.store.get(key) if self.store else None
        if hit is not None and hit.record:
            with self._lock:
                self.cache_hits += 1
            return record.from_dict(json.loads(hit.record), Summary(hit.text, hit.engine, hit.fallback,
                                                                    hit.flags, cached=True))
        before = self.usage.prompt_tokens
        summary = self._summarise(tr, thread, attention, until)
        if self.store:
            self.store.put(key, tr.id, self.settings.lang,
                           Cached(summary.text, summary.engine, summary.fallback, summary.flags,
                                  json.dumps(record.to_dict(summary), ensure_ascii=False)),
                           prompt_tokens=self.usage.prompt_tokens - before)
        return summary

    def _summarise(self, tr: ThreadReport, thread: Thread, attention: str | None,
                   until: datetime | None) -> Summary:
        judged: dict[str, Judged] = {}
        cands = candidates(tr, thread, judged)
        engine, flags = "extractive", []
        pick = None
        if not self.extractive and not (self.gate.choose or self.gate.prose):
            # Its eval --gold figures say it chooses worse than the rules: rules alone (gates.py).
            flags.append(f"model-gated: {self.backend.model_id} (eval --gold figures)")
        asked = [0]  # model calls for this thread: only a model that was asked is named as the engine

        def complete(prompt: Prompt, options: Options) -> Completion:
            asked[0] += 1
            return self._complete(prompt, options)

        if not self.extractive and self.gate.choose:
            changed = choose.refine(cands, complete)
            pick = lambda pts, k: choose.rank(pts, k, complete)  # noqa: E731
        points = select(cands, pick=pick, lang=self.settings.lang)
        if asked[0]:
            engine = self.backend.model_id
            flags.append(f"model-chose: {changed}")
        summary = make_record(tr, thread, points, attention, engine, self.settings.lang, until,
                              open_request(thread, judged, until))
        summary.flags = flags
        if not self.extractive and self.gate.prose and points:
            sources = {m.msgid: f"{m.sender}\n{m.subject}\n{body_text(m)}" for m in thread.messages}
            checked = prose.write(summary.headline, points, sources, self._complete)
            summary.engine = self.backend.model_id
            summary.prose, summary.fallback = checked.prose, bool(checked.flags)
            summary.flags += checked.flags
            summary.text = record.render_text(summary, self.settings.lang)
        return summary

    def _complete(self, prompt: Prompt, options: Options) -> Completion:
        out = self.backend.complete(prompt, options)
        with self._lock:  # --jobs: several threads add to one Usage
            u = self.usage
            u.prompt_tokens += out.prompt_tokens
            u.completion_tokens += out.completion_tokens
            u.seconds += out.seconds
            u.calls += 1
        out.text = clean(out.text)
        return out

    def overview(self, report: Report) -> Summary:
        """The week in facts and points, each with its mail: a frame of counted
        facts, every decision of the week, then for each of the busiest
        threads its most important point, named by the thread's subject. No
        model call: nothing here is written, only chosen."""
        lang = self.settings.lang
        points: list[Point] = []
        for t in report.threads:
            for p in t.summary.points if t.summary else []:
                if p.stance == "decision":
                    points.append(_on(t, p))
        for t in _busiest(report, TOP_THREADS):
            top = sorted(t.summary.points if t.summary else [], key=lambda p: RANK.get(p.stance, 10))
            if top and top[0].stance != "decision":
                points.append(_on(t, top[0]))
        engines = {t.summary.engine for t in report.threads if t.summary}
        engine = "extractive" if self.extractive or engines <= {"extractive"} else self.backend.model_id
        s = Summary(text="", engine=engine, headline=_fact_overview(report, lang), points=points)
        s.text = record.render_text(s, lang)
        return s


TOP_THREADS = 3


def rules_record(tr: ThreadReport, thread: Thread, attention: str | None = None, until: datetime | None = None,
                 lang: str = "en") -> Summary:
    """The record by the rules alone: what `--engine extractive` gives, and what a
    thread falls back to when a model server fails on it."""
    judged: dict[str, Judged] = {}
    points = select(candidates(tr, thread, judged), lang=lang)
    return make_record(tr, thread, points, attention, "extractive", lang, until, open_request(thread, judged, until))


def _content(tr: ThreadReport, attention: str | None) -> list[object]:
    """What a record depends on: the thread's mail (ids, window side), its
    facts and state, the attention reason. Message ids name immutable mail."""
    s = tr.series
    return [tr.subject, tr.kind, [(m.message_id, m.in_window) for m in tr.messages],
            tr.state.name if tr.state else None, attention,
            [s.version, s.patches, s.expected, s.review_state] if s else None]


def _on(t: ThreadReport, p: Point) -> Point:
    """A thread's point as an overview line: a fact naming the thread, with the point's own mail."""
    said = f"“{p.text}”" if p.source == "mail" else p.text
    return Point(p.who, p.stance, f"{subject_of(t.subject)}: {said}", list(p.evidence), p.date, p.in_window, "fact")


def _busiest(report: Report, n: int) -> list[ThreadReport]:
    return sorted(report.threads, key=lambda t: -t.in_window)[:n]


def clean(text: str) -> str:
    """Strip reasoning blocks and stray template markers."""
    text = _THINK.sub("", text)
    for marker in ("<|im_end|>", "<end_of_turn>", "<|endoftext|>"):
        text = text.replace(marker, "")
    return text.strip()


def _fact_overview(report: Report, lang: str) -> str:
    from listsum.report.i18n import kind_label, label, span

    by_kind = report.by_kind()
    kinds = ", ".join(f"{len(v)} {kind_label(lang, k)}" for k, v in sorted(by_kind.items(), key=lambda kv: -len(kv[1])))
    line = label(lang, "overview.threads", n=len(report.threads), when=span(lang, report.window), kinds=kinds)
    # Threads, not entries: SMMUv3 v13 (kvmarm 2021-01-11..18) has two entries, changes requested and no reply.
    waiting = len({a.thread_id for a in report.needs_attention})
    if waiting:
        line += ("; " if lang == "en" else "；") + label(lang, "overview.attention", n=waiting)
    return line


def summarise_report(report: Report, threads: Mapping[str, Thread], settings: SummariseSettings,
                     progress: Progress | None = None, backend: Summariser | None = None) -> Run | None:
    """Fill ThreadReport.summary for every reported thread and report.overview."""
    if settings.engine == "none":
        return None
    from listsum.summarise.jobs import summarise_threads

    run = Run(settings, backend)
    if progress is not None and not run.extractive and not (run.gate.choose or run.gate.prose):
        progress(run.plan(), -1, None)  # asked for a model, getting rules alone: a note, always shown
    todo = [t for t in report.threads if t.id in threads]
    from listsum.report.i18n import attention_reason

    attention = {a.thread_id: attention_reason(settings.lang, a) for a in reversed(report.needs_attention)}
    summarise_threads(run, todo, threads, settings.jobs, progress, attention, report.window.until)
    report.summarised_by = getattr(run._backend, "label", None)  # "MODEL at HOST" for a server
    report.overview = run.overview(report)
    return run


def dry_run(report: Report, threads: Mapping[str, Thread], settings: SummariseSettings,
            backend: Summariser | None = None) -> list[tuple[str, int]]:
    """(thread id, prompt tokens) per thread: the choosing prompts the model
    would get for the replies the rules are unsure of, counted with the
    model's tokenizer (vocab only: nothing is evaluated)."""
    if settings.engine in ("none", "extractive"):
        return []
    if backend is None and settings.engine == "server":  # the server counts with its own tokenizer
        backend = make_backend(settings)
    if backend is None:
        vocab = SummariseSettings(**{**settings.__dict__, "engine": "llama"})
        backend = make_backend(vocab, vocab_only=True)
    out: list[tuple[str, int]] = []
    for tr in report.threads:
        if tr.id not in threads:
            continue
        thread = threads[tr.id]
        unsure = [c for c in candidates(tr, thread) if not c.judged.sure and c.sentences]
        out.append((tr.id, sum(backend.prompt_tokens(choose.prompt(c)) for c in unsure)))
    return out
