"""Needs attention: what a maintainer should look at first, each with why and the mail.

Rules (``code``), from the states of facts/state.py, all as of the window's end:
- changes-requested: a reviewer asked for changes and no newer revision came
  (waits on the author).
- nak: a NAK stands (waits on the author).
- build-failure: a bot reported a build or CI failure (flag build-failure or
  ci-failure) against a series that was not superseded (kernel test robot "noticed
  the following build errors"). A build-warning flag is no entry: it shows on the
  series' state, it is no reason to act now (lkp's sparse warnings on SMMUv3 v13,
  202011191103.JVUre092-lkp@intel.com).
- no-reply: a series nobody but bots answered for ``stale_days`` (default 7) since
  it was posted (waits on everyone in its To/Cc).
- unanswered: a bug report or question with no answer (waits on its To/Cc).
- dropped-trailers: this week's revision no longer names someone who gave a
  Reviewed-by/Acked-by/Tested-by to the revision before it (waits on the author).
``for_me`` keeps the entries that wait on one address (``--me``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from email.utils import parseaddr

from listsum.facts import body_text
from listsum.facts.authors import Author, ghost_author
from listsum.facts.trailers import find_trailers
from listsum.mail.message import Message
from listsum.mail.threads import Thread
from listsum.model import Attention, Report, State, ThreadReport, Window
from listsum.mail.subject import Subject
from listsum.series import Posting, postings

STALE_DAYS = 7
ORDER = ("nak", "changes-requested", "build-failure", "dropped-trailers", "unanswered", "no-reply")
_WORK = ("patch", "rfc", "pull", "stable")
_GIVEN = ("Reviewed-by", "Acked-by", "Tested-by")
_CARRIED = re.compile(r"^(Reviewed|Acked|Tested)-by:\s*(.*<([^<>\s]+@[^<>\s]+)>)\s*$")
_SIGNED = re.compile(r"^(Signed-off)-by:\s*(.*<([^<>\s]+@[^<>\s]+)>)\s*$")


def needs_attention(report: Report, threads: Mapping[str, Thread], stale_days: int = STALE_DAYS) -> list[Attention]:
    """Every entry of the list, most pressing first (by rule, then oldest thread)."""
    out: list[Attention] = []
    for tr in report.threads:
        thread = threads.get(tr.id)
        if thread is None or tr.state is None:
            continue
        out += _entries(tr, thread, threads, report.window, stale_days)
    rank = {t.id: i for i, t in enumerate(report.threads)}
    out.sort(key=lambda a: (ORDER.index(a.code) if a.code in ORDER else len(ORDER), rank.get(a.thread_id, 0)))
    return out


def for_me(entries: list[Attention], me: str) -> list[Attention]:
    """The entries that wait on ``me`` ("Name <addr>" or a bare address)."""
    addr = (parseaddr(me)[1] or me).strip().lower()
    return [a for a in entries if addr in a.waits_on]


def _entries(tr: ThreadReport, thread: Thread, threads: Mapping[str, Thread], window: Window,
             stale_days: int) -> list[Attention]:
    st = tr.state
    assert st is not None
    author = _author(thread)
    out: list[Attention] = []
    if st.name == "rejected":
        form, args = _who(st, "NAK by {who}")
        out.append(Attention(tr.id, st.detail, list(st.evidence), "nak", author, form, args))
    if st.name == "changes-requested":
        form, args = _who(st, "changes requested by {who}")
        out.append(Attention(tr.id, f"{st.detail}; no new revision yet", list(st.evidence),
                             "changes-requested", author, form, args))
    fails = [f for f in st.flags if f.kind in ("build-failure", "ci-failure")]
    if fails and st.name not in ("superseded",):
        out.append(Attention(tr.id, f"{fails[0].kind}: {fails[0].verdict}", [f.message_id for f in fails],
                             "build-failure", author, "" if fails[0].kind == "build-failure" else fails[0].kind,
                             {"verdict": fails[0].verdict}))
    if st.name == "new":
        out += _silent(tr, thread, window, stale_days)
    if st.name == "answered" and tr.kind in ("bug", "question"):
        out += _follow_up(tr, thread, window)
    if tr.series is not None and st.name != "superseded":
        out += _dropped(tr, thread, threads, window, author)
    return out


def _silent(tr: ThreadReport, thread: Thread, window: Window, stale_days: int) -> list[Attention]:
    root = thread.messages[0]
    asked = _addrs(root)
    if tr.kind in ("bug", "question"):
        return [Attention(tr.id, f"{tr.kind} without any answer since {root.date:%Y-%m-%d}", [root.msgid],
                          "unanswered", asked, "", {"kind": tr.kind, "date": f"{root.date:%Y-%m-%d}"})]
    if tr.kind not in _WORK or tr.kind == "stable" or tr.series is None or not tr.series.patches:
        # A posting outside the input ("Re: [PATCH v7 15/15]" only) has no known age; Sasha's
        # AUTOSEL backports ask for no reply ("[PATCH AUTOSEL 6.16-5.10] leds: ...").
        return []
    posted = _posted(tr, thread)
    days = (window.until - posted.date).days
    if days < stale_days:
        return []
    return [Attention(tr.id, f"no reply in {days} days (posted {posted.date:%Y-%m-%d})", [posted.msgid],
                      "no-reply", _addrs(posted), "", {"days": str(days), "date": f"{posted.date:%Y-%m-%d}"})]


def _follow_up(tr: ThreadReport, thread: Thread, window: Window) -> list[Attention]:
    """The asker wrote last and nobody answered that: Lukas Jünger's last follow-up on
    "KVM userspace GICv2 IRQ controller on platform with GICv3" (vgic_v3_enable() never
    called, no JTAG; kvmarm 2021-10-08) got no reply by the week's end."""
    before = [m for m in thread.messages if m.date < window.until]
    opener = thread.messages[0].from_addr.lower()
    if thread.ghost_root or len(before) < 2 or before[-1].from_addr.lower() != opener:
        return []
    last = before[-1]
    return [Attention(tr.id, f"the {tr.kind}'s follow-up of {last.date:%Y-%m-%d} got no reply", [last.msgid],
                      "unanswered", _addrs(last), "follow-up", {"kind": tr.kind, "date": f"{last.date:%Y-%m-%d}"})]


def _who(st: State, plain: str) -> tuple[str, dict[str, str]]:
    """Who decided the state when its detail is just ``plain`` said of them (the reason's own
    sentence, in any language), else the detail whole ("detail" form). Not cut out of the
    English detail: "changes requested by Rob Herring, Lee Jones; patch 1, 2 applied" named
    "Rob Herring, Lee Jones; patch 1, 2 applied" as the people asking, in zh too; it is the
    "subset" form, the patches taken apart."""
    said = plain.format(who=st.who) if st.who else None
    if st.detail == said:
        return "", {"who": st.who}
    taken = st.detail.removeprefix(f"{said}; patch ").removesuffix(" applied") if said else st.detail
    if said and st.detail == f"{said}; patch {taken} applied":  # facts/state.py's b4 subset taken
        return "subset", {"who": st.who, "taken": taken}
    return "detail", {"detail": st.detail}


def _posted(tr: ThreadReport, thread: Thread) -> Message:
    by_id = {m.msgid: m for m in thread.messages}
    ev = tr.state.evidence if tr.state else []
    return by_id.get(ev[0]) if ev and ev[0] in by_id else thread.messages[0]  # type: ignore[return-value]


def _dropped(tr: ThreadReport, thread: Thread, threads: Mapping[str, Thread], window: Window,
             author: list[str]) -> list[Attention]:
    """A revision posted this week whose patches no longer carry a trailer the revision
    before it was given (in a reply) or carried (in its own patches), patch by patch."""
    s = tr.series
    assert s is not None
    posts = postings(thread)
    if not posts:
        return []
    post = max(posts, key=lambda p: (p.revision, p.date))
    if post.date not in window:
        return []
    before = [r for r in s.lineage if r.version < post.revision and r.date < post.date and r.thread_id in threads]
    if not before:
        return []
    prev = max(before, key=lambda r: (r.version, r.date))
    carried = _carried(post)
    lost: dict[str, tuple[str, str, str]] = {}
    for (addr, key), found in _given(threads[prev.thread_id], post.date).items():
        # A patch dropped or retitled in the new revision: nothing to compare with.
        if key in carried and addr not in carried[key]:
            lost.setdefault(addr, found)
    if not lost:
        return []
    names = ", ".join(f"{kind} {who}" for kind, who, _ in lost.values())
    return [Attention(tr.id, f"v{post.revision} dropped trailers given to v{prev.version}: {names}",
                      [post.first.msgid] + [mid for _, _, mid in lost.values()], "dropped-trailers", author, "",
                      {"new": str(post.revision), "old": str(prev.version), "names": names})]


def _carried(post: Posting) -> dict[str, set[str]]:
    """Patch title -> addresses its trailer lines name; "*" -> any patch's (for the cover)."""
    out: dict[str, set[str]] = {"*": set()}
    for m in post.patches:
        # Signed-off-by too: Will's own "Acked-by" on Marc's patch in v2 became his
        # Signed-off-by when he posted v3 (pKVM hypercalls, 2021-10-08).
        addrs = {c.group(3).lower() for line in body_text(m).split("\n---", 1)[0].splitlines()
                 if (c := _CARRIED.match(line) or _SIGNED.match(line))}
        out.setdefault(Subject.parse(m.subject).normalised, set()).update(addrs)
        out["*"].update(addrs)
    return out


def _given(prev: Thread, before: datetime) -> dict[tuple[str, str], tuple[str, str, str]]:
    """(address, patch title or "*" for the cover) -> (kind, person, message id) of the
    trailers ``prev``'s newest posting was given in replies or carried in its patches."""
    posts = postings(prev)
    if not posts:
        return {}
    newest: Posting = max(posts, key=lambda p: (p.revision, p.date))
    ids = {m.msgid: m for p in posts for m in p.messages}
    keys = {m.subject: "*" if m is newest.cover else Subject.parse(m.subject).normalised for m in newest.messages}
    out: dict[tuple[str, str], tuple[str, str, str]] = {}
    # Carried in the previous revision's own patches: Will's pKVM hypercalls v2 carried
    # "Reviewed-by: Quentin Perret" on two patches, and v3 of the week of 2021-10-04 lost it.
    for m in newest.patches:
        for line in body_text(m).split("\n---", 1)[0].splitlines():
            c = _CARRIED.match(line)
            if c:
                out.setdefault((c.group(3).lower(), keys[m.subject]), (f"{c.group(1)}-by", c.group(2).strip(), m.msgid))
    senders = {m.msgid: m.from_addr.lower() for m in prev.messages}
    for t in find_trailers(prev, ids):
        addr = parseaddr(t.person)[1].lower()
        # Given by the sender themself: not "Acked-by: The Stakeholder <stakeholder@example.org>"
        # typed as an example by Jean-François Lessard (linux-leds, TM16xx v3).
        if (t.kind in _GIVEN and t.patch in keys and addr and addr == senders.get(t.message_id)
                and (t.date is None or t.date < before)):
            out.setdefault((addr, keys[t.patch]), (t.kind, t.person, t.message_id))
    return out


def _author(thread: Thread) -> list[str]:
    """The addresses of whoever posted the work (a b4 relay's decoded too)."""
    posts = postings(thread)
    if posts:
        post = max(posts, key=lambda p: (p.revision, p.date))
        return list(Author.of(post.first.from_name, post.author).addrs)
    if thread.ghost_root:
        return [ghost_author(thread)]
    return [thread.messages[0].from_addr.lower()]


def _addrs(msg: Message) -> list[str]:
    return list(dict.fromkeys(a.lower() for a in (*msg.to, *msg.cc) if a.lower() != msg.from_addr.lower()))
