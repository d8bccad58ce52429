"""The backend registry is the one list of engine names; model-free engines
never load a model, not even for --dry-run (issue 8)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from listsum.cli import app, load_commands
from listsum.summarise.base import REGISTRY

load_commands()
runner = CliRunner()
SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sample.mbox"


def test_engine_names_come_from_the_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    res = runner.invoke(app, ["report", str(SAMPLE), "--engine", "nope"])
    assert res.exit_code == 2
    assert res.output.splitlines()[1] == f"Hint: use one of: {', '.join(REGISTRY.engines())}"
    assert {"llama", "extractive", "none"} <= set(REGISTRY.engines())
    monkeypatch.setitem(REGISTRY.factories, "plugin", REGISTRY.factories["echo"])
    res = runner.invoke(app, ["report", str(SAMPLE), "--engine", "plugin", "--format", "json"])
    assert res.exit_code == 0, res.output  # a registered backend is an --engine value, no CLI edit


def test_extractive_dry_run_loads_no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_llama(**_: object) -> None:
        raise AssertionError("the llama backend was created")

    monkeypatch.setitem(REGISTRY.factories, "llama", no_llama)
    for engine in ("extractive", "none"):
        res = runner.invoke(app, ["report", str(SAMPLE), "--engine", engine, "--dry-run"])
        assert res.exit_code == 0, res.output
        assert "no model would run" in res.output


def test_missing_model_file_fails_before_reading(tmp_path: Path) -> None:
    res = runner.invoke(app, ["report", str(tmp_path / "missing.mbox"), "--model", str(tmp_path / "x.gguf")])
    assert res.exit_code == 1 and res.output.startswith(f"Error: GGUF file not found: {tmp_path / 'x.gguf'}")


def test_a_trailer_on_a_lone_patch_is_on_the_patch_not_a_cover_letter(tmp_path: Path) -> None:
    # The sample's "[PATCH] KVM: arm64: Fix PMU overflow ..." has no counter and no cover
    # letter: Hank's Tested-by was once said to be "on cover".
    out = tmp_path / "r.json"
    res = runner.invoke(app, ["report", str(SAMPLE), "--engine", "extractive", "--format", "json", "-o", str(out), "-q"])
    assert res.exit_code == 0, res.output
    data = json.loads(out.read_text())
    (pmu,) = [t for t in data["threads"] if "PMU overflow" in t["subject"]]
    texts = [p["text"] for p in pmu["summary"]["points"] if p["stance"] == "test"]
    assert texts == ["Tested-by on the patch"]
