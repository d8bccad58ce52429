"""The only module that knows the stage order of a report.

fetch (--list) -> read (+dedup, dates) -> threads -> window -> reported
threads -> revisions over *all* threads (so a v3 this week links to its v1
of last month) -> series facts + kind per reported thread -> Report ->
summaries. Each stage lives in its own module; this one calls them and
does no work itself.

``progress`` is handed through to the stages unchanged: a callable
``progress(stage, done, total)`` (total None when unknown).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from types import ModuleType
from typing import Any

from listsum.mail.threads import Thread, build_threads
from listsum.report.build import Inputs, build_report, reported_threads
from listsum.report.i18n import label
from listsum.report.model import Problem, Report, SeriesFacts, Summary, Window
from listsum.window import WindowSpec, resolve

UTC = timezone.utc
LORE = "https://lore.kernel.org"
Progress = Callable[[str, int, "int | None"], None]


@dataclass
class ReportSettings:
    """Everything `listsum report` was asked, typed; built by the CLI."""

    inputs: list[str] = field(default_factory=list)
    window: WindowSpec = field(default_factory=WindowSpec)
    list_name: str | None = None
    server: str | None = None
    offline: bool = False
    list_url: str | None = None
    engine: str = "llama"
    model: str | None = None
    lang: str = "en"
    use_cache: bool = True

    @property
    def effective_list_url(self) -> str | None:
        if self.list_url:
            return self.list_url.rstrip("/")
        if self.list_name:
            return f"{(self.server or LORE).rstrip('/')}/{self.list_name}"
        return None


@dataclass
class Built:
    """A Report before summaries, with the threads the summariser reads."""

    report: Report
    threads: dict[str, Thread]


def _optional(name: str) -> ModuleType | None:
    """A stage module written by a teammate, or None while it (or a listsum
    module it needs) does not exist yet. A missing third-party package is a
    real error and propagates.
    """
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("listsum"):
            return None
        raise


def fetch(settings: ReportSettings, progress: Progress | None) -> tuple[list[str], Window | None]:
    """For --list: the window first (anchored at now), then the mbox of it."""
    if not settings.list_name:
        return list(settings.inputs), None
    from listsum.sources.lore import window_mbox

    window = resolve(settings.window, None)
    path = window_mbox(settings.list_name, window.since, window.until, server=settings.server,
                       offline=settings.offline, progress=progress)
    return [*settings.inputs, str(path)], window


def read(paths: Sequence[str], settings: ReportSettings, progress: Progress | None) -> tuple[list[Any], Inputs]:
    reader = _optional("listsum.sources.reader")
    read_inputs = reader.read_inputs if reader is not None else _fallback_read
    res = read_inputs(list(paths), use_cache=settings.use_cache, progress=progress)
    problems = [p if isinstance(p, Problem) else Problem(where=str(getattr(p, "where", "")),
                                                         what=str(getattr(p, "what", p)))
                for p in res.problems]
    msgs = list(res.messages)
    inputs = Inputs(total=len(msgs), duplicates=_count(res.duplicates), skipped=_skipped(res, problems),
                    dates_derived=_count(res.dates_derived), problems=problems,
                    paths=[str(p) for p in getattr(res, "inputs", paths)],
                    newest=max((m.date for m in msgs), default=None))
    return msgs, inputs


def _count(value: Any) -> int:
    return value if isinstance(value, int) else len(value)


def _skipped(res: Any, problems: list[Problem]) -> int:
    value = getattr(res, "skipped", None)
    return _count(value) if value is not None else len(problems)


def facts(threads: Sequence[Thread], chosen: Sequence[Thread]
          ) -> tuple[dict[str, str], dict[str, SeriesFacts | None]]:
    """Kind and series facts of the reported threads; revisions over all."""
    series_mod = _optional("listsum.series")
    kinds_mod = _optional("listsum.facts.kinds")
    lineage = series_mod.link_revisions(list(threads)) if series_mod else {}
    series: dict[str, SeriesFacts | None] = {}
    kinds: dict[str, str] = {}
    for t in chosen:
        series[t.id] = series_mod.series_facts(t, lineage.get(t.id, [])) if series_mod else None
        if kinds_mod:
            kinds[t.id] = kinds_mod.classify(t, series[t.id])
        else:
            kinds[t.id] = _fallback_kind(t)
    return kinds, series


def build(settings: ReportSettings, progress: Progress | None = None, *,
          now: datetime | None = None) -> Built:
    """Everything up to the Report, without summaries."""
    paths, window = fetch(settings, progress)
    messages, inputs = read(paths, settings, progress)
    if not messages:
        from listsum.errors import NothingUsable

        raise NothingUsable("no message could be read from " + ", ".join(paths),
                            hint=f"{len(inputs.problems)} problems, first: {inputs.problems[0].what}"
                            if inputs.problems else None)
    threads = build_threads(messages)
    window = window or resolve(settings.window, inputs.newest, now=now)
    chosen = reported_threads(threads, window)
    kinds, series = facts(threads, chosen)
    report = build_report(chosen, window, kinds, series, inputs, generated_at=now or datetime.now(UTC),
                          list_name=settings.list_name, list_url=settings.effective_list_url,
                          lang=settings.lang, tz=settings.window.tz)
    return Built(report=report, threads={t.id: t for t in chosen})


def summarise_settings(settings: ReportSettings) -> Any:
    from listsum.summarise.run import SummariseSettings

    return SummariseSettings(engine=settings.engine, model=settings.model, lang=settings.lang,
                             use_cache=settings.use_cache)


def summarise(built: Built, settings: ReportSettings, progress: Progress | None = None) -> None:
    """Fill the summary slots; with engine "none" say plainly no model ran."""
    run = _optional("listsum.summarise.run") if settings.engine != "none" else None
    if run is not None:
        run.summarise_report(built.report, built.threads, summarise_settings(settings), progress=progress)
    for t in built.report.threads:
        if t.summary is None:
            t.summary = Summary(text=label(settings.lang, "no_model"), engine="none")


def dry_run(built: Built, settings: ReportSettings) -> list[tuple[str, int]]:
    """(thread id, prompt tokens) per thread the summariser would run on."""
    run = _optional("listsum.summarise.run")
    if run is None or settings.engine == "none":
        return []
    return list(run.dry_run(built.report, built.threads, summarise_settings(settings)))


def run(settings: ReportSettings, progress: Progress | None = None, *, now: datetime | None = None) -> Report:
    built = build(settings, progress, now=now)
    summarise(built, settings, progress)
    return built.report


# Stand-ins until sources/reader.py and facts/kinds.py land: plain mbox
# files only, dedup by Message-ID, kind from the subject prefix.

@dataclass
class _Read:
    messages: list[Any]
    problems: list[Problem]
    duplicates: int
    dates_derived: int
    inputs: list[str]


def _fallback_read(paths: list[str], *, use_cache: bool = True, progress: Progress | None = None) -> _Read:
    from listsum.errors import InputError
    from listsum.mail.message import MalformedMessage, fix_dates, parse_message
    from listsum.sources.mbox import load_bytes, split_mbox

    seen: dict[str, Any] = {}
    problems: list[Problem] = []
    dups = 0
    for path in paths:
        if not Path(path).is_file():
            raise InputError(f"cannot read {path}: no such file")
        for raw, origin in split_mbox(load_bytes(path), path):
            try:
                msg = parse_message(raw, origin)
            except MalformedMessage as exc:
                problems.append(Problem(where=str(origin), what=str(exc)))
                continue
            dups += msg.msgid in seen
            seen.setdefault(msg.msgid, msg)
    msgs = list(seen.values())
    return _Read(msgs, problems, dups, fix_dates(msgs), list(paths))


def _fallback_kind(thread: Thread) -> str:
    subj = thread.subject.upper()
    for tag, kind in (("GIT PULL", "pull"), ("RFC", "rfc"), ("STABLE", "stable"), ("PATCH", "patch")):
        if tag in subj.split("]")[0]:
            return kind
    if "syzbot" in thread.root.from_addr:
        return "bot"
    return "question" if thread.subject.rstrip().endswith("?") else "discussion"


__all__ = ["Built", "ReportSettings", "build", "dry_run", "run", "summarise"]
