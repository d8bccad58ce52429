"""One read of each corpus file per test session (used by several test files).

Read with the parse cache off: each test has its own empty user dir, so
caching would only cost a write.
"""

from __future__ import annotations

from functools import lru_cache

from conftest import ARCHIVE, LEDS, WEEK

from listsum.mail.message import Message
from listsum.sources.reader import ReadResult, read_inputs


@lru_cache(maxsize=None)
def archive_read() -> ReadResult:
    return read_inputs([str(ARCHIVE)], use_cache=False)


@lru_cache(maxsize=None)
def week_read() -> ReadResult:
    return read_inputs([str(WEEK)], use_cache=False)


@lru_cache(maxsize=None)
def leds_read() -> ReadResult:
    return read_inputs([str(LEDS)], use_cache=False)


def by_number(result: ReadResult) -> dict[int, Message]:
    return {m.origin.number: m for m in result.messages}


def by_id(result: ReadResult) -> dict[str, Message]:
    return {m.msgid: m for m in result.messages}


@lru_cache(maxsize=None)
def _ids(corpus: str) -> dict[str, Message]:
    return by_id(archive_read() if corpus == "kvmarm" else leds_read())


def corpus_msg(corpus: str, msgid: str) -> Message:
    """One message of the kvmarm archive ("kvmarm") or linux-leds ("leds"), by id (one index per corpus)."""
    return _ids(corpus)[msgid]


def window_report(path, since: str, until: str):
    """The report (no summaries) of ``path`` for since..until, generated at a fixed time
    (2026-12-06) so "later" and staleness read the same in every run."""
    from datetime import datetime, timezone

    from listsum import pipeline
    from listsum.window import WindowSpec

    settings = pipeline.ReportSettings(inputs=[str(path)], engine="none", use_cache=False,
                                       window=WindowSpec(since=since, until=until))
    return pipeline.build(settings, now=datetime(2026, 12, 6, tzinfo=timezone.utc)).report

