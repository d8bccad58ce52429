"""`listsum report` through typer's CliRunner: exit codes, formats, files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import listsum.commands.report  # noqa: F401 - registers the command
from listsum.cli import app

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "examples" / "sample.mbox"
runner = CliRunner()


def invoke(*args: str) -> object:
    return runner.invoke(app, ["report", *args], catch_exceptions=False)


def test_missing_file_exits_1_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "nope.mbox"
    result = invoke(str(missing), "--engine", "none")
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: no such file or directory: {missing}"


def test_not_mail_exits_1(tmp_path: Path) -> None:
    junk = tmp_path / "junk.mbox"
    junk.write_bytes(b"")
    result = invoke(str(junk), "--engine", "none")
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and str(junk) in result.output


@pytest.mark.parametrize("args, words", [
    (["--since", "yesterday-ish"], "Error: not a date, time or span: 'yesterday-ish'"),
    (["--since", "2024-03-09", "--until", "2024-03-01"], "Error: empty window"),
    (["--tz", "Nowhere/Special"], "Error: unknown time zone 'Nowhere/Special'"),
    (["--format", "pdf"], "Error: unknown --format 'pdf'"),
    (["--engine", "gpt"], "Error: unknown --engine 'gpt'"),
])
def test_bad_options_exit_2(args: list[str], words: str) -> None:
    result = invoke(str(SAMPLE), "--engine", "none", *args)
    assert result.exit_code == 2
    assert result.output.startswith(words)


def test_no_input_is_usage_error() -> None:
    result = invoke("--engine", "none")
    assert result.exit_code == 2 and "--list" in result.output


def test_json_file_by_suffix(tmp_path: Path) -> None:
    out = tmp_path / "week.json"
    result = invoke(str(SAMPLE), "--engine", "none", "-q", "-o", str(out))
    assert result.exit_code == 0
    assert result.output == f"wrote {out} (json): 8 threads, 17 messages in window\n"
    data = json.loads(out.read_text())
    assert data["window"] == {"since": "2024-03-05T00:00:00+00:00", "until": "2024-03-12T00:00:00+00:00",
                              "anchored_to_input": True}
    assert data["stats"]["messages_total"] == 23 and data["stats"]["messages_context"] == 1
    assert not list(tmp_path.glob(".*.tmp"))  # the atomic write left no temp file


def test_markdown_to_stdout_and_file(tmp_path: Path) -> None:
    result = invoke(str(SAMPLE), "--engine", "none", "--format", "md", "--list-url", "https://lore.example.org/kvmarm")
    assert result.exit_code == 0
    assert "[lore](https://lore.example.org/kvmarm/87applied.wl-marc@example.org/)" in result.output
    out = tmp_path / "r.md"
    assert invoke(str(SAMPLE), "--engine", "none", "-o", str(out)).exit_code == 0
    assert out.read_text().startswith("# Mailing list report\n")


def test_terminal_default_prints_statistics() -> None:
    result = invoke(str(SAMPLE), "--engine", "none", "--since", "2024-03-01", "--until", "2024-03-11")
    assert result.exit_code == 0
    assert "Messages in window" in result.output and "23" in result.output
    assert "No model ran: summary not generated" in result.output


def test_window_options_change_membership(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    assert invoke(str(SAMPLE), "--engine", "none", "--since", "2024-03-09", "--days", "1", "-o", str(out)).exit_code == 0
    data = json.loads(out.read_text())
    assert data["stats"]["messages_in_window"] == 2  # Hank's Tested-by and Marc's "Applied"
    assert sorted(t["subject"] for t in data["threads"]) == [
        "Re: [PATCH] KVM: arm64: Fix PMU overflow handling on big-endian hosts",
        "[PATCH v2 0/3] KVM: arm64: vgic-its: Tidy up table save/restore",
    ]


def test_dry_run_with_engine_none_runs_nothing() -> None:
    result = invoke(str(SAMPLE), "--engine", "none", "--dry-run")
    assert result.exit_code == 0
    assert result.output.startswith("dry run: no model would run")
