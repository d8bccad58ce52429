"""The facts given to the model place each other revision before or after this one."""

from __future__ import annotations

from datetime import datetime, timezone

from listsum.model import Revision, SeriesFacts, ThreadReport
from listsum.summarise.digest import _series_facts

UTC = timezone.utc


def _rev(v: int, day: int) -> Revision:
    return Revision(version=v, thread_id=f"v{v}@example.com", subject=f"[PATCH v{v} 0/2] x",
                    date=datetime(2021, 10, day, tzinfo=UTC))


def test_later_revisions_are_not_called_earlier() -> None:
    series = SeriesFacts(version=2, patches=2, expected=2, has_cover=True,
                         lineage=[_rev(1, 1), _rev(2, 4), _rev(3, 8)])
    when = datetime(2021, 10, 4, tzinfo=UTC)
    tr = ThreadReport(id="v2@example.com", subject="[PATCH v2 0/2] x", kind="patch", messages=[],
                      participants=[], first=when, last=when, series=series)
    facts = _series_facts(tr)
    assert "Earlier versions: v1 (2021-10-01)" in facts
    assert "Later versions: v3 (2021-10-08)" in facts
    assert not any("v3" in f for f in facts if f.startswith("Earlier"))
