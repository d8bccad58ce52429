"""What changed from one revision of a series to the next, from the mail alone.

For each pair of consecutive revisions (vN-1, vN) of a lineage
(series.link_revisions):

- every patch matched and compared (facts/interdiff.py): added, dropped,
  renamed, unchanged, changed, with the diff of the diffs and its size;
- every review trailer of vN-1 checked against vN (``trailer_checks``):
  carried, carried although the patch changed since the review, or dropped
  by the author. A trailer given to the cover letter counts for every patch
  (Marc Zyngier's "For the series: Reviewed-by" replies to a 0/N);
- every change request or question of a reviewer on vN-1 checked against
  vN (``review_checks``): heuristic, and labelled so where it is shown.

Pure: messages and threads in, records out. deepdive.py calls it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from listsum.facts import body_text, own_lines
from listsum.facts.interdiff import CHANGED, RENAMED, UNCHANGED, Comparison, FileSize, Patch, \
    match_patches, split_patch
from listsum.facts.review import change_requests
from listsum.facts.trailers import find_trailers
from listsum.mail.message import Message
from listsum.mail.subject import Subject
from listsum.mail.threads import Thread
from listsum.series import Posting, postings

_HEADING = re.compile(r"^\s*(?:changes|changelog|change log)\b|^\s*v\d+\s*(?:->|to|\.\.)\s*v\d+\s*:?|"
                      r"^\s*(?:since|from)\s+v\d+\s*:|^\s*[-*]?\s*v\d+\s*:\s*$", re.I)
_HEADING_LOOSE = re.compile(r"^.{0,40}\b(?:changes|changelog)\b[^.]{0,40}:\s*$", re.I)
_BULLET = re.compile(r"^\s*(?:[-*+o]|\d+[.)])\s+")
# A request about the commit message, not the code: "Thomas, can you adjust the commit
# message(s), please, for v7?" (Andy Shevchenko, devm_mutex_init() v6 on linux-leds).
_ABOUT_MESSAGE = re.compile(r"\b(?:commit (?:message|log|text|description)|changelog|subject line)", re.I)
# Quoted lines that say nothing about what a request answers: the commit's trailers,
# a diffstat (Lee Jones quoting the tail of LP5812 v21's cover to ask for a rebase).
_QUOTED_NOISE = re.compile(r"^\s*[\w-]+-by:|^\s*(?:Link|Cc|Fixes|Closes):|^ \S.*\|\s+\d+|^ \d+ files? changed|^\s*$")
_REVIEW = ("Reviewed-by", "Acked-by", "Tested-by")
_CARRIED = re.compile(r"^\s*(Reviewed-by|Acked-by|Tested-by)\s*:\s*(\S.*?)\s*$", re.I)
_ADDR = re.compile(r"<?([^\s<>]+@[^\s<>]+)>?")
_WORD = re.compile(r"[A-Za-z_][\w]*(?:\(\))?")
# Words too common in reviews and changelogs to tie one to the other.
_STOP = frozenset("about above after again against because before being below between could doesn "
                  "should their there these those through under until where which while would please "
                  "instead patches changes changed driver device support update updated return thanks "
                  "commit message something anything really better".split())

HEURISTIC = "heuristic: line overlap and changelog words, not a reading of the code"
ADDRESSED, MENTIONED, NOT_ADDRESSED, GONE = ("addressed (lines changed)", "mentioned in changelog",
                                             "not visibly addressed", "patch dropped")


@dataclass
class PatchRef:
    counter: int
    subject: str
    message_id: str


@dataclass
class PatchChange:
    status: str  # interdiff ADDED / DROPPED / RENAMED / UNCHANGED / CHANGED
    old: PatchRef | None
    new: PatchRef | None
    same_code: bool = False
    message_changed: bool = False
    context_only: bool = False  # same added/removed lines, other context: a rebase
    size: str = ""  # "+12 -3 lines in arch/arm64/kvm/mmu.c"
    files: list[FileSize] = field(default_factory=list)
    diff: list[str] = field(default_factory=list)  # range-diff style


@dataclass
class TrailerCheck:
    kind: str  # Reviewed-by, Acked-by, Tested-by
    person: str
    patch: str  # subject in vN-1
    given_in: str  # Message-ID that gave it (a reply, the cover letter's reply, or the vN-1 patch carrying it)
    status: str  # "carried" | "carried, patch changed since the review" | "dropped by the author"
    via_cover: bool = False
    new_message_id: str = ""  # the vN patch


CARRIED, STALE, DROPPED_BY_AUTHOR = "carried", "carried, patch changed since the review", "dropped by the author"


@dataclass
class ReviewCheck:
    person: str
    rule: str  # facts/review.py rule
    line: str  # the request, as written
    quoted: list[str]  # the diff lines it answered (quoted above it)
    patch: str  # subject in vN-1
    asked_in: str  # Message-ID of the request
    verdict: str  # ADDRESSED / MENTIONED / NOT_ADDRESSED / GONE
    answer_in: str = ""  # Message-ID in vN: the patch, or the cover letter whose changelog mentions it
    changelog_line: str = ""


@dataclass
class RevisionStep:
    from_version: int
    to_version: int
    from_thread: str
    to_thread: str
    patches: list[PatchChange]
    trailers: list[TrailerCheck]
    reviews: list[ReviewCheck]
    note: str = HEURISTIC


@dataclass
class _Side:
    """One revision: its posting, thread, and each patch split once."""

    post: Posting
    thread: Thread
    parts: list[Patch]

    @property
    def author(self) -> str:
        return self.post.author


def side(post: Posting, thread: Thread) -> _Side:
    return _Side(post, thread, [split_patch(body_text(m)) for m in post.patches])


def changelog_for(text: str, version: int, limit: int = 20) -> list[str]:
    """The changelog block of a cover letter (or of the notes below a patch's
    "---") for ``version``: the block headed "Changes in v3:" / "v2 -> v3:" /
    "Changes since v2:" / "The other changes to v3 include:", else the first
    block. b4 covers list every round, newest first ("Changes in v22: ...
    Changes in v21: ...", the TI LP5812 series on linux-leds); Quentin
    Perret's host stage-2 covers put a blank line between items and wrap
    them, so an item's indented continuation joins it."""
    lines = text.splitlines()
    heads = [i for i, ln in enumerate(lines) if _HEADING.match(ln) or _HEADING_LOOSE.match(ln)]
    if not heads:
        return []
    own = re.compile(rf"(?<!since )(?<!from )\bv{version}\b|\b(?:since|from)\s+v{version - 1}\b|"
                     rf"\bv{version - 1}\s*(?:->|to|\.\.)", re.I)
    start = next((i for i in heads if own.search(lines[i])), heads[0])
    out: list[str] = []
    bullets = False
    for k in range(start + 1, len(lines)):
        ln = lines[k]
        if not ln.strip():
            nxt = next((x for x in lines[k + 1:] if x.strip()), "")
            if out and not (bullets and _BULLET.match(nxt)):
                break
            continue
        if ln.startswith(("---", "-- ")) or (out and (_HEADING.match(ln) or _HEADING_LOOSE.match(ln))):
            break
        item = _BULLET.match(ln)
        if item:
            if len(out) >= limit:
                break
            bullets = True
            out.append(ln[item.end():].strip())
        elif bullets and out and ln[:1].isspace():
            out[-1] += " " + ln.strip()  # a wrapped item
        elif bullets and out:
            break  # prose after the list
        else:
            if len(out) >= limit:
                break
            out.append(ln.strip())
    return out


def step(old: _Side, new: _Side) -> RevisionStep:
    """vN-1 (``old``) against vN (``new``)."""
    titles_old = [(Subject.parse(m.subject).normalised, p) for m, p in zip(old.post.patches, old.parts)]
    titles_new = [(Subject.parse(m.subject).normalised, p) for m, p in zip(new.post.patches, new.parts)]
    comps = match_patches(titles_old, titles_new)
    changes = [_change(c, old.post.patches, new.post.patches) for c in comps]
    return RevisionStep(old.post.revision, new.post.revision, old.thread.id, new.thread.id, changes,
                        trailer_checks(old, new, comps), review_checks(old, new, comps))


def _ref(msgs: list[Message], i: int | None) -> PatchRef | None:
    if i is None:
        return None
    m = msgs[i]
    return PatchRef(Subject.parse(m.subject).counter, m.subject, m.msgid)


def _change(c: Comparison, old: list[Message], new: list[Message]) -> PatchChange:
    return PatchChange(c.status, _ref(old, c.old), _ref(new, c.new), c.same_code, c.message_changed,
                       c.context_only, c.size if c.status in (CHANGED, RENAMED, UNCHANGED) else "", c.sizes, c.diff)


def _addr(person: str) -> str:
    found = _ADDR.findall(person)
    return (found[-1] if found else person).lower().strip()


def _carried(msg: Message) -> set[tuple[str, str]]:
    """(kind, address) of the review trailers a posting carries above its "---"."""
    out = set()
    for line in body_text(msg).splitlines():
        if line.rstrip() == "---":
            break
        m = _CARRIED.match(line)
        if m:
            out.add((_canon(m.group(1)), _addr(m.group(2))))
    return out


def _given(old: _Side) -> dict[int, list[tuple[str, str, str, bool]]]:
    """Per old patch index: (kind, person, message id, via cover) of review trailers."""
    by_subject = {m.subject: i for i, m in enumerate(old.post.patches)}
    cover = old.post.cover.subject if old.post.cover is not None else None
    mails = {m.msgid: m for p in postings(old.thread) for m in p.messages}
    out: dict[int, list[tuple[str, str, str, bool]]] = {i: [] for i in range(len(old.post.patches))}
    for tr in find_trailers(old.thread, mails):
        kind = _canon(tr.kind)
        if kind not in _REVIEW:
            continue
        if tr.patch == cover:
            for i in out:
                out[i].append((kind, tr.person, tr.message_id, True))
        elif tr.patch in by_subject:
            out[by_subject[tr.patch]].append((kind, tr.person, tr.message_id, False))
    for i, m in enumerate(old.post.patches):
        for kind, addr in _carried(m):
            out[i].append((_canon(kind), addr, m.msgid, False))
    return out


def _canon(kind: str) -> str:
    return next((k for k in _REVIEW if k.lower() == kind.lower()), kind)


def trailer_checks(old: _Side, new: _Side, comps: list[Comparison]) -> list[TrailerCheck]:
    given = _given(old)
    out: list[TrailerCheck] = []
    for c in comps:
        if c.old is None or c.new is None:
            continue
        carried = {(_canon(k), a) for k, a in _carried(new.post.patches[c.new])}
        seen: set[tuple[str, str]] = set()
        for kind, person, mid, via_cover in given.get(c.old, []):
            key = (kind, _addr(person))
            if key in seen or key[1] == old.author:  # the author's own ack of a reviewer's proposal
                continue
            seen.add(key)
            if key in carried:
                status = CARRIED if c.same_code else STALE
            else:
                status = DROPPED_BY_AUTHOR
            out.append(TrailerCheck(kind, person, old.post.patches[c.old].subject, mid, status, via_cover,
                                    new.post.patches[c.new].msgid))
    return out


def review_checks(old: _Side, new: _Side, comps: list[Comparison]) -> list[ReviewCheck]:
    """Each change request on vN-1 from someone other than the author."""
    index = {m.msgid: i for i, m in enumerate(old.post.patches)}
    cover_id = old.post.cover.msgid if old.post.cover is not None else None
    by_old = {c.old: c for c in comps if c.old is not None}
    log = changelog_for(body_text(new.post.cover), new.post.revision) if new.post.cover is not None else []
    out: list[ReviewCheck] = []
    for msg in old.thread.messages:
        if msg.msgid in index or msg.msgid == cover_id or msg.from_addr == old.author:
            continue
        target = _target(old.thread, msg, index, cover_id)
        if target is None:
            continue
        for rule, line, quoted in _requests(old.thread, msg, old.author):
            comp = by_old.get(target) if target >= 0 else None
            out.append(_verdict(old, new, msg, rule, line, quoted, target, comp, log))
    return out


def _target(thread: Thread, msg: Message, index: dict[str, int], cover: str | None) -> int | None:
    """Index of the old patch ``msg`` answers; -1 for the cover letter; None for another posting."""
    cur, seen = thread.parent.get(msg.msgid), set()
    while cur is not None and cur not in seen:
        seen.add(cur)
        if cur in index:
            return index[cur]
        if cur == cover:
            return -1
        cur = thread.parent.get(cur)
    return None


def _requests(thread: Thread, msg: Message, author: str) -> list[tuple[str, str, list[str]]]:
    """(rule, line, quoted diff lines above it) of every change request in ``msg``."""
    parent = next((m for m in thread.messages if m.msgid == thread.parent.get(msg.msgid)), None)
    to_author = parent is not None and parent.from_addr == author
    text = body_text(msg)
    asks = change_requests(own_lines(text), to_author)
    if not asks:
        return []
    lines = text.splitlines()
    out = []
    for rule, line in asks[:6]:  # six requests say enough for one mail; the link leads to the rest
        at = next((i for i, ln in enumerate(lines) if ln.strip() == line), None)
        out.append((rule, line[:240], _quoted_above(lines, at) if at is not None else []))
    return out


def _quoted_above(lines: list[str], at: int) -> list[str]:
    """The quoted diff lines ("> +foo") of the quote block above line ``at``:
    the paragraph holding the request may start a few lines higher ("out the
    `chip` pointer ... Why not\njust store the `chip` in clientdata", Lee
    Jones on LP5812 v17)."""
    i = at - 1
    while i >= 0 and at - i <= 12 and not lines[i].lstrip().startswith(">"):
        i -= 1
    block: list[str] = []
    while i >= 0 and lines[i].lstrip().startswith(">"):
        block.append(re.sub(r"^\s*>\s?", "", lines[i]))
        i -= 1
    block.reverse()
    return [ln for ln in block if ln.strip() and not ln.startswith(("---", "+++", "diff --git", "@@"))
            and not _QUOTED_NOISE.match(ln)][-8:]


def _verdict(old: _Side, new: _Side, msg: Message, rule: str, line: str, quoted: list[str], target: int,
             comp: Comparison | None, log: list[str]) -> ReviewCheck:
    subject = old.post.patches[target].subject if target >= 0 else (old.post.cover.subject if old.post.cover else "")
    check = ReviewCheck(msg.sender if not msg.from_name else f"{msg.from_name} <{msg.from_addr}>", rule, line,
                        quoted, subject, msg.msgid, NOT_ADDRESSED)
    if target >= 0 and comp is None:
        check.verdict = GONE
        return check
    new_id = new.post.patches[comp.new].msgid if comp is not None and comp.new is not None else ""
    notes = changelog_for("\n".join(new.parts[comp.new].notes), new.post.revision) if new_id else []
    hit = _mentions(notes, msg, line, quoted)
    where = new_id
    if not hit and new.post.cover is not None:
        hit, where = _mentions(log, msg, line, quoted), new.post.cover.msgid
    check.changelog_line = hit
    if comp is not None and new_id and (_lines_changed(old.parts[target], quoted, comp)
                                        or _message_changed(old.parts[target], new.parts[comp.new], quoted)
                                        or (comp.message_changed and _ABOUT_MESSAGE.search(line))):
        check.verdict, check.answer_in = ADDRESSED, new_id
    elif hit:
        check.verdict, check.answer_in = MENTIONED, where
    return check


def _squash(line: str) -> str:
    return " ".join(line.split())


def _lines_changed(patch: Patch, quoted: list[str], comp: Comparison) -> bool:
    """Whether vN changed the old patch's lines the reviewer quoted (within two lines)."""
    if not quoted or comp.same_code:
        return False
    want = {_squash(q) for q in quoted}
    code = patch.code
    hits = [k for k, ln in enumerate(code) if _squash(ln) in want]
    changed = set(comp.changed_old)
    return any(k + d in changed for k in hits for d in range(-2, 3))


def _message_changed(old: Patch, new: Patch, quoted: list[str]) -> bool:
    """Whether a quoted line of the old commit message is gone from the new one
    (Andy Shevchenko asking for reworded messages on devm_mutex_init() v6)."""
    before = {_squash(ln) for ln in old.message if ln.strip()}
    after = {_squash(ln) for ln in new.message if ln.strip()}
    return any(_squash(q) in before and _squash(q) not in after for q in quoted)


def _mentions(log: list[str], msg: Message, line: str, quoted: list[str]) -> str:
    """The changelog line naming the reviewer, or sharing two identifiers with the request."""
    names = [w for w in re.split(r"[\s,.]+", msg.from_name) if len(w) >= 3]
    words = _words(line + " " + " ".join(quoted))
    for entry in log:
        if any(re.search(rf"\b{re.escape(n)}\b", entry, re.I) for n in names):
            return entry
        if len(words & _words(entry)) >= 2:
            return entry
    return ""


def _words(text: str) -> set[str]:
    """Identifiers (and their long parts) and long words: what a changelog
    line and a review share ("i2c_set_clientdata(client, chip)" quoted by
    Lee Jones, "Save chip in i2c_set_clientdata()" in the LP5812 v18 log)."""
    out: set[str] = set()
    for w in _WORD.findall(text):
        w = w.lower().removesuffix("()")
        parts = [w] + (w.split("_") if "_" in w else [])
        out |= {p for p in parts if (len(p) >= 6 or "_" in p) and p not in _STOP}
    return out
