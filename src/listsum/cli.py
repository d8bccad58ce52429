"""The command line: thin. Each command module reads options, builds
Settings, calls the pipeline and hands the result to a renderer.

Errors derived from ListsumError become one line on stderr and an exit code;
anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import typer

from listsum import __version__
from listsum.errors import ListsumError

app = typer.Typer(
    help="listsum: read mailing-list mail, thread it, and write a private report of a time window.\n\n"
    "Examples:\n\n"
    "  listsum report week.mbox.gz -o report.md\n\n"
    "  listsum report ~/Mail/kvmarm/ --since 2021-10-04 --until 2021-10-11 --format json -o week.json\n\n"
    "  listsum report --list kvmarm --days 7\n\n"
    "  listsum thread 20211004090341.123-1-someone@example.com --mbox week.mbox",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"listsum {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """listsum: private mailing-list digests with a local model."""


def show_error(exc: ListsumError) -> int:
    """Print a domain error as 'Error: ...' (+ hint) on stderr; its exit code."""
    typer.echo(f"Error: {exc.message}", err=True)
    if exc.hint:
        typer.echo(f"Hint: {exc.hint}", err=True)
    return exc.exit_code


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Wrap a command body: domain errors become one line and an exit code.

    main() does this for the installed command too, but CliRunner calls the
    command directly, so each command body runs inside this as well.
    LISTSUM_RAISE_ERRORS=1 keeps the traceback for debugging.
    """
    try:
        yield
    except ListsumError as exc:
        if os.environ.get("LISTSUM_RAISE_ERRORS"):
            raise
        raise typer.Exit(show_error(exc)) from None


FORMATS = ("terminal", "md", "json")


def pick_format(fmt: str | None, output: Path | None) -> str:
    """--format wins; else -o's suffix (.md, .json); else the terminal."""
    from listsum.errors import UsageError

    if fmt is not None:
        if fmt not in FORMATS:
            raise UsageError(f"unknown --format {fmt!r}", hint="use one of: " + ", ".join(FORMATS))
        return fmt
    suffix = output.suffix.lower() if output else ""
    return {".md": "md", ".markdown": "md", ".json": "json"}.get(suffix, "terminal")


def _register() -> None:
    # Each command module adds its commands to ``app``; imports stay light.
    import importlib

    for name in ("report", "models", "fetch", "config"):
        try:
            importlib.import_module(f"listsum.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"listsum.commands.{name}":
                raise


def main() -> None:
    _register()
    try:
        rc = app(standalone_mode=False)
        # Without standalone mode a typer.Exit(n) comes back as a return value.
        if isinstance(rc, int) and rc:
            sys.exit(rc)
    except ListsumError as exc:
        if os.environ.get("LISTSUM_RAISE_ERRORS"):
            raise
        sys.exit(show_error(exc))
    except SystemExit:
        raise
    except Exception as exc:  # click usage errors arrive here in non-standalone mode
        try:  # typer >= 0.29 vendors click as typer._click and raises its exceptions,
            from typer import _click as click  # even when a real click is installed (uvicorn's)
        except ImportError:
            import click

        if isinstance(exc, typer.Abort):
            sys.exit(130)
        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(2 if isinstance(exc, click.exceptions.UsageError) else 1)
        raise
