"""Series: the patch postings inside a thread, and their facts.

A *posting* is one sending of a series: its cover letter ("0/N") and its
patches, all non-reply mails of one author with one revision. A thread
usually holds one posting, but may hold several when v2 was sent in reply
to v1; ``postings`` splits them by (revision, RESEND, stable target, author).

Revisions across threads are lineage.py's (``link_revisions``); here also the
facts of a thread's newest posting (``series_facts``) and the patches pull
requests carried (``pulled_patches``).
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from listsum.facts import body_text
from listsum.facts.applied import applied_in, find_applied
from listsum.facts.authors import Author, ghost_author, revived
from listsum.facts.state import Carried, Work, series_state
from listsum.facts.trailers import find_trailers

try:  # per patch like `b4 am` (facts-b4, issue 11 item 4); until it is merged, the subject filter of state.py
    from listsum.facts.trailers import per_patch_trailers as _per_patch  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - depends on the merge
    _per_patch = None
from listsum.mail.message import Message
from listsum.mail.subject import Subject, starts_as_reply
from listsum.mail.threads import Thread
from listsum.model import Revision, SeriesFacts, Window

# b4 writes "change-id: 20221005-topic-1234abcdef" at the foot of the cover
# letter (or of a lone patch). Lower case only: Gerrit's "Change-Id: I4a46..."
# lines inside patches name one commit, not the series.
_CHANGE_ID = re.compile(rb"^change-id: *(\S+)\s*$", re.M)


@dataclass
class Posting:
    subject: Subject  # of the cover letter, else of the first patch
    author: str
    cover: Message | None = None
    patches: list[Message] = field(default_factory=list)  # by counter
    expected: int = 0
    _change_id: str | None = field(default=None, repr=False)  # "" once read and absent

    @property
    def messages(self) -> list[Message]:
        return ([self.cover] if self.cover else []) + self.patches

    @property
    def first(self) -> Message:
        return min(self.messages, key=lambda m: (m.date, m.msgid))

    @property
    def date(self) -> datetime:
        return self.first.date

    @property
    def revision(self) -> int:
        return self.subject.revision

    @property
    def kind(self) -> str:
        return "pull" if self.subject.is_pull else "patch"

    def change_id(self) -> str | None:
        """b4's change-id, from the cover letter (or a lone patch); read once."""
        if self._change_id is None:
            head = self.cover or (self.patches[0] if len(self.patches) == 1 else None)
            # Bytes without pinning them on the message (postings are not kept), and
            # the regex only where the plain substring is: most covers have none.
            raw = (head.raw_ref() if head.raw_ref is not None else head.raw) if head else b""
            m = _CHANGE_ID.search(raw) if b"change-id:" in raw else None
            self._change_id = m.group(1).decode("ascii", "replace") if m else ""
        return self._change_id or None


def is_posting(subj: Subject) -> bool:
    """A mail that sends work (patch, RFC, pull request), not a reply to it."""
    return not subj.reply and (subj.is_patch or subj.is_rfc or subj.is_pull)


# thread -> (its message count, its postings): link_revisions, link_orphans,
# series_facts and attention each ask for one thread's postings (3,155 calls
# for the 1,306 threads of the kvmarm archive). Weak keys: a thread's postings
# go with it. The count guards against a thread grown after the first call.
_POSTINGS: weakref.WeakKeyDictionary[Thread, tuple[int, tuple[Posting, ...]]] = weakref.WeakKeyDictionary()


def postings(thread: Thread) -> list[Posting]:
    """The postings in ``thread``, oldest revision first (computed once per thread;
    callers only read them)."""
    memo = _POSTINGS.get(thread)
    if memo is None or memo[0] != len(thread.messages):
        memo = _POSTINGS[thread] = (len(thread.messages), tuple(_postings(thread)))
    return list(memo[1])


def _postings(thread: Thread) -> list[Posting]:
    # Replies are no postings: skipping them spares parsing most subjects.
    sent = [(m, Subject.parse(m.subject)) for m in thread.messages if not starts_as_reply(m.subject)]
    cover = _untagged_cover(thread, sent)
    if cover is not None:
        sent = [(m, cover[1] if m is cover[0] else s) for m, s in sent]
    covers = {m.msgid: (m.from_addr, s) for m, s in sent if s.is_cover and not s.revision_inferred}
    groups: dict[tuple[object, ...], Posting] = {}
    for msg, subj in sent:
        if not is_posting(subj):
            continue
        subj = _cover_revision(thread, msg, subj, covers)
        key = (subj.revision, subj.resend, subj.stable, subj.is_pull, msg.from_addr)
        post = groups.get(key)
        if post is None:
            post = groups[key] = Posting(subject=subj, author=msg.from_addr)
        if subj.is_cover and (post.cover is None or subj.point > post.subject.point):
            post.cover, post.subject = msg, subj
        else:
            post.patches.append(msg)
        post.expected = max(post.expected, subj.expected)
    _join_pull_patches(thread, groups)
    for post in groups.values():
        post.patches = _replace_points(post.patches)
        if post.cover is None and post.patches:
            post.subject = Subject.parse(post.patches[0].subject)
    return sorted(groups.values(), key=lambda p: (p.revision, p.date))


def _join_pull_patches(thread: Thread, groups: dict[tuple[object, ...], Posting]) -> None:
    """Patches sent under a pull request belong to it: Marc's "[GIT PULL] KVM/arm64
    fixes for 5.8, take #1" with "[PATCH 01/11] ..." answering it, Andrew Jones's
    "[PULL kvm-unit-tests 0/3]" with "[PATCH kvm-unit-tests n/3]". Split apart, the
    maintainer's "Pulled, thanks." answers a posting that is not the newest one."""
    for key, post in list(groups.items()):
        rev, resend, stable, is_pull, author = key
        if is_pull or post.cover is not None:
            continue
        pull = groups.get((rev, resend, stable, True, author))
        if pull is None or (pull.cover is None and len(pull.patches) != 1):
            continue
        head = pull.cover or pull.patches[0]  # "[GIT PULL] ..." has no 0/N: it heads them
        if all(thread.parent.get(m.msgid) == head.msgid for m in post.patches):
            pull.cover, pull.patches = head, [m for m in pull.patches if m is not head] + post.patches
            pull.expected = max(pull.expected, post.expected)
            del groups[key]


def _untagged_cover(thread: Thread, sent: list[tuple[Message, Subject]]) -> tuple[Message, Subject] | None:
    """The root as a cover letter when it has no [PATCH] tag but its author's
    numbered patches answer it: hch's "re-enable IOCB_NOWAIT writes to files v5"
    with "[PATCH 1/2] ..." below (b4 trusts such a naked cover the same way).
    Its Subject is read as "[PATCH vN 0/M]"; a lone unnumbered "[RFC PATCH]" in
    reply to a discussion ("KVM/arm64: Guest ABI changes do not appear
    rollback-safe", kvmarm 2021) does not make the discussion a cover."""
    if thread.ghost_root:
        return None
    root = next(((m, s) for m, s in sent if m.msgid == thread.id), None)
    if root is None or root[1].prefixes:
        return None
    kids = [s for m, s in sent if thread.parent.get(m.msgid) == thread.id and m.from_addr == root[0].from_addr
            and is_posting(s) and s.counter > 0]
    if not kids:
        return None
    return root[0], replace(root[1], is_patch=True, is_rfc=kids[0].is_rfc, counter=0,
                            expected=max(k.expected for k in kids))


def _cover_revision(thread: Thread, msg: Message, subj: Subject,
                    covers: dict[str, tuple[str, Subject]]) -> Subject:
    """A patch below its author's cover letter whose counter tag names no
    version takes the cover's (as b4 does): jianyong.wu's "[RFC PATCH v10 0/9]
    Enable ptp_kvm for arm/arm64" sent "[RFC PATCH 1/9]" ..., and the untagged
    cover carries the only "v5" of its series. Arnd Bergmann's "[PATCH v2 00/10]
    gpiolib: fence off legacy interfaces" (linux-leds, 2026) numbers each
    patch's own history apart, "[PATCH 07/10] [v6 net-next] ...": one posting."""
    parent = thread.parent.get(msg.msgid)
    if subj.is_cover or parent not in covers or covers[parent][0] != msg.from_addr:
        return subj
    if not subj.revision_inferred and not Subject.parse(f"[{subj.prefixes[0]}]").revision_inferred:
        return subj
    return replace(subj, revision=covers[parent][1].revision, revision_inferred=False)


def _replace_points(patches: list[Message]) -> list[Message]:
    """By counter; "[PATCH v5.1 10/12]" (a point revision) replaces patch 10 of v5.
    The same counter twice without a higher point (a mistake) keeps both."""
    out: list[Message] = []
    at: dict[int, int] = {}  # counter -> index in out of its latest patch
    for msg in sorted(patches, key=lambda m: (Subject.parse(m.subject).counter, m.date)):
        subj = Subject.parse(msg.subject)
        i = at.get(subj.counter) if subj.counter else None
        if i is not None and subj.point > Subject.parse(out[i].subject).point:
            out[i] = msg
        else:
            at[subj.counter] = len(out)
            out.append(msg)
    return out


def main_posting(thread: Thread, posts: list[Posting]) -> Posting:
    """The thread's own work among ``posts`` (``postings(thread)``, not empty): the newest
    posting, but never a pull request a maintainer sent inside a patch thread, as Lee Jones'
    "[GIT PULL] Immutable branch between Backlight, fbdev, LEDs ..." inside Thomas
    Zimmermann's "[PATCH v4 00/11] backlight, lcd, led: Remove fbdev dependencies"
    (linux-leds, 2025-03). A thread a pull request opens is that pull's: Marc's "[GIT PULL]
    KVM/arm64 fixes for 5.12, take #1" with his "[PATCH 0/8]" of it below (kvmarm, 2021-03)."""
    opened = next((p for p in posts if thread.root in p.messages), None)
    if opened is not None and opened.kind == "pull":
        return opened
    own = [p for p in posts if p.kind != "pull"] or posts
    return max(own, key=lambda p: (p.revision, p.date))


# What a pull request's patch says of its author: git format-patch's in-body "From:" line
# when the sender (the maintainer) is not the author, as in Marc's "[GIT PULL] KVM/arm
# updates for 5.6" patches.
_IN_BODY_FROM = re.compile(r"^From:\s*(?P<name>[^<\n]*?)\s*<(?P<addr>[^\s<>]+@[^\s<>]+)>\s*$")
# A pull request is taken in a few days or weeks; a title seen again years later is another patch.
_PULL_AFTER = timedelta(days=365)


def pulled_patches(threads: list[Thread]) -> dict[str, list[Carried]]:
    """Normalised title -> the patches pull requests carried whose pull was taken.

    Marc Zyngier reposts the patches of "[GIT PULL] KVM/arm updates for 5.6" (kvmarm,
    2020-01-30) in reply to the pull and Paolo Bonzini answers "Pulled, thanks!": the
    authors' own series threads are applied by that. A header test finds the few pulls.
    """
    out: dict[str, list[Carried]] = {}
    for thread in threads:
        if not any("PULL" in m.subject for m in thread.messages if not starts_as_reply(m.subject)):
            continue
        for post in postings(thread):
            head = post.cover
            if post.kind != "pull" or head is None:  # a pull without patches under it carries none
                continue
            taken = _pull_taken(thread, head)
            if taken is None:
                continue
            for msg in post.patches:
                out.setdefault(Subject.parse(msg.subject).normalised, []).append(Carried(head, msg, taken))
    return out


def _pull_taken(thread: Thread, head: Message) -> Message | None:
    """The first reply to the pull's head, from someone else, that says it was pulled or queued."""
    replies = sorted((m for m in thread.messages if thread.parent.get(m.msgid) == head.msgid
                      and m.from_addr != head.from_addr), key=lambda m: m.date)
    return next((m for m in replies if applied_in(m) is not None), None)


def _patch_author(msg: Message) -> Author:
    first = body_text(msg).lstrip("\n").split("\n", 1)[0]
    m = _IN_BODY_FROM.match(first)
    return Author.of(m.group("name").strip('" '), m.group("addr")) if m else Author.of(msg.from_name, msg.from_addr)


def _carried(work: Work, pulled: dict[str, list[Carried]]) -> list[tuple[int, Message, Carried]]:
    """(counter, patch, carrier) for each patch of ``work`` a taken pull request carried: same
    title, same author (in-body From), sent to the pull after the patch was posted."""
    out = []
    for counter, msg in work.patches:
        for c in pulled.get(Subject.parse(msg.subject).normalised, ()):
            if msg.date < c.pull.date < msg.date + _PULL_AFTER and _same_patch_author(work.author, msg, c.patch):
                out.append((counter, msg, c))
                break
    return out


def _same_patch_author(poster: Author, patch: Message, pulled: Message) -> bool:
    """Both in-body authors agree, or the poster wrote the pulled one: Zenghui Yu's "[PATCH
    resend 1/2]" of Suzuki Poulose's patches carries Suzuki's in-body From (kvmarm, 2020-05),
    as Marc's pull of it does."""
    theirs = _patch_author(pulled)
    return _same_author(poster, theirs) or _same_author(_patch_author(patch), theirs)


def _same_author(a: Author, b: Author) -> bool:
    return bool(set(a.addrs) & set(b.addrs)) or (len(a.name) > 3 and a.name == b.name)


def series_facts(thread: Thread, lineage: list[Revision], window: Window | None = None,
                 pulled: dict[str, list[Carried]] | None = None) -> SeriesFacts | None:
    """Facts of the newest posting in ``thread``; None when it posts no work.

    A thread whose posting is missing from the input (only "Re: [PATCH v3 2/5]"
    replies survive) still gets facts from the reply subject, with 0 patches.
    ``state`` and ``patch_states`` are as of ``window``'s end (all mail when None);
    ``pulled``: ``pulled_patches`` of all threads, for patches applied through a pull request.
    """
    posts = postings(thread)
    if not posts:
        return _ghost_facts(thread, lineage, window)
    post = main_posting(thread, posted_by(posts, window))
    patches = {m.msgid: m for p in posts for m in p.messages}
    facts = SeriesFacts(
        version=post.revision,
        patches=len(post.patches),
        expected=post.expected,
        has_cover=post.cover is not None,
        change_id=post.change_id(),
        resend=post.subject.resend,
        lineage=list(lineage),
        trailers=find_trailers(thread, patches),
        applied=find_applied(thread, set(patches)),
    )
    work = Work(author=Author.of(post.first.from_name, post.author), cover=post.cover, version=post.revision, rfc=post.subject.is_rfc,
                patches=[(Subject.parse(m.subject).counter, m) for m in post.patches],
                older={m.msgid for p in posts if p is not post for m in p.messages}, thread_id=thread.id)
    per_patch = _per_patch(thread, post) if _per_patch is not None else None
    carried = _carried(work, pulled) if pulled and post.kind != "pull" else []
    facts.state, facts.patch_states = series_state(thread, work, lineage, window, facts.trailers, facts.applied,
                                                   per_patch, carried)
    return facts


def posted_by(posts: list[Posting], window: Window | None) -> list[Posting]:
    """The postings out by the window's end (all when none is): Carlo Szelinsky's "[PATCH
    net-next v5 0/2] net: pse-pd: ..." went out on 29 Apr 2026 in reply to his v4 of 10 Apr,
    and the v4 is what the week of 1-16 Apr reviewed (Jakub Kicinski's "pw-bot: cr"), not a
    new v5 with no reply (linux-leds)."""
    if window is None:
        return posts
    return [p for p in posts if p.date < window.until] or posts


def _ghost_facts(thread: Thread, lineage: list[Revision], window: Window | None) -> SeriesFacts | None:
    subj = Subject.parse(thread.subject)
    if not (thread.ghost_root and (subj.is_patch or subj.is_rfc or subj.is_pull)) or revived(thread):
        return None
    facts = SeriesFacts(version=subj.revision, patches=0, expected=subj.expected, has_cover=False,
                        resend=subj.resend, lineage=list(lineage),
                        trailers=find_trailers(thread, {}),
                        applied=find_applied(thread, set()))
    work = Work(author=Author.of("", ghost_author(thread)), cover=None, patches=[], version=subj.revision, rfc=subj.is_rfc,
                thread_id=thread.id)
    facts.state, _ = series_state(thread, work, lineage, window, facts.trailers, facts.applied)
    return facts
