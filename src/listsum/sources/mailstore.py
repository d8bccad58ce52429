"""The local raw-mail store: what was fetched, kept for offline work.

Layout under ``settings.data_dir()``::

    lists/<list>/windows/<since>_<until>[-t].mbox.gz   one fetched window (server's gzip, verified)
    lists/<list>/windows/<same>.json                   where and when it came from
    lists/<list>/threads/<sha1 of msgid>.mbox.gz       one fetched thread (+ .json)
    lists/<list>/archive/git/N.git                     a synced public-inbox archive (sync.py)

Every file is written to a temp file beside it and renamed into place, so a
reader (or a crash) sees the old file or the new one, never half of one; the
.json is written after the mail, so a window without its .json is ignored.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from listsum import atomic, settings

UTC = timezone.utc
_SAFE = re.compile(r"[^A-Za-z0-9._+-]")
_STAMP = "%Y%m%dT%H%M%SZ"


@dataclass(frozen=True)
class WindowMeta:
    """The sidecar of a stored window or thread."""

    list_name: str
    url: str  # what was asked, for provenance and error messages
    since: str  # ISO UTC; "" for a thread
    until: str
    full_threads: bool
    fetched_at: str
    size: int  # bytes of gzip stored
    msgid: str = ""  # for a thread


def list_dir(list_name: str) -> Path:
    """``lists/<list>``; the name is made path-safe (no '/', no '..')."""
    name = _SAFE.sub("_", list_name).lstrip(".") or "_"
    return settings.data_dir() / "lists" / name


def archive_dir(list_name: str) -> Path:
    """Where ``listsum sync`` keeps the list's public-inbox archive."""
    return list_dir(list_name) / "archive"


def write_atomic(path: Path, data: bytes) -> Path:
    """listsum.atomic.write_atomic, making the store's directories first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return atomic.write_atomic(path, data)


def window_path(list_name: str, since: datetime, until: datetime, full_threads: bool) -> Path:
    stem = f"{since.astimezone(UTC):{_STAMP}}_{until.astimezone(UTC):{_STAMP}}"
    return list_dir(list_name) / "windows" / f"{stem}{'-t' if full_threads else ''}.mbox.gz"


def thread_path(list_name: str, msgid: str) -> Path:
    digest = hashlib.sha1(msgid.encode()).hexdigest()[:20]
    return list_dir(list_name) / "threads" / f"{digest}.mbox.gz"


def _meta_path(mail: Path) -> Path:
    return mail.with_name(mail.name.removesuffix(".mbox.gz") + ".json")


def save(mail: Path, gz: bytes, meta: WindowMeta) -> Path:
    """Store verified gzip bytes, then their sidecar (which makes them count)."""
    write_atomic(mail, gz)
    write_atomic(_meta_path(mail), json.dumps(asdict(meta), indent=1).encode())
    return mail


def read_meta(mail: Path) -> WindowMeta | None:
    try:
        data = json.loads(_meta_path(mail).read_text())
        return WindowMeta(**data)
    except (OSError, ValueError, TypeError):
        return None


def stored_windows(list_name: str) -> list[tuple[Path, WindowMeta]]:
    """Complete stored windows of a list (mail and sidecar both present), oldest fetch first."""
    out = []
    for mail in sorted((list_dir(list_name) / "windows").glob("*.mbox.gz")):
        meta = read_meta(mail)
        if meta is not None and mail.exists():
            out.append((mail, meta))
    out.sort(key=lambda pm: pm[1].fetched_at)
    return out


def overlapping(list_name: str, since: datetime, until: datetime) -> list[Path]:
    """Stored windows that share time with [since, until), newest fetch last."""
    out = []
    for mail, meta in stored_windows(list_name):
        lo, hi = datetime.fromisoformat(meta.since), datetime.fromisoformat(meta.until)
        if lo < until and since < hi:
            out.append(mail)
    return out


def covering(list_name: str, since: datetime, until: datetime) -> Path | None:
    """The most recently fetched stored window that contains all of [since, until)."""
    best = None
    for mail, meta in stored_windows(list_name):
        if datetime.fromisoformat(meta.since) <= since and until <= datetime.fromisoformat(meta.until):
            best = mail
    return best


def stored_thread(msgid: str) -> Path | None:
    """A stored thread of any list fetched for ``msgid``."""
    digest = hashlib.sha1(msgid.encode()).hexdigest()[:20]
    for mail in sorted((settings.data_dir() / "lists").glob(f"*/threads/{digest}.mbox.gz")):
        if read_meta(mail) is not None:
            return mail
    return None
