"""The summarise stage end to end on the corpus week with the echo backend
(records prompts, replies on demand): what the record holds, what the model
may choose, prose checks, cache, progress, no network."""

from __future__ import annotations

import json
import re
import socket
import time

import pytest

from listsum.mail.body import text_of
from listsum.model import STANCES, Report
from listsum.summarise.compress import TRAILER
from echo_backend import EchoSummariser
from listsum.summarise.prompts import FENCE_OPEN
from listsum.summarise.run import Run, SummariseSettings, clean, dry_run, summarise_report
from summarise_helpers import build_week, week_messages

ECHO = SummariseSettings(engine="echo")


def _run(built, backend: EchoSummariser | None = None, **kw) -> tuple[EchoSummariser, Run]:
    echo = backend or EchoSummariser()
    run = summarise_report(built.report, built.threads, SummariseSettings(engine="echo", **kw), backend=echo)
    return echo, run


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_every_trailer_and_decision_of_the_window_is_a_point_with_its_mail() -> None:
    built = build_week()
    _run(built, use_cache=False)
    in_window = {e.message_id for t in built.report.threads for e in t.messages if e.in_window}
    given: dict[str, set[str]] = {}  # msgid -> names giving a trailer outside a quote
    for m in week_messages().values():
        if m.msgid not in in_window or not m.subject.lower().startswith("re:"):
            continue
        for line in text_of(m).splitlines():
            hit = TRAILER.match(line)
            if hit and hit.group(1) in ("Reviewed-by", "Acked-by", "Tested-by") and not line.startswith(">"):
                given.setdefault(m.msgid, set()).add(m.sender)
    assert len(given) >= 30
    cited = {e: p for t in built.report.threads for p in t.summary.points for e in p.evidence}
    missing = [mid for mid in given if mid not in cited or cited[mid].stance not in ("review", "ack", "test")]
    assert missing == []
    jones = [p for t in built.report.threads for p in t.summary.points
             if p.who.startswith("Andrew Jones") and p.text == "Reviewed-by on patches 1, 2, 3, 5 of 5"]
    assert len(jones) == 1 and len(jones[0].evidence) == 4 and jones[0].source == "fact"
    decisions = [_flat(p.text) for t in built.report.threads for p in t.summary.points if p.stance == "decision"]
    assert decisions.count("Applied to fixes, thanks!") == 2 and "Applied, thanks!" in decisions
    assert "Queued patches 1-5, thanks." in decisions


def test_every_point_cites_mail_of_its_thread_and_quotes_it() -> None:
    built = build_week()
    _run(built, use_cache=False)
    for tr in built.report.threads:
        s = tr.summary
        ids = {m.msgid: m for m in built.threads[tr.id].messages}
        assert s.headline and s.state and len(s.points) <= 7
        for p in s.points:
            assert p.stance in STANCES and p.evidence and set(p.evidence) <= set(ids)
            first = ids[p.evidence[0]]
            assert p.who.startswith(first.sender)
            if p.source == "mail":  # a sentence the sender wrote, never quoted text
                body = _flat(text_of(first))
                assert _flat(p.text)[:40] in body
                assert not any(_flat(ln.lstrip("> ")).startswith(_flat(p.text)[:40])
                               for ln in text_of(first).splitlines() if ln.startswith(">") and len(ln) > 45)
            assert p.evidence[0] in s.text  # the plain text names each point's mail


def test_patch_postings_are_not_points_and_headline_names_the_poster() -> None:
    built = build_week()
    _run(built, use_cache=False)
    tr = built.report.threads[0]
    assert tr.summary.headline == ("Quentin Perret posted v1 (2 patches) of A couple of EL2 refcounts fixes: "
                                   "This addresses a couple of issues Will has found with the refcounting of "
                                   "page-tables at EL2.")
    assert [(p.who.split(" <")[0], p.stance) for p in tr.summary.points] == [
        ("Will Deacon", "ack"), ("Marc Zyngier", "changes-requested"), ("Marc Zyngier", "question"),
        ("Quentin Perret", "will-respin")]
    # Marc's review asks besides what it requests: two points, one mail.
    assert tr.summary.points[1].evidence == tr.summary.points[2].evidence == ["87bl45ru66.wl-maz@kernel.org"]
    assert tr.summary.points[2].text.startswith("The only reason this doesn't lead to a subsequent memory leak")
    assert tr.summary.points[3].text == "I'll re-spin shortly."
    postings = {m.msgid for t in built.threads.values() for m in t.messages if not m.subject.lower().startswith("re:")}
    cited = {e for t in built.report.threads for p in t.summary.points for e in p.evidence}
    assert not (cited & postings - {m.msgid for t in built.threads.values() for m in t.messages
                                     if "robot" in m.sender.lower()})


@pytest.mark.model  # the default model's tokenizer (vocab only)
def test_week_prompt_tokens_under_40k_with_real_tokenizer() -> None:
    built = build_week()
    plan = dry_run(built.report, built.threads, SummariseSettings())  # smollm2 tokenizer, vocab only
    assert len(plan) == len(built.report.threads) == 30
    assert 0 < sum(n for _, n in plan) <= 40_000


def test_records_filled_and_cached_on_rerun() -> None:
    built = build_week()
    echo, run = _run(built)
    unsure = len(echo.history)
    assert 10 < unsure < 120  # only replies the rules are unsure of go to the model
    # The model is named only on the records it was asked about; the rules wrote the rest.
    asked = [t for t in built.report.threads if t.summary.engine == "echo"]
    assert asked and all(t.summary.engine in ("echo", "extractive") and not t.summary.cached
                         for t in built.report.threads)
    assert all(any(f.startswith("model-chose: ") for f in t.summary.flags) for t in asked)
    assert built.report.overview is not None and built.report.overview.points
    again = build_week()
    start = time.monotonic()
    echo2, run2 = _run(again)
    assert time.monotonic() - start < 3
    assert echo2.history == [] and run2.cache_hits == 30
    assert all(t.summary.cached for t in again.report.threads)
    assert again.report.overview.text == built.report.overview.text
    for a, b in zip(again.report.threads, built.report.threads):
        assert (a.summary.text, a.summary.headline, a.summary.points, a.summary.state) == (
            b.summary.text, b.summary.headline, b.summary.points, b.summary.state)
    row = run2.store.db.execute("SELECT record FROM summaries WHERE thread_id = ?", (built.report.threads[0].id,))
    assert json.loads(row.fetchone()[0])["points"][0]["stance"] == "ack"


def test_model_chooses_only_where_rules_are_unsure_and_only_valid_choices() -> None:
    built = build_week()
    tr = next(t for t in built.report.threads if "Expose TSC offset controls" in t.subject)
    echo = EchoSummariser()
    # Paolo's answer to Marcelo is the one reply the rules are unsure of: the model picks.
    echo.enqueue('<think>hm</think>{"stance": "answer", "sentence": 6}')
    s = Run(SummariseSettings(engine="echo", use_cache=False), echo).thread(tr, built.threads[tr.id])
    assert len(echo.history) == 1 and FENCE_OPEN in echo.history[0].user
    assert "[6] That is, the TSC is exactly the same as it was on the source" in echo.history[0].user
    paolo = next(p for p in s.points if p.who.startswith("Paolo Bonzini"))
    assert paolo.stance == "answer" and paolo.text.startswith("That is, the TSC is exactly the same")
    assert s.flags == ["model-chose: 1"]
    sean = next(p for p in s.points if p.stance == "changes-requested")  # the rules were sure: never asked
    assert sean.who.startswith("Sean Christopherson")
    for bad in ('{"stance": "decision", "sentence": 0}', '{"stance": "answer", "sentence": 99}', "not json"):
        echo.enqueue(bad)  # not a choice it may make: the rules' choice stands
        s = Run(SummariseSettings(engine="echo", use_cache=False), echo).thread(tr, built.threads[tr.id])
        paolo = next(p for p in s.points if p.who.startswith("Paolo Bonzini"))
        assert paolo.stance == "answer" and paolo.text.startswith("It already does, that's the cool part.")
        assert s.flags == ["model-chose: 0"]
    assert clean("<think>unterminated") == ""


def test_prose_with_invented_words_is_dropped_and_checked_prose_kept() -> None:
    built = build_week()
    tr = built.report.threads[0]
    thread = built.threads[tr.id]
    settings = SummariseSettings(engine="echo", use_cache=False, choose=False, prose=True)
    echo = EchoSummariser()
    echo.enqueue(json.dumps({"sentences": [{"text": "Linus Torvalds merged the refcount fixes.", "cites": [1]}]}))
    s = Run(settings, echo).thread(tr, thread)
    assert s.prose == "" and s.fallback and s.flags[0].startswith("prose-rejected: not in the cited mail: ")
    assert "Linus Torvalds" in s.flags[0] and len(s.points) == 4  # the record stands without prose
    echo.enqueue(json.dumps({"sentences": [{"text": "Quentin Perret will re-spin shortly", "cites": [4]}]}))
    s = Run(settings, echo).thread(tr, thread)
    assert s.prose == "Quentin Perret will re-spin shortly. [4]" and not s.fallback
    assert s.text.endswith(s.prose)
    echo.enqueue(json.dumps({"sentences": [{"text": "Will Deacon acked both patches", "cites": []}]}))
    assert Run(settings, echo).thread(tr, thread).prose == ""  # a sentence that cites nothing is not prose


def test_new_reply_rebuilds_the_record() -> None:
    built = build_week()
    tr = built.report.threads[0]
    thread = built.threads[tr.id]
    run = Run(SummariseSettings(engine="extractive"))
    full = list(thread.messages)
    thread.messages = full[:-1]  # last week: the thread without its newest reply
    entries = tr.messages
    tr.messages = [e for e in entries if e.message_id != full[-1].msgid]
    before = run.thread(tr, thread)
    thread.messages, tr.messages = full, entries
    after = run.thread(tr, thread)
    assert not after.cached and run.cache_hits == 0
    assert len(after.points) == len(before.points) + 1 and after.points[-1].evidence == [full[-1].msgid]


def test_progress_reports_eta_per_thread() -> None:
    built = build_week()
    calls: list[tuple[str, int, int]] = []
    summarise_report(built.report, built.threads, ECHO, progress=lambda s, d, t: calls.append((s, d, t)),
                     backend=EchoSummariser())
    assert [(d, t) for _, d, t in calls] == [(i, 30) for i in range(1, 31)]
    assert all(re.match(r"summaries \(ETA \d+m\d\ds", s) for s, _, _ in calls)


def test_chinese_labels_and_headlines_quotes_stay_as_written() -> None:
    built = build_week()
    _run(built, lang="zh", use_cache=False)
    s = built.report.threads[0].summary
    assert s.headline.startswith("Quentin Perret 发布了 A couple of EL2 refcounts fixes 的 v1（2 个补丁）：This addresses")
    lines = s.text.splitlines()
    assert lines[1] == "状态：已被新版本取代"  # superseded: v2 came the same week
    assert lines[5] == "- Quentin Perret (将发新版): “I'll re-spin shortly.” <YVrR2M8OmU6ug1Yk@google.com>"
    assert lines[2] == "- Will Deacon (确认): Acked-by：封面信 <20211004093925.GA27173@willie-the-truck>"
    assert built.report.overview.headline.startswith("本周 30 个讨论（")
    from listsum.summarise.points import trailer_line

    assert trailer_line("Reviewed-by", ["1/5", "3/5"], "zh") == "Reviewed-by：第 1、3 个补丁（共 5 个）"
    assert trailer_line("Reviewed-by", ["1/2", "2/2"], "zh") == "Reviewed-by：全部 2 个补丁"


def test_extractive_engine_is_rules_alone() -> None:
    built = build_week()
    run = summarise_report(built.report, built.threads, SummariseSettings(engine="extractive", use_cache=False))
    assert run.usage.calls == 0 and run._backend is None  # no model loaded
    assert all(t.summary.engine == "extractive" and not t.summary.prose for t in built.report.threads)
    assert built.report.overview.engine == "extractive"


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
    assert echo.history and all(FENCE_OPEN in p.user for p in echo.history)


def test_echo_engine_through_the_registry() -> None:
    from listsum.summarise.base import REGISTRY

    built = build_week()
    run = summarise_report(built.report, built.threads, SummariseSettings(engine="echo", use_cache=False))
    assert isinstance(run.backend, EchoSummariser) and len(run.backend.history) == run.usage.calls > 0
    assert {"echo", "llama", "server"} <= set(REGISTRY.factories)
    assert REGISTRY.engines() == ("echo", "llama", "server", "extractive", "none")
    with pytest.raises(Exception, match="unknown engine 'nope'"):
        REGISTRY.create("nope")
