"""The JSON rendering of a Report (``--format json``): the wire contract.

The TypedDicts below *are* the schema (version ``SCHEMA``); the README copies
them and tests/test_json_schema.py checks real output against them. Rules:
every datetime is ISO 8601 in UTC ("2021-10-04T09:03:12+00:00") whatever
--tz says; every message of every reported thread is listed, with
``in_window`` false for context outside the window; keys are always present
(null when unknown), so consumers never need ``.get``.
Bump SCHEMA when a key is removed or changes meaning; adding keys is free.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TypedDict

from listsum.model import Attention, PatchState, Point, Report, SeriesFacts, State, Summary, ThreadReport

SCHEMA = 1

WindowJSON = TypedDict("WindowJSON", {"since": str, "until": str, "anchored_to_input": bool})


class StatsJSON(TypedDict):
    messages_in_window: int
    messages_total: int  # messages read from the inputs, after dedup
    messages_context: int  # messages of reported threads outside the window
    threads: int  # threads with at least one message in the window
    large_threads: int  # of those, threads with > 20 messages in all
    duplicates_dropped: int
    skipped: int  # messages that could not be read (see problems)
    dates_derived: int
    participants: int  # distinct senders in the window


class KindJSON(TypedDict):
    threads: int
    messages_in_window: int
    messages: int  # in all, context included


class ProblemJSON(TypedDict):
    where: str
    what: str


class PointJSON(TypedDict):
    who: str  # "Name <addr>"
    stance: str  # one of model.STANCES
    text: str  # their own sentence, or the fact line
    evidence: list[str]  # message ids, never empty
    date: str | None
    in_window: bool
    source: str  # "mail" (their sentence) | "fact" (extracted) | "model" (checked prose)


class SummaryJSON(TypedDict):
    text: str  # the record below rendered as plain text
    engine: str  # "none" when no model ran, "extractive" (rules alone), or the model id that chose
    fallback: bool  # the model's prose failed its check and was left out
    flags: list[str]
    cached: bool
    headline: str  # what is proposed or asked, by whom
    points: list[PointJSON]
    state: str | None  # the thread's state (model.STATES)
    needs_attention: str | None  # the reason, or null
    prose: str  # checked model prose, each sentence citing its points as [n]; "" when none


class RevisionJSON(TypedDict):
    version: int
    thread_id: str
    subject: str
    date: str
    resend: bool


class TrailerJSON(TypedDict):
    kind: str
    person: str
    patch: str
    message_id: str
    date: str | None


class AppliedJSON(TypedDict):
    by: str
    message_id: str
    date: str
    branch: str | None
    text: str
    commits: list[str]  # b4 ty's "commit: <sha>" lines


class FlagJSON(TypedDict):
    kind: str  # build-failure | build-warning | ci-failure | ci-passed: a bot's verdict, never a review
    patch: str
    verdict: str  # "<kind of finding>: <first finding>" ("sparse warning: drivers/...: ...")
    message_id: str
    date: str | None


class StateJSON(TypedDict):
    name: str  # new | under-review | changes-requested | reviewed | acked | tested | applied | superseded | rejected | answered
    evidence: list[str]  # message ids that decided it
    detail: str
    rfc: bool
    flags: list[FlagJSON]
    superseded_by: str | None  # thread id of the newer revision
    later: list[str]  # "later: ..." facts dated after the window's end


class PatchStateJSON(TypedDict):
    patch: str
    message_id: str
    counter: int
    state: StateJSON
    trailers: list["TrailerJSON"]


class AttentionJSON(TypedDict):
    thread_id: str
    reason: str
    evidence: list[str]  # message ids
    code: str  # changes-requested | no-reply | nak | build-failure | unanswered | dropped-trailers
    waits_on: list[str]  # addresses
    # The reason in parts, for a reader in another language or a script: "" = the code's own
    # sentence, else "follow-up" | "ci-failure" | "detail" | "subset"; args its fields (e.g. who, taken).
    form: str
    args: dict[str, str]


class SeriesJSON(TypedDict):
    version: int
    patches: int
    expected: int
    has_cover: bool
    change_id: str | None
    resend: bool
    review_state: str  # applied | nak | reviewed | acked | tested | pending
    lineage: list[RevisionJSON]
    trailers: list[TrailerJSON]
    applied: list[AppliedJSON]
    state: StateJSON | None
    patch_states: list[PatchStateJSON]


MessageJSON = TypedDict("MessageJSON", {
    "message_id": str, "date": str, "from": str, "from_addr": str, "subject": str,
    "in_window": bool, "depth": int, "url": str | None, "date_flag": str,
})


class ThreadJSON(TypedDict):
    id: str
    subject: str
    kind: str
    first: str
    last: str
    messages_in_window: int
    messages_total: int
    participants: list[str]
    ghost_root: bool
    series: SeriesJSON | None
    summary: SummaryJSON | None
    messages: list[MessageJSON]
    state: StateJSON | None


class DayJSON(TypedDict):
    date: str
    messages: int


class PersonJSON(TypedDict):
    who: str
    messages: int


class TopThreadJSON(TypedDict):
    id: str
    messages_in_window: int


ReportJSON = TypedDict("ReportJSON", {
    "schema": int, "generated_at": str, "list": str | None, "list_url": str | None,
    "inputs": list[str], "lang": str, "tz": str, "window": WindowJSON, "stats": StatsJSON,
    "kinds": dict[str, KindJSON], "per_day": list[DayJSON], "top_people": list[PersonJSON],
    "top_threads": list[TopThreadJSON], "problems": list[ProblemJSON], "overview": SummaryJSON | None,
    "summarised_by": str | None,  # "MODEL at HOST" when a model server wrote the summaries
    "threads": list[ThreadJSON], "needs_attention": list[AttentionJSON], "me": str | None,
})


def _iso(when: datetime | None) -> str | None:
    return when.isoformat() if when is not None else None


def _summary(s: Summary | None) -> SummaryJSON | None:
    if s is None:
        return None
    return {"text": s.text, "engine": s.engine, "fallback": s.fallback, "flags": list(s.flags), "cached": s.cached,
            "headline": s.headline, "points": [_point(p) for p in s.points], "state": s.state,
            "needs_attention": s.needs_attention, "prose": s.prose}


def _point(p: Point) -> PointJSON:
    return {"who": p.who, "stance": p.stance, "text": p.text, "evidence": list(p.evidence), "date": _iso(p.date),
            "in_window": p.in_window, "source": p.source}


def _series(s: SeriesFacts | None) -> SeriesJSON | None:
    if s is None:
        return None
    return {
        "version": s.version, "patches": s.patches, "expected": s.expected, "has_cover": s.has_cover,
        "change_id": s.change_id, "resend": s.resend, "review_state": s.review_state,
        "lineage": [{"version": r.version, "thread_id": r.thread_id, "subject": r.subject,
                     "date": r.date.isoformat(), "resend": r.resend} for r in s.lineage],
        "trailers": [{"kind": t.kind, "person": t.person, "patch": t.patch, "message_id": t.message_id,
                      "date": _iso(t.date)} for t in s.trailers],
        "applied": [{"by": a.by, "message_id": a.message_id, "date": a.date.isoformat(), "branch": a.branch,
                     "text": a.text, "commits": list(a.commits)} for a in s.applied],
        "state": _state(s.state), "patch_states": [_patch_state(p) for p in s.patch_states],
    }


def _state(st: State | None) -> StateJSON | None:
    if st is None:
        return None
    return {"name": st.name, "evidence": list(st.evidence), "detail": st.detail, "rfc": st.rfc,
            "flags": [{"kind": f.kind, "patch": f.patch, "verdict": f.verdict, "message_id": f.message_id,
                       "date": _iso(f.date)} for f in st.flags],
            "superseded_by": st.superseded_by, "later": list(st.later)}


def _patch_state(p: PatchState) -> PatchStateJSON:
    state = _state(p.state)
    assert state is not None
    return {"patch": p.patch, "message_id": p.message_id, "counter": p.counter, "state": state,
            "trailers": [{"kind": t.kind, "person": t.person, "patch": t.patch, "message_id": t.message_id,
                          "date": _iso(t.date)} for t in p.trailers]}


def _attention(a: Attention) -> AttentionJSON:
    return {"thread_id": a.thread_id, "reason": a.reason, "evidence": list(a.evidence), "code": a.code,
            "waits_on": list(a.waits_on), "form": a.form, "args": dict(a.args)}


def _thread(t: ThreadReport) -> ThreadJSON:
    return {
        "id": t.id, "subject": t.subject, "kind": t.kind, "first": t.first.isoformat(),
        "last": t.last.isoformat(), "messages_in_window": t.in_window, "messages_total": t.total,
        "participants": list(t.participants), "ghost_root": t.ghost_root, "series": _series(t.series),
        "summary": _summary(t.summary),
        "messages": [{"message_id": m.message_id, "date": m.date.isoformat(), "from": m.sender,
                      "from_addr": m.from_addr, "subject": m.subject, "in_window": m.in_window,
                      "depth": m.depth, "url": m.url, "date_flag": m.date_flag} for m in t.messages],
        "state": _state(t.state),
    }


def _kinds(report: Report) -> dict[str, KindJSON]:
    return {kind: {"threads": len(ts), "messages_in_window": sum(t.in_window for t in ts),
                   "messages": sum(t.total for t in ts)} for kind, ts in report.by_kind().items()}


def to_json(report: Report) -> ReportJSON:
    s = report.stats
    return {
        "schema": SCHEMA, "generated_at": report.generated_at.isoformat(), "list": report.list_name,
        "list_url": report.list_url, "inputs": list(report.inputs), "lang": report.lang, "tz": report.tz,
        "window": {"since": report.window.since.isoformat(), "until": report.window.until.isoformat(),
                   "anchored_to_input": report.window.anchored_to_input},
        "stats": {"messages_in_window": s.messages_in_window, "messages_total": s.messages_total,
                  "messages_context": s.messages_context, "threads": s.threads, "large_threads": s.large_threads,
                  "duplicates_dropped": s.duplicates_dropped, "skipped": s.skipped,
                  "dates_derived": s.dates_derived, "participants": s.participants},
        "kinds": _kinds(report),
        "per_day": [{"date": d, "messages": n} for d, n in report.per_day],
        "top_people": [{"who": w, "messages": n} for w, n in report.top_people],
        "top_threads": [{"id": i, "messages_in_window": n} for i, n in report.top_threads],
        "problems": [{"where": p.where, "what": p.what} for p in report.problems],
        "overview": _summary(report.overview),
        "summarised_by": report.summarised_by,
        "threads": [_thread(t) for t in report.threads],
        "needs_attention": [_attention(a) for a in report.needs_attention], "me": report.me,
    }


def render_json(report: Report) -> str:
    """The report as indented JSON text, UTF-8 kept readable, newline at the end."""
    return json.dumps(to_json(report), ensure_ascii=False, indent=2) + "\n"
