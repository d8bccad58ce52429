"""A thread as the summariser sees it: header, facts, background, and the
compressed messages of the window, each attributed by name.

Facts come from the core layer (ThreadReport.series: version, trailers,
applied, lineage) plus what compression lifted from the bodies (trailers,
decisions), deduplicated, so every reviewer and decision reaches the
prompt even when the text around it is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email import message_from_bytes
from email.policy import compat32

from listsum.mail.message import Message
from listsum.mail.threads import Thread
from listsum.report.model import ThreadReport
from listsum.summarise.compress import compress

_COUNTER = re.compile(r"\[[^\]]*?\b(\d+/\d+)\]")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"'])")
BACKGROUND_SENTENCES = 2  # per message before the window, when no earlier summary exists


def body_text(msg: Message) -> str:
    """The plain body; listsum.mail.body when present, the stdlib otherwise."""
    try:
        from listsum.mail.body import text_of
    except ImportError:  # body.py not there yet: minimal fallback
        part = message_from_bytes(msg.raw, policy=compat32)
        payload = next((p.get_payload(decode=True) for p in part.walk() if p.get_content_type() == "text/plain"), b"")
        return (payload or b"").decode("utf-8", "replace")
    return text_of(msg)


@dataclass
class Entry:
    who: str
    date: str
    subject: str
    text: str
    in_window: bool
    root: bool = False


@dataclass
class Digest:
    thread_id: str
    header: list[str]
    facts: list[str]
    entries: list[Entry]
    background: str = ""  # previous summary from the cache, if any
    people: list[str] = field(default_factory=list)
    source_text: str = ""  # the thread's own text, for the checks

    def with_entries(self, entries: list[Entry]) -> Digest:
        return Digest(self.thread_id, self.header, self.facts, entries, self.background, self.people,
                      self.source_text)


def label(subject: str) -> str:
    m = _COUNTER.search(subject)
    return m.group(1) if m else "cover" if "[" in subject else subject[:60]


def sentences(text: str, limit: int) -> str:
    prose = " ".join(ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith(">"))
    return " ".join(_SENTENCE.split(prose)[:limit])


def build(tr: ThreadReport, thread: Thread, previous: str = "") -> Digest:
    in_window = {e.message_id: e.in_window for e in tr.messages}
    entries: list[Entry] = []
    lifted: dict[tuple[str, str], list[str]] = {}
    decisions: list[str] = []
    source: list[str] = [tr.subject]
    for msg in thread.messages:
        body = body_text(msg)
        source.append(f"{msg.sender} {msg.from_addr}\n{msg.subject}\n{body}")
        c = compress(body, msg.sender)
        for kind, person in c.trailers:
            lifted.setdefault((kind, _name(person)), []).append(label(msg.subject))
        decisions += [f'{msg.sender} ({label(msg.subject)}): "{d}"' for d in c.decisions]
        win = in_window.get(msg.msgid, False)
        root = msg is thread.messages[0]
        text = c.text
        if c.diffstat and root:
            text += "\nFiles: " + ", ".join(d.split("|")[0].strip() for d in c.diffstat if "|" in d)[:300]
        if not win and not root:
            text = sentences(text, BACKGROUND_SENTENCES)
        entries.append(Entry(msg.sender, msg.date.strftime("%Y-%m-%d"), msg.subject, text, win, root))
    facts = _series_facts(tr) + _trailer_facts(tr, lifted) + [f"Decision: {d}" for d in dict.fromkeys(decisions)]
    header = [f"Subject: {tr.subject}", f"Kind: {tr.kind}",
              f"Messages: {tr.total} ({tr.in_window} this week)",
              "Participants: " + ", ".join(tr.participants[:12])]
    return Digest(tr.id, header, facts, entries, previous, list(tr.participants), "\n".join(source))


def _name(person: str) -> str:
    return person.split("<")[0].strip().strip('"') or person


def _series_facts(tr: ThreadReport) -> list[str]:
    s = tr.series
    if s is None:
        return []
    out = [f"Version: v{s.version}, {s.patches} patches" + (" (resend)" if s.resend else "")
           + f"; review state: {s.review_state}"]
    if len(s.lineage) > 1:
        out.append("Earlier versions: " + ", ".join(f"v{r.version} ({r.date:%Y-%m-%d})" for r in s.lineage
                                                    if r.version != s.version))
    for a in s.applied:
        out.append(f"Applied by {a.by}" + (f" to {a.branch}" if a.branch else "") + f" on {a.date:%Y-%m-%d}")
    return out


def _trailer_facts(tr: ThreadReport, lifted: dict[tuple[str, str], list[str]]) -> list[str]:
    merged: dict[tuple[str, str], list[str]] = {k: list(v) for k, v in lifted.items()}
    for t in tr.series.trailers if tr.series else []:
        merged.setdefault((t.kind, _name(t.person)), []).append(label(t.patch))
    return [f"{kind}: {who} on {', '.join(dict.fromkeys(on))}" for (kind, who), on in merged.items()]
