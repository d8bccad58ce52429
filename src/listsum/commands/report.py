"""`listsum report`: read options, call the pipeline, render, write.

Output files are written atomically. Progress goes to stderr and appears
only for work that takes more than a second; -q silences it.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from listsum.cli import app, pick_format, user_errors
from listsum.errors import NoServerSummary, UsageError
from listsum.summarise.base import MODEL_FREE

if TYPE_CHECKING:
    from listsum.summarise.jobs import Failures


def engines() -> tuple[str, ...]:
    """--engine values, from the backend registry (summarise/base.py)."""
    from listsum.summarise.base import REGISTRY

    return REGISTRY.engines()


class _LazyProgress:
    """A rich progress bar on stderr that shows up only after a second."""

    DELAY = 1.0

    def __init__(self) -> None:
        self.start = time.monotonic()
        self.bar = None
        self.tasks: dict[str, object] = {}

    def __call__(self, stage: str, done: int, total: int | None = None) -> None:
        if done < 0:  # a note (a retry, a fetch URL): one line, always shown
            typer.echo(stage, err=True)
            return
        if self.bar is None:
            if time.monotonic() - self.start < self.DELAY:
                return
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TimeElapsedColumn(), console=Console(stderr=True), transient=True)
            self.bar.start()
        key = stage.split(" (")[0]  # "summaries (ETA ...)": one bar whose label changes
        if key not in self.tasks:
            self.tasks[key] = self.bar.add_task(stage, total=total)
        self.bar.update(self.tasks[key], completed=done, total=total, description=stage)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _check(inputs: list[Path], list_name: str | None, engine: str, lang: str) -> None:
    if not inputs and not list_name:
        raise UsageError("give an mbox/Maildir/public-inbox path, or --list NAME")
    if engine not in engines():
        raise UsageError(f"unknown --engine {engine!r}", hint="use one of: " + ", ".join(engines()))
    if lang not in ("en", "zh"):
        raise UsageError(f"unknown --lang {lang!r}", hint="use en or zh")


def _attention_options(me: str | None, stale_days: int | None) -> tuple[str | None, int]:
    """--me and --stale-days, else the config file's ``me`` / ``stale_days``, checked."""
    import tomllib

    from listsum.settings import config_path, load_config

    try:
        cfg = load_config() if me is None or stale_days is None else {}
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{config_path()}: not valid TOML ({exc})") from None
    where_me = "--me" if me is not None else f"{config_path()}: me ="
    where_days = "--stale-days" if stale_days is not None else f"{config_path()}: stale_days ="
    me = me if me is not None else cfg.get("me")
    days = stale_days if stale_days is not None else cfg.get("stale_days", 7)
    if me is not None and (not isinstance(me, str) or "@" not in me):
        raise UsageError(f"{where_me} {me!r} names no address", hint='use --me "Name <addr@example.org>"')
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        raise UsageError(f"{where_days} {days!r} must be a whole number of days, at least 1")
    return me, days


def server_options(engine: str, endpoint: str | None, allow_host: list[str], jobs: int | None
                    ) -> dict[str, object]:
    """--endpoint/--allow-host/--jobs (--jobs defaults to the config's jobs;
    the config's endpoint, trusted_hosts and timeout are read by the backend)."""
    from listsum.settings import load_config

    if engine != "server" and (endpoint or allow_host):
        raise UsageError("--endpoint and --allow-host go with --engine server")
    cfg_jobs = load_config().get("jobs", 1)
    if not isinstance(cfg_jobs, int) or cfg_jobs < 1:
        raise UsageError(f"config jobs: a whole number >= 1, got {cfg_jobs!r}")
    return dict(endpoint=endpoint, allow_hosts=tuple(allow_host), jobs=jobs or cfg_jobs)


def _render(report: object, fmt: str) -> str:
    if fmt == "json":
        from listsum.report.json_out import render_json

        return render_json(report)  # type: ignore[arg-type]
    if fmt == "md":
        from listsum.report.markdown import render_markdown

        return render_markdown(report)  # type: ignore[arg-type]
    from listsum.report.terminal import render_terminal_text

    return render_terminal_text(report, width=120)  # type: ignore[arg-type]


def _print_dry_run(plan: list[tuple[str, int]], subjects: dict[str, str]) -> None:
    if not plan:
        typer.echo("dry run: no model would run (engine none or extractive, or no threads in the window)")
        return
    for tid, tokens in plan:
        typer.echo(f"{tokens:>7}  {subjects.get(tid, tid)}")
    typer.echo(f"{sum(n for _, n in plan):>7}  total prompt tokens, {len(plan)} threads")


@app.command("report")
def report_cmd(
    inputs: list[Path] = typer.Argument(None, help="mbox, mbox.gz, Maildir or public-inbox git paths."),
    since: str | None = typer.Option(None, help="Start: YYYY-MM-DD, ISO datetime, or 36h/7d/2w back."),
    until: str | None = typer.Option(None, help="End: a bare date includes that whole day; a datetime is exclusive."),
    days: int | None = typer.Option(None, help="Window length in days (default 7)."),
    tz: str = typer.Option("UTC", help="Time zone for bare dates and displayed times (e.g. Europe/Berlin)."),
    output: Path | None = typer.Option(None, "-o", "--output", help="Write here (atomically); .md/.json pick the format."),
    fmt: str | None = typer.Option(None, "--format", help="terminal, md or json."),
    lang: str = typer.Option("en", help="Report language: en or zh."),
    engine: str = typer.Option("llama", help="llama (local GGUF), server (--endpoint), extractive, or none."),
    model: str | None = typer.Option(None, help="GGUF path or model name; with --engine server, the server's model."),
    endpoint: str | None = typer.Option(None, help="OpenAI-compatible model server, e.g. http://127.0.0.1:8080/v1."),
    allow_host: list[str] = typer.Option(None, "--allow-host", help="Trust this non-loopback server host with mail."),
    jobs: int | None = typer.Option(None, min=1, help="Threads summarised at once (--engine server only)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would be summarised and the prompt sizes."),
    list_name: str | None = typer.Option(None, "--list", help="Fetch this lore list's window first."),
    server: str | None = typer.Option(None, help="public-inbox server for --list (default lore.kernel.org)."),
    offline: bool = typer.Option(False, help="With --list: use only what was fetched before."),
    list_url: str | None = typer.Option(None, help="Archive URL used for message links."),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="No progress output."),
    me: str | None = typer.Option(None, "--me", help='"Name <addr>": list only what waits on you (config: me).'),
    stale_days: int | None = typer.Option(None, "--stale-days",
                                          help="A series with no reply this many days needs attention (default 7; "
                                               "config: stale_days)."),
) -> None:
    """Write a report of a time window: statistics, threads by kind, summaries.

    Examples:

      listsum report week.mbox.gz

      listsum report archive.mbox.gz --since 2021-10-04 --until 2021-10-10 -o week.md

      listsum report --list kvmarm --days 7 --format json -o week.json
    """
    with user_errors():
        who, stale = _attention_options(me, stale_days)
        srv = server_options(engine, endpoint, allow_host or [], jobs)
        _run(inputs or [], since, until, days, tz, output, fmt, lang, engine, model, dry_run,
             list_name, server, offline, list_url, quiet, who, stale, srv)


def _run(inputs: list[Path], since: str | None, until: str | None, days: int | None, tz: str,
         output: Path | None, fmt: str | None, lang: str, engine: str, model: str | None, dry_run: bool,
         list_name: str | None, server: str | None, offline: bool, list_url: str | None, quiet: bool,
         me: str | None = None, stale_days: int = 7, srv: dict[str, object] | None = None) -> None:
    from listsum import pipeline
    from listsum.atomic import check_target
    from listsum.window import WindowSpec, check

    kind = pick_format(fmt, output)
    _check(inputs, list_name, engine, lang)
    spec = WindowSpec(since=since, until=until, days=days, tz=tz)
    check(spec)  # a bad --tz, --days or date is a usage error before any reading
    if output is not None:
        check_target(output, [str(p) for p in inputs])
    if list_url is not None and not list_url.startswith(("https://", "http://")):
        # Message links are built from it: only a web address, never "javascript:".
        raise UsageError(f"--list-url must start with https:// or http://, not {list_url!r}")
    if model is not None and engine == "llama":  # a server names its own models
        from listsum.summarise.gguf import resolve

        resolve(model)  # a --model that does not exist fails before the reading, not after it
    settings = pipeline.ReportSettings(
        inputs=[str(p) for p in inputs], window=spec,
        list_name=list_name, server=server, offline=offline, list_url=list_url, engine=engine,
        model=model, lang=lang, me=me, stale_days=stale_days, **(srv or {}))  # type: ignore[arg-type]
    if engine == "server":
        from listsum.summarise.server import preflight

        preflight(pipeline.summarise_settings(settings))  # an untrusted host is refused before reading mail
    progress = None if quiet else _LazyProgress()
    try:
        built = pipeline.build(settings, progress)
        if dry_run:
            _print_dry_run(pipeline.dry_run(built, settings), {t.id: t.subject for t in built.report.threads})
            return
        failed = pipeline.summarise(built, settings, progress)
    finally:
        if progress is not None:
            progress.close()
    _emit(built.report, kind, output)
    _server_verdict(failed, built.report.summarised_by)


def _server_verdict(failed: Failures, server: str | None) -> None:
    """After the report is out: a model server that helped no thread is an
    error (exit 4), some failed threads a warning. Said even with -q: it is
    not progress, it says the report is not what was asked for."""
    if not failed.failed:
        return
    who = f"the model server {server}" if server else "the model server"  # its first error names the host
    if failed.all_failed:
        raise NoServerSummary(f"no summary from {who}: {failed.failed} of {failed.threads} threads have "
                              f"rules-only records, marked server-error; first error: {failed.first}")
    typer.echo(f"Warning: {who} failed on {failed.failed} of {failed.threads} threads (rules-only records, "
               f"marked server-error); first error: {failed.first}", err=True)


def _emit(report: object, kind: str, output: Path | None) -> None:
    if output is None:
        if kind == "terminal":
            from listsum.report.terminal import render_terminal

            render_terminal(report)  # type: ignore[arg-type]
        else:
            sys.stdout.write(_render(report, kind))
        return
    from listsum.atomic import write_atomic

    write_atomic(output, _render(report, kind))
    if kind == "terminal":
        from listsum.report.terminal import render_terminal

        render_terminal(report)  # type: ignore[arg-type]
    stats = report.stats  # type: ignore[attr-defined]
    typer.echo(f"wrote {output} ({kind}): {stats.threads} threads, {stats.messages_in_window} messages in window",
               err=True)
