"""The one-thread deep dive: timeline, revisions v1..vN, review matrix, open questions.

Pure data built from Messages and Threads (``deep_dive``); ``deep_dive_from``
does the getting (a local mbox, the store, or the server: the thread, plus a
subject search so earlier and later revisions posted as new threads come
along). Renderers live in report/deepdive.py.

Heuristics, each named by the mail that needs it:
- "what changed" is the cover letter's changelog block: the lines after
  "Changes since v2 include:" / "Changelog:" / "v2 -> v3:" up to the next
  blank line after the list (Will Deacon's pKVM hypercall covers, Oct 2021).
- a reply from someone other than the author that gives no trailer is
  "commented": on kvmarm such replies are nearly always change requests
  or questions; the matrix says "commented", not "asked for changes", so it
  claims no more than it knows.
- an open question is a line of the sender's own text ending in "?" in a
  mail that nobody else answered in the thread.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from listsum.mail.message import Message
from listsum.mail.threads import Thread, build_threads
from listsum.report.model import SeriesFacts, Summary

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


@dataclass
class ReviewCell:
    patch: str  # patch (or cover letter) subject
    person: str
    kinds: list[str]  # "Reviewed-by", "Acked-by", "Tested-by", "NAK", "commented"
    message_ids: list[str]


@dataclass
class Question:
    message_id: str
    sender: str
    date: datetime
    text: str


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


def find_thread(threads: list[Thread], msgid: str) -> Thread | None:
    return next((t for t in threads if t.id == msgid or any(m.msgid == msgid for m in t.messages)), None)


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


def revisions(thread: Thread, threads: list[Thread]) -> tuple[list[RevisionInfo], SeriesFacts | None]:
    from listsum import series as series_mod

    lineage = series_mod.link_revisions(threads).get(thread.id, [])
    by_thread = {t.id: t for t in threads}
    out = []
    for rev in lineage:
        info = RevisionInfo(rev.version, rev.subject, rev.date, rev.thread_id, in_thread=rev.thread_id == thread.id)
        posts = [p for p in series_mod.postings(by_thread[rev.thread_id]) if p.revision == rev.version]
        if posts:
            info.patches = len(posts[0].patches)
            if posts[0].cover is not None:
                info.changes = changelog(_body(posts[0].cover))
        out.append(info)
    return out, series_mod.series_facts(thread, lineage)


def review_matrix(thread: Thread, facts: SeriesFacts | None) -> list[ReviewCell]:
    """Who gave what to which patch; plus "commented" for trailer-less replies by others."""
    cells: dict[tuple[str, str], ReviewCell] = {}

    def add(patch: str, person: str, kind: str, mid: str) -> None:
        cell = cells.setdefault((patch, person), ReviewCell(patch, person, [], []))
        if kind not in cell.kinds:
            cell.kinds.append(kind)
        if mid not in cell.message_ids:
            cell.message_ids.append(mid)

    given = set()
    for tr in facts.trailers if facts else []:
        add(tr.patch, tr.person, tr.kind, tr.message_id)
        given.add(tr.message_id)
    root = thread.root
    by_id = {m.msgid: m for m in thread.messages}
    for msg in thread.messages:
        if msg.msgid in given or msg.from_addr == root.from_addr or not _REPLY.match(msg.subject):
            continue
        parent = by_id.get(thread.parent.get(msg.msgid) or "")
        patch = _REPLY.sub("", parent.subject if parent else msg.subject)
        add(patch, f"{msg.from_name} <{msg.from_addr}>" if msg.from_name else msg.from_addr, "commented", msg.msgid)
    return sorted(cells.values(), key=lambda c: (c.patch, c.person))


def open_questions(thread: Thread, limit: int = 12) -> list[Question]:
    from listsum.facts import own_lines

    senders = {m.msgid: m.from_addr for m in thread.messages}
    # Answered means: some other person replied to this mail.
    answered = {p for mid, p in thread.parent.items() if p and senders.get(mid) != senders.get(p)}
    out = []
    for msg in thread.messages:
        if msg.msgid in answered or msg.msgid == thread.id:
            continue
        for line in own_lines(_body(msg)):
            if line.rstrip().endswith("?") and len(line.strip()) > 8:
                out.append(Question(msg.msgid, msg.sender, msg.date, line.strip()[:240]))
    return out[:limit]


def timeline(thread: Thread, facts: SeriesFacts | None) -> list[TimelineEntry]:
    notes: dict[str, list[str]] = {}
    for tr in facts.trailers if facts else []:
        notes.setdefault(tr.message_id, []).append(tr.kind)
    return [TimelineEntry(m.date, m.sender, m.subject, m.msgid, thread.depth(m.msgid),
                          ", ".join(dict.fromkeys(notes.get(m.msgid, []))))
            for m in thread.messages]


def deep_dive(messages: list[Message], msgid: str, sources: list[str] | None = None) -> DeepDive:
    """The deep dive of the thread holding ``msgid``; ``messages`` may hold
    other threads too (other revisions of the series, unrelated mail)."""
    from listsum.errors import InputError

    threads = build_threads(messages)
    thread = find_thread(threads, msgid)
    if thread is None:
        raise InputError(f"message <{msgid}> is not in {', '.join(sources or ['the input'])}")
    revs, facts = revisions(thread, threads)
    return DeepDive(thread_id=thread.id, subject=thread.subject, messages=len(thread.messages),
                    participants=thread.participants(), first=thread.first, last=thread.last,
                    timeline=timeline(thread, facts), revisions=revs, matrix=review_matrix(thread, facts),
                    questions=open_questions(thread), series=facts, sources=list(sources or []))


def deep_dive_from(ref: str, *, mbox: Path | None = None, list_name: str | None = None,
                   server: str | None = None, offline: bool = False,
                   progress=None) -> DeepDive:
    """Get the mail (``mbox``, the store, or the server) and build the deep dive."""
    from listsum.sources import lore
    from listsum.sources.reader import read_inputs

    url_server, url_list, msgid = lore.parse_thread_ref(ref)
    server, list_name = server or url_server, list_name or url_list
    paths = [str(mbox)] if mbox is not None else [str(lore.thread_mbox(
        msgid, list_name=list_name, server=server, offline=offline, progress=progress))]
    msgs = read_inputs(paths).messages
    if mbox is None and not offline:
        paths += _related(msgs, msgid, list_name or "all", server, progress)
        msgs = read_inputs(paths).messages
    return deep_dive(msgs, msgid, paths)


def _related(msgs: list[Message], msgid: str, list_name: str, server: str | None, progress) -> list[str]:
    """Other revisions of the series: a subject search for the posting's title."""
    from listsum.mail.subject import Subject
    from listsum.sources import lore, store

    thread = find_thread(build_threads(msgs), msgid)
    if thread is None:
        return []
    title = Subject.parse(thread.subject).title.replace('"', " ").strip()
    if not Subject.parse(thread.subject).is_patch or len(title) < 8:
        return []
    data = lore.search_mbox(list_name, f's:"{title}"', server=server, progress=progress)
    if not data:
        return []
    import gzip

    path = store.thread_path(list_name, msgid)
    path = path.with_name(path.name.replace(".mbox.gz", "-related.mbox.gz"))
    store.write_atomic(path, gzip.compress(data, mtime=0))
    return [str(path)]
