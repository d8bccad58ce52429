"""The report window: which days a report covers, from --since/--until/--days.

Accepted forms for ``--since`` and ``--until``:

- a bare date ``2021-10-04``: midnight at the start of that day in ``--tz``
  (UTC by default). For ``--until`` a bare date means *through* that day:
  ``--until 2021-10-10`` includes all of the 10th.
- an ISO datetime ``2021-10-04T12:00``, ``2021-10-04 12:00:00+02:00``; naive
  ones are read in ``--tz``. As ``--until`` it is exclusive.
- a relative span ``36h``, ``7d``, ``2w``: counted back from the anchor.

The anchor is the end of the day (in ``--tz``) of the newest message of the
input, because archives are old: "the last 7 days" of a 2021 archive means
its last week, not an empty week of today. The Window then says
``anchored_to_input``. For a fetch (``--list``) the anchor is now.

Default: the ``--days`` (7) whole days ending with the anchor's day.
Everything is computed and stored in UTC; ``--tz`` only says how to read
bare dates and how renderers show times.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from listsum.errors import UsageError
from listsum.model import Window

UTC = timezone.utc
DEFAULT_DAYS = 7
_SPAN = re.compile(r"^\s*(\d+)\s*([hdw])\s*$", re.I)
_UNIT = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class EmptyWindow(UsageError):
    """--since is not before --until (may depend on the input's newest mail)."""


_RANGE_HINT = "dates must lie between years 1 and 9999; spans and --days must fit in that range"


@dataclass(frozen=True)
class WindowSpec:
    """What the user asked for, unparsed: the CLI's three options and --tz."""

    since: str | None = None
    until: str | None = None
    days: int | None = None
    tz: str = "UTC"


def zone(name: str | None) -> ZoneInfo | timezone:
    """The --tz zone; a bad name is a usage error."""
    if not name or name.upper() == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UsageError(f"unknown time zone {name!r}", hint="use an IANA name such as Europe/Berlin") from exc


def parse_span(text: str) -> timedelta | None:
    """'36h', '7d', '2w' to a timedelta; None when ``text`` is not a span."""
    m = _SPAN.match(text)
    if not m:
        return None
    return int(m.group(1)) * _UNIT[m.group(2).lower()]


def parse_point(text: str, tz: ZoneInfo | timezone, *, end_of_day: bool = False) -> datetime:
    """A bare date or ISO datetime to aware UTC (see module docstring)."""
    text = text.strip()
    if _DATE.match(text):
        try:
            day = date.fromisoformat(text)
        except ValueError as exc:
            raise UsageError(f"not a date: {text!r}", hint="use YYYY-MM-DD") from exc
        if end_of_day:
            day += timedelta(days=1)
        return datetime.combine(day, time(), tz).astimezone(UTC)
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError as exc:
        raise UsageError(f"not a date, time or span: {text!r}",
                         hint="use YYYY-MM-DD, an ISO datetime, or a span like 36h, 7d, 2w") from exc
    if when.tzinfo is None:
        when = when.replace(tzinfo=tz)
    return when.astimezone(UTC)


def day_end(when: datetime, tz: ZoneInfo | timezone) -> datetime:
    """Midnight after ``when``'s day in ``tz``, as UTC."""
    local = when.astimezone(tz)
    nxt = datetime.combine(local.date() + timedelta(days=1), time(), tz)
    return nxt.astimezone(UTC)


def _bound(text: str | None, tz: ZoneInfo | timezone, anchor: datetime, *, is_until: bool
           ) -> tuple[datetime | None, timedelta | None]:
    """(absolute point, or None) and (relative span, or None) for one option."""
    if text is None:
        return None, None
    span = parse_span(text)
    if span is not None:
        return (anchor - span if is_until else None), span
    return parse_point(text, tz, end_of_day=is_until), None


def check(spec: WindowSpec) -> None:
    """Validate the options before any work: everything ``resolve`` would
    refuse except an empty window, which may depend on the input."""
    try:
        resolve(spec, None)
    except EmptyWindow:
        pass


def resolve(spec: WindowSpec, newest: datetime | None, *, now: datetime | None = None) -> Window:
    """The Window for ``spec``. ``newest`` is the newest input message (None
    when the input is not read yet, e.g. before a fetch: then now anchors)."""
    try:
        return _resolve(spec, newest, now)
    except OverflowError as exc:  # --days 99999999, --since 99999999d, --until 9999-12-31
        raise UsageError(f"window out of range: {_asked(spec)}", hint=_RANGE_HINT) from exc


def _asked(spec: WindowSpec) -> str:
    opts = (("--since", spec.since), ("--until", spec.until), ("--days", spec.days))
    return " ".join(f"{name} {value}" for name, value in opts if value is not None)


def _resolve(spec: WindowSpec, newest: datetime | None, now: datetime | None) -> Window:
    tz = zone(spec.tz)
    if spec.days is not None and spec.days <= 0:
        raise UsageError(f"--days must be positive, not {spec.days}")
    if spec.since is not None and spec.until is not None and spec.days is not None:
        raise UsageError("give at most two of --since, --until and --days")
    base = newest if newest is not None else (now or datetime.now(UTC))
    anchor = day_end(base, tz)
    until, _ = _bound(spec.until, tz, anchor, is_until=True)
    since, since_span = _bound(spec.since, tz, until or anchor, is_until=False)
    days = timedelta(days=spec.days or DEFAULT_DAYS)
    if since_span is not None:
        until = until or anchor
        since = until - since_span
    elif since is not None and until is None:
        # "--since X": up to the newest mail, or X + N days when --days is given.
        until = since + days if spec.days is not None else anchor
    elif until is None:
        until = anchor
    if since is None:
        since = until - days
    if since >= until:
        raise EmptyWindow(f"empty window: {since.isoformat()} is not before {until.isoformat()}")
    return Window(since=since, until=until, anchored_to_input=newest is not None and needs_anchor(spec))


def needs_anchor(spec: WindowSpec) -> bool:
    """True when the window depends on the input's newest message."""
    fixed_until = spec.until is not None and parse_span(spec.until) is None
    fixed_since = spec.since is not None and parse_span(spec.since) is None
    return not (fixed_until or (fixed_since and spec.days is not None))
