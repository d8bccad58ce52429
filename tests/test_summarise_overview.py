"""The week's overview (a fact frame, every decision of the week, and the
most important point of each busiest thread, each line with its mail; never
a model's mix of subjects) and the state every record carries, on the
corpus week with the echo backend."""

from __future__ import annotations

from echo_backend import EchoSummariser
from listsum.summarise.points import subject_of
from listsum.summarise.run import SummariseSettings, summarise_report
from summarise_helpers import build_week


def _run(built, echo: EchoSummariser | None = None) -> EchoSummariser:
    echo = echo or EchoSummariser()
    summarise_report(built.report, built.threads, SummariseSettings(engine="echo", use_cache=False), backend=echo)
    return echo


def test_overview_frame_decisions_and_one_point_per_busiest_thread() -> None:
    built = build_week()
    _run(built)
    ov = built.report.overview
    assert ov.headline == "30 threads this week (28 PATCH, 1 Question, 1 Stable backport); 7 threads need attention"
    decisions = [(p.evidence, p.text) for t in built.report.threads for p in t.summary.points if p.stance == "decision"]
    assert len(decisions) == 5  # Rob Herring applied both patches of one series: two mails
    for (evidence, text), p in zip(decisions, ov.points):  # every decision of the week, with its own mail
        assert p.stance == "decision" and p.evidence == evidence and p.text.endswith(f"“{text}”")
    busiest = sorted(built.report.threads, key=lambda t: -t.in_window)[:3]
    rest = ov.points[len(decisions):]
    for p in rest:  # each line: its own thread's subject and that thread's own point, never mixed
        tr = next(t for t in busiest if p.text.startswith(subject_of(t.subject) + ": "))
        assert set(p.evidence) <= {m.message_id for m in tr.messages}
        assert any(q.evidence == p.evidence and q.stance == p.stance for q in tr.summary.points)
    assert len(rest) >= 2 and ov.engine == "echo"
    assert all(pid in ov.text for p in ov.points for pid in p.evidence[:1])


def test_every_record_carries_the_thread_state() -> None:
    built = build_week()
    _run(built)
    by_subject = {t.subject: t.summary.state for t in built.report.threads}
    v1, v2 = [t for t in built.report.threads if t.subject == "[PATCH 0/2] A couple of EL2 refcounts fixes"]
    assert (v1.summary.state, v2.summary.state) == ("superseded", "applied")  # v2 posted and applied in the week
    assert by_subject["KVM userspace GICv2 IRQ controller on platform with GICv3"] == "answered"
    applied = [t for t in built.report.threads if t.series and t.series.applied]
    assert applied and all(t.summary.state == "applied" for t in applied)
    for tr in built.report.threads:
        first = tr.summary.text.splitlines()[1]
        assert first.startswith("State: ") and tr.summary.state in STATES_TEXT[first.removeprefix("State: ")
                                                                                 .split(";")[0]]


STATES_TEXT = {"new, no reply yet": ("new",), "under review": ("under-review",), "changes requested": ("changes-requested",),
               "reviewed": ("reviewed",), "acked": ("acked",), "tested": ("tested",), "applied": ("applied",),
               "superseded": ("superseded",), "rejected (NAK)": ("rejected",), "answered": ("answered",)}
