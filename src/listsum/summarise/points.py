"""A thread's summary record by rules: headline, points, state.

Every point is a sentence a participant wrote in the window (with its
stance) or a fact extracted from the mail (a trailer, a decision), and it
cites the message(s) it rests on. Patch postings are not replies: the
headline covers them. Long threads keep the points that matter most
(decisions, objections, unanswered questions) rather than the first N.
Pure: thread and facts in, Candidates and a Summary out; no model here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from listsum.facts.authors import Author
from listsum.facts.bots import is_bot_mail, is_merge_bot
from listsum.mail.message import Message
from listsum.mail.subject import starts_as_reply, strip_reply
from listsum.mail.threads import Thread
from listsum.report.build import person
from listsum.report.i18n import label
from listsum.model import Point, Summary, ThreadReport
from listsum.summarise.bot_points import BotVerdict, bot_line, bot_verdict
from listsum.summarise.compress import compress
from listsum.summarise.digest import body_text, label as patch_label, patches
from listsum.summarise.stance import (Judged, asks_something, judge, own_paragraphs, own_sentences,
                                      second_question)

MAX_POINTS = 7
# Lower ranks first: what a maintainer must act on, then verdicts, then talk.
RANK = {"decision": 0, "bot": 1, "objection": 1, "changes-requested": 2, "question": 4, "will-respin": 5,
        "review": 6, "ack": 6, "test": 6, "ping": 7, "answer": 8, "agreement": 9, "other": 10}
# A question asked beside a reply's main point (second_question) is still a question
# left open: it ranks after the reply's own stance, but before answers and agreement
# (was 5.5, below everything: on four tuning sets 2.5 keeps as much or more, e.g. Matti
# Vaittinen's "Do I get this right - ...?" inside his answer to Rob Herring, linux-leds
# 2025-11). It never outranks its own reply's main point, though (select): on the six fresh
# tuning sets that keeps 5 more gold points, at the cost of 2 on the older four (Matti's
# question among them).
SECONDARY = 2.5
# The author's own follow-up to their posting is about the work though no stance rule reads
# it: "This note is outdated - you can apply the patch." (Krzysztof Kozlowski, <6203a510-da79-
# 42bf-9f85-7a2092b5057c@linaro.org>, linux-leds 2025-08), Marc Zyngier's kvmtool note
# (<20200215130055.0995efe7@why>, kvmarm 2020-02). Ranked last, but shown.
FOLLOW_UP = 9.5
FACTS = ("decision", "bot", "review", "ack", "test")
TRAILER_FACT = {"review": "Reviewed-by", "ack": "Acked-by", "test": "Tested-by"}
# A cover letter ("[PATCH v2 0/9]", "[RFC PATCH 00/13]"): replies to it discuss the work; replies
# to a patch review its code.
_COVER = re.compile(r"\[[^\]]*\b0+/\d+[^\]]*\]")
_PATCH = re.compile(r"^\s*\[[^\]]*(PATCH|RFC)[^\]]*\]", re.I)


@dataclass
class Candidate:
    """One in-window reply as the rules read it; the model may re-choose
    ``judged`` (stance and sentence) where ``judged.sure`` is False."""

    msg: Message
    sentences: list[str]
    judged: Judged
    trailers: list[str] = field(default_factory=list)
    patch: str = ""  # "2/5", "the patch" (a lone [PATCH]) or the subject: what the reply answers
    unanswered: bool = False  # a question nobody else answered afterwards
    paras: list[int] = field(default_factory=list)  # paragraph of each sentence
    secondary: bool = False  # a second point of a reply (its question besides its main stance)
    # Who wrote it, as candidates() reads the thread: "author" (posted the work, from any of
    # their addresses, or named by a ghost root), "asker" (opened a question or bug thread),
    # else "participant". The model is told this, not "whoever sent the first mail present".
    role: str = "participant"
    answers_opener: bool = False  # replies to the opener of a question or bug thread
    follows_up: bool = False  # the author's reply to their own posting: a note on the work itself


def is_posting(msg: Message) -> bool:
    """A patch (or cover letter) posting, not a reply to one."""
    return bool(_PATCH.match(msg.subject)) and not starts_as_reply(msg.subject)


# git send-email's Message-Id is "<stamp>.<pid>-<n>-<sender address>":
# "20210914223114.435273-1-rananta@google.com" roots the thread where
# Raghavendra Rao Ananta answers Zenghui Yu (kvmarm week) though his
# postings are outside it. b4's ids ("20250820-topic-v1-1-hash@kernel.org")
# name no sender, so they never match.
_GIT_SEND_EMAIL_ID = re.compile(r"^\d{14}\.\d+-\d+-([^@\s]+@[\w.-]+\.[a-z]{2,})$", re.I)


def authors(thread: Thread) -> set[str]:
    """Addresses of whoever posted the work: senders of the postings; when a
    posting is outside the input (a ghost root), a reply to it is addressed
    to its author, so the first To: of each such reply."""
    # A b4 web relay posting names its sender in the address: "Maud Spierings via B4 Relay
    # <devnull+maudspierings.gocontroll.com@kernel.org>" answers reviews as
    # maudspierings@gocontroll.com (linux-leds, max25014; facts.authors.Author decodes it).
    out = {a for m in thread.messages if is_posting(m) for a in Author.of(m.from_name, m.from_addr).addrs}
    sent = _GIT_SEND_EMAIL_ID.match(thread.id) if thread.ghost_root else None
    if sent:  # the absent root was posted by git send-email, which names its sender in the id
        out.add(sent.group(1).lower())
    present = {m.msgid for m in thread.messages}
    for m in thread.messages:
        up = thread.parent.get(m.msgid)
        if up and up not in present and _PATCH.search(strip_reply(m.subject)) and m.to:
            out.add(_addr(m.to[0]))
    return out


def _same_person(trailer_person: str, msg: Message) -> bool:
    addr = _addr(trailer_person)
    name = trailer_person.split("<")[0].strip().strip('"').lower()
    return addr == msg.from_addr.lower() or (bool(msg.from_name) and name.startswith(msg.from_name.lower()[:12]))


def _addr(value: str) -> str:
    m = re.search(r"<([^>]+)>", value)
    return (m.group(1) if m else value).strip().lower()


def candidates(tr: ThreadReport, thread: Thread, judged_of: dict[str, Judged] | None = None) -> list[Candidate]:
    """The in-window replies that make a point; ``judged_of`` (when given)
    receives the stance of every reply, context included."""
    in_window = {e.message_id for e in tr.messages if e.in_window}
    root = thread.messages[0]
    opener = "" if thread.ghost_root else root.from_addr.lower()
    work = authors(thread)
    # The author writing from another address: Marek Vasut posts from
    # marex@denx.de and answers from marek.vasut@mailbox.org (linux-leds).
    posted_by = {Author.of(m.from_name, "").name for m in thread.messages if is_posting(m)}
    work_names = {n for n in posted_by if len(n.split()) > 1}
    by_id = {m.msgid: m for m in thread.messages}
    out: list[Candidate] = []
    judged_of = {} if judged_of is None else judged_of
    asks: dict[str, bool] = {}
    for msg in sorted(thread.messages, key=lambda m: (m.date, m.msgid)):
        if is_posting(msg) or (msg is root and not thread.ghost_root and tr.kind != "bot"):
            continue  # the work itself, or the question that opens the thread: the headline's
        c = compress(body_text(msg), msg.sender)
        own = own_paragraphs(c.text, msg.sender)
        sents = [x for x, _ in own]
        asks[msg.msgid] = asks_something(sents)
        parent = by_id.get(thread.parent.get(msg.msgid) or "")
        sender = msg.from_addr.lower()
        asked = parent is not None and parent.from_addr.lower() != sender and (
            judged_of.get(parent.msgid, Judged("other", None, True)).stance in ("question", "changes-requested",
                                                                                "objection")
            # In a question or bug report, answering the opener answers the question.
            or (tr.kind in ("question", "bug") and parent.from_addr.lower() == opener))
        # Only the sender's own trailers: Jean-François Lessard quoting "Acked-by"
        # lines of others (linux-leds, TM16xx v3) reviews nothing himself.
        kinds = [k for k, who in c.trailers if _same_person(who, msg)]
        by_author = sender in work or msg.from_name.lower() in work_names or (
            sender == opener and tr.kind not in ("question", "bug"))
        # The author replying to a reviewer answers him whatever the reviewer's
        # stance: Marek Vasut explaining his binding to Andrew Lunn (linux-leds).
        asked = asked or (by_author and parent is not None and not is_posting(parent)
                          and parent.from_addr.lower() not in work)
        # ... also when that reviewer's mail is absent: Raghavendra Rao Ananta's reply to
        # Zenghui Yu's build report opens its thread in the kvmarm week.
        asked = asked or (by_author and parent is None and bool(msg.in_reply_to) and msg.in_reply_to != thread.id
                          and msg.in_reply_to not in by_id)
        # A mail that asks anything, whatever its main stance: "... If you prefer, I can reorder all
        # ... Please let me know" (an author's answer that asks back).
        parent_asks = parent is not None and parent.from_addr.lower() != sender and asks.get(parent.msgid, False)
        j = merge_notice(sents) if is_merge_bot(msg) else judge(
            sents, kinds, bot=is_bot_mail(msg), replies_to_question=asked, by_author=by_author,
            parent_asks=parent_asks, author_asks=parent_asks and parent.from_addr.lower() in work and not by_author,
            reviews_patch=not by_author and parent is not None and is_posting(parent) and not _COVER.search(parent.subject))
        judged_of[msg.msgid] = j
        if msg.msgid not in in_window:
            continue
        if j.index is None and j.stance not in (*TRAILER_FACT, "decision"):
            continue  # nothing said and nothing given: no point
        label_ = patch_label(parent.subject if parent else msg.subject)
        role = "author" if by_author else "asker" if sender == opener else "participant"
        follows_up = by_author and parent is not None and is_posting(parent) and sender in work
        answers_opener = tr.kind in ("question", "bug") and role != "asker" and parent is not None \
            and parent.from_addr.lower() == opener
        out.append(Candidate(msg, sents, j, kinds, label_, paras=[k for _, k in own], role=role,
                             answers_opener=answers_opener, follows_up=follows_up))
        q = second_question(sents, j)
        if q is not None:  # a reply that asks besides what it does makes two points
            out.append(Candidate(msg, sents, Judged("question", q, True), kinds, label_, paras=[k for _, k in own],
                                 secondary=True, role=role))
    _mark_unanswered(out, thread)
    return out


_MERGED = re.compile(r"\b(?:has been merged|(?:was|were) applied)\b")


def merge_notice(sentences: list[str]) -> Judged:
    """pr-tracker-bot's "has been merged into torvalds/linux.git" and patchwork-bot's "This
    series was applied to netdev/net-next.git": a decision, as the facts read them, not a
    bot's finding (pr-tracker-bot on kvmarm's "[GIT PULL] arm64: Fixes for -rc6", 2019)."""
    at = next((i for i, x in enumerate(sentences) if _MERGED.search(x)), 0 if sentences else None)
    return Judged("decision", at, True)


def _mark_unanswered(cands: list[Candidate], thread: Thread) -> None:
    children: dict[str, list[Message]] = {}
    for m in thread.messages:
        p = thread.parent.get(m.msgid)
        if p:
            children.setdefault(p, []).append(m)
    for c in cands:
        if c.judged.stance in ("question", "changes-requested", "objection"):
            c.unanswered = not any(k.from_addr != c.msg.from_addr for k in children.get(c.msg.msgid, []))


def point_of(c: Candidate) -> Point:
    """The point a candidate makes: the sentence its stance rests on (plus the
    next one when it is too short to stand alone), or its trailer fact."""
    j = c.judged
    who = person(c.msg)
    if j.index is None or not c.sentences:
        kind = TRAILER_FACT.get(j.stance, "NAK" if j.stance == "decision" else j.stance)
        return Point(who, j.stance, f"{kind}: {c.patch}", [c.msg.msgid], c.msg.date, True, "fact")
    text = c.sentences[j.index]
    nxt = j.index + 1
    if len(text) < 40 and text[-1:] in ".!?:" and nxt < len(c.paras) and c.paras[nxt] == c.paras[j.index]:
        text += " " + c.sentences[nxt]
    return Point(who, j.stance, text, [c.msg.msgid], c.msg.date, True, "mail")


Pick = Callable[[list[Point], int], list[int]]


def select(cands: list[Candidate], limit: int = MAX_POINTS, pick: Pick | None = None,
           lang: str = "en") -> list[Point]:
    """Trailers merged per person and kind (one point, every mail cited);
    then the most important points, shown in date order. Facts always stay;
    when more talk is left than room, ``pick`` (a model ranking) may choose
    which, else the rules' order decides."""
    merged: dict[tuple[str, str], list[Candidate]] = {}
    bots: dict[tuple[str, str], list[tuple[Candidate, BotVerdict]]] = {}
    ranked: list[tuple[float, Point]] = []
    main_rank: dict[str, float] = {}  # message-id -> rank of its main point (candidates come main first)
    for c in cands:
        if c.judged.stance in TRAILER_FACT:
            merged.setdefault((c.msg.from_addr.lower(), c.judged.stance), []).append(c)
            continue
        verdict = bot_verdict(c.msg) if c.judged.stance == "bot" else None
        if verdict is not None:  # one point per bot and kind of finding, as trailers are merged
            bots.setdefault((c.msg.from_addr.lower(), verdict.kind), []).append((c, verdict))
            continue
        # A reply's second point comes after the main points of its rank.
        rank = RANK.get(c.judged.stance, 10) - (1.5 if c.unanswered else 0) + (SECONDARY if c.secondary else 0)
        if c.answers_opener and c.judged.stance == "answer" and not c.secondary:
            rank = RANK["question"] - 1  # in a question or bug thread, the answers are what it is for
        elif c.follows_up and c.judged.stance == "other":
            rank = FOLLOW_UP
        if c.secondary:
            # ... and never before the reply's own main point: the cap kept David Brazdil's and
            # Richard Leitner's questions and cut the answers they asked them in (kvmarm 2020-09,
            # linux-leds 2025-03).
            rank = max(rank, main_rank.get(c.msg.msgid, rank) + 0.5)
        else:
            main_rank[c.msg.msgid] = rank
        ranked.append((rank, point_of(c)))
    for (_, stance), group in merged.items():
        first = group[0]
        text = trailer_line(TRAILER_FACT[stance], [c.patch for c in group], lang)
        ranked.append((RANK[stance], Point(person(first.msg), stance, text, [c.msg.msgid for c in group],
                                           first.msg.date, True, "fact")))
    for group_ in bots.values():
        c, verdict = group_[0]
        # A bot's own report ("[kvmarm:next 29/32] arch/...: warning: ...") names a branch's
        # commit, not a patch of the thread: only a bot's reply is "on" the patch it answers.
        text = bot_line(verdict, [x.patch for x, _ in group_ if starts_as_reply(x.msg.subject)], lang)
        ranked.append((RANK["bot"], Point(person(c.msg), "bot", text, [x.msg.msgid for x, _ in group_], c.msg.date,
                                          True, "fact")))
    ranked.sort(key=lambda rp: (rp[0], rp[1].date))
    # Facts (decisions, bot verdicts, trailers) are never cut; talk fills the rest.
    facts = [p for _, p in ranked if p.stance in FACTS]
    talk = [p for r, p in ranked if p.stance not in FACTS and (r < RANK["other"] or len(ranked) <= 2)]
    room = max(0, limit - len(facts))
    chosen = pick(talk, room) if pick is not None and room and len(talk) > room else []
    keep = facts + ([talk[i] for i in chosen] if chosen else talk[:room])
    return sorted(keep, key=lambda p: (p.date is None, p.date))


def trailer_line(kind: str, labels: list[str], lang: str = "en") -> str:
    """A trailer fact in the report's language: "Reviewed-by on patches 1, 3 of 5"."""
    on = patches(labels)
    if lang != "zh":
        return f"{kind} on {on}"
    m = re.fullmatch(r"all (\d+) patches( and the cover letter)?|patch(?:es)? ([\w, ]+) of (\d+)|the cover letter", on)
    if on == "the patch":
        return f"{kind}：该补丁"
    if m is None:
        return f"{kind}：{on}"
    if m.group(1):
        return f"{kind}：全部 {m.group(1)} 个补丁" + ("及封面信" if m.group(2) else "")
    if m.group(3):
        return f"{kind}：第 {m.group(3).replace(', ', '、')} 个补丁（共 {m.group(4)} 个）"
    return f"{kind}：封面信"


# --- Headline ---------------------------------------------------------------

# Cover-letter boilerplate: "Changes since v1:", "This series is based on
# kvmarm/next", "available at git://...", "[1] https://lore..." (kvmarm),
# b4's "To: ..." and "base-commit" lines are dropped by compress already.
# A body's own pseudo-headers ("From: Jill Upstream <...>" atop Sasha's AUTOSEL
# backports, "[ Upstream commit 0123abcd ]") say who wrote the patch, not what it does.
_BOILER = re.compile(r"^(from|date|subject):\s|^\[\s*upstream commit\b|^commit [0-9a-f]{12,40}\b|"
                     r"\bchanges? (since|in|from|for) v\d|\bv\d+\s*(->|to)\s*v\d+|\bbased on\b|\bon top of\b|"
                     r"\bapplies (cleanly )?(on|to)\b|\bavailable (at|here|from)\b|https?://|git://|^\[\d+\]|"
                     r"\bthis is (the )?v\d+\b|\bprevious (version|posting|revision)s?\b|\bb4\b|^---|"
                     r"\b(version|revision|iteration) (two|three|four|five|\d+) of\b|\bpreviously posted\b|"
                     r"\b(second|third|fourth|fifth|next) (version|revision|iteration|spin)\b|:$|"
                     r"^(any )?(feedback|comments|reviews?|thoughts)( and \w+)?( are| is)? (very )?welcome", re.I)


def subject_of(subject: str) -> str:
    s = strip_reply(subject)
    return re.sub(r"^\s*(\([^)]*\)\s*)?\[[^\]]*\]\s*", "", s).strip() or s


def headline(tr: ThreadReport, thread: Thread, lang: str = "en") -> str:
    """What is proposed or asked, by whom: the opener's verb, the subject,
    and the first sentence of the cover letter / root that is not boilerplate."""
    root = thread.messages[0]
    who = root.sender
    s = tr.series
    if thread.ghost_root:
        return label(lang, "headline.ghost", subject=subject_of(tr.subject))
    if s is not None:
        n = s.expected or s.patches or 1
        head = label(lang, "headline.series" if n > 1 else "headline.single", who=who, version=s.version,
                     patches=n, subject=subject_of(root.subject))
    else:
        head = label(lang, f"headline.{tr.kind}", who=who, subject=subject_of(root.subject))
    sents = [x for x in own_sentences(compress(body_text(root), root.sender).text, root.sender)
             if not _BOILER.search(x)]
    if tr.kind in ("question", "bug"):
        sents = [x for x in sents if x.rstrip().endswith("?")] or sents
    if sents:
        lead = sents[0] if len(sents[0]) <= 240 else sents[0][:237].rsplit(" ", 1)[0] + " …"
        head += (": " if lang == "en" else "：") + lead
    return head


# --- State ------------------------------------------------------------------

_REVIEW_STATE = {"applied": "applied", "nak": "rejected", "reviewed": "reviewed", "acked": "acked",
                 "tested": "tested"}


def open_request(thread: Thread, judged_of: dict[str, Judged], until: datetime | None = None) -> bool:
    """A reviewer asked for changes (or objected) and the author posted
    nothing since: no newer posting in the thread and no will-respin kept."""
    work = authors(thread)
    last_request = None
    for m in sorted(thread.messages, key=lambda m: m.date):
        if until is not None and m.date >= until:
            break
        j = judged_of.get(m.msgid)
        if j is not None and j.stance in ("changes-requested", "objection") and m.from_addr.lower() not in work:
            last_request = m.date
        elif is_posting(m) and last_request is not None:
            last_request = None
    return last_request is not None


def thread_state(tr: ThreadReport, thread: Thread, until: datetime | None = None, requested: bool = False) -> str:
    """The facts' State when set (facts/state.py), else a stand-in from the
    older facts: applied/rejected, superseded by a later revision posted
    before ``until``, the strongest trailer, else new/answered by whether
    anyone but the opener wrote."""
    if tr.state is not None:
        return tr.state.name
    opener = thread.messages[0].from_addr.lower()
    others = any(m.from_addr.lower() != opener for m in thread.messages)
    if tr.series is not None:
        s = tr.series
        if s.review_state not in ("applied", "nak") and any(
                r.version > s.version and (until is None or r.date < until) for r in s.lineage):
            return "superseded"
        if requested and s.review_state not in ("applied", "nak"):
            return "changes-requested"
        word = _REVIEW_STATE.get(tr.series.review_state)
        if word:
            return word
        return "under-review" if others else "new"
    return "answered" if others else "new"


def record(tr: ThreadReport, thread: Thread, points: list[Point], attention: str | None, engine: str,
           lang: str = "en", until: datetime | None = None, requested: bool = False) -> Summary:
    from listsum.summarise.record import render_text

    s = Summary(text="", engine=engine, headline=headline(tr, thread, lang), points=points,
                state=thread_state(tr, thread, until, requested), needs_attention=attention)
    s.text = render_text(s, lang)
    return s
