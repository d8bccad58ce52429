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


@dataclass
class AppliedFact:
    by: str
    message_id: str
    date: datetime
    branch: str | None = None
    text: str = ""  # the line that said it


@dataclass
class Revision:
    version: int
    thread_id: str
    subject: str
    date: datetime
    resend: bool = False


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
    text: str
    engine: str  # "none" (no model ran), "extractive", or the model id
    fallback: bool = False  # the model's output failed a check and was replaced
    flags: list[str] = field(default_factory=list)  # what the checks found
    cached: bool = False


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

    def by_kind(self) -> dict[str, list[ThreadReport]]:
        out: dict[str, list[ThreadReport]] = {}
        for t in self.threads:
            out.setdefault(t.kind, []).append(t)
        return out
