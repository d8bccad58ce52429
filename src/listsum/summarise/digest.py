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

from listsum.mail.body import text_of
from listsum.mail.message import Message
from listsum.mail.subject import starts_as_reply
from listsum.mail.threads import Thread
from listsum.model import ThreadReport
from listsum.summarise.compress import compress

_COUNTER = re.compile(r"\[[^\]]*?\b(\d+/\d+)\]")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"'])")
BACKGROUND_SENTENCES = 2  # per message before the window, when no earlier summary exists
# A patch of a series with a cover letter: the cover says what the series
# is for; of each patch's commit message the first sentences are enough.
PATCH_SENTENCES = 1


def body_text(msg: Message) -> str:
    """The plain body (mail/body.py)."""
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
    state: str = ""  # "State: ..." from the core layer facts; ends every summary

    def with_entries(self, entries: list[Entry]) -> Digest:
        return Digest(self.thread_id, self.header, self.facts, entries, self.background, self.people,
                      self.source_text, self.state)


def label(subject: str) -> str:
    m = _COUNTER.search(subject)
    return m.group(1) if m else "cover" if "[" in subject else subject[:60]


def sentences(text: str, limit: int) -> str:
    prose = " ".join(ln.strip() for ln in text.splitlines()
                     if sum(c.isalpha() for c in ln) > 3 and not ln.lstrip().startswith(">"))
    return " ".join(_SENTENCE.split(prose)[:limit])


def build(tr: ThreadReport, thread: Thread, previous: str = "") -> Digest:
    in_window = {e.message_id: e.in_window for e in tr.messages}
    entries: list[Entry] = []
    lifted: dict[tuple[str, str], list[str]] = {}
    decisions: list[str] = []
    source: list[str] = [tr.subject]
    has_cover = _is_patch(thread.messages[0].subject) and label(thread.messages[0].subject).split("/")[0].strip("0") == ""
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
        if _is_bot(msg):
            text = bot_digest(text)
        if not win and not root:
            text = sentences(text, BACKGROUND_SENTENCES)
        elif not root and has_cover and _is_patch(msg.subject):
            short = sentences(text, PATCH_SENTENCES)
            text = short + " [commit message shortened]" if len(short) < len(text) else text
        entries.append(Entry(msg.sender, msg.date.strftime("%Y-%m-%d"), _short_subject(msg.subject), text, win, root))
    facts = _series_facts(tr) + _trailer_facts(tr, lifted) + [f"Decision: {d}" for d in dict.fromkeys(decisions)]
    header = [f"Subject: {tr.subject}", f"Kind: {tr.kind}",
              f"Messages: {tr.total} ({tr.in_window} this week)",
              "Participants: " + ", ".join(_name(p) for p in tr.participants[:12])]
    return Digest(tr.id, header, facts, entries, previous, list(tr.participants), "\n".join(source),
                  state_line(tr))


def state_line(tr: ThreadReport, max_trailers: int = 6) -> str:
    """The facts a summary must never lose, from the core layer only (no model,
    no body heuristics): version and review state, trailers by person, applied
    and where. Threads without a series get their kind and message counts."""
    if tr.series is None:
        return f"State: {tr.kind}; {tr.in_window} of {tr.total} messages this week."
    trailers = _trailer_facts(tr, {})
    more = f"; +{len(trailers) - max_trailers} more trailers" if len(trailers) > max_trailers else ""
    return "State: " + "; ".join(_series_facts(tr) + trailers[:max_trailers]) + more + "."


_BOTS = ("lkp@intel.com", "syzbot", "noreply", "bot@")
_BOT_LINE = re.compile(r"\b(error|warning|BUG|WARNING|KASAN|Oops)\b:?")


def _is_bot(msg: Message) -> bool:
    return any(b in msg.from_addr for b in _BOTS)


def bot_digest(text: str, lines: int = 5) -> str:
    """A build/test robot's report: its opening and its distinct error lines;
    the build log around them says nothing to a summary."""
    hits = list(dict.fromkeys(ln.strip() for ln in text.splitlines() if _BOT_LINE.search(ln)))
    out = sentences(text, 2)
    if hits:
        out += "\n" + "\n".join(hits[:lines]) + (f"\n[{len(hits) - lines} more error lines]" if len(hits) > lines else "")
    return out


def _short_subject(subject: str) -> str:
    """A reply needs no repeat of the whole subject: "Re: 3/5" says which patch."""
    if starts_as_reply(subject):
        lab = label(subject)
        return f"Re: {lab}" if "/" in lab else "Re:"
    return subject


def _is_patch(subject: str) -> bool:
    return bool(re.match(r"\s*\[[^\]]*PATCH", subject, re.I))


def _name(person: str) -> str:
    return person.split("<")[0].strip().strip('"') or person


def _series_facts(tr: ThreadReport) -> list[str]:
    s = tr.series
    if s is None:
        return []
    # No "0 patches" when the posting is outside the input (a thread rooted at a reply).
    out = [f"Version: v{s.version}" + (f", {s.patches} patches" if s.patches else "") + (" (resend)" if s.resend else "")
           + f"; review state: {s.review_state}"]
    # The lineage holds every revision found, later ones too (the deep dive
    # of v2 also knows v3): say which side of this posting each one is.
    for word, keep in (("Earlier", lambda v: v < s.version), ("Later", lambda v: v > s.version)):
        revs = [r for r in s.lineage if keep(r.version)]
        if revs:
            out.append(f"{word} versions: " + ", ".join(f"v{r.version} ({r.date:%Y-%m-%d})" for r in revs))
    for a in s.applied:
        out.append(f"Applied by {a.by}" + (f" to {a.branch}" if a.branch else "") + f" on {a.date:%Y-%m-%d}")
    return out


def _trailer_facts(tr: ThreadReport, lifted: dict[tuple[str, str], list[str]]) -> list[str]:
    merged: dict[tuple[str, str], list[str]] = {k: list(v) for k, v in lifted.items()}
    for t in tr.series.trailers if tr.series else []:
        merged.setdefault((t.kind, _name(t.person)), []).append(label(t.patch))
    return [f"{kind}: {who} on {patches(on)}" for (kind, who), on in merged.items()]


def patches(labels: list[str]) -> str:
    """["01/15", ..., "15/15"] -> "all 15 patches"; ["1/5", "3/5"] -> "patches 1, 3 of 5"."""
    labels = list(dict.fromkeys(labels))
    nums: set[int] = set()
    total = 0
    for lab in labels:
        m = re.fullmatch(r"(\d+)/(\d+)", lab)
        if not m:
            return ", ".join(labels)
        nums.add(int(m.group(1)))
        total = max(total, int(m.group(2)))
    if nums >= set(range(1, total + 1)):
        return f"all {total} patches" + (" and the cover letter" if 0 in nums else "")
    if nums == {0}:
        return "the cover letter"
    named = ", ".join("cover letter" if n == 0 else str(n) for n in sorted(nums))
    return f"patch {named} of {total}" if len(nums) == 1 else f"patches {named} of {total}"


def render_digest(d: Digest) -> str:
    """The digest as one text (what eval's checks and the token bench read);
    the mails inside one fence: a fence per mail cost 5% more tokens."""
    from listsum.summarise.prompts import fence

    parts = ["\n".join(d.header)]
    if d.facts:
        parts.append("Facts:\n" + "\n".join(f"- {f}" for f in d.facts))
    if d.background:
        parts.append("Earlier summary (before this week):\n" + d.background)
    mails = [f"[{e.who}{'' if e.in_window else f', {e.date}, before this week'}] {e.subject}\n{e.text}".rstrip()
             for e in d.entries]
    if mails:
        parts.append(fence("\n\n".join(mails)))
    return "\n\n".join(parts)
