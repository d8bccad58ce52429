"""The week's overview (a fact frame plus vetted sentences, one per busiest
thread, never a model's mix of subjects) and the State line every thread
summary ends with, on the corpus week with the echo backend."""

from __future__ import annotations

from echo_backend import EchoSummariser
from listsum.summarise.run import SummariseSettings, summarise_report
from summarise_helpers import build_week


def _run(built, echo: EchoSummariser | None = None) -> EchoSummariser:
    echo = echo or EchoSummariser()
    summarise_report(built.report, built.threads, SummariseSettings(engine="echo", use_cache=False), backend=echo)
    return echo


def test_overview_frame_and_one_sentence_per_busiest_thread() -> None:
    built = build_week()
    _run(built)
    frame, *lines = built.report.overview.text.splitlines()
    assert frame.startswith("30 threads this week (") and "Most active:" in frame
    applied = [t for t in built.report.threads if t.series and t.series.applied]
    assert applied and f"Applied: {applied[0].subject.removeprefix('Re: ')}" in frame
    busiest = sorted(built.report.threads, key=lambda t: -t.in_window)[:3]
    assert len(lines) == 3
    for tr, line in zip(busiest, lines):
        subject = tr.subject.removeprefix("Re: ")
        # Each line is its own thread's subject and its own summary's sentence: no mixing.
        assert line == f"{subject}: The thread is about {tr.subject}."
    assert built.report.overview.engine == "echo"


def test_overview_skips_threads_whose_summary_fell_back() -> None:
    built = build_week()
    top = sorted(built.report.threads, key=lambda t: -t.in_window)[0]
    echo = EchoSummariser()
    order = [t.id for t in built.report.threads]
    replies = ["The thread is about something."] * len(order)
    replies[order.index(top.id)] = "Linus Torvalds merged it."  # invented person: falls back
    echo.enqueue(*replies)
    _run(built, echo)
    assert top.summary.fallback
    assert top.subject.removeprefix("Re: ") + ":" not in built.report.overview.text.split("\n", 1)[1]


def test_every_summary_ends_with_core_facts_model_or_fallback() -> None:
    built = build_week()
    echo = EchoSummariser()
    echo.enqueue("Linus Torvalds merged the refcount fixes.")  # the first thread falls back
    _run(built, echo)
    first = built.report.threads[0]
    assert first.summary.fallback
    for tr in built.report.threads:
        last = tr.summary.text.splitlines()[-1]
        assert last.startswith("State: ")
        if tr.series is None:
            assert last == f"State: {tr.kind}; {tr.in_window} of {tr.total} messages this week."
            continue
        if tr.series.patches:
            assert f"v{tr.series.version}, {tr.series.patches} patches" in last
        else:  # rooted at a reply, the posting outside the input: no "0 patches" (facts issue)
            assert f"Version: v{tr.series.version};" in last and "0 patches" not in last
        assert f"review state: {tr.series.review_state}" in last
        for a in tr.series.applied:
            assert f"Applied by {a.by}" in last and (a.branch or "") in last
    applied = [t for t in built.report.threads if t.series and t.series.applied]
    assert applied and not applied[0].summary.fallback  # a model summary keeps the applied fact too
