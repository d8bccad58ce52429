"""The JSON contract: real `report --format json` output against the TypedDicts."""

from __future__ import annotations

import json
import types
import typing
from pathlib import Path
from typing import Any, get_type_hints

import pytest

from listsum import pipeline
from listsum.report import json_out
from listsum.report.json_out import ReportJSON, render_json

SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sample.mbox"


def check(value: Any, hint: Any, where: str) -> None:
    """Validate ``value`` against a TypedDict/list/dict/Optional/scalar hint."""
    origin = typing.get_origin(hint)
    if typing.is_typeddict(hint):
        assert isinstance(value, dict), where
        hints = get_type_hints(hint)
        assert set(value) == set(hints), f"{where}: keys {sorted(set(value) ^ set(hints))}"
        for key, sub in hints.items():
            check(value[key], sub, f"{where}.{key}")
    elif origin in (types.UnionType, typing.Union):
        args = typing.get_args(hint)
        if value is None:
            assert type(None) in args, where
        else:
            check(value, next(a for a in args if a is not type(None)), where)
    elif origin is list:
        assert isinstance(value, list), where
        for i, item in enumerate(value):
            check(item, typing.get_args(hint)[0], f"{where}[{i}]")
    elif origin is dict:
        assert isinstance(value, dict), where
        for k, item in value.items():
            check(item, typing.get_args(hint)[1], f"{where}[{k}]")
    elif hint is int:
        assert isinstance(value, int) and not isinstance(value, bool), where
    else:
        assert isinstance(value, hint), f"{where}: {value!r} is not {hint}"


@pytest.fixture(scope="module")
def sample_json() -> dict[str, Any]:
    settings = pipeline.ReportSettings(inputs=[str(SAMPLE)], engine="none", list_url="https://lore.example.org/x")
    return json.loads(render_json(pipeline.run(settings)))


def test_sample_output_matches_schema(sample_json: dict[str, Any]) -> None:
    check(sample_json, ReportJSON, "report")
    assert sample_json["schema"] == json_out.SCHEMA == 1


def test_every_message_of_every_thread_is_listed(sample_json: dict[str, Any]) -> None:
    threads = sample_json["threads"]
    assert sum(len(t["messages"]) for t in threads) == sum(t["messages_total"] for t in threads) == 18
    assert sum(t["messages_in_window"] for t in threads) == sample_json["stats"]["messages_in_window"] == 17
    bug = next(t for t in threads if t["kind"] == "bug")
    assert [m["in_window"] for m in bug["messages"]] == [False, True]  # Dave's report is earlier context
    assert bug["messages"][0]["date"] == "2024-03-03T17:40:10+00:00"  # +0100 shown in UTC


def test_series_facts_in_json(sample_json: dict[str, Any]) -> None:
    v2 = next(t for t in sample_json["threads"] if t["subject"].startswith("[PATCH v2 0/3]"))
    s = v2["series"]
    assert s["version"] == 2 and s["review_state"] == "applied"
    assert [r["version"] for r in s["lineage"]] == [1, 2]
    assert s["lineage"][0]["thread_id"] == "20240301100000.1-0-alice@example.com"
    assert s["applied"][0]["branch"] == "next" and s["applied"][0]["by"] == "Marc Maintainer"
    assert {(t["kind"], t["person"]) for t in s["trailers"]} >= {
        ("Reviewed-by", "Bob Reviewer <bob@example.org>"), ("Acked-by", "Carol Acker <carol@example.com>")}


def test_week_output_matches_schema(week: Path) -> None:
    data = json.loads(render_json(pipeline.run(pipeline.ReportSettings(inputs=[str(week)], engine="none"))))
    check(data, ReportJSON, "report")
    assert data["stats"]["messages_in_window"] == 248
    assert sum(k["threads"] for k in data["kinds"].values()) == data["stats"]["threads"] == len(data["threads"])


def test_attention_entries_carry_their_reason_in_parts(week: Path) -> None:
    """JSON readers get the reason's code, form and fields, not only the English line
    (the corpus week: who asked for changes, which trailers v3 dropped)."""
    data = json.loads(render_json(pipeline.run(pipeline.ReportSettings(inputs=[str(week)], engine="none"))))
    entries = data["needs_attention"]
    assert entries and all(set(a) >= {"code", "form", "args"} for a in entries)
    assert {"code": "changes-requested", "form": "", "args": {"who": "Eric Auger"}}.items() <= next(
        a for a in entries if a["code"] == "changes-requested").items()
    dropped = next(a for a in entries if a["code"] == "dropped-trailers")["args"]
    assert (dropped["old"], dropped["new"]) == ("2", "3") and "Quentin Perret" in dropped["names"]
    assert all(isinstance(v, str) for a in entries for v in a["args"].values())
