"""The one-thread deep dive: timeline, revisions v1..vN and what changed
between them, review matrix, open questions, whether it landed.

The DeepDive record and the pure parts of it built from one Thread
(``record``). pipeline.py is the entry (``pipeline.dive``): it gets the
mail (--mbox inputs, the store, the server: gather.py finds the other
revisions), threads it, and calls these, thread_revisions.py and
facts/evolution.py (which compare the revisions), sources/gittree.py (a
--git tree) and the summariser. Renderers live in report/deepdive.py.

Heuristics, each named by the mail that needs it:
- "what changed" is the cover letter's changelog block for that version
  (facts/evolution.changelog_for): "Changes in v22:", "Changes since v2
  include:", "v2 -> v3:" (Will Deacon's pKVM hypercall covers, Oct 2021).
- a reply from someone other than the author is "changes requested" when
  one of its own lines matches a rule of facts/review.py ("please ...",
  "can you ...", "this should ...", "I'd rather ...", NAK, a question to
  the author); otherwise, without a trailer, it is "commented". Each cell
  keeps the mail (and line) behind every state it shows.
- an open question is a prose sentence ending in "?" that nobody else
  answered later (facts/questions.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from listsum.facts.evolution import RevisionStep
from listsum.facts.questions import Question, open_questions
from listsum.mail.message import Message
from listsum.mail.threads import Thread
from listsum.model import AppliedFact, SeriesFacts, Summary
from listsum.sources.gittree import Landing

_CHANGES = re.compile(r"^\s*(?:changes|changelog|change log)\b|^\s*v\d+\s*(?:->|to|\.\.)\s*v\d+\s*:?|"
                      r"^\s*(?:since|from)\s+v\d+\s*:", re.I)
_REPLY = re.compile(r"^(?:\s*(?:re|fwd?|aw|sv)\s*:\s*)+", re.I)


@dataclass
class TimelineEntry:
    date: datetime
    sender: str
    subject: str
    message_id: str
    depth: int
    note: str = ""  # "v3 posting", "Reviewed-by", ...


@dataclass
class RevisionInfo:
    version: int
    subject: str
    date: datetime
    thread_id: str
    patches: int = 0
    changes: list[str] = field(default_factory=list)  # the cover letter's changelog lines
    in_thread: bool = False  # the revision asked about
    message_id: str = ""  # cover letter, else first patch
    author: str = ""
    resend: bool = False


CHANGES = "changes requested"
COMMENTED = "commented"


@dataclass
class Evidence:
    """Why a cell shows a state: the mail, and for a change request the line."""

    kind: str
    message_id: str
    rule: str = ""  # facts/review.py rule name, for "changes requested"
    line: str = ""


@dataclass
class ReviewCell:
    patch: str  # patch (or cover letter) subject
    person: str
    kinds: list[str]  # trailers ("Reviewed-by", "Acked-by (carried)", "NAK", ...), then CHANGES or COMMENTED
    message_ids: list[str]
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class DeepDive:
    thread_id: str
    subject: str
    messages: int
    participants: list[str]
    first: datetime
    last: datetime
    timeline: list[TimelineEntry]
    revisions: list[RevisionInfo]
    matrix: list[ReviewCell]
    questions: list[Question]
    series: SeriesFacts | None = None
    summary: Summary | None = None
    sources: list[str] = field(default_factory=list)
    kind: str = ""  # facts/kinds.py kind of the thread
    steps: list[RevisionStep] = field(default_factory=list)  # v(N-1) -> vN, oldest first (facts/evolution.py)
    landed: list[Landing] = field(default_factory=list)  # --git: each patch of the newest revision
    landed_in: str = ""  # the --git tree looked in; "" when none was given
    applied: list[AppliedFact] = field(default_factory=list)  # "applied" replies on any revision
    list_url: str | None = None  # server/list the mail links point at, when known


def find_thread(threads: list[Thread], msgid: str) -> Thread | None:
    return next((t for t in threads if t.id == msgid or any(m.msgid == msgid for m in t.messages)), None)


def changelog_for(text: str, version: int) -> list[str]:
    from listsum.facts.evolution import changelog_for as block

    return block(text, version)


def changelog(text: str, limit: int = 20) -> list[str]:
    """The changelog block of a cover letter (see module docstring)."""
    lines = text.splitlines()
    start = next((i for i, ln in enumerate(lines) if _CHANGES.match(ln)), None)
    if start is None:
        return []
    out: list[str] = []
    for ln in lines[start + 1:]:
        if not ln.strip():
            if out:
                break
            continue
        if ln.startswith(("---", "-- ")) or len(out) >= limit:
            break
        out.append(re.sub(r"^[-*+]\s+", "", ln.strip()))  # the renderer draws its own bullets
    return out


def _body(msg: Message) -> str:
    from listsum.facts import body_text

    return body_text(msg)


def revisions(thread: Thread, threads: list[Thread], facts: SeriesFacts | None) -> list[RevisionInfo]:
    """One entry per revision of ``facts``' lineage (pipeline.facts: the report's own stages, so
    the deep dive and `listsum report` give a thread the same lineage and state)."""
    from listsum import series as series_mod

    lineage = facts.lineage if facts is not None else []
    by_thread = {t.id: t for t in threads}
    out = []
    for rev in lineage:
        info = RevisionInfo(rev.version, rev.subject, rev.date, rev.thread_id, in_thread=rev.thread_id == thread.id,
                            resend=rev.resend)
        posts = [p for p in series_mod.postings(by_thread[rev.thread_id])
                 if p.revision == rev.version and p.subject.full == rev.subject]
        if posts:
            info.patches = len(posts[0].patches)
            info.message_id, info.author = posts[0].first.msgid, posts[0].author
            if posts[0].cover is not None:
                info.changes = changelog_for(_body(posts[0].cover), rev.version)
        out.append(info)
    return out


def review_matrix(thread: Thread, facts: SeriesFacts | None) -> list[ReviewCell]:
    """Per (patch, person): trailers given, then "changes requested" or
    "commented" for the replies of people other than the author."""
    cells: dict[tuple[str, str], ReviewCell] = {}

    def add(patch: str, person: str, ev: Evidence) -> None:
        cell = cells.setdefault((patch, person), ReviewCell(patch, person, [], []))
        if ev.kind not in cell.kinds:
            cell.kinds.append(ev.kind)
        if ev.message_id not in cell.message_ids:
            cell.message_ids.append(ev.message_id)
        cell.evidence.append(ev)

    given = set()
    for tr in facts.trailers if facts else []:
        add(tr.patch, tr.person, Evidence(tr.kind, tr.message_id))
        given.add(tr.message_id)
    for msg in thread.messages:
        if not _REPLY.match(msg.subject):
            for kind, who in _carried(msg):
                add(msg.subject, who, Evidence(f"{kind} (carried)", msg.msgid))
            continue
        if msg.from_addr == thread.root.from_addr:
            continue
        asks = _asks(thread, msg)
        who, patch = _person(msg), _patch_of(thread, msg)
        for rule, line in asks[:3]:  # three lines say enough; the mail id leads to the rest
            add(patch, who, Evidence(CHANGES, msg.msgid, rule, line[:200]))
        if not asks and msg.msgid not in given:
            add(patch, who, Evidence(COMMENTED, msg.msgid))
    for cell in cells.values():  # one state per cell: a change request outranks a comment
        if CHANGES in cell.kinds and COMMENTED in cell.kinds:
            cell.kinds.remove(COMMENTED)
    return sorted(cells.values(), key=lambda c: (c.patch, c.person))


_CARRIED = re.compile(r"^(Reviewed-by|Acked-by|Tested-by):\s*(\S.*?)\s*$")


def _carried(posting: Message) -> list[tuple[str, str]]:
    """Trailers the author carried into a posting from earlier rounds (above
    its "---"): reviews of v(N-1) that still stand, e.g. Quentin Perret's
    Reviewed-by on patches 2 and 4 of Will Deacon's pKVM v2."""
    out = []
    for line in _body(posting).splitlines():
        if line.startswith("---"):
            break
        m = _CARRIED.match(line)
        if m:
            out.append((m.group(1), m.group(2)))
    return out


def _person(msg: Message) -> str:
    return f"{msg.from_name} <{msg.from_addr}>" if msg.from_name else msg.from_addr


def _asks(thread: Thread, msg: Message) -> list[tuple[str, str]]:
    from listsum.facts import own_lines
    from listsum.facts.review import change_requests

    parent = next((m for m in thread.messages if m.msgid == thread.parent.get(msg.msgid)), None)
    to_author = parent is not None and parent.from_addr == thread.root.from_addr
    return change_requests(own_lines(_body(msg)), to_author)


def _patch_of(thread: Thread, msg: Message) -> str:
    """Subject of the nearest posting (a mail that is not a reply) above
    ``msg``, as trailers.py attributes trailers; else its own, unprefixed."""
    by_id = {m.msgid: m for m in thread.messages}
    cur, seen = thread.parent.get(msg.msgid), set()
    while cur is not None and cur not in seen:
        seen.add(cur)
        up = by_id.get(cur)
        if up is not None and not _REPLY.match(up.subject):
            return up.subject
        cur = thread.parent.get(cur)
    return _REPLY.sub("", msg.subject)


def timeline(thread: Thread, facts: SeriesFacts | None) -> list[TimelineEntry]:
    notes: dict[str, list[str]] = {}
    for tr in facts.trailers if facts else []:
        notes.setdefault(tr.message_id, []).append(tr.kind)
    return [TimelineEntry(m.date, m.sender, m.subject, m.msgid, thread.depth(m.msgid),
                          ", ".join(dict.fromkeys(notes.get(m.msgid, []))))
            for m in thread.messages]


def record(thread: Thread, revisions: list[RevisionInfo], facts: SeriesFacts | None,
           sources: list[str]) -> DeepDive:
    """The deep dive of one thread from its own mail and its series facts;
    the comparison of revisions, the landing and the summary are added by
    pipeline.deep_dive."""
    from listsum.facts.kinds import classify

    return DeepDive(thread_id=thread.id, subject=thread.subject, messages=len(thread.messages),
                    participants=thread.participants(), first=thread.first, last=thread.last,
                    timeline=timeline(thread, facts), revisions=revisions, matrix=review_matrix(thread, facts),
                    questions=open_questions(thread), series=facts, sources=list(sources),
                    kind=classify(thread, facts))
