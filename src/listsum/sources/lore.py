"""Mail from a public-inbox server (lore.kernel.org or any public-inbox-httpd).

The only module that imports liblore/b4. What we use and why:

- ``liblore.LoreNode`` for the HTTP side: ``get_mbox_by_query`` POSTs
  ``{server}/{list}/?x=m[&t=1]&q=...`` (the POST public-inbox wants for an
  mbox download) and gunzips; ``get_mbox_by_msgid`` GETs
  ``{server}/{list}/{msgid}/t.mbox.gz``. b4's ``get_pi_search_results`` and
  ``get_pi_thread_by_msgid`` are thin wrappers around these same calls, but
  they log and return None on every failure (so "server down" cannot be told
  from "404"), and they re-parse the mail into EmailMessage objects we do not
  need: we call the LoreNode layer b4 itself uses, and keep the raw bytes.
- liblore's own cache and git-config lookups are off: our store is the cache,
  and a user's ``[lore]`` git config must not redirect a test server.
- Retries are ours: liblore fails over between origins but does not retry a
  429 or a 503, and a truncated gzip escapes it as a bare EOFError.

Servers may return mail outside the asked window (public-inbox 1.9 does for
``d:`` queries); it is kept as context, the report filters by its own window.
"""

from __future__ import annotations

import gzip
import logging
import re
import time
import urllib.parse
import zlib
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

from listsum.errors import FetchError
from listsum.sources import mailstore

UTC = timezone.utc
DEFAULT_SERVER = "https://lore.kernel.org"
# Seconds to wait before each retry of a retriable failure (429, 502-504,
# timeouts, truncated gzip). Bounded: three tries in all.
RETRY_DELAYS: tuple[float, ...] = (1.0, 3.0)
_RETRY_STATUS = {429, 502, 503, 504}
_LORE_URL = re.compile(r"^https?://(?P<host>[^/]+)/(?:(?P<list>[^/@]+)/)?(?P<msgid>[^/]+@[^/]+)")

# liblore warns on stderr for each failed origin; our FetchError says it once.
logging.getLogger("liblore").addHandler(logging.NullHandler())
# progress(line): one status line ("fetching URL", "retrying in 3s").
Progress = Callable[[str], None]


def server_url(server: str | None) -> str:
    return (server or DEFAULT_SERVER).rstrip("/")


# vger's "<linux-leds.vger.kernel.org>" and lists.linux.dev's "<kvmarm.lists.linux.dev>" are
# archived on lore under the list's name; older hosts (kvmarm's "Where KVM/ARM decisions are
# made <kvmarm.lists.cs.columbia.edu>") are not named here: no guessed link.
_LORE_LIST_ID = re.compile(r"<([a-z0-9][a-z0-9._-]*)\.(?:vger\.kernel\.org|lists\.linux\.dev)>\s*$", re.I)


def list_url_of(list_ids: list[str], server: str | None = None) -> str | None:
    """The lore archive of the one list the input came from, by its List-Id: the links a
    report of a plain lore mbox gives without --list-url. None for mixed or unknown lists."""
    if not list_ids:
        return None
    ((top, n),) = Counter(list_ids).most_common(1)
    if n < 0.9 * len(list_ids):
        return None
    m = _LORE_LIST_ID.search(top)
    return f"{server_url(server)}/{m.group(1).lower()}" if m else None


def window_query(since: datetime, until: datetime) -> str:
    """A public-inbox ``d:`` range that contains [since, until) in any time zone.

    ``d:`` matches whole days of the Date header; one day of margin on each
    side catches mail whose sender's zone moves it across midnight.
    """
    lo = (since.astimezone(UTC) - timedelta(days=1)).strftime("%Y%m%d")
    hi = (until.astimezone(UTC) + timedelta(days=1)).strftime("%Y%m%d")
    return f"d:{lo}..{hi}"


def parse_thread_ref(ref: str) -> tuple[str | None, str | None, str]:
    """(server, list, msgid) from a lore URL, ``<msgid>``, ``id:msgid`` or a bare id."""
    ref = ref.strip()
    m = _LORE_URL.match(ref)
    if m:
        scheme = ref.split(":", 1)[0]
        return f"{scheme}://{m['host']}", m["list"], urllib.parse.unquote(m["msgid"])
    ref = re.sub(r"^(?:rfc822msg)?id:", "", ref).strip("<> ")
    return None, None, ref


def _node(url: str):  # -> liblore.LoreNode (imported lazily: --help stays fast)
    import liblore

    return liblore.LoreNode(url, cache_dir=None, follow_upstream=False, request_timeout=(5.0, 120.0))


def _download(url: str, what: str, call: Callable[[object], bytes], progress: Progress | None) -> bytes:
    """Run ``call(node)`` with bounded retries; FetchError names ``what`` (a URL)."""
    import liblore

    delays = list(RETRY_DELAYS)
    while True:
        try:
            return call(_node(url))
        except liblore.RemoteError as exc:
            status = exc.status_code
            if status == 404:
                raise _NotFound(what) from exc
            retriable = status in _RETRY_STATUS
            err = FetchError(f"{what}: {_describe(exc)}",
                             hint="check the server URL and list name" if not retriable else
                             "the server is busy; try again later")
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
            retriable = True
            err = FetchError(f"{what}: truncated or corrupt gzip from the server ({exc})",
                             hint="the transfer was cut short; try again")
        if not (retriable and delays):
            raise err
        delay = delays.pop(0)
        if progress:
            progress(f"{err.message}; retrying in {delay:g}s")
        time.sleep(delay)


class _NotFound(Exception):
    """A 404: an empty search, an unknown message, or an unknown list."""


def _describe(exc: Exception) -> str:
    status = getattr(exc, "status_code", None)
    if status == 429:
        return "rate limited by the server (HTTP 429)"
    if status is not None:
        return f"server answered HTTP {status}"
    text = str(exc)
    if "Connection refused" in text or "Failed to establish" in text:
        return "cannot connect (connection refused: is the server up?)"
    return f"cannot reach the server ({text.split(':', 1)[-1].strip()[:200]})"


def _check_list(base: str, list_name: str, what: str) -> None:
    """After a 404: tell an unknown list apart from an empty answer."""
    def probe(node: object) -> bytes:
        resp = node.request("GET", f"{base}/{list_name}/")  # type: ignore[attr-defined]
        if resp.status_code == 404:
            raise FetchError(f"{what}: no list {list_name!r} on {base} (HTTP 404)",
                             hint=f"see {base}/ for the lists it serves")
        return b""

    _download(f"{base}/{list_name}", what, probe, None)


def fetch_window_bytes(list_name: str, since: datetime, until: datetime, *, server: str | None,
                       full_threads: bool, progress: Progress | None) -> tuple[bytes, str]:
    """The window's mbox (plain bytes, b"" when the server found nothing) and the URL asked."""
    base = server_url(server)
    query = window_query(since, until)
    url = f"{base}/{list_name}/?x=m{'&t=1' if full_threads else ''}&q={urllib.parse.quote_plus(query)}"
    if progress:
        progress(f"fetching {url}")
    try:
        data = _download(f"{base}/{list_name}", url,
                         lambda node: node.get_mbox_by_query(query, full_threads=full_threads, nocache=True),
                         progress)
    except _NotFound:
        _check_list(base, list_name, url)
        data = b""  # public-inbox answers 404 to a search with no results
    return data, url


def window_mbox(list_name: str, since: datetime, until: datetime, *, server: str | None = None,
                offline: bool = False, full_threads: bool = True, progress: Progress | None = None) -> Path:
    """Fetch the window [since, until) of ``list_name`` into the store; its path.

    ``offline``: no network; the stored window that covers the range, else
    the list's synced archive (``listsum sync``: a v2 inbox dir the reader
    reads whole, the report keeps its window), else the stored windows
    overlapping the range merged into one file, else FetchError.
    """
    if offline:
        return _offline_window(list_name, since, until)
    data, url = fetch_window_bytes(list_name, since, until, server=server,
                                   full_threads=full_threads, progress=progress)
    gz = gzip.compress(data, compresslevel=6, mtime=0)
    meta = mailstore.WindowMeta(list_name=list_name, url=url, since=since.astimezone(UTC).isoformat(),
                            until=until.astimezone(UTC).isoformat(), full_threads=full_threads,
                            fetched_at=datetime.now(UTC).isoformat(), size=len(gz))
    return mailstore.save(mailstore.window_path(list_name, since, until, full_threads), gz, meta)


def _offline_window(list_name: str, since: datetime, until: datetime) -> Path:
    found = mailstore.covering(list_name, since, until)
    if found is not None:
        return found
    archive = mailstore.archive_dir(list_name)
    if (archive / "git" / "0.git" / "HEAD").exists():
        return archive
    parts = mailstore.overlapping(list_name, since, until)
    if not parts:
        raise FetchError(f"nothing stored for {list_name} between {since:%Y-%m-%d %H:%M} and "
                         f"{until:%Y-%m-%d %H:%M} UTC (offline)",
                         hint=f"fetch it first: listsum fetch {list_name} --since ... --until ...")
    # Several partial windows: one file with each message once (first copy wins).
    from listsum.sources.mbox import load_bytes

    merged = b"".join(load_bytes(str(p)) for p in parts)
    merged = _dedupe_mbox(merged)
    gz = gzip.compress(merged, compresslevel=6, mtime=0)
    meta = mailstore.WindowMeta(list_name=list_name, url="offline: " + " + ".join(p.name for p in parts),
                            since=since.astimezone(UTC).isoformat(), until=until.astimezone(UTC).isoformat(),
                            full_threads=False, fetched_at=datetime.now(UTC).isoformat(), size=len(gz))
    path = mailstore.list_dir(list_name) / "merged" / mailstore.window_path(list_name, since, until, False).name
    return mailstore.save(path, gz, meta)


def _dedupe_mbox(data: bytes) -> bytes:
    from listsum.mail.headers import split_headers
    from listsum.sources.mbox import split_mbox

    seen: set[str] = set()
    out: list[bytes] = []
    for raw, _ in split_mbox(data, "merged"):
        mid = split_headers(raw).get(b"message-id", "")
        if mid and mid in seen:
            continue
        seen.add(mid)
        out.append(b"From mboxrd@z Thu Jan  1 00:00:00 1970\n" + _rd_quote(raw))
    return b"".join(out)


def _rd_quote(raw: bytes) -> bytes:
    body = re.sub(rb"^(>*From )", rb">\1", raw, flags=re.M)
    return body if body.endswith(b"\n") else body + b"\n"


def thread_mbox(msgid: str, *, list_name: str | None = None, server: str | None = None,
                offline: bool = False, progress: Progress | None = None) -> Path:
    """The whole thread holding ``msgid`` (``t.mbox.gz``), stored; its path."""
    stored = mailstore.stored_thread(msgid)
    if offline:
        if stored is None:
            raise FetchError(f"thread <{msgid}> is not in the store (offline)",
                             hint="fetch it once without --offline, or pass --mbox FILE")
        return stored
    base = server_url(server)
    inbox = list_name or "all"
    url = f"{base}/{inbox}/{urllib.parse.quote(msgid, safe='@+')}/t.mbox.gz"
    if progress:
        progress(f"fetching {url}")
    try:
        data = _download(f"{base}/{inbox}", url, lambda node: node.get_mbox_by_msgid(msgid, nocache=True),
                         progress)
    except _NotFound:
        raise FetchError(f"{url}: no such message on the server (HTTP 404)",
                         hint="check the Message-ID, or name the list: --list NAME") from None
    gz = gzip.compress(data, compresslevel=6, mtime=0)
    meta = mailstore.WindowMeta(list_name=inbox, url=url, since="", until="", full_threads=True,
                            fetched_at=datetime.now(UTC).isoformat(), size=len(gz), msgid=msgid)
    return mailstore.save(mailstore.thread_path(inbox, msgid), gz, meta)


def get_bytes(url: str, *, progress: Progress | None = None) -> bytes | None:
    """GET ``url`` (retried like the rest); None on a 404. For sync's manifest."""
    base = url.rsplit("/", 1)[0]

    def call(node: object) -> bytes:
        resp = node.request("GET", url)  # type: ignore[attr-defined]
        if resp.status_code != 200:
            import liblore

            raise liblore.RemoteError(f"HTTP {resp.status_code}", status_code=resp.status_code)
        return bytes(resp.content)

    try:
        return _download(base, url, call, progress)
    except _NotFound:
        return None


def search_mbox(list_name: str, query: str, *, server: str | None = None, full_threads: bool = True,
                progress: Progress | None = None) -> bytes:
    """Plain mbox of a public-inbox search (b"" when nothing matches). Not stored."""
    base = server_url(server)
    url = f"{base}/{list_name}/?x=m{'&t=1' if full_threads else ''}&q={urllib.parse.quote_plus(query)}"
    if progress:
        progress(f"searching {url}")
    try:
        return _download(f"{base}/{list_name}", url,
                         lambda node: node.get_mbox_by_query(query, full_threads=full_threads, nocache=True),
                         progress)
    except _NotFound:
        return b""
