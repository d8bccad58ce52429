"""State agreement with the hand-written gold sets (tests/gold/*.json, issue 11's
measure: >= 90%). Skipped where a gold file is not in the tree yet."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import CORPUS

from listsum import pipeline
from listsum.window import WindowSpec

pytestmark = [pytest.mark.corpus]
GOLD = Path(__file__).resolve().parent / "gold"
# Known disagreements, each read in the mail (bench/RESULTS.md, facts-state section).
KNOWN: dict[str, dict[str, tuple[str, str]]] = {
    # A review of one dts patch and the author's answer, the posting itself outside the input:
    # the gold reads a question answered, we read a series under review (both hold up).
    "linux-leds-2025-11.json": {"20251027-imx8mp-hb-iiot-v1-0-683f86357818@solid-run.com": ("answered", "under-review")},
}


@pytest.mark.parametrize("name", ["kvmarm-2021-10-04.json", "linux-leds-2025-08.json", "kvmarm-2021-01-11.json",
                                  "linux-leds-2025-11.json"])
def test_state_agrees_with_the_gold_set(name: str) -> None:
    # The tuning sets only: the held-out ones are measured (bench/RESULTS.md), never
    # written into a test a rule writer reads.
    path = GOLD / name
    gold = json.loads(path.read_text())
    settings = pipeline.ReportSettings(inputs=[str(CORPUS / gold["input"])], engine="none",
                                       window=WindowSpec(since=gold["since"], until=gold["until"]))
    report = pipeline.build(settings).report
    by_msg = {m.message_id: t for t in report.threads for m in t.messages}
    differ = {}
    for g in gold["threads"]:
        t = by_msg[g["root"]]
        assert t.state is not None
        if t.state.name != g["state"]:
            differ[t.id] = (g["state"], t.state.name)
    assert len(differ) <= 0.1 * len(gold["threads"])
    assert differ == KNOWN.get(name, {})
