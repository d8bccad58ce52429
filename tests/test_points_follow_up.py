"""The author's own follow-up to their posting is shown, on both lists (fresh tuning sets)."""

from __future__ import annotations

from pathlib import Path

import pytest

from listsum import pipeline
from listsum.summarise.points import candidates, select
from listsum.window import WindowSpec


def _points_of(mbox: Path, since: str, until: str, msgid: str) -> list:
    built = pipeline.build(pipeline.ReportSettings(inputs=[str(mbox)], window=WindowSpec(since=since, until=until)))
    tr = next(t for t in built.report.threads if any(m.message_id == msgid for m in t.messages))
    cands = candidates(tr, built.threads[tr.id])
    mine = next(c for c in cands if c.msg.msgid == msgid)
    return [mine.judged.stance, mine.follows_up, [p for p in select(cands) if msgid in p.evidence]]


@pytest.mark.parametrize("which, since, until, msgid", [
    # Krzysztof Kozlowski on his own RESEND: "This note is outdated - you can apply the patch."
    ("leds", "2025-08-01", "2025-09-01", "6203a510-da79-42bf-9f85-7a2092b5057c@linaro.org"),
    # Marc Zyngier on his own PMU filtering series: "I now have a small extension to kvmtool ..."
    ("archive", "2020-02-10", "2020-02-17", "20200215130055.0995efe7@why"),
])
def test_the_authors_follow_up_on_the_posting_is_a_point(which: str, since: str, until: str, msgid: str,
                                                          request: pytest.FixtureRequest) -> None:
    stance, follows_up, shown = _points_of(request.getfixturevalue(which), since, until, msgid)
    assert stance == "other" and follows_up
    assert [p.stance for p in shown] == ["other"]
