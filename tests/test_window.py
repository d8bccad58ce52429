"""window.resolve: --since/--until/--days/--tz to a UTC Window."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from listsum.errors import UsageError
from listsum.window import WindowSpec, parse_span, resolve

UTC = timezone.utc
NEWEST = datetime(2021, 10, 10, 15, 9, 10, tzinfo=UTC)  # newest mail of the week file


def d(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize("spec, since, until, anchored", [
    # default: 7 whole days ending with the newest message's day
    (WindowSpec(), d(2021, 10, 4), d(2021, 10, 11), True),
    (WindowSpec(days=3), d(2021, 10, 8), d(2021, 10, 11), True),
    # a bare --until date includes that whole day
    (WindowSpec(since="2021-10-04", until="2021-10-10"), d(2021, 10, 4), d(2021, 10, 11), False),
    # an ISO datetime --until is exclusive at that instant
    (WindowSpec(since="2021-10-04T12:00", until="2021-10-05T06:30:00+02:00"),
     d(2021, 10, 4, 12), d(2021, 10, 5, 4, 30), False),
    (WindowSpec(since="2021-10-04T00:00:00Z", days=2), d(2021, 10, 4), d(2021, 10, 6), False),
    (WindowSpec(until="2021-10-05"), d(2021, 9, 29), d(2021, 10, 6), False),
    (WindowSpec(until="2021-10-05", days=1), d(2021, 10, 5), d(2021, 10, 6), False),
    # --since alone runs to the end of the input
    (WindowSpec(since="2021-10-09"), d(2021, 10, 9), d(2021, 10, 11), True),
    # relative spans count back from the anchor
    (WindowSpec(since="36h"), d(2021, 10, 9, 12), d(2021, 10, 11), True),
    (WindowSpec(since="2w"), d(2021, 9, 27), d(2021, 10, 11), True),
    (WindowSpec(since="2d", until="2021-10-06"), d(2021, 10, 5), d(2021, 10, 7), False),
    # bare dates are read in --tz; the Window stays UTC
    (WindowSpec(since="2021-10-04", until="2021-10-04", tz="Asia/Shanghai"),
     d(2021, 10, 3, 16), d(2021, 10, 4, 16), False),
    (WindowSpec(days=1, tz="America/New_York"), d(2021, 10, 10, 4), d(2021, 10, 11, 4), True),
])
def test_resolve(spec: WindowSpec, since: datetime, until: datetime, anchored: bool) -> None:
    w = resolve(spec, NEWEST)
    assert (w.since, w.until, w.anchored_to_input) == (since, until, anchored)
    assert w.since.tzinfo is not None and w.since.utcoffset() == timedelta(0)


def test_newest_message_is_inside_default_window() -> None:
    w = resolve(WindowSpec(), NEWEST)
    assert NEWEST in w
    assert NEWEST - timedelta(days=6) in w
    assert w.until - w.since == timedelta(days=7)


def test_without_input_now_anchors() -> None:
    w = resolve(WindowSpec(days=7), None, now=d(2024, 3, 11, 8))
    assert (w.since, w.until, w.anchored_to_input) == (d(2024, 3, 5), d(2024, 3, 12), False)


@pytest.mark.parametrize("text, hours", [("36h", 36), ("7d", 168), ("2w", 336), ("3D", 72), ("x", None),
                                         ("7", None), ("2021-10-04", None)])
def test_parse_span(text: str, hours: int | None) -> None:
    span = parse_span(text)
    assert (span.total_seconds() / 3600 if span else None) == hours


@pytest.mark.parametrize("spec, words", [
    (WindowSpec(since="last tuesday"), "not a date"),
    (WindowSpec(since="2021-13-45"), "not a date"),
    (WindowSpec(since="2021-10-10", until="2021-10-04"), "empty window"),
    (WindowSpec(days=0), "--days must be positive"),
    (WindowSpec(since="2021-10-01", until="2021-10-04", days=3), "at most two"),
    (WindowSpec(tz="Mars/Olympus"), "unknown time zone"),
])
def test_bad_input_is_a_usage_error(spec: WindowSpec, words: str) -> None:
    with pytest.raises(UsageError, match=words) as info:
        resolve(spec, NEWEST)
    assert info.value.exit_code == 2
