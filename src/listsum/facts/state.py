"""State: where a series, each patch of it, and a thread stand at the window's end.

One reply gives one verdict (``reply_verdict``); rules in this order, first wins,
each named after the real mail that needs it:

- bot-merge: a merge bot says it was taken. pr-tracker-bot "has been merged into
  torvalds/linux.git:" (kvmarm), patchwork-bot "This series was applied to
  netdev/net-next.git (main)" (linux-leds 2026) -> applied.
- bot: any other machine's mail is a Flag, never a review: lkp's "I love your patch!
  Yet something to improve:" with "kindly add ... Reported-by: kernel test robot"
  (kvmarm 2020), sashiko-bot "found 2 potential issue(s)", robh's "My bot found errors
  running 'make dt_binding_check'" (linux-leds). See facts/bots.py.
- applied: a maintainer's notice, the author's own too (Marc applies his own series):
  "Applied to fixes, thanks!" (maz, week of 2021-10-04), Lee Jones' b4 ty "Applied,
  thanks!\\n[1/3] ...\\n commit: 132e66..." (leds), "I queued patches 3-27 on the arm64
  for-next/sme" (Catalin). See facts/applied.py.
- pull: a patch of the series came back inside a maintainer's pull request that was
  pulled: Marc reposts "[PATCH 01/27] KVM: arm64: ..." under "[GIT PULL] KVM/arm updates
  for 5.6" and Paolo answers "Pulled, thanks!" (kvmarm, 2020-01-30) -> applied, the pull
  deciding (series.pulled_patches finds them across threads). Only for the newest revision.
- nak: "NAK" / "Nacked-by:" (Mark Rutland on "[PATCH RFCv2 9/9] arm64: Support async
  page fault") -> rejected.
- trailer: a Reviewed-by / Acked-by / Tested-by the sender gives ("Reviewed-by: Andrew
  Jones" on Ricardo's vgic v4 06/11) -> reviewed / acked / tested. A trailer wins over
  a nit in the same reply ("nit: ... With that fixed: Reviewed-by: ...").
- trailer-with-respin: a trailer beside a request for the next revision ("Please do this
  refactoring before adding the new test in the next revision, though." + Reviewed-by,
  Drew on Oliver's PSCI 10/11) -> changes-requested.
- change-request: a line facts/review.py reads as asking for a change ("Can you please
  provide some traces", "we should keep vms->highmem here") -> changes-requested.
- comment: any other reply from someone but the author -> under-review.
The author's own replies decide nothing by themselves, but answer the reply they quote:
- author-will-change: "I'll fix that and resend something next week." (Marc Zyngier to Eric
  Auger's question on his "[PATCH 6/6] KVM: arm64: Upgrade PMU support to ARMv8.4", kvmarm
  2021-01-15) makes that comment a change request;
- author-done: "Updated version pushed out." (Marc to Ard Biesheuvel's "Could we include
  FW_BUG here", the same week) answers a request in the maintainer-author's own tree.
An answer goes to the nearest mail above it the author did not write (his second reply to
his own first: "I have made the changes here: ...", linux-leds 2026-04-01).

A series is, in this order: applied (but when only a b4 "subset" or a pull request's share
was taken, superseded if a later revision carries the rest, changes-requested if a request
on the rest is open), rejected when a NAK came after the later revision went out
(nak-after-respin), superseded (a later revision in the input posted by the
window's end), rejected, changes-requested (a request on any patch that no
newer revision and no later trailer from the same reviewer answered), reviewed /
acked / tested (the strongest trailer given), under-review, new. A thread that posts
no work is answered (somebody but the opener replied) or new. Mail dated at or after
the window's end never sets a state: it becomes a "later: ..." line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone

from listsum.facts import body_text, own_lines
from listsum.facts.authors import Author, ghost_author, revived
from listsum.facts.applied import applied_in
from listsum.facts.bots import bot_flag, is_bot, is_bot_mail, is_merge_bot
from listsum.facts.answers import answered_mail, note_answer, promise_to_absent
from listsum.facts.review import change_requests
from listsum.facts.trailers import reply_trailers
from listsum.mail.message import Message
from listsum.mail.subject import Subject
from listsum.mail.threads import Thread
from listsum.model import AppliedFact, Flag, PatchState, Revision, State, TrailerFact, Window

_END_OF_TIME = datetime.max.replace(tzinfo=timezone.utc)
_TRAILER_STATE = {"Reviewed-by": "reviewed", "Acked-by": "acked", "Tested-by": "tested"}
_STRENGTH = ("reviewed", "acked", "tested")  # strongest first (gold README)
# b4 ty lists what it took: "[3/3] leds: Add LED1202 I2C driver" (Lee Jones, "Re: (subset) ...").
_TY_PATCH = re.compile(r"^\s*\[(\d+)/\d+\]\s")
MAX_EVIDENCE = 6
# A request that names the next posting: "... in the next revision, though." (drjones, 2021-10-05).
_NEXT_REVISION = re.compile(r"\b(?:next|new|another)\s+(?:revision|version|spin|respin|iteration|posting)\b|"
                            r"\bwhen you re-?spin\b|\bin v\d+\b", re.I)


Known = dict[str, AppliedFact]


@dataclass
class Verdict:
    """What one reply says about the posting it answers."""

    name: str  # applied | rejected | reviewed | acked | tested | changes-requested | under-review | flag
    rule: str  # the rule of the module docstring that decided
    msg: Message
    line: str = ""
    applied: AppliedFact | None = None
    flag: Flag | None = None
    kinds: list[str] = field(default_factory=list)  # trailer states given, for "reviewed" & co.
    counters: set[int] = field(default_factory=set)  # b4 ty's "[n/m]" lines of an applied notice
    via: Message | None = None  # rule "pull": the pull request that carried the patch
    asker: str = ""  # rule "author-will-change" on a mail not in the input: who the author quotes

    @property
    def who(self) -> str:
        return self.msg.from_addr.lower()


def reply_verdict(msg: Message, author: Author, to_author: bool = True, patch: str = "",
                  trailers: list[str] | None = None, known: Known | None = None,
                  read_asks: bool = True) -> Verdict | None:
    """The verdict of reply ``msg`` on the posting of ``author``; None
    when it decides nothing (the author's own replies, a bot without a verdict).
    ``trailers``: the kinds this reply gives, when the caller already read them;
    ``known``: the applied notices already read, by message id; ``read_asks`` False skips
    reading change requests (a later revision already answers them)."""
    if is_bot_mail(msg):  # the sender's address first, then a bot's report from a person's address
        if is_merge_bot(msg):
            fact = applied_in(msg)
            return Verdict("applied", "bot-merge", msg, fact.text, applied=fact) if fact else None
        flag = bot_flag(msg, patch)
        return Verdict("flag", "bot", msg, flag.verdict, flag=flag) if flag else None
    fact = applied_in(msg) if known is None else known.get(msg.msgid)
    if fact is not None:
        return Verdict("applied", "applied", msg, fact.text, applied=fact, counters=_ty_counters(msg))
    if author.wrote(msg):
        return None
    given = [k for k, _ in reply_trailers(msg)] if trailers is None else trailers
    if "NAK" in given:
        return Verdict("rejected", "nak", msg, "NAK")
    kinds = [_TRAILER_STATE[k] for k in given if k in _TRAILER_STATE]
    lines = own_lines(body_text(msg)) if read_asks else []
    asks = change_requests(lines, to_author=False)  # "question" is under-review, not a request
    # The request may wrap onto the next line: "... Please do\nthis refactoring ... in the next revision".
    respin = asks[0][1] if asks and _NEXT_REVISION.search(" ".join(lines)) else None
    if kinds and respin is not None:
        # Drew on Oliver's PSCI 10/11: "Please do this refactoring before adding the new test in the
        # next revision, though." + "Reviewed-by": the trailer is for the respin it asks for.
        return Verdict("changes-requested", "trailer-with-respin", msg, respin, kinds=kinds)
    if kinds:
        best = min(kinds, key=_STRENGTH.index)
        return Verdict(best, "trailer", msg, best, kinds=kinds)
    if asks:
        return Verdict("changes-requested", "change-request", msg, asks[0][1])
    return Verdict("under-review", "comment", msg)


@dataclass(frozen=True)
class Carried:
    """A patch a pull request carried (``patch``, sent under ``pull``) and the reply that took
    the pull ("Pulled, thanks!"): series.pulled_patches builds them."""

    pull: Message
    patch: Message
    taken: Message


def pull_verdicts(carried: Sequence[tuple[int, Message, Carried]]) -> list[tuple[Verdict, str]]:
    """(verdict, patch msgid) for each patch of the series a taken pull request carried."""
    out = []
    for counter, patch, c in carried:
        fact = applied_in(c.taken)
        if fact is not None:
            out.append((Verdict("applied", "pull", c.taken, fact.text, applied=fact, counters={_counted(counter)},
                                via=c.pull),
                        patch.msgid))
    return out


def _ty_counters(msg: Message) -> set[int]:
    return {int(m.group(1)) for line in own_lines(body_text(msg)) if (m := _TY_PATCH.match(line))}


@dataclass
class Work:
    """The newest posting of a thread, as state.py needs it (series.py builds it)."""

    author: Author
    cover: Message | None
    patches: list[tuple[int, Message]]  # (counter, mail), by counter
    version: int
    rfc: bool = False
    older: set[str] = field(default_factory=set)  # msgids of earlier postings in the thread
    thread_id: str = ""

    @property
    def ids(self) -> set[str]:
        return {m.msgid for _, m in self.patches} | ({self.cover.msgid} if self.cover else set())

    @property
    def first(self) -> Message | None:
        mails = ([self.cover] if self.cover else []) + [m for _, m in self.patches]
        return min(mails, key=lambda m: (m.date, m.msgid)) if mails else None


@dataclass
class _Seen:
    """Verdicts on one posting, split at the window's end, with their targets."""

    now: list[tuple[Verdict, str | None]] = field(default_factory=list)  # (verdict, patch msgid or None=all)
    later: list[tuple[Verdict, str | None]] = field(default_factory=list)


def _collect(thread: Thread, work: Work, until: datetime, given: dict[str, list[str]] | None,
             known: Known | None, read_asks: bool = True) -> _Seen:
    ids, seen = work.ids, _Seen()
    cover = work.cover.msgid if work.cover else None
    subjects = {m.msgid: m.subject for _, m in work.patches} | ({cover: work.cover.subject} if work.cover else {})
    by_id = {m.msgid: m for m in thread.messages}
    answers: dict[str, tuple[str, str]] = {}  # reviewer's msgid -> the author's answer to it
    # Sasha Levin's "I'll drop this patch for now" on an AUTOSEL backport takes it out of stable.
    backport = Subject.parse(thread.subject).stable
    for msg in thread.messages:
        if msg.msgid in ids or msg.msgid in work.older:
            continue
        target = _posting_above(thread, msg.msgid, ids | work.older)
        if target in work.older:
            continue  # about an earlier revision in this thread
        parent = by_id.get(thread.parent.get(msg.msgid) or "")
        to_author = parent is not None and work.author.wrote(parent)
        v = reply_verdict(msg, work.author, to_author, subjects.get(target or "", thread.subject),
                          None if given is None else given.get(msg.msgid, []), known,
                          read_asks or msg.date >= until)
        if v is None:
            if read_asks and msg.date < until and work.author.wrote(msg):
                if parent is not None:
                    asked = answered_mail(thread, by_id, msg.msgid, work.author)
                    if asked is not None:
                        note_answer(msg, asked, answers)
                elif msg.in_reply_to and backport is None and (promise := _promise_to_absent(msg)) is not None:
                    seen.now.append((promise, None))
            continue
        where = None if target in (None, cover) else target
        (seen.now if msg.date < until else seen.later).append((v, where))
    for v, _ in seen.now:
        _apply_answer(v, answers.get(v.msg.msgid))
    return seen


def _promise_to_absent(msg: Message) -> Verdict | None:
    """author-will-change on a review the input lacks (facts/answers.py)."""
    said = promise_to_absent(msg)
    return None if said is None else Verdict("changes-requested", "author-will-change", msg, said[0], asker=said[1])


def _apply_answer(v: Verdict, answer: tuple[str, str] | None) -> None:
    """author-will-change: the author's promise ("I'll fix that and resend something next week")
    makes a comment a change request; author-done: "Updated version pushed out." answers one."""
    if answer is None:
        return
    kind, line = answer
    if kind == "will-change" and v.name == "under-review":
        v.name, v.rule, v.line = "changes-requested", "author-will-change", line
    elif kind == "done" and v.name == "changes-requested":
        v.name, v.rule, v.line = "under-review", "author-done", line


def _posting_above(thread: Thread, msgid: str, postings: set[str]) -> str | None:
    cur, hops = thread.parent.get(msgid), 0
    while cur is not None and hops < 1000:
        if cur in postings:
            return cur
        cur, hops = thread.parent.get(cur), hops + 1
    return None


def series_state(thread: Thread, work: Work, lineage: Sequence[Revision], window: Window | None,
                 trailers: Sequence[TrailerFact] | None = None,
                 applied: Sequence[AppliedFact] | None = None,
                 per_patch: dict[str, list[TrailerFact]] | None = None,
                 carried: Sequence[tuple[int, Message, Carried]] = ()) -> tuple[State, list[PatchState]]:
    """The State of the newest posting as of the window's end, and one per patch.
    ``trailers`` / ``applied``: what series.py already read from this thread's replies;
    ``per_patch``: patch Message-ID -> the trailers `b4 am` would apply, when known;
    ``carried``: (counter, patch, carrier) of its patches that pull requests carried."""
    until = window.until if window is not None else _END_OF_TIME
    # The trailers series.py already read (find_trailers), by the reply that gave them.
    given: dict[str, list[str]] | None = None
    if trailers is not None:
        given = {}
        for t in trailers:
            given.setdefault(t.message_id, []).append(t.kind)
    known = None if applied is None else {a.message_id: a for a in applied}
    # Superseded by the window's end: no change request can set a state, so none is read
    # (half the series of an archive; reading them is the costly part).
    answered = any(r.date < until and (r.version > work.version or _resent(r, work)) for r in lineage)
    seen = _collect(thread, work, until, given, known, read_asks=not answered)
    if not answered:  # the pull carried the newest revision's patches, whose titles an older one shares
        for v, where in pull_verdicts(carried):
            (seen.now if v.msg.date < until else seen.later).append((v, where))
    state = _decide(seen.now, work, lineage, until)
    state.rfc = work.rfc
    state.flags = [v.flag for v, _ in seen.now if v.flag is not None]
    state.later = _later_lines(seen.later, work, lineage, until)
    # A robot's "kindly add Reported-by: kernel test robot" is a flag, never a trailer.
    bots = {m.msgid for m in thread.messages if is_bot(m)} | {v.msg.msgid for v, _ in seen.now + seen.later
                                                             if v.rule == "bot"}
    given_now = [t for t in trailers or () if t.message_id not in bots]
    if per_patch is not None:
        per_patch = {k: [t for t in v if t.message_id not in bots] for k, v in per_patch.items()}
    return state, _patch_states(seen.now, work, given_now, lineage, until, per_patch)


def _decide(now: list[tuple[Verdict, str | None]], work: Work, lineage: Sequence[Revision],
            until: datetime) -> State:
    verdicts = [v for v, _ in now]
    applied = [v for v in verdicts if v.name == "applied"]
    newer = [r for r in lineage if r.date < until and (r.version > work.version or _resent(r, work))]
    if not applied:
        late = _naks_after(verdicts, newer)
        if late:
            return State("rejected", _ids(late), "NAK by " + _names(late), superseded_by=_newest(newer).thread_id,
                         who=_names(late))
        return _superseded(newer, []) if newer else _review_state(now, work)
    if not (_partial(applied, work) and (newer or work.patches)):
        return _applied_state(applied)
    taken = sorted({c for v in applied for c in v.counters})
    if newer:
        return _superseded(newer, taken)
    # A request on a patch that was then taken is settled: only the rest can wait on a respin.
    done = {m.msgid for c, m in work.patches if _counted(c) in taken}
    state = _review_state([(v, w) for v, w in now if not (v.name == "changes-requested" and w in done)], work)
    if state.name != "changes-requested":  # a subset taken, nothing asked of the rest
        return _applied_state(applied)
    state.detail += f"; patch {', '.join(map(str, taken))} applied"  # the rest waits on a respin
    return state


def _naks_after(verdicts: list[Verdict], newer: list[Revision]) -> list[Verdict]:
    """nak-after-respin: a NAK sent after the later revision was posted rejects the work, which
    that revision does not answer: Pavel Machek's "Userspace can already make leds blink and use
    oneshot. NAK." (25 Mar) on Craig McQueen's "[PATCH v2 0/1] Introduce userspace LED triggers
    driver", whose v3 went out on 17 Mar (linux-leds, 2025)."""
    if not newer:
        return []
    posted = _newest(newer).date
    return [v for v in verdicts if v.name == "rejected" and v.msg.date > posted]


def _newest(newer: list[Revision]) -> Revision:
    return max(newer, key=lambda r: (r.version, r.date))


def _superseded(newer: list[Revision], taken: list[int]) -> State:
    last = _newest(newer)
    return State("superseded", [last.thread_id], f"superseded by v{last.version}" + (" RESEND" if last.resend else "")
                 + (f"; patch {', '.join(map(str, taken))} applied before" if taken else ""),
                 superseded_by=last.thread_id)


def _review_state(now: list[tuple[Verdict, str | None]], work: Work) -> State:
    """rejected, changes-requested, reviewed / acked / tested, under-review or new."""
    verdicts = [v for v, _ in now]
    naks = [v for v in verdicts if v.name == "rejected"]
    if naks:
        return State("rejected", _ids(naks), "NAK by " + _names(naks), who=_names(naks))
    open_asks = _open_requests(now)
    if open_asks:
        return State("changes-requested", _ids(open_asks), "changes requested by " + _names(open_asks),
                     who=_names(open_asks))
    for name in _STRENGTH:
        given = [v for v in verdicts if name in v.kinds]
        if given:
            return State(name, _ids(given), f"{name} by " + _names(given))
    comments = [v for v in verdicts if v.name in ("under-review", "changes-requested")]
    if comments:
        return State("under-review", _ids(comments), "comments from " + _names(comments))
    first = work.first
    return State("new", [first.msgid] if first else [], "no reply yet")


def _partial(applied: list[Verdict], work: Work) -> bool:
    """Every notice is a b4 ty of a subset, or a pull request's, that leaves patches out:
    Lee Jones took only "[03/10] media: v4l2-flash: fix flash_timeout comment" of ov9282 v5
    (linux-leds, 2025-06), and the rest went on as v6; Bartosz Golaszewski took the two
    gpio patches of "[PATCH v6 0/8] RTL8231 GPIO expander support" while Lee Jones asked
    for changes to the MFD core (linux-leds, 2025-10/11); one patch of maz's 59-patch NV
    series went up in "[GIT PULL] KVM/arm updates for Linux 5.3" (kvmarm, 2019-07)."""
    if not all(v.counters for v in applied):
        return False
    taken = {c for v in applied for c in v.counters}
    return not work.patches or not {_counted(c) for c, _ in work.patches} <= taken


def _counted(counter: int) -> int:
    """A lone "[PATCH]" (counter 0) is the "[1/1]" of Lee Jones' b4 ty (linux-leds)."""
    return counter or 1


def _resent(r: Revision, work: Work) -> bool:
    """A RESEND of this version in another, later thread: Nam Tran's "[PATCH v13 RESEND
    0/4] leds: add new LED driver for TI LP5812" (linux-leds, 2025-08) closes the v13."""
    if not (r.version == work.version and r.resend and r.thread_id != work.thread_id):
        return False
    first = work.first
    return first is not None and r.date > first.date


def _open_requests(now: list[tuple[Verdict, str | None]]) -> list[Verdict]:
    """Change requests no later trailer from the same reviewer on that patch (or the
    whole series) answered: Marc's "nit: ..." then "Reviewed-by" a day later closes it."""
    out = []
    for i, (v, where) in enumerate(now):
        if v.name != "changes-requested":
            continue
        closed = any(w.who == v.who and w.kinds and (wt is None or wt == where) for w, wt in now[i + 1:])
        if not closed:
            out.append(v)
    return out


def _applied_state(applied: list[Verdict]) -> State:
    # Of two notices keep every branch named: "I queued patches 3-27 on the arm64
    # for-next/sme" beside a bare "Applied, thanks" must not lose its branch. A bare notice
    # stays when someone else wrote it: gpiolib's patches went to Mark Brown's sound tree
    # and, a month later, Lee Jones' (linux-leds, 2025-08/09).
    facts = [v.applied for v in applied if v.applied is not None]
    with_branch = {f.by for f in facts if f.branch}
    named = [f for f in facts if f.branch or f.by not in with_branch]
    parts = list(dict.fromkeys(f"by {f.by}" + (f" to {f.branch}" if f.branch else "") for f in named))
    pulls = list(dict.fromkeys(v.via.subject for v in applied if v.via is not None))
    if pulls:
        parts[-1] += " through " + ", ".join(f'"{p}"' for p in pulls)
    commits = [c for f in facts for c in f.commits]
    detail = "applied " + "; ".join(parts)
    if commits:
        detail += " (commit " + ", ".join(c[:12] for c in commits[:4]) + (", ..." if len(commits) > 4 else "") + ")"
    vias = [v.via.msgid for v in applied if v.via is not None]
    return State("applied", list(dict.fromkeys(vias + _ids(applied)))[:MAX_EVIDENCE], detail)


def _later_lines(later: list[tuple[Verdict, str | None]], work: Work, lineage: Sequence[Revision],
                 until: datetime) -> list[str]:
    lines = []
    for v, _ in later:
        what = {"applied": "applied by {who}", "rejected": "NAK by {who}", "flag": "{flag}",
                "changes-requested": "changes requested by {who}", "under-review": "comment from {who}"}.get(
                    v.name, "{name} by {who}")
        text = what.format(who=v.msg.sender, name=v.name, flag=f"{v.flag.kind}: {v.flag.verdict}" if v.flag else "")
        lines.append(f"later: {text} ({v.msg.date:%Y-%m-%d}, <{v.msg.msgid}>)")
    for r in lineage:
        if r.date >= until and (r.version > work.version or _resent(r, work)):
            lines.append(f"later: v{r.version} posted ({r.date:%Y-%m-%d}, <{r.thread_id}>)")
    return lines


def _patch_states(now: list[tuple[Verdict, str | None]], work: Work, trailers: Sequence[TrailerFact],
                  lineage: Sequence[Revision], until: datetime,
                  per_patch: dict[str, list[TrailerFact]] | None = None) -> list[PatchState]:
    out = []
    cover_subject = work.cover.subject if work.cover else None
    for counter, msg in work.patches:
        mine = [(v, w) for v, w in now if w is None or w == msg.msgid]
        mine = [(v, w) for v, w in mine
                if not (v.name == "applied" and v.counters and _counted(counter) not in v.counters)]
        st = _decide(mine, replace(work, patches=[(counter, msg)]), lineage, until)
        st.rfc = work.rfc
        st.flags = [v.flag for v, _ in mine if v.flag is not None]
        mine_given = per_patch.get(msg.msgid, []) if per_patch is not None else \
            [t for t in trailers if t.patch in (msg.subject, cover_subject)]
        given = [t for t in mine_given if (t.date is None or t.date < until) and t.kind != "NAK"]
        out.append(PatchState(patch=msg.subject, message_id=msg.msgid, counter=counter, state=st, trailers=given))
    return out




def thread_state(thread: Thread, window: Window | None) -> State:
    """new / answered for a thread that posts no work: did anyone but the opener reply?"""
    until = window.until if window is not None else _END_OF_TIME
    first = thread.messages[0]
    if thread.ghost_root and not revived(thread):
        # The opening mail is outside the input: tglx's "Re: [syzbot] [kernel?] BUG: soft lockup
        # in tmigr_handle_remote" (linux-leds, 2025-12) answers a report we do not have.
        opener, replies = Author.of("", ghost_author(thread)), thread.messages
    else:
        opener, replies = Author.of(first.from_name, first.from_addr), thread.messages[1:]
    answers = [m for m in replies if not opener.wrote(m) and not is_bot(m)]
    now = [m for m in answers if m.date < until]
    later = [f"later: answer from {m.sender} ({m.date:%Y-%m-%d}, <{m.msgid}>)" for m in answers if m.date >= until]
    if now:
        return State("answered", [m.msgid for m in now[:MAX_EVIDENCE]],
                     "answered by " + ", ".join(dict.fromkeys(m.sender for m in now[:MAX_EVIDENCE])), later=later)
    return State("new", [thread.messages[0].msgid], "no answer yet", later=later)


def _ids(verdicts: Iterable[Verdict]) -> list[str]:
    return list(dict.fromkeys(v.msg.msgid for v in verdicts))[:MAX_EVIDENCE]


def _names(verdicts: Iterable[Verdict]) -> str:
    return ", ".join(dict.fromkeys(v.asker or v.msg.sender for v in verdicts))
