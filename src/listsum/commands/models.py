"""Commands: `listsum models`, `listsum models path`, `listsum eval`,
`listsum cache path|prune|clear`. Thin: the work is in listsum.summarise
and listsum.cache."""

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
    from listsum.summarise.gguf import DEFAULT_NAME, available

    for m in available():
        size = f"{m.size / 1e6:.0f} MB" if m.size else "-"
        ctx_len = str(m.context_length) if m.context_length else "-"
        chat = "chat template" if m.chat_template else "no chat template"
        star = "*" if m.name == DEFAULT_NAME else " "
        typer.echo(f"{star} {m.name:<22} {size:>8}  ctx {ctx_len:>6}  {chat:<16}  {_gate(m.path):<22}  {m.path}")


def _gate(path: Path) -> str:
    """What the model's eval --gold figures let it do by default (summarise/gates.py)."""
    from listsum.summarise.gates import figures, gate_for
    from listsum.summarise.llama import file_hash

    if not path.exists():
        return "gate: not measured"
    h = file_hash(path)
    g = gate_for(h)
    return f"chooses: {'yes' if g.choose else 'no'}, prose: {'yes' if g.prose else 'no'}" if figures(h) \
        else "gate: not measured"


@models_app.command("path")
def models_path() -> None:
    """Print the directory where your own .gguf files are picked up."""
    from listsum.summarise.gguf import models_dirs

    typer.echo(str(models_dirs()[0]))


@app.command("eval")
def eval_cmd(
    mbox: Path | None = typer.Argument(None, help="mbox or mbox.gz to summarise (with --gold: its input by default)."),
    model: str | None = typer.Option(None, help="GGUF path or model name (default: the default model)."),
    since: str | None = typer.Option(None, help="Window start (default: the last 7 days of the input)."),
    until: str | None = typer.Option(None, help="Window end."),
    limit: int | None = typer.Option(None, help="Only the first N threads."),
    n_threads: int | None = typer.Option(None, help="CPU threads for the model."),
    gold: Path | None = typer.Option(None, "--gold", help="Score records against this gold set (tests/gold/README.md)."),
    engine: list[str] = typer.Option(None, "--engine", help="llama (local GGUF) or server (--endpoint); with --gold, "
                                     "repeat to compare engines (default: extractive and llama)."),
    endpoint: str | None = typer.Option(None, help="OpenAI-compatible model server, e.g. http://127.0.0.1:8080/v1."),
    allow_host: list[str] = typer.Option(None, "--allow-host", help="Trust this non-loopback server host with mail."),
    jobs: int = typer.Option(1, min=1, help="Threads summarised at once (--engine server only)."),
    record_gate: bool = typer.Option(False, "--record", help="With --gold: record the model's figures as its gate "
                                     "(whether it chooses and writes prose by default)."),
    misses: bool = typer.Option(False, "--misses", help="With --gold: list each gold point missed, each "
                                "noise point and each state that differs, per engine."),
) -> None:
    """Score a model on an mbox: the records it shapes (points and their
    evidence, stances it changed, prose passed or rejected), server errors,
    model calls, tokens and time. With --gold FILE: state agreement,
    key-point recall, points without evidence, stance accuracy and noise per
    engine. Nothing is cached.

    Examples: listsum eval week.mbox.gz --model gemma3-270m

      listsum eval week.mbox.gz --engine server --endpoint http://127.0.0.1:8080/v1 --jobs 4

      listsum eval --gold tests/gold/kvmarm-2021-10-04.json --engine extractive --engine llama
    """
    from listsum.summarise.run import SummariseSettings

    def progress(stage: str, done: int, total: int) -> None:
        if done < 0:  # a note (a server error): its own line
            sys.stderr.write(f"\n{stage}\n")
            return
        sys.stderr.write(f"\r[{done}/{total}] {stage[:70]:<70}")

    with user_errors():
        server = dict(endpoint=endpoint, allow_hosts=tuple(allow_host or ()), jobs=jobs)
        engines = engine or (["extractive", "llama"] if gold is not None else ["llama"])
        if "server" in engines:
            from listsum.summarise.server import preflight

            preflight(SummariseSettings(engine="server", model=model, **server))  # before any mail is read
        if gold is not None:
            _eval_gold(gold, mbox, engines, model, n_threads, record_gate, server, misses)
            return
        from listsum.errors import UsageError

        if mbox is None:
            raise UsageError("give an mbox, or --gold FILE")
        if len(engines) != 1 or engines[0] not in ("llama", "server"):
            raise UsageError(f"unknown --engine {' '.join(engines)!r} for eval", hint="use llama or server")
        from listsum.summarise.eval import evaluate

        settings = SummariseSettings(engine=engines[0], model=model, n_threads=n_threads, **server)
        res = evaluate(str(mbox), settings, since, until, limit, progress)
    sys.stderr.write("\n")
    for key, value in res.rows():
        typer.echo(f"{key:<23} {value}")


def _eval_gold(path: Path, mbox: Path | None, engines: list[str], model: str | None, n_threads: int | None,
               record_gate: bool, server: dict[str, object] | None = None, misses: bool = False) -> None:
    """One column per engine; a model engine chooses and writes prose whatever
    its gate says, so what the gate is set from is measured."""
    from listsum.summarise import gates
    from listsum.summarise import gold as goldmod

    g = goldmod.load(path)
    source = goldmod.find_input(g, mbox)
    rules = ("extractive", "none")
    scores = [goldmod.evaluate(g, source, e, model, n_threads, prose=None if e in rules else True,
                               choose=None if e in rules else True, server=server) for e in engines]
    typer.echo(f"gold: {path} ({len(g.threads)} threads), input: {source}")
    for (key, _), *values in zip(scores[0].rows(), *[s.rows() for s in scores]):
        typer.echo(f"{key:<24} " + "".join(f"{v[1]:<34}" for v in values).rstrip())
    if misses:
        for s in scores:
            typer.echo(f"\n{s.engine}:")
            for line in [f"state   {m}" for m in s.state_misses] + s.misses:
                typer.echo(f"  {line}")
    if record_gate:
        # The gate compares the model with the rules on the same gold set: without
        # an extractive column (eval --engine llama --record) it once compared with
        # 0% and let any model choose.
        rules = next((s for s in scores if s.engine == "extractive"), None) or goldmod.evaluate(g, source, "extractive")
        for s in scores:
            if s.model_hash:
                fig = {**s.figures(), "stance_accuracy_model": s.figures()["stance_accuracy"],
                       "stance_accuracy_rules": rules.figures()["stance_accuracy"]}
                where = gates.record(s.model_hash, s.model_id, path.name, fig)
                gate = gates.decide(gates.figures(s.model_hash) or {})
                typer.echo(f"recorded {s.model_id} on {path.name} in {where}: choose={gate.choose}, prose={gate.prose}")


@cache_app.command("path")
def cache_path() -> None:
    """Print the path of the summary cache."""
    from listsum.cache import db_path

    typer.echo(str(db_path()))


@cache_app.command("prune")
def cache_prune(days: float = typer.Option(30.0, help="Delete summaries older than this many days.")) -> None:
    """Delete old summaries."""
    from listsum.cache import Store, open_db

    typer.echo(f"deleted {Store(open_db()).prune(days)} summaries older than {days:g} days")


@cache_app.command("clear")
def cache_clear() -> None:
    """Delete every cached summary."""
    from listsum.cache import Store, open_db

    typer.echo(f"deleted {Store(open_db()).clear()} summaries")
