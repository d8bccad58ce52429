"""`listsum models path`, `listsum cache path|prune|clear`: exact output."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from listsum.cli import load_commands, app
from listsum.cache import Cached, Store, open_db

load_commands()


def _invoke(*args: str) -> str:
    res = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return res.output


def test_paths(_isolated_user_dir: Path) -> None:
    assert _invoke("cache", "path") == f"{_isolated_user_dir / 'cache' / 'summaries.db'}\n"
    assert _invoke("models", "path") == f"{_isolated_user_dir / 'data' / 'models'}\n"


def test_prune_and_clear() -> None:
    store = Store(open_db())
    store.put("a", "t", "en", Cached("x", "e", False))
    store.db.execute("UPDATE summaries SET created = created - 90 * 86400")
    store.db.commit()
    store.put("b", "t", "en", Cached("y", "e", False))
    assert _invoke("cache", "prune", "--days", "30") == "deleted 1 summaries older than 30 days\n"
    assert _invoke("cache", "clear") == "deleted 1 summaries\n"
    assert _invoke("cache", "clear") == "deleted 0 summaries\n"
