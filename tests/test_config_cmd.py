"""`listsum config path|show` read the file under LISTSUM_USER_PATH."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from listsum.cli import load_commands, app

load_commands()
runner = CliRunner()


def test_config_path_is_under_the_user_dir(_isolated_user_dir: Path) -> None:
    res = runner.invoke(app, ["config", "path"], catch_exceptions=False)
    assert res.exit_code == 0
    assert res.stdout.strip() == str(_isolated_user_dir / "config" / "config.toml")


def test_config_show_lists_keys_and_rejects_bad_toml(_isolated_user_dir: Path) -> None:
    path = _isolated_user_dir / "config" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text('model = "gemma3-270m"\nn_threads = 1\n')
    res = runner.invoke(app, ["config", "show"], catch_exceptions=False)
    assert res.exit_code == 0
    assert res.stdout.splitlines() == ["model = 'gemma3-270m'", "n_threads = 1"]
    path.write_text("model = \n")
    res = runner.invoke(app, ["config", "show"], catch_exceptions=False)
    assert res.exit_code == 2
    assert f"Error: {path}: not valid TOML" in res.stderr
