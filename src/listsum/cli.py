"""The command line: thin. Each command module reads options, builds
Settings, calls the pipeline and hands the result to a renderer.

Errors derived from ListsumError become one line on stderr and an exit code
(1 nothing usable / fetch / model, 2 usage, 4 a report written without a
single summary from the model server). Anything else is a bug: it
becomes one line naming the file and message being read when known, and exit
code 3; LISTSUM_RAISE_ERRORS=1 keeps the traceback.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import typer

from listsum import __version__
from listsum.errors import INTERNAL_ERROR, ListsumError

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


def _raise_errors() -> bool:
    return os.environ.get("LISTSUM_RAISE_ERRORS", "") not in ("", "0")


def show_error(exc: ListsumError) -> int:
    """Print a domain error as 'Error: ...' (+ hint) on stderr; its exit code."""
    typer.echo(f"Error: {exc.message}", err=True)
    if exc.hint:
        typer.echo(f"Hint: {exc.hint}", err=True)
    return exc.exit_code


def show_internal(exc: BaseException) -> int:
    """A bug as one line: where (the notes readers add: file, message) and what."""
    where = "; ".join(getattr(exc, "__notes__", None) or [])
    what = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
    typer.echo(f"Internal error{' in ' + where if where else ''}: {what}", err=True)
    typer.echo("Hint: this is a bug in listsum; LISTSUM_RAISE_ERRORS=1 shows the traceback", err=True)
    return INTERNAL_ERROR


def _is_click(exc: BaseException) -> bool:
    """typer's own exits and usage errors, which it turns into exit codes itself."""
    try:
        import click
    except ModuleNotFoundError:  # typer >= 0.29 vendors click as typer._click
        from typer import _click as click
    return isinstance(exc, typer.Exit | typer.Abort | click.ClickException)


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Wrap a command body: domain errors become one line and an exit code,
    any other exception one line and exit 3 (internal error).

    main() does this for the installed command too, but CliRunner calls the
    command directly, so each command body runs inside this as well.
    LISTSUM_RAISE_ERRORS=1 keeps the traceback for debugging.
    """
    try:
        yield
    except ListsumError as exc:
        if _raise_errors():
            raise
        raise typer.Exit(show_error(exc)) from None
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:
        if _raise_errors() or _is_click(exc):
            raise
        raise typer.Exit(show_internal(exc)) from None


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


def load_commands() -> None:
    """Each command module adds its commands to ``app`` on import. A module
    that fails to import is a broken install and fails loudly."""
    from listsum.commands import config, fetch, models, report  # noqa: F401




def main() -> None:
    try:
        _main()
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:  # the last line of defence: a bug is one line and exit 3
        if _raise_errors():
            raise
        sys.exit(show_internal(exc))


def _main() -> None:
    load_commands()
    try:
        rc = app(standalone_mode=False)
        # Without standalone mode a typer.Exit(n) comes back as a return value.
        if isinstance(rc, int) and rc:
            sys.exit(rc)
    except ListsumError as exc:
        if _raise_errors():
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
