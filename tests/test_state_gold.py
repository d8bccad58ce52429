"""State agreement with the hand-written gold sets (tests/gold/*.json, issue 11's
measure: >= 90%), on the ten tuning sets: every state differing from the gold is a KNOWN
judgement call or limitation, with its reason; a missing gold file fails."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import CORPUS

from listsum import pipeline
from listsum.window import WindowSpec

pytestmark = [pytest.mark.corpus]
GOLD = Path(__file__).resolve().parent / "gold"
# Known disagreements, each read in the mail: report thread id -> (gold, ours). A judgement
# call is one where the gold file's "method" names its reading as one of two that hold up;
# a limitation is a reading no rule here can make from the mail it has.
KNOWN: dict[str, dict[str, tuple[str, str]]] = {
    # A review of one dts patch and the author's answer, the posting itself outside the input:
    # the gold reads a question answered, we read a series under review (both hold up).
    "linux-leds-2025-11.json": {"20251027-imx8mp-hb-iiot-v1-0-683f86357818@solid-run.com": ("answered", "under-review")},
    "kvmarm-2020-02-10.json": {
        # Judgement (9): Peter Maydell's "can we do it for 32-bit as well?" asks for more work; the
        # gold reads a scope question (he doubts it belongs in this series).
        "1580215149-21492-1-git-send-email-anshuman.khandual@arm.com": ("under-review", "changes-requested"),
        # Judgement (1): no applied notice is in the input; the gold infers it from the diff
        # context of Marc's fix to 3/6, which shows the patch already in the tree.
        "20200206075711.1275-1-yuzenghui@huawei.com": ("applied", "under-review"),
        # Judgement (8): Drew's "Done." updates Zenghui's trailers in arm/queue; that v3 was
        # squashed there is said in the v2 thread, nothing in this one says applied.
        "20200213093257.23367-1-drjones@redhat.com": ("applied", "reviewed"),
    },
    "kvmarm-2020-09-14.json": {
        # Judgement (1): both patches went up in Marc's fixes pull that Paolo pulled (rule
        # "pull"); the gold counts only what the thread itself says (Will's Reviewed-by).
        "20200915104218.1284701-1-maz@kernel.org": ("reviewed", "applied"),
        # Judgement (2): Marc's "this patch is unacceptable ... requires some *major* rework"
        # carries no NAK and "I'll drop this and figure it out" is also how an author drops
        # a hunk: we read changes requested, the gold a withdrawal.
        "20200917023033.1337-1-fangying1@huawei.com": ("rejected", "changes-requested"),
    },
    "kvmarm-2019-06-10.json": {
        # Judgement: mst's "Devices should be self-describing" answers Jean-Philippe's idea for a
        # future non-DT topology; the gold reads it as not about this series.
        "20190530170929.19366-1-jean-philippe.brucker@arm.com": ("reviewed", "changes-requested"),
        # Judgement: Julien's "Nit: The*" asks a typo fix Marc (author and maintainer) accepted;
        # the gold reads accepted nits plus a withdrawn question as no verdict.
        "20190611170336.121706-1-marc.zyngier@arm.com": ("under-review", "changes-requested"),
    },
    "linux-leds-2025-03.json": {
        # Judgement (1): Pavel Machek's "LampArray is no-go" and "If you want to move this
        # forward, place a driver in drivers/leds/keyboard" hold no NAK nor a request we read;
        # the gold reads rejected, changes-requested the other way.
        "20250121225510.751444-1-wse@tuxedocomputers.com": ("rejected", "under-review"),
        # Judgement (2): Uwe's "If it's that: Nack." is conditional (Abel confirms the condition
        # only in his answer); we read his change requests.
        "20250303-leds-qcom-lpg-compute-pwm-value-using-period-v1-1-833e729e3da2@linaro.org":
            ("rejected", "changes-requested"),
        # Limitation: the v2 is a lone patch retitled "leds: led-triggers: Improvements for default
        # trigger"; lineage reads headers, and only the v2's body repeats the v1 title.
        "20250306225524.318562-1-craig@mcqueen.au": ("superseded", "changes-requested"),
        # Judgement (5): Lee's "You should also consider always Cc:ing LKML" reads as a request;
        # the gold reads process advice beside "let this sit on the list", no verdict.
        "20250311013143.371930-1-craig@mcqueen.au": ("under-review", "changes-requested"),
    },
    "linux-leds-2025-10.json": {
        # Judgement (2): Lee took 2/7 (b4 "subset"); Rob's 3/7 Reviewed-by "with those nits
        # fixed" is a trailer to us, a change request to the gold (the author will respin).
        "20250926141913.25919-1-jefflessard3@gmail.com": ("changes-requested", "applied"),
        # Judgement (1): the later series that carries 2/4 and 3/4 has another title and says
        # so only in its cover letter's prose.
        "20251008181027.662616-1-markus.probst@posteo.de": ("superseded", "changes-requested"),
    },
    "linux-leds-2026-04.json": {
        # Judgement: Lee took 4/7 of the v1 (b4 "subset") after v2 and v3 carried the rest: we
        # read superseded with patch 4 applied, the gold applied (its led_remove_lookup call).
        "20260325-ginkgo-add-usb-ir-vib-v1-0-446c6e865ad6@gmail.com": ("applied", "superseded"),
    },
}
# Fresh sets: the agreement at their first measurement (2026-12-06) may not drop; the older
# four hold the 90%.
FLOOR = {"kvmarm-2020-02-10.json": 20, "kvmarm-2020-09-14.json": 20, "kvmarm-2019-06-10.json": 11,
         "linux-leds-2025-03.json": 17, "linux-leds-2025-10.json": 24, "linux-leds-2026-04.json": 33}


@pytest.mark.parametrize("name", ["kvmarm-2021-10-04.json", "linux-leds-2025-08.json", "kvmarm-2021-01-11.json",
                                  "linux-leds-2025-11.json", *FLOOR])
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
    if name in FLOOR:
        assert len(gold["threads"]) - len(differ) >= FLOOR[name]
    else:
        assert len(differ) <= 0.1 * len(gold["threads"])
    assert differ == KNOWN.get(name, {})
