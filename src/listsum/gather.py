"""Getting every revision of a series for the deep dive: the store, then the server.

Locally (no network): the list's synced archive (``listsum sync``), its
fetched windows and every fetched thread, read together with the thread
asked about; series.link_revisions then finds v1..vN among them.

On a public-inbox server (``--server``, lore by default):
- one search for the cover letter's title (``s:"..."``, whole threads);
- one search for the author's mail with any of the newest posting's patch
  titles (``f:addr AND (s:"..." OR ...)``): a series whose cover letter was
  renamed between rounds;
- then the links cover letters give to their earlier rounds, followed until
  none is new: "v1: https://lore.kernel.org/r/<id>" (Will Deacon's pKVM
  covers), "Link to v21: https://lore.kernel.org/linux-leds/<id>/" (b4).
  A link names a message; it is asked of the same server, whatever host
  the link names, so a mirror or a local public-inbox serves it too.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable

from listsum.mail.message import Message
from listsum.mail.subject import Subject, starts_as_reply
from listsum.mail.threads import build_threads

Progress = Callable[[str], None]
# "v1: https://...", "Link to v21: https://...", "Link: https://...", "[v3] https://..."
_LINK = re.compile(r"(?:\bv\d+\b|\blink\b)[^\n]{0,30}?(https?://[^\s<>\"']+)", re.I)
_MAX_FOLLOW = 30  # links followed at most: a 22-round series links 21 earlier rounds


def local_inputs(list_name: str | None) -> list[str]:
    """Stored mail that may hold other revisions: the synced archive, fetched
    windows and fetched threads of ``list_name`` (of every list when None)."""
    from listsum import settings
    from listsum.sources import mailstore

    root = settings.data_dir() / "lists"
    dirs = [mailstore.list_dir(list_name)] if list_name and list_name != "all" else sorted(root.glob("*"))
    out: list[str] = []
    for d in dirs:
        if (d / "archive" / "git" / "0.git" / "HEAD").exists():
            out.append(str(d / "archive"))
        for sub in ("windows", "threads", "merged"):
            out += [str(p) for p in sorted((d / sub).glob("*.mbox.gz"))
                    if mailstore.read_meta(p) is not None]
    return out


def link_ids(text: str) -> list[str]:
    """Message-IDs named by revision links in a cover letter."""
    from listsum.sources.lore import parse_thread_ref

    out = []
    for url in _LINK.findall(text):
        _, _, msgid = parse_thread_ref(url.rstrip(".,);"))
        if "@" in msgid and "/" not in msgid:
            out.append(msgid)
    return out


def server_related(msgs: list[Message], msgid: str, list_name: str, server: str | None,
                   progress: Progress | None) -> list[str]:
    """Stored files of other revisions found on the server (see module docstring)."""
    from listsum.sources import lore, mailstore
    from listsum.deepdive import find_thread

    thread = find_thread(build_threads(msgs), msgid)
    if thread is None:
        return []
    found: list[bytes] = []
    for query in _queries(thread.messages, thread.subject):
        data = lore.search_mbox(list_name, query, server=server, progress=progress)
        if data:
            found.append(data)
    paths = []
    if found:
        from datetime import datetime, timezone

        path = mailstore.thread_path(list_name, msgid)
        path = path.with_name(path.name.replace(".mbox.gz", "-related.mbox.gz"))
        gz = gzip.compress(b"".join(found), mtime=0)
        # With its sidecar, so that a later --offline deep dive reads it from the store.
        meta = mailstore.WindowMeta(list_name=list_name, url="search: " + " | ".join(_queries(thread.messages, thread.subject)),
                                since="", until="", full_threads=True, size=len(gz), msgid=msgid,
                                fetched_at=datetime.now(timezone.utc).isoformat())
        paths.append(str(mailstore.save(path, gz, meta)))
    return paths


def _queries(msgs: list[Message], subject: str) -> list[str]:
    subj = Subject.parse(subject)
    if not (subj.is_patch or subj.is_rfc):
        return []
    out = []
    title = _phrase(subj.title)
    if len(title) >= 8:
        out.append(f's:"{title}"')
    root = next((m for m in msgs if m.subject == subject), msgs[0])
    titles = [_phrase(Subject.parse(m.subject).title) for m in msgs
              if not starts_as_reply(m.subject) and m.from_addr == root.from_addr and m.subject != subject]
    titles = [t for t in dict.fromkeys(titles) if len(t) >= 8][:5]
    if titles and root.from_addr:
        out.append(f"f:{root.from_addr} AND (" + " OR ".join(f's:"{t}"' for t in titles) + ")")
    return out


def _phrase(title: str) -> str:
    return title.replace('"', " ").strip()


def follow_links(msgs: list[Message], list_name: str, server: str | None,
                 progress: Progress | None) -> list[str]:
    """Fetch the threads that cover letters link to and that are not in ``msgs``."""
    from listsum.errors import FetchError
    from listsum.sources import lore
    from listsum.sources.reader import read_inputs

    have = {m.msgid for m in msgs}
    todo = _links_in(msgs)
    asked: set[str] = set()
    paths: list[str] = []
    while todo and len(asked) < _MAX_FOLLOW:
        mid = todo.pop(0)
        if mid in have or mid in asked:
            continue
        asked.add(mid)
        if progress:
            progress(f"following a revision link to <{mid}>")
        try:
            path = lore.thread_mbox(mid, list_name=list_name, server=server, progress=None)
        except FetchError as exc:
            if progress:
                progress(f"  not on the server: {exc.message}")
            continue
        paths.append(str(path))
        new = read_inputs([str(path)]).messages
        have |= {m.msgid for m in new}
        todo += [m for m in _links_in(new) if m not in have and m not in asked]
    return paths


def _links_in(msgs: list[Message]) -> list[str]:
    from listsum.facts import body_text

    out: list[str] = []
    for m in msgs:
        if starts_as_reply(m.subject):
            continue
        subj = Subject.parse(m.subject)
        if subj.is_cover or (subj.is_patch and subj.expected <= 1):
            out += link_ids(body_text(m))
    return list(dict.fromkeys(out))


def gather(ref_msgid: str, first: list[str], *, list_name: str | None, server: str | None, use_server: bool,
           use_store: bool, progress: Progress | None) -> list[str]:
    """Every input path for the deep dive of ``ref_msgid``: ``first`` (the
    thread or --mbox inputs), with ``use_store`` the store, and with
    ``use_server`` what the server finds."""
    from listsum.sources.reader import read_inputs

    paths = list(dict.fromkeys(first + (local_inputs(list_name) if use_store else [])))
    if use_server:
        inbox = list_name or "all"
        msgs = read_inputs(paths).messages
        paths += [p for p in server_related(msgs, ref_msgid, inbox, server, progress) if p not in paths]
        msgs = read_inputs(paths).messages
        paths += [p for p in follow_links(msgs, inbox, server, progress) if p not in paths]
    return paths
