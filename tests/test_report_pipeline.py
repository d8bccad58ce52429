"""pipeline.build on the real corpus: membership, counts, order, context.

Window counts are checked against an independent reading of the raw Date:
headers (regex + email.utils), not against listsum's own parser.
"""

from __future__ import annotations

import gzip
import re
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from listsum import pipeline
from listsum.model import Report
from listsum.window import WindowSpec

pytestmark = pytest.mark.corpus
UTC = timezone.utc
_DATE = re.compile(rb"^Date:[ \t]*(.*)$", re.M | re.I)
_MSGID = re.compile(rb"^Message-ID:[ \t]*<([^>]+)>", re.M | re.I)


def raw_dates(path: Path) -> dict[str, datetime]:
    """Message-ID -> Date: header as UTC, read with nothing but regexes."""
    data = gzip.decompress(path.read_bytes())
    out: dict[str, datetime] = {}
    for chunk in re.split(rb"^From mboxrd@z .*$", data, flags=re.M)[1:]:
        head = chunk.split(b"\n\n", 1)[0]
        mid, date = _MSGID.search(head), _DATE.search(head)
        if mid and date:
            out.setdefault(mid.group(1).decode(), parsedate_to_datetime(date.group(1).decode().strip())
                           .astimezone(UTC))
    return out


def _run(settings: pipeline.ReportSettings) -> Report:
    built = pipeline.build(settings)
    pipeline.summarise(built, settings)
    return built.report


@pytest.fixture(scope="module")
def week_report(week: Path) -> Report:
    return _run(pipeline.ReportSettings(inputs=[str(week)], engine="none", list_url="https://lore.kernel.org/kvmarm"))


@pytest.fixture(scope="module")
def archive_report(archive: Path) -> Report:
    return _run(pipeline.ReportSettings(inputs=[str(archive)], engine="none",
                                        window=WindowSpec(since="2021-10-04", until="2021-10-10")))


def test_week_counts(week_report: Report, week: Path) -> None:
    raw = raw_dates(week)
    assert len(raw) == 248
    newest = max(raw.values())
    w = week_report.window
    # default window: the 7 days ending with the newest message's day
    assert w.anchored_to_input and newest in w
    assert (w.since, w.until) == (datetime(2021, 10, 4, tzinfo=UTC), datetime(2021, 10, 11, tzinfo=UTC))
    s = week_report.stats
    assert s.messages_total == 248
    assert s.messages_in_window == sum(1 for d in raw.values() if d in w) == 248
    assert s.messages_context == 0 and s.skipped == 0
    assert sum(n for _, n in week_report.per_day) == 248
    assert [d for d, _ in week_report.per_day] == [f"2021-10-{i:02d}" for i in range(4, 11)]
    assert s.threads == len(week_report.threads) and s.threads > 20
    assert s.large_threads == sum(1 for t in week_report.threads if t.total > 20) >= 1


def test_week_threads_sorted_and_in_window(week_report: Report) -> None:
    threads = week_report.threads
    assert [(t.first, t.id) for t in threads] == sorted((t.first, t.id) for t in threads)
    ids = [m.message_id for t in threads for m in t.messages]
    assert len(ids) == len(set(ids)) == 248  # every message in exactly one thread
    for t in threads:
        assert t.in_window >= 1
        assert [m.date for m in t.messages] == sorted(m.date for m in t.messages)
        assert t.first == t.messages[0].date and t.last == t.messages[-1].date
        assert t.summary is not None and t.summary.engine == "none"
        assert all(m.url == f"https://lore.kernel.org/kvmarm/{m.message_id}/" for m in t.messages
                   if "/" not in m.message_id)


def test_week_top_people_match_raw_senders(week_report: Report, week: Path) -> None:
    data = gzip.decompress(week.read_bytes())
    heads = [c.split(b"\n\n", 1)[0] for c in re.split(rb"^From mboxrd@z .*$", data, flags=re.M)[1:]]
    maz = sum(1 for h in heads if re.search(rb"^From: Marc Zyngier <maz@kernel.org>", h, re.M))
    assert maz > 20
    assert ("Marc Zyngier <maz@kernel.org>", maz) in week_report.top_people


def test_archive_window_counts_match_raw_dates(archive_report: Report, archive: Path) -> None:
    raw = raw_dates(archive)
    w = archive_report.window
    assert (w.since, w.until, w.anchored_to_input) == (datetime(2021, 10, 4, tzinfo=UTC),
                                                        datetime(2021, 10, 11, tzinfo=UTC), False)
    in_window = {mid for mid, d in raw.items() if d in w}
    reported = {m.message_id for t in archive_report.threads for m in t.messages if m.in_window}
    assert reported == in_window
    assert archive_report.stats.messages_in_window == len(in_window)


def test_archive_report_keeps_earlier_context(archive_report: Report) -> None:
    w = archive_report.window
    with_context = [t for t in archive_report.threads if any(m.date < w.since for m in t.messages)]
    assert len(with_context) >= 5
    for t in archive_report.threads:
        assert t.in_window >= 1
        for m in t.messages:
            assert m.in_window == (w.since <= m.date < w.until)
    context = sum(1 for t in archive_report.threads for m in t.messages if not m.in_window)
    assert archive_report.stats.messages_context == context > 0
    # the v7 arch_timer selftest series was posted in September; its October replies bring it in
    arch = next(t for t in archive_report.threads if t.subject.startswith("[PATCH v7 00/15] KVM: arm64: selftests"))
    assert arch.first < w.since and arch.in_window == 2 and arch.total == 23


def test_the_deep_dive_is_a_pipeline_entry_too(week: Path) -> None:
    """pipeline.dive, as `listsum thread` calls it: Will Deacon's pKVM v3 with
    its v2 from the same week file, the notes as `listsum thread` always said
    them, no network (an --mbox without --server asks no server)."""
    notes: list[str] = []
    settings = pipeline.ThreadSettings(ref="<20211008135839.1193-1-will@kernel.org>", mbox=[str(week)],
                                       engine="extractive", list_name="kvmarm")
    dive = pipeline.dive(settings, progress=notes.append)
    assert [(r.version, r.patches, r.in_thread) for r in dive.revisions] == [(2, 5, False), (3, 6, True)]
    assert [(s.from_version, s.to_version) for s in dive.steps] == [(2, 3)]
    assert dive.summary is not None and dive.summary.engine == "extractive"
    assert dive.list_url == "https://lore.kernel.org/kvmarm"
    # What summarising does is said once the run knows its gate, after the comparison.
    assert notes[:3] == ["reading 1 input for the thread and its other revisions", "comparing 2 revisions: v2, v3",
                         "summarising by rules alone (--engine extractive)"]


def test_a_lore_lists_mail_links_to_lore_by_its_list_id(tmp_path: Path) -> None:
    # A plain lore mbox of linux-leds: every mail says "List-Id: <linux-leds.vger.kernel.org>",
    # so its links go to lore's archive of that list without --list-url. kvmarm's 2021 mail
    # came from lists.cs.columbia.edu: no guessed link. --list-url still wins.
    from listsum import pipeline
    from listsum.window import WindowSpec

    corpus = Path(__file__).resolve().parents[2] / "shared" / "corpus"

    def report(path: Path, **kw: object) -> object:
        return pipeline.build(pipeline.ReportSettings(inputs=[str(path)], engine="none", use_cache=False,
                                                      window=WindowSpec(since="2025-11-01", until="2025-11-16"),
                                                      **kw)).report

    leds = report(corpus / "linux-leds-2025-01-2026-07.mbox.gz")
    assert leds.list_url == "https://lore.kernel.org/linux-leds"
    first = leds.threads[0].messages[0]
    assert first.url == f"https://lore.kernel.org/linux-leds/{first.message_id}/"
    mine = report(corpus / "linux-leds-2025-01-2026-07.mbox.gz", list_url="https://lore.example.org/leds/")
    assert mine.list_url == "https://lore.example.org/leds"
    week = pipeline.build(pipeline.ReportSettings(inputs=[str(corpus / "kvmarm-2021-10-04.week.mbox.gz")],
                                                  engine="none", use_cache=False)).report
    assert week.list_url is None and all(m.url is None for t in week.threads for m in t.messages)
    # The deep dive of one of those threads links the same way.
    from listsum.sources.reader import read_inputs

    msgs = read_inputs([str(corpus / "linux-leds-2025-01-2026-07.mbox.gz")]).messages
    assert pipeline.deep_dive(msgs, first.message_id).list_url == "https://lore.kernel.org/linux-leds"
