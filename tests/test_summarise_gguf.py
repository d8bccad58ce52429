"""Model discovery and resolution: names, env, config, models dir, errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from listsum import settings
from listsum.errors import ModelError
from listsum.summarise import gguf as models


def test_default_is_the_installed_smollm2() -> None:
    path = models.resolve(None)
    assert path.name == "SmolLM2-135M-Instruct.Q4_1.gguf" and path.stat().st_size == 98_362_432


def test_smollm2_metadata_from_header() -> None:
    info = models.info(models.resolve("smollm2"))
    assert (info.architecture, info.context_length, info.chat_template) == ("llama", 8192, True)


def test_env_and_config_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LISTSUM_MODEL", str(tmp_path / "nope.gguf"))
    with pytest.raises(ModelError, match="GGUF file not found: .*nope.gguf") as exc:
        models.resolve(None)
    assert "LISTSUM_MODEL" in exc.value.hint
    assert models.resolve("smollm2").name.startswith("SmolLM2")  # --model wins over the env
    monkeypatch.delenv("LISTSUM_MODEL")
    settings.config_path().parent.mkdir(parents=True, exist_ok=True)
    settings.config_path().write_text('model = "no-such-model"\n')
    with pytest.raises(ModelError, match="no model named 'no-such-model'"):
        models.resolve(None)


def test_models_dir_by_stem(tmp_path: Path) -> None:
    mine = settings.data_dir() / "models"
    mine.mkdir(parents=True)
    shutil.copy(models.resolve("smollm2"), mine / "my-tiny-model.gguf")
    assert models.resolve("my-tiny-model") == mine / "my-tiny-model.gguf"
    assert any(m.name == "my-tiny-model" and m.source == "models dir" for m in models.available())


def test_corrupt_and_truncated_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"PK\x03\x04 not a gguf")
    with pytest.raises(ModelError, match="not a GGUF file"):
        models.info(bad)
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(models.resolve("smollm2").read_bytes()[:5000])
    with pytest.raises(ModelError, match="corrupt GGUF header"):
        models.info(cut)


def test_models_command_lists_both(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from listsum.cli import load_commands, app

    load_commands()
    res = CliRunner().invoke(app, ["models"], catch_exceptions=False)
    assert res.exit_code == 0
    lines = res.output.splitlines()
    assert lines[0].startswith("* smollm2") and "98 MB" in lines[0] and "ctx   8192  chat template" in lines[0]
    assert "chooses: no, prose: no" in lines[0]  # its shipped eval --gold figures (gates.json)
    assert any(ln.startswith("  gemma3-270m") and "no chat template" in ln for ln in lines)
