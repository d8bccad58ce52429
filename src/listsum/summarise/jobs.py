"""Summarising the threads of a report, N at a time against a model server.

The in-process model runs one prompt at a time (it already uses every
core), so only a backend marked ``concurrent`` gets more than one job. Each
thread is summarised exactly once and its summary lands in its own slot,
whatever order the jobs finish in. A thread whose request fails gets the
rules-only record, flagged ``server-error: ...`` and not
cached, and the run goes on; once the server is known to be unusable (down,
unknown model) the remaining threads are not sent at all. ``failures``
counts them afterwards, so the command can tell a run the server helped
from one it did not help at all.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import datetime

from listsum.mail.threads import Thread
from listsum.model import Summary, ThreadReport
from listsum.summarise.base import MODEL_FREE
from listsum.summarise.server import ServerError

Progress = Callable[[str, int, int], None]
GIVE_UP_AFTER = 3  # failures in a row that mean the server, not a thread, is the problem
SERVER_ERROR = "server-error: "  # the flag of a thread the server failed on


class _Breaker:
    """Stops sending once the server is down or has failed several times in a row."""

    def __init__(self, note: Callable[[str], None]) -> None:
        self.reason = ""
        self.failures = 0
        self.note = note
        self.said: set[str] = set()  # each message once: every failed thread's flag carries it anyway
        self.lock = threading.Lock()

    def ok(self) -> None:
        with self.lock:
            self.failures = 0

    def fail(self, exc: ServerError) -> None:
        with self.lock:
            self.failures += 1
            first = not self.reason
            if exc.fatal or self.failures >= GIVE_UP_AFTER:
                self.reason = self.reason or exc.message
            new = exc.message not in self.said
            self.said.add(exc.message)
        if new:
            self.note(f"model server: {exc.message}" + (f" (hint: {exc.hint})" if exc.hint and first else ""))


def jobs_for(run: object, jobs: int) -> int:
    """--jobs as it applies to this run's backend and cache."""
    if jobs <= 1 or getattr(run, "extractive", False):
        return 1
    store = getattr(run, "store", None)
    if store is not None and not store.shareable:
        return 1  # an in-memory cache (tests) cannot be shared between threads
    try:
        backend = run.backend  # type: ignore[attr-defined]
    except ServerError:
        return 1  # each thread meets the error and falls back
    return jobs if backend.concurrent else 1


def summarise_threads(run: object, todo: list[ThreadReport], threads: Mapping[str, Thread], jobs: int = 1,
                      progress: Progress | None = None, attention: Mapping[str, str] | None = None,
                      until: datetime | None = None) -> list[Summary]:
    """A summary per thread of ``todo``, in order; also set as ``tr.summary``.
    ``attention``: thread id -> its needs-attention reason; ``until``: the window's end."""
    attention = attention or {}
    n = jobs_for(run, jobs)
    note = (lambda text: progress(text, -1, 0)) if progress else (lambda text: None)
    breaker = _Breaker(note)
    lang = run.settings.lang  # type: ignore[attr-defined]

    def one(tr: ThreadReport) -> Summary:
        why = attention.get(tr.id)
        if breaker.reason:
            return fallback(tr, threads[tr.id], breaker.reason, lang, why, until)
        try:
            summary = run.thread(tr, threads[tr.id], why, until)  # type: ignore[attr-defined]
        except ServerError as exc:
            breaker.fail(exc)
            return fallback(tr, threads[tr.id], exc.message, lang, why, until)
        breaker.ok()
        return summary

    out: list[Summary | None] = [None] * len(todo)
    started = time.monotonic()
    if n == 1:
        for i, tr in enumerate(todo):
            out[i] = tr.summary = one(tr)
            _tick(progress, run, i + 1, len(todo), n, started)
    else:
        with ThreadPoolExecutor(max_workers=n, thread_name_prefix="listsum-job") as pool:
            futures = {pool.submit(one, tr): i for i, tr in enumerate(todo)}
            for done, fut in enumerate(as_completed(futures), 1):
                i = futures[fut]
                out[i] = todo[i].summary = fut.result()
                _tick(progress, run, done, len(todo), n, started)
        store = getattr(run, "store", None)
        if store is not None:
            store.close_others()
    assert all(s is not None for s in out)  # every thread exactly once
    return out  # type: ignore[return-value]


def fallback(tr: ThreadReport, thread: Thread, reason: str, lang: str, attention: str | None = None,
             until: datetime | None = None) -> Summary:
    """The rules-only record of a thread the server could not summarise, marked."""
    from listsum.summarise.run import rules_record

    summary = rules_record(tr, thread, attention, until, lang)
    summary.fallback, summary.flags = True, [SERVER_ERROR + reason]
    return summary


@dataclass(frozen=True)
class Failures:
    """How the model server did on a report's threads."""

    threads: int = 0
    failed: int = 0  # threads given the rules-only record because the server failed
    answered: int = 0  # threads whose record a model shaped (chose or wrote), fresh or cached
    first: str = ""  # the first failed thread's error, in report order (stable under --jobs)

    @property
    def all_failed(self) -> bool:
        """The server failed and helped no thread: the report is rules alone.
        Threads that needed no model count neither way, so the verdict does
        not depend on which thread happened to reach the server first."""
        return self.failed > 0 and self.answered == 0


def failures(summaries: Iterable[Summary | None]) -> Failures:
    """Count the server-error fallbacks among ``summaries``."""
    threads = failed = answered = 0
    first = ""
    for s in summaries:
        threads += 1
        errors = [f.removeprefix(SERVER_ERROR) for f in (s.flags if s else []) if f.startswith(SERVER_ERROR)]
        if errors:
            failed += 1
            first = first or errors[0]
        elif s is not None and s.engine not in MODEL_FREE:
            answered += 1
    return Failures(threads, failed, answered, first)


def _tick(progress: Progress | None, run: object, done: int, total: int, jobs: int, started: float) -> None:
    """One call per finished thread (the bar counts threads done); the label
    carries the ETA and the throughput: tokens over wall time, so with
    several jobs it is what the server delivers, not one request's speed."""
    if progress is None:
        return
    u = run.usage  # type: ignore[attr-defined]
    wall = time.monotonic() - started
    eta = wall / done * (total - done)
    tokens = u.prompt_tokens + u.completion_tokens
    rate = f", {tokens / wall:.0f} tok/s" if tokens and wall > 0 else ""
    par = f", {jobs} jobs" if jobs > 1 else ""
    progress(f"summaries (ETA {int(eta) // 60}m{int(eta) % 60:02d}s{rate}{par})", done, total)
