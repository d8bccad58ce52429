"""`listsum fetch`, `listsum sync`, `listsum thread`: getting the mail.

Thin: options in, one call into sources/ or the pipeline (the deep dive),
a line or a rendering out. Progress lines go to stderr.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import typer

from listsum.cli import app, pick_format, user_errors
from listsum.errors import UsageError



def _say(quiet: bool):  # -> progress callable or None
    return None if quiet else (lambda line: typer.echo(line, err=True))


def _write_copy(stored: Path, output: Path) -> None:
    """Copy a stored .mbox.gz to ``output``, gunzipped unless it ends in .gz."""
    from listsum.sources.mailstore import write_atomic

    data = stored.read_bytes()
    write_atomic(output, data if output.suffix == ".gz" else gzip.decompress(data))


def _count(path: Path) -> int:
    from listsum.sources.mbox import load_bytes, split_mbox

    return sum(1 for _ in split_mbox(load_bytes(str(path)), str(path)))


@app.command("fetch")
def fetch_cmd(
    list_name: str = typer.Argument(..., help="List name on the server, e.g. kvmarm."),
    since: str | None = typer.Option(None, help="Start: YYYY-MM-DD, ISO datetime, or 36h/7d/2w back."),
    until: str | None = typer.Option(None, help="End: a bare date includes that whole day."),
    days: int | None = typer.Option(None, help="Window length in days (default 7, ending today)."),
    tz: str = typer.Option("UTC", help="Time zone for bare dates."),
    server: str | None = typer.Option(None, help="public-inbox server (default https://lore.kernel.org)."),
    threads: bool = typer.Option(True, "--threads/--no-threads", help="Whole threads of matching mail (t=1)."),
    output: Path | None = typer.Option(None, "-o", "--output", help="Also write the mbox here (.gz: compressed)."),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="No progress lines."),
) -> None:
    """Fetch a window of a list into the local store (for offline reports).

    Examples:

      listsum fetch kvmarm --days 7

      listsum fetch kvmarm --since 2021-10-04 --until 2021-10-10 -o week.mbox
    """
    with user_errors():
        from listsum.atomic import check_target
        from listsum.sources.lore import window_mbox
        from listsum.window import WindowSpec, resolve

        window = resolve(WindowSpec(since=since, until=until, days=days, tz=tz), None)
        if output is not None:
            check_target(output)
        path = window_mbox(list_name, window.since, window.until, server=server,
                           full_threads=threads, progress=_say(quiet))
        if output is not None:
            _write_copy(path, output)
        typer.echo(f"{_count(path)} messages for {window.since:%Y-%m-%d %H:%M}..{window.until:%Y-%m-%d %H:%M}"
                   f" UTC stored in {path}" + (f", written to {output}" if output else ""), err=True)


@app.command("sync")
def sync_cmd(
    list_name: str = typer.Argument(..., help="List name on the server, e.g. kvmarm."),
    server: str | None = typer.Option(None, help="public-inbox server (default https://lore.kernel.org)."),
    dest: Path | None = typer.Option(None, help="Archive directory (default: the local store)."),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="No progress lines."),
) -> None:
    """Clone or update a list's public-inbox git archive (every epoch).

    Later reports read it incrementally: `listsum report DEST` or
    `listsum report --list NAME --offline`.

    Examples:

      listsum sync kvmarm

      listsum sync kvmarm --dest ~/archives/kvmarm
    """
    with user_errors():
        from listsum.sources.sync import sync_archive

        result = sync_archive(list_name, server=server, dest=dest, progress=_say(quiet))
        for ep in result.epochs:
            what = "cloned" if ep.old_tip is None else "updated"
            typer.echo(f"epoch {ep.epoch}: {what}, {ep.new_commits} new messages ({ep.path})")
        typer.echo(f"{list_name}: {result.new_commits} new messages in {len(result.epochs)} epochs, "
                   f"archive at {result.dest}")


@app.command("thread")
def thread_cmd(
    ref: str = typer.Argument(..., help="Message-ID, <Message-ID> or a lore URL of any mail in the thread."),
    mbox: list[Path] | None = typer.Option(None, "--mbox", help="Read the thread (and other revisions) from this "
                                           "mbox/Maildir/archive; repeatable."),
    list_name: str | None = typer.Option(None, "--list", help="List on the server (default: from the URL, or 'all')."),
    server: str | None = typer.Option(None, help="public-inbox server (default: from the URL, or lore)."),
    offline: bool = typer.Option(False, help="Use only the store (or --mbox); no network."),
    output: Path | None = typer.Option(None, "-o", "--output", help="Write here (atomically); .md/.json pick the format."),
    fmt: str | None = typer.Option(None, "--format", help="terminal, md or json."),
    engine: str = typer.Option("llama", help="llama (local GGUF), server (--endpoint), extractive, or none."),
    model: str | None = typer.Option(None, help="GGUF path or model name; with --engine server, the server's model."),
    endpoint: str | None = typer.Option(None, help="OpenAI-compatible model server, e.g. http://127.0.0.1:8080/v1."),
    allow_host: list[str] = typer.Option(None, "--allow-host", help="Trust this non-loopback server host with mail."),
    lang: str = typer.Option("en", help="Summary language: en or zh."),
    git: Path | None = typer.Option(None, "--git", help="A local git tree (kernel clone): find where each patch landed."),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="No progress lines."),
) -> None:
    """Deep dive into one thread: summary, timeline, revisions v1..vN and what changed between them,
    review matrix, whether reviews were addressed, open questions, and where it landed.

    Examples:

      listsum thread https://lore.kernel.org/kvmarm/20211004090341.123-1-someone@example.com/

      listsum thread 20211004090341.123-1-someone@example.com --mbox week.mbox.gz -o dive.md --engine extractive

      listsum thread MSGID --mbox archive.mbox.gz --git ~/src/linux --engine none
    """
    with user_errors():
        from listsum import pipeline
        from listsum.commands.report import engines, server_options

        kind = pick_format(fmt, output)
        srv = server_options(engine, endpoint, allow_host or [], None)
        srv.pop("jobs")  # one thread: one model call at a time
        if engine not in engines():
            raise UsageError(f"unknown --engine {engine!r}", hint="use one of: " + ", ".join(engines()))
        if lang not in ("en", "zh"):
            raise UsageError(f"unknown --lang {lang!r}", hint="use en or zh")
        if output is not None:
            from listsum.atomic import check_target

            check_target(output, [str(p) for p in mbox or []])
        settings = pipeline.ThreadSettings(ref=ref, mbox=[str(p) for p in mbox or []], list_name=list_name,
                                           server=server, offline=offline, engine=engine, model=model,
                                           lang=lang, git=git, **srv)  # type: ignore[arg-type]
        _emit_dive(pipeline.dive(settings, progress=_say(quiet)), kind, output)


def _emit_dive(dive: object, kind: str, output: Path | None) -> None:
    from listsum.report import deepdive

    text = deepdive.render(dive, kind)  # type: ignore[arg-type]
    if output is None:
        if kind == "terminal":
            deepdive.print_terminal(dive)  # type: ignore[arg-type]
        else:
            typer.echo(text, nl=False)
        return
    from listsum.atomic import write_atomic

    write_atomic(output, text)
    typer.echo(f"wrote {output} ({kind})", err=True)
