"""The summarise stage end to end on the corpus week with the echo backend
(records prompts, replies on demand): what reaches the prompt, fallback,
cache, background from an earlier summary, progress, no network."""

from __future__ import annotations

import re
import socket
import time

import pytest

from listsum.mail.body import text_of
from listsum.report.model import Report
from listsum.summarise.compress import TRAILER
from echo_backend import EchoSummariser
from listsum.store import Cached
from listsum.summarise.run import Run, SummariseSettings, clean, dry_run, summarise_report
from summarise_helpers import build_week, week_messages

ECHO = SummariseSettings(engine="echo")


def _run(built, backend: EchoSummariser | None = None, **kw) -> tuple[EchoSummariser, Run]:
    echo = backend or EchoSummariser()
    run = summarise_report(built.report, built.threads, SummariseSettings(engine="echo", **kw), backend=echo)
    return echo, run


def _prompts(echo: EchoSummariser) -> str:
    return "\n".join(p.user for p in echo.history)


def test_every_reviewer_trailer_and_decision_reaches_the_prompt() -> None:
    built = build_week()
    echo, _ = _run(built)
    sent = _prompts(echo)
    given = set()
    for m in week_messages().values():  # every trailer written outside a quote
        for line in text_of(m).splitlines():
            hit = TRAILER.match(line)
            if hit and not line.startswith(">"):
                given.add(hit.group(2).split("<")[0].strip().strip('"'))
    assert {"Andrew Jones", "Oliver Upton", "David Matlack", "Christian Borntraeger", "Will Deacon"} <= given
    missing = [name for name in given if name not in sent]
    assert missing == []
    assert "Reviewed-by: Andrew Jones on patches 1, 2, 3, 5 of 5" in sent
    for decision in ("Applied to fixes, thanks!", "Applied, thanks!"):
        assert decision in sent
    for tr in built.report.threads:  # and the core layer's facts too
        for t in tr.series.trailers if tr.series else []:
            assert t.person.split("<")[0].strip() in sent


@pytest.mark.model  # the default model's tokenizer (vocab only)
def test_week_prompt_tokens_under_40k_with_real_tokenizer() -> None:
    built = build_week()
    plan = dry_run(built.report, built.threads, SummariseSettings())  # smollm2 tokenizer, vocab only
    assert len(plan) == len(built.report.threads) == 30
    assert sum(n for _, n in plan) <= 40_000


def test_summaries_filled_and_cached_on_rerun() -> None:
    built = build_week()
    echo, run = _run(built)
    assert len(echo.history) == 30  # 30 threads; the overview is built from them, no model call
    assert all(t.summary and t.summary.engine == "echo" and not t.summary.cached for t in built.report.threads)
    assert built.report.overview is not None and built.report.overview.text
    again = build_week()
    start = time.monotonic()
    echo2, run2 = _run(again)
    assert time.monotonic() - start < 3
    assert echo2.history == [] and run2.cache_hits == 30
    assert all(t.summary.cached for t in again.report.threads)
    assert again.report.overview.text == built.report.overview.text
    assert [t.summary.text for t in again.report.threads] == [t.summary.text for t in built.report.threads]


def test_made_up_name_falls_back_to_extractive() -> None:
    built = build_week()
    first = built.report.threads[0]
    echo = EchoSummariser()
    echo.enqueue("Linus Torvalds merged the refcount fixes after Greg Kroah agreed.")
    _run(built, echo)
    s = first.summary
    assert s.fallback and s.engine == "extractive"
    assert "dropped-sentence: invented Linus Torvalds, Greg Kroah" in s.flags
    assert "too-few-sentences: 0 of 1 kept" in s.flags
    assert s.text.startswith('Quentin Perret: "This addresses a couple of issues Will has found')
    assert "Will Deacon" in s.text  # the facts line names the acker
    assert not any(t.summary.fallback for t in built.report.threads[1:])


def test_loop_is_trimmed_and_think_stripped() -> None:
    built = build_week()
    echo = EchoSummariser()
    echo.enqueue("<think>let me see</think>Quentin Perret fixes EL2 refcounts. Will Deacon acked it and "
                 "suggested both. Will Deacon acked it and suggested both. Will Deacon acked it and suggested both.")
    _run(built, echo)
    s = built.report.threads[0].summary
    prose, state = s.text.split("\n")
    assert prose == "Quentin Perret fixes EL2 refcounts. Will Deacon acked it and suggested both."
    assert state.startswith("State: Version: v1, 2 patches; review state: ") and "Will Deacon" in state
    assert s.flags == ["loop-trimmed"] and not s.fallback
    assert clean("<think>unterminated") == ""


def _first_thread_run():  # -> (ThreadReport, Thread, EchoSummariser, Run) over the week's first thread
    built = build_week()
    tr = built.report.threads[0]
    echo = EchoSummariser()
    return tr, built.threads[tr.id], echo, Run(ECHO, echo)


def test_new_content_gets_previous_summary_as_background() -> None:
    tr, thread, echo, run = _first_thread_run()
    full = list(thread.messages)
    thread.messages = full[:-1]  # last week: the thread without its newest reply
    echo.enqueue("Quentin Perret posted two EL2 refcount fixes.")
    run.thread(tr, thread)
    thread.messages = full
    run.thread(tr, thread)
    assert len(echo.history) == 2
    assert "Earlier summary (before this week):\nQuentin Perret posted two EL2 refcount fixes." in echo.history[1].user
    assert "Earlier summary" not in echo.history[0].user


def test_progress_reports_eta_per_thread() -> None:
    built = build_week()
    calls: list[tuple[str, int, int]] = []
    summarise_report(built.report, built.threads, ECHO, progress=lambda s, d, t: calls.append((s, d, t)),
                     backend=EchoSummariser())
    assert [(d, t) for _, d, t in calls] == [(i, 30) for i in range(1, 31)]
    assert all(re.match(r"summaries \(ETA \d+m\d\ds", s) for s, _, _ in calls)


def test_chinese_prompt() -> None:
    built = build_week()
    echo, _ = _run(built, lang="zh")
    assert echo.history[0].system.startswith("你为每周报告总结")
    assert echo.history[0].user.endswith("请用中文总结这个讨论。")


def test_extractive_engine_uses_thread_sentences_only() -> None:
    built = build_week()
    summarise_report(built.report, built.threads, SummariseSettings(engine="extractive"))
    for tr in built.report.threads:
        s = tr.summary
        assert s.engine == "extractive" and not s.fallback
        source = " ".join(" ".join(text_of(m).split()) for m in built.threads[tr.id].messages)
        names = [p.split(" <")[0] for p in tr.participants]
        for line in s.text.splitlines():
            who, _, said = line.partition(": ")
            if who in ("State", "Before", "Decision") or line.startswith("(+"):
                continue
            assert who in names
            assert said.strip('"')[:20] in source  # sentences may join across a dropped quote


def test_full_report_with_every_socket_blocked(monkeypatch: pytest.MonkeyPatch) -> None:
    """No mail leaves the machine: not even loopback is reachable here."""
    def refuse(*args: object, **kwargs: object) -> None:
        raise ConnectionRefusedError("summarise tried to open a socket")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    from listsum import pipeline
    from summarise_helpers import WEEK

    report: Report = pipeline.run(pipeline.ReportSettings(inputs=[str(WEEK)], engine="extractive"))
    assert len(report.threads) == 30 and all(t.summary.engine == "extractive" for t in report.threads)
    built = build_week()
    echo, _ = _run(built)
    assert len(echo.history) == 30  # no overview prompt


def test_echo_engine_through_the_registry() -> None:
    from listsum.summarise.base import REGISTRY

    built = build_week()
    run = summarise_report(built.report, built.threads, SummariseSettings(engine="echo", use_cache=False))
    assert isinstance(run.backend, EchoSummariser) and len(run.backend.history) == 30
    assert sorted(REGISTRY.factories) == ["echo", "llama", "server"]
    assert REGISTRY.engines() == ("echo", "llama", "server", "extractive", "none")
    with pytest.raises(Exception, match="unknown engine 'nope'"):
        REGISTRY.create("nope")


def test_one_shot_example_only_in_base_model_prompt() -> None:
    built = build_week()
    echo, _ = _run(built)
    p = echo.history[0]
    assert "Ann Lee" in p.completion and p.completion.index("Ann Lee") < p.completion.index("A couple of EL2")
    assert "Ann Lee" not in p.user and "Ann Lee" not in p.system  # the checks never take it for thread text


def test_model_copying_the_state_line_gets_it_once() -> None:
    built = build_week()
    echo = EchoSummariser()
    echo.enqueue("Quentin Perret fixes EL2 refcounts. State: Version: v1, 2 patches; review state: pending.")
    _run(built, echo)
    text = built.report.threads[0].summary.text
    assert text.count("State:") == 1
    assert text.startswith("Quentin Perret fixes EL2 refcounts.\nState: Version: v1, 2 patches")


def test_previous_summary_is_vetted_before_it_becomes_background() -> None:
    tr, thread, echo, run = _first_thread_run()
    # Passed last week's checks only because they were laxer: EL4 is not in the thread.
    run.store.put("old-key", tr.id, "en", Cached("Quentin Perret posted two EL2 refcount fixes. "
                                                  "They also fix EL4.", "old-model", False, []))
    run.thread(tr, thread)
    prompt = echo.history[-1].user
    assert "Earlier summary (before this week):\nQuentin Perret posted two EL2 refcount fixes." in prompt
    assert "EL4" not in prompt
