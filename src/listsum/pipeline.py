"""The only module that knows the stage order, for both jobs.

A report (``build`` + ``summarise``): fetch (--list) -> read (+dedup,
dates) -> threads -> window -> reported threads -> revisions over *all*
threads (so a v3 this week links to its v1 of last month) -> series facts +
kind per reported thread -> Report -> summaries.

A deep dive (``dive``): the same stages for one thread, see below.

Each stage lives in its own module; this one calls them and does no work
itself.

``progress`` is one callable ``progress(stage, done, total)`` (total None
when unknown; ``done == -1`` means ``stage`` is a one-line note such as a
retry); this module adapts it to each stage's own callback.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from listsum.facts import attention
from listsum.facts.kinds import classify
from listsum.facts.state import thread_state
from listsum.forkmap import fork_map
from listsum.mail.threads import Thread, build_threads
from listsum.report.build import Inputs, build_report, reported_threads
from listsum.report.i18n import label
from listsum.model import Report, SeriesFacts, State, Summary, Window
from listsum.lineage import link_orphans, link_revisions
from listsum.sources.lore import list_url_of
from listsum.series import pulled_patches, series_facts
from listsum.sources.reader import ReadResult, read_inputs
from listsum.summarise.base import MODEL_FREE
from listsum.window import WindowSpec, resolve

if TYPE_CHECKING:  # the summarise stage and the deep dive load only when a run needs them
    from listsum.deepdive import DeepDive
    from listsum.summarise.jobs import Failures
    from listsum.summarise.run import SummariseSettings

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
    me: str | None = None  # "Name <addr>": needs_attention filtered to what waits on this person
    stale_days: int = attention.STALE_DAYS  # a series with no reply this long needs attention

    endpoint: str | None = None  # --engine server
    allow_hosts: tuple[str, ...] = ()
    jobs: int = 1
    timeout: float | None = None

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


def fetch(settings: ReportSettings, progress: Progress | None) -> tuple[list[str], Window | None]:
    """For --list: the window first (anchored at now), then the mbox of it."""
    if not settings.list_name:
        return list(settings.inputs), None
    from listsum.sources.lore import window_mbox

    window = resolve(settings.window, None)
    # lore reports status lines ("fetching URL", retries) as stages: show them as notes.
    on_note = (lambda text, done=0, total=None: progress(text, -1, None)) if progress else None
    path = window_mbox(settings.list_name, window.since, window.until, server=settings.server,
                       offline=settings.offline, progress=on_note)
    return [*settings.inputs, str(path)], window


def read(paths: Sequence[str], settings: ReportSettings, progress: Progress | None) -> tuple[list[Any], Inputs]:
    on_read = (lambda done, total: progress("reading", done, total)) if progress else None
    res = read_inputs(list(paths), use_cache=settings.use_cache, progress=on_read)
    msgs = list(res.messages)
    inputs = Inputs(total=len(msgs), duplicates=res.duplicates, skipped=_skipped(res, msgs), dates_derived=res.dates_derived,
                    problems=list(res.problems), paths=list(res.inputs),
                    newest=max((m.date for m in msgs), default=None))
    return msgs, inputs


def _skipped(res: ReadResult, kept: list[Any]) -> int:
    # A problem naming a message we did not keep is a skipped message; other
    # problems are header oddities of kept mail, or about a whole input.
    origins = {str(m.origin) for m in kept}
    return len({p.where for p in res.problems if ", message " in p.where and p.where not in origins})


def facts(threads: Sequence[Thread], chosen: Sequence[Thread], window: Window | None = None
          ) -> tuple[dict[str, str], dict[str, SeriesFacts | None]]:
    """Kind and series facts of the reported threads; revisions over all.
    States are as of ``window``'s end: later mail never sets them."""
    lineage = link_revisions(list(threads))
    lineage.update(link_orphans(list(threads), lineage, list(chosen)))
    pulled = pulled_patches(list(threads))  # series applied through a pull request in another thread
    # Threads are independent from here: with two cores a forked child takes half (forkmap.py).
    series = fork_map(lambda t: series_facts(t, lineage.get(t.id, []), window, pulled), list(chosen),
                      lambda t: len(t.messages), key=lambda t: t.id)
    kinds = {t.id: classify(t, series[t.id]) for t in chosen}
    return kinds, series


def states(chosen: Sequence[Thread], series: dict[str, SeriesFacts | None], window: Window) -> dict[str, State]:
    """Every reported thread's State: its series', else new/answered."""
    return {t.id: (s.state if (s := series.get(t.id)) is not None and s.state is not None
                   else thread_state(t, window)) for t in chosen}


def _list_url(settings: ReportSettings, messages: list[Any]) -> str | None:
    """--list-url / --list, else lore's archive named by the mail's own List-Id."""
    return settings.effective_list_url or list_url_of([m.list_id for m in messages], settings.server)


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
    kinds, series = facts(threads, chosen, window)
    report = build_report(chosen, window, kinds, series, inputs, generated_at=now or datetime.now(UTC),
                          list_name=settings.list_name, list_url=_list_url(settings, messages),
                          lang=settings.lang, tz=settings.window.tz, states=states(chosen, series, window))
    attend = attention.needs_attention(report, {t.id: t for t in threads}, stale_days=settings.stale_days)
    report.me = settings.me
    report.needs_attention = attention.for_me(attend, settings.me) if settings.me else attend
    return Built(report=report, threads={t.id: t for t in chosen})


def summarise_settings(settings: ReportSettings) -> Any:
    from listsum.summarise.run import SummariseSettings

    return SummariseSettings(engine=settings.engine, model=settings.model, lang=settings.lang,
                             use_cache=settings.use_cache, endpoint=settings.endpoint,
                             allow_hosts=tuple(settings.allow_hosts), jobs=settings.jobs, timeout=settings.timeout)


def summarise(built: Built, settings: ReportSettings, progress: Progress | None = None) -> Failures:
    """Fill the summary slots; with engine "none" say plainly no model ran.
    Returns how the model server did (no failures for the other engines)."""
    from listsum.summarise.jobs import failures

    if settings.engine != "none":
        from listsum.summarise import run  # lazy: llama and friends load only when summarising

        run.summarise_report(built.report, built.threads, summarise_settings(settings), progress=progress)
    for t in built.report.threads:
        if t.summary is None:
            t.summary = Summary(text=label(settings.lang, "no_model"), engine="none")
    return failures(t.summary for t in built.report.threads)


def dry_run(built: Built, settings: ReportSettings) -> list[tuple[str, int]]:
    """(thread id, prompt tokens) per thread the summariser would run on;
    none for engines that run no model (none, extractive): nothing to load."""
    if settings.engine in MODEL_FREE:
        return []
    from listsum.summarise import run

    return list(run.dry_run(built.report, built.threads, summarise_settings(settings)))


def run(settings: ReportSettings, progress: Progress | None = None, *, now: datetime | None = None) -> Report:
    built = build(settings, progress, now=now)
    summarise(built, settings, progress)
    return built.report


# --- the deep dive: the same stages for one thread ------------------------
#
# sources (--mbox, the store, the server; gather.py adds the other
# revisions) -> messages -> threads -> the thread asked about and its series
# -> facts (timeline, review matrix, questions; revisions compared, the
# landing in --git) -> its summary, the record `listsum report` would write.

Note = Callable[[str], None]  # the deep dive's progress: one line per step


@dataclass
class ThreadSettings:
    """Everything `listsum thread` was asked, typed; built by the CLI."""

    ref: str  # Message-ID, <Message-ID> or a lore URL
    mbox: list[str] = field(default_factory=list)
    list_name: str | None = None
    server: str | None = None
    offline: bool = False
    engine: str = "llama"
    model: str | None = None
    lang: str = "en"
    git: Path | None = None
    endpoint: str | None = None  # --engine server, as for `listsum report`
    allow_hosts: tuple[str, ...] = ()
    timeout: float | None = None


def dive(settings: ThreadSettings, progress: Note | None = None) -> DeepDive:
    """`listsum thread`: get the mail, then the deep dive of the thread."""
    from listsum.sources import lore
    from listsum.summarise.run import SummariseSettings

    summarise = SummariseSettings(engine=settings.engine, model=settings.model, lang=settings.lang,
                                  endpoint=settings.endpoint, allow_hosts=tuple(settings.allow_hosts),
                                  timeout=settings.timeout)
    if summarise.engine == "server":
        from listsum.summarise.server import preflight

        preflight(summarise)  # an untrusted or missing endpoint is refused before any mail is read
    msgid, paths, list_name, server = thread_sources(settings, progress)
    messages = read_inputs(paths).messages
    if progress is not None and len(messages) > 2000:  # threading and linking an archive take a second or more
        progress(f"threading {len(messages)} messages and linking revisions")
    out = deep_dive(messages, msgid, paths, summarise, git=settings.git, progress=progress)
    if list_name and list_name != "all":
        out.list_url = f"{lore.server_url(server)}/{list_name}"
    return out


def thread_sources(settings: ThreadSettings, progress: Note | None
                   ) -> tuple[str, list[str], str | None, str | None]:
    """(message id, input paths, list, server): the thread's own mail (--mbox,
    else fetched or stored) and every file gather.py finds other revisions in."""
    from listsum.gather import gather
    from listsum.sources import lore

    url_server, url_list, msgid = lore.parse_thread_ref(settings.ref)
    server, list_name = settings.server or url_server, settings.list_name or url_list
    if settings.git is not None:
        from listsum.sources.gittree import check_repo

        check_repo(settings.git)  # before any fetching: a typo in --git fails at once
    first = list(settings.mbox) or [str(lore.thread_mbox(
        msgid, list_name=list_name, server=server, offline=settings.offline, progress=progress))]
    use_server = not settings.offline and (not settings.mbox or settings.server is not None)
    # --mbox names its inputs; the store joins them when a list is named (--list or a URL).
    use_store = not settings.mbox or list_name is not None
    paths = gather(msgid, first, list_name=list_name, server=server, use_server=use_server, use_store=use_store,
                   progress=progress)
    if progress is not None:
        progress(f"reading {len(paths)} input{'s' if len(paths) != 1 else ''} for the thread and its other revisions")
    return msgid, paths, list_name, server


def deep_dive(messages: list[Any], msgid: str, sources: list[str] | None = None,
              summarise: SummariseSettings | None = None, git: Path | None = None,
              progress: Note | None = None) -> DeepDive:
    """The deep dive of the thread holding ``msgid``; ``messages`` may hold
    other threads too (other revisions of the series, unrelated mail). With
    ``summarise`` (SummariseSettings), its summary; with ``git``, where the
    newest revision's patches landed in that tree."""
    from listsum import deepdive
    from listsum.errors import InputError

    threads = build_threads(messages)
    thread = deepdive.find_thread(threads, msgid)
    if thread is None:
        raise InputError(f"message <{msgid}> is not in {', '.join(sources or ['the input'])}")
    # The report's stages (revisions, orphans, pulls) for this one thread: its state and lineage
    # are the ones `listsum report` gives it (a separate link_revisions pass here missed pulls
    # and orphan lineages: 81 kvmarm threads differed).
    series = facts(threads, [thread])[1][thread.id]
    revisions = deepdive.revisions(thread, threads, series)
    out = deepdive.record(thread, revisions, series, list(sources or []))
    out.list_url = list_url_of([m.list_id for m in thread.messages])  # as for a report; --list wins in dive()
    _compare_revisions(out, series, threads, git, progress)
    if summarise is not None:
        out.summary = _thread_summary(thread, out.kind, series, out.sources, summarise, len(messages), progress)
    return out


def _compare_revisions(out: DeepDive, series: SeriesFacts | None, threads: list[Thread], git: Path | None,
                       progress: Note | None) -> None:
    """Steps between revisions, applied replies, and with ``git`` the landing."""
    from listsum import thread_revisions as tr

    if series is None:
        return
    chosen = tr.pick_postings(series.lineage, {t.id: t for t in threads})
    if progress is not None and len(chosen) > 1:
        progress(f"comparing {len(chosen)} revisions: " + ", ".join(f"v{p.revision}" for p, _ in chosen))
    out.steps = tr.revision_steps(chosen, progress)
    out.applied = tr.applied_all(chosen)
    if git is not None:
        out.landed, out.landed_in = tr.landed(chosen, git, progress), str(git)


def _thread_summary(thread: Thread, kind: str, series: SeriesFacts | None, sources: list[str],
                    settings: SummariseSettings, total: int, progress: Note | None = None) -> Summary:
    """The summary `listsum report` would write for this thread: the same
    one-thread Report (report/build.py, every mail in the window) through
    the same summariser run, cache included."""
    from listsum.summarise.run import Run

    if settings.engine == "none":
        return Summary(text=label(settings.lang, "no_model"), engine="none")
    window = Window(thread.first, thread.last + timedelta(microseconds=1))
    report = build_report([thread], window, {thread.id: kind}, {thread.id: series},
                          Inputs(total=total, paths=list(sources)), generated_at=datetime.now(UTC),
                          lang=settings.lang)
    # Run.thread is the per-thread step of summarise_report; summarise_report
    # would also write a week overview, a second model call that for one
    # thread says the same again.
    run = Run(settings)
    if progress is not None:
        progress(run.plan())  # what happens, not what was asked: a gate may keep the model to the rules
    return run.thread(report.threads[0], thread)


__all__ = ["Built", "ReportSettings", "ThreadSettings", "build", "deep_dive", "dive", "dry_run", "run",
           "summarise"]
