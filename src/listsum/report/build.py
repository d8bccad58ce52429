"""Build the Report value from threads, a window and per-thread facts.

Pure: no IO, no rendering. pipeline.py hands in what the stages produced;
this module only selects, counts and sorts.

Membership rule: a thread is reported when at least one of its messages is
in the window. All its other messages are kept as context (``in_window`` is
False), so a reply this week is shown below the patch it answers from last
month. Counts "in window" never include context.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import quote

from listsum.mail.address import name_addr
from listsum.mail.message import Message
from listsum.mail.threads import Thread
from listsum.model import MessageEntry, Problem, Report, SeriesFacts, State, Stats, ThreadReport, Window
from listsum.window import zone

LARGE = 20  # a "large thread" has more than this many messages in all
TOP = 10


@dataclass
class Inputs:
    """What the read stage reported, in the shape this module needs."""

    total: int  # messages read, after dedup
    duplicates: int = 0
    skipped: int = 0
    dates_derived: int = 0
    problems: list[Problem] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    newest: datetime | None = None


def reported_threads(threads: Sequence[Thread], window: Window) -> list[Thread]:
    """Threads with at least one message in ``window``, oldest first."""
    chosen = [t for t in threads if any(m.date in window for m in t.messages)]
    chosen.sort(key=lambda t: (t.first, t.id))
    return chosen


def message_url(list_url: str | None, msgid: str) -> str | None:
    # lore/public-inbox address a message as <list>/<msgid>/ with '/' escaped.
    if not list_url:
        return None
    return f"{list_url.rstrip('/')}/{quote(msgid, safe='@!$&()*+,;=:~._-')}/"


def person(m: Message) -> str:
    return name_addr(m.from_name, m.from_addr)


def participants(messages: Sequence[Message]) -> list[str]:
    """One entry per address, under the first name it wrote with, in thread order.

    Eric Auger signs "Eric Auger" on patches and "Auger Eric" on replies
    (<dd79d11a-800a-c90b-c180-71567a96eec3@redhat.com>): one person, not two."""
    seen: dict[str, str] = {}
    for m in messages:
        seen.setdefault((m.from_addr or m.sender).lower(), person(m))
    return list(seen.values())


def thread_report(thread: Thread, window: Window, kind: str, series: SeriesFacts | None,
                  list_url: str | None) -> ThreadReport:
    entries = [
        MessageEntry(message_id=m.msgid, date=m.date, sender=m.sender, from_addr=m.from_addr,
                     subject=m.subject, in_window=m.date in window, depth=thread.depth(m.msgid),
                     url=message_url(list_url, m.msgid), date_flag=m.date_flag)
        for m in sorted(thread.messages, key=lambda m: (m.date, m.msgid))
    ]
    people = participants(thread.messages)
    return ThreadReport(id=thread.id, subject=thread.subject, kind=kind, messages=entries,
                        participants=people, first=thread.first, last=thread.last,
                        series=series, ghost_root=thread.ghost_root)


MAX_DAYS = 3660  # ten years of rows


def per_day(threads: Sequence[ThreadReport], window: Window, tz: str) -> list[tuple[str, int]]:
    """Messages in window per day in ``tz``, every day listed (zeros too).

    A window longer than MAX_DAYS (--since 0001-01-01 gave 739,277 rows)
    lists the days from its first to its last message only."""
    zi = zone(tz)
    counts = Counter(m.date.astimezone(zi).date() for t in threads for m in t.messages if m.in_window)
    day, last = window.since.astimezone(zi).date(), (window.until - timedelta(microseconds=1)).astimezone(zi).date()
    if (last - day).days > MAX_DAYS:
        day, last = (min(counts), max(counts)) if counts else (last, last)
    out: list[tuple[str, int]] = []
    while day <= last:
        out.append((day.isoformat(), counts.get(day, 0)))
        day += timedelta(days=1)
    return out


def top_people(threads: Sequence[ThreadReport]) -> list[tuple[str, int]]:
    counts: Counter[str] = Counter()
    names: dict[str, str] = {}
    for t in threads:
        for m in t.messages:
            if m.in_window:
                key = m.from_addr or m.sender
                counts[key] += 1
                names.setdefault(key, f"{m.sender} <{m.from_addr}>" if m.from_addr and m.sender != m.from_addr
                                 else key)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]
    return [(names[k], n) for k, n in ranked]


def top_threads(threads: Sequence[ThreadReport]) -> list[tuple[str, int]]:
    ranked = sorted(threads, key=lambda t: (-t.in_window, t.first, t.id))[:TOP]
    return [(t.id, t.in_window) for t in ranked]


def stats(threads: Sequence[ThreadReport], inputs: Inputs) -> Stats:
    in_window = sum(t.in_window for t in threads)
    senders = {m.from_addr or m.sender for t in threads for m in t.messages if m.in_window}
    return Stats(
        messages_in_window=in_window,
        messages_total=inputs.total,
        threads=len(threads),
        large_threads=sum(1 for t in threads if t.total > LARGE),
        duplicates_dropped=inputs.duplicates,
        skipped=inputs.skipped,
        dates_derived=inputs.dates_derived,
        participants=len(senders),
        messages_context=sum(t.total for t in threads) - in_window,
    )


def build_report(threads: Sequence[Thread], window: Window, kinds: Mapping[str, str],
                 series: Mapping[str, SeriesFacts | None], inputs: Inputs, *, generated_at: datetime,
                 list_name: str | None = None, list_url: str | None = None, lang: str = "en",
                 tz: str = "UTC", states: Mapping[str, State] | None = None) -> Report:
    """The Report for ``threads`` (already the reported ones, oldest first)."""
    reports = [thread_report(t, window, kinds.get(t.id, "discussion"), series.get(t.id), list_url)
               for t in threads]
    for r in reports:
        r.state = (states or {}).get(r.id)
    return Report(
        generated_at=generated_at, window=window, stats=stats(reports, inputs), threads=reports,
        list_name=list_name, list_url=list_url, inputs=list(inputs.paths), problems=list(inputs.problems),
        per_day=per_day(reports, window, tz), top_people=top_people(reports), top_threads=top_threads(reports),
        lang=lang, tz=tz, newest=inputs.newest,
    )
