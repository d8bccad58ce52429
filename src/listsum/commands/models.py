"""Commands: `listsum models`, `listsum models path`, `listsum eval`,
`listsum cache path|prune|clear`. Thin: the work is in listsum.summarise
and listsum.store."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from listsum.cli import app, user_errors

models_app = typer.Typer(help="Local GGUF models: list them, show where they live.", no_args_is_help=False)
cache_app = typer.Typer(help="The summary cache (SQLite).", no_args_is_help=True)
app.add_typer(models_app, name="models")
app.add_typer(cache_app, name="cache")


@models_app.callback(invoke_without_command=True)
def models_list(ctx: typer.Context) -> None:
    """List available models: name, size, context length, chat template.

    Example: listsum models
    """
    if ctx.invoked_subcommand is not None:
        return
    from listsum.summarise.models import DEFAULT_NAME, available

    for m in available():
        size = f"{m.size / 1e6:.0f} MB" if m.size else "-"
        ctx_len = str(m.context_length) if m.context_length else "-"
        chat = "chat template" if m.chat_template else "no chat template"
        star = "*" if m.name == DEFAULT_NAME else " "
        typer.echo(f"{star} {m.name:<22} {size:>8}  ctx {ctx_len:>6}  {chat:<16}  {m.path}")


@models_app.command("path")
def models_path() -> None:
    """Print the directory where your own .gguf files are picked up."""
    from listsum.summarise.models import models_dirs

    typer.echo(str(models_dirs()[0]))


@app.command("eval")
def eval_cmd(
    mbox: Path = typer.Argument(..., help="mbox or mbox.gz to summarise."),
    model: str | None = typer.Option(None, help="GGUF path or model name (default: the default model)."),
    since: str | None = typer.Option(None, help="Window start (default: the last 7 days of the input)."),
    until: str | None = typer.Option(None, help="Window end."),
    limit: int | None = typer.Option(None, help="Only the first N threads."),
    n_threads: int | None = typer.Option(None, help="CPU threads for the model."),
    engine: str = typer.Option("llama", help="llama (local GGUF) or server (--endpoint)."),
    endpoint: str | None = typer.Option(None, help="OpenAI-compatible model server, e.g. http://127.0.0.1:8080/v1."),
    allow_host: list[str] = typer.Option(None, "--allow-host", help="Trust this non-loopback server host with mail."),
    jobs: int = typer.Option(1, min=1, help="Threads summarised at once (--engine server only)."),
) -> None:
    """Score a model on an mbox: grounded names, flagged identifiers, echo,
    fallback rate, tokens and time. Nothing is cached.

    Example: listsum eval week.mbox.gz --model gemma3-270m

    Example: listsum eval week.mbox.gz --engine server --endpoint http://127.0.0.1:8080/v1 --jobs 4
    """
    from listsum.summarise.eval import evaluate
    from listsum.summarise.run import SummariseSettings

    def progress(stage: str, done: int, total: int) -> None:
        if done < 0:  # a note (a server error): its own line
            sys.stderr.write(f"\n{stage}\n")
            return
        sys.stderr.write(f"\r[{done}/{total}] {stage[:70]:<70}")

    with user_errors():
        settings = SummariseSettings(engine=engine, model=model, n_threads=n_threads, endpoint=endpoint,
                                     allow_hosts=tuple(allow_host or ()), jobs=jobs)
        if engine == "server":
            from listsum.summarise.server import preflight

            preflight(settings)
        elif engine != "llama":
            from listsum.errors import UsageError

            raise UsageError(f"unknown --engine {engine!r} for eval", hint="use llama or server")
        res = evaluate(str(mbox), settings, since, until, limit, progress)
    sys.stderr.write("\n")
    for key, value in res.rows():
        typer.echo(f"{key:<20} {value}")


@cache_app.command("path")
def cache_path() -> None:
    """Print the path of the summary cache."""
    from listsum.store import db_path

    typer.echo(str(db_path()))


@cache_app.command("prune")
def cache_prune(days: float = typer.Option(30.0, help="Delete summaries older than this many days.")) -> None:
    """Delete old summaries."""
    from listsum.store import Store, open_db

    typer.echo(f"deleted {Store(open_db()).prune(days)} summaries older than {days:g} days")


@cache_app.command("clear")
def cache_clear() -> None:
    """Delete every cached summary."""
    from listsum.store import Store, open_db

    typer.echo(f"deleted {Store(open_db()).clear()} summaries")
