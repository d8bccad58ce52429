"""Report: the one data model that every rendering (terminal, Markdown, JSON)
reads. Pure values: built by pipeline.build_report, never touched by a
renderer. ``to_dict`` gives the JSON wire form documented in the README.

All datetimes are aware UTC; renderers convert to the user's --tz.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Window:
    since: datetime
    until: datetime  # exclusive
    anchored_to_input: bool = False  # default window ended at the newest message, not "now"

    def __contains__(self, when: datetime) -> bool:
        return self.since <= when < self.until


@dataclass
class MessageEntry:
    message_id: str
    date: datetime
    sender: str  # display name or address
    from_addr: str
    subject: str
    in_window: bool
    depth: int = 0
    url: str | None = None  # lore link when the list URL is known
    date_flag: str = ""  # "" | "missing" | "absurd": date was derived


@dataclass
class TrailerFact:
    """A Reviewed-by/Acked-by/Tested-by/Reported-by/NAK given in a reply."""

    kind: str  # "Reviewed-by", "Acked-by", "Tested-by", "Reported-by", "NAK", ...
    person: str  # "Name <addr>"
    patch: str  # subject of the patch (or cover letter) it was given to
    message_id: str  # the mail that gave it (provenance)
    date: datetime | None = None
    # The trailer names someone other than the mail's sender (neither address nor
    # name match): b4 am reports it as a mismatch and does not apply it.
    other_sender: bool = False


@dataclass
class AppliedFact:
    by: str
    message_id: str
    date: datetime
    branch: str | None = None
    text: str = ""  # the line that said it
    commits: list[str] = field(default_factory=list)  # b4 ty's "commit: <sha>" lines, when given


@dataclass
class Revision:
    version: int
    thread_id: str
    subject: str
    date: datetime
    resend: bool = False


# Where a series, a patch or a thread stands at the window's end (facts issue).
# "answered" is for threads that post no work (questions, bug reports,
# discussions): somebody other than the opener replied. "rfc" is a flag.
STATES = ("new", "under-review", "changes-requested", "reviewed", "acked", "tested",
          "applied", "superseded", "rejected", "answered")

# What one reply does (summary issue): the stance of a Point.
STANCES = ("review", "ack", "test", "changes-requested", "objection", "question", "answer",
           "agreement", "will-respin", "decision", "bot", "ping", "other")


@dataclass
class Flag:
    """A bot's verdict on a patch (build-failure, build-warning, ci-failure, ci-passed): never a review."""

    # "build-failure" (build error, branch BUILD REGRESSION) | "build-warning" (build, checker or
    # new DTB warnings: shown, never a needs-attention entry) | "ci-failure" | "ci-passed"
    kind: str
    patch: str  # subject of the patch (or cover letter) it answers
    verdict: str  # "<kind of finding>: <the first finding>", facts/bot_report.py
    message_id: str
    date: datetime | None = None


@dataclass
class State:
    """A state with the mail that decided it (message ids, oldest first)."""

    name: str  # one of STATES
    evidence: list[str] = field(default_factory=list)
    detail: str = ""  # one line: "applied by X to kvmarm/next", "superseded by v6"
    rfc: bool = False
    flags: list[Flag] = field(default_factory=list)
    superseded_by: str | None = None  # thread id of the newer revision
    later: list[str] = field(default_factory=list)  # facts dated after the window's end, "later: ..."
    who: str = ""  # who decided it ("Eric Auger, Marc Zyngier"): reasons say it in any language


@dataclass
class PatchState:
    """One patch of the newest posting: its state and the trailers b4 would apply."""

    patch: str  # subject
    message_id: str
    counter: int
    state: State
    trailers: list["TrailerFact"] = field(default_factory=list)


@dataclass
class Attention:
    """One entry of the "needs attention" list: why, in one line, and the mail behind it."""

    thread_id: str
    reason: str
    evidence: list[str] = field(default_factory=list)
    code: str = ""  # "changes-requested", "no-reply", "nak", "build-failure", "unanswered", "dropped-trailers"
    waits_on: list[str] = field(default_factory=list)  # addresses it waits on (for --me)
    # ``reason`` in parts, for report/i18n.py to say in any language: the
    # sentence ("" = the code's own; "follow-up", "ci-failure", "detail", "subset") and its fields.
    form: str = ""
    args: dict[str, str] = field(default_factory=dict)


@dataclass
class Point:
    """One statement of a summary: a participant's own sentence or an extracted fact,
    always with the mail it rests on."""

    who: str  # "Name <addr>"
    stance: str  # one of STANCES
    text: str  # their own words (quoted as written) or the fact line
    evidence: list[str]  # message ids; never empty
    date: datetime | None = None
    in_window: bool = True
    source: str = "mail"  # "mail" (their sentence), "fact" (extracted), "model" (checked prose)


@dataclass
class SeriesFacts:
    version: int
    patches: int  # patches seen in this posting
    expected: int  # the N of "m/N" (0 when not numbered)
    has_cover: bool
    change_id: str | None = None
    resend: bool = False
    lineage: list[Revision] = field(default_factory=list)  # every revision known, oldest first
    trailers: list[TrailerFact] = field(default_factory=list)
    applied: list[AppliedFact] = field(default_factory=list)
    state: State | None = None  # the series as a whole (facts/state.py)
    patch_states: list[PatchState] = field(default_factory=list)

    @property
    def review_state(self) -> str:
        """One word for the table: applied, nak, reviewed, acked, tested, pending."""
        if self.applied:
            return "applied"
        kinds = {t.kind for t in self.trailers}
        for k, word in (("NAK", "nak"), ("Reviewed-by", "reviewed"), ("Acked-by", "acked"),
                        ("Tested-by", "tested")):
            if k in kinds:
                return word
        return "pending"


@dataclass
class Summary:
    """A summary is a record; ``text`` is that record rendered as plain text."""

    text: str
    engine: str  # "none" (no model ran), "extractive", or the model id
    fallback: bool = False  # the model's output failed a check and was replaced
    flags: list[str] = field(default_factory=list)  # what the checks found
    cached: bool = False
    headline: str = ""  # what is proposed or asked, by whom
    points: list[Point] = field(default_factory=list)
    state: str | None = None  # the thread's State.name
    needs_attention: str | None = None  # reason, or None
    prose: str = ""  # checked model prose (each sentence cites its points), else ""


@dataclass
class ThreadReport:
    id: str
    subject: str
    kind: str  # one of kinds.KINDS
    messages: list[MessageEntry]
    participants: list[str]
    first: datetime
    last: datetime
    series: SeriesFacts | None = None
    summary: Summary | None = None
    ghost_root: bool = False  # its first mail is not in the input
    state: State | None = None  # series state, or new/answered for threads without work

    @property
    def in_window(self) -> int:
        return sum(1 for m in self.messages if m.in_window)

    @property
    def total(self) -> int:
        return len(self.messages)


@dataclass
class Problem:
    """A message or input that could not be used fully: counted, never dropped silently."""

    where: str  # "path, message N" or a path
    what: str


@dataclass
class Stats:
    messages_in_window: int
    messages_total: int
    threads: int
    large_threads: int  # > 20 messages in all
    duplicates_dropped: int = 0
    skipped: int = 0
    dates_derived: int = 0
    participants: int = 0
    messages_context: int = 0  # messages of reported threads outside the window


@dataclass
class Report:
    generated_at: datetime
    window: Window
    stats: Stats
    threads: list[ThreadReport]
    list_name: str | None = None
    list_url: str | None = None
    inputs: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    overview: Summary | None = None
    per_day: list[tuple[str, int]] = field(default_factory=list)  # ("2021-10-04", n) in window
    top_people: list[tuple[str, int]] = field(default_factory=list)
    top_threads: list[tuple[str, int]] = field(default_factory=list)  # (thread id, messages in window)
    lang: str = "en"
    tz: str = "UTC"  # zone the renderers show times in (--tz)
    newest: datetime | None = None  # newest message of the input
    needs_attention: list[Attention] = field(default_factory=list)  # shown first
    me: str | None = None  # --me: needs_attention filtered to what waits on this person
    summarised_by: str | None = None  # "MODEL at HOST" when a model server wrote summaries

    def by_kind(self) -> dict[str, list[ThreadReport]]:
        out: dict[str, list[ThreadReport]] = {}
        for t in self.threads:
            out.setdefault(t.kind, []).append(t)
        return out
