"""Clone or update a list's public-inbox git archive, every epoch.

A v2 public-inbox splits its history into epochs ``git/0.git``,
``git/1.git`` ... (about 1 GB each). We mirror each one into
``DEST/git/N.git`` with ``git clone --mirror`` over smart HTTP (what
public-inbox-httpd and lore serve), so DEST has the layout of a v2 inbox
and ``sources.reader`` reads it like a local one (caching per epoch tip,
so after an update only the new commits are parsed).

Epochs are listed by the inbox's ``manifest.js.gz`` (grokmirror's format,
served by public-inbox); when a server has none, we probe 0, 1, ... until
``git ls-remote`` fails. A new epoch is cloned into a temp dir and renamed
into place, so an interrupted first clone leaves nothing that looks whole.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from listsum.errors import FetchError
from listsum.sources import lore, mailstore

_EPOCH = re.compile(r"/git/(\d+)\.git$")
_GIT_TIMEOUT = 3600  # a first clone of a big epoch takes minutes


@dataclass
class EpochSync:
    epoch: int
    path: Path
    old_tip: str | None  # None: cloned now
    new_tip: str | None  # None: empty epoch
    new_commits: int  # commits between old_tip and new_tip (all of them on a clone)


@dataclass
class SyncResult:
    list_name: str
    dest: Path
    url: str
    epochs: list[EpochSync] = field(default_factory=list)

    @property
    def new_commits(self) -> int:
        return sum(e.new_commits for e in self.epochs)


def _git(args: list[str], what: str) -> str:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    try:
        proc = subprocess.run(["git", *args], capture_output=True, text=True, timeout=_GIT_TIMEOUT,
                              env=env)
    except FileNotFoundError as exc:
        raise FetchError("git is not installed", hint="install git to sync archives") from exc
    except subprocess.TimeoutExpired as exc:
        raise FetchError(f"{what}: git timed out after {_GIT_TIMEOUT}s") from exc
    if proc.returncode:
        detail = (proc.stderr.strip().splitlines() or ["git failed"])[-1]
        raise FetchError(f"{what}: {detail}")
    return proc.stdout.strip()


def list_epochs(base: str, list_name: str, progress: lore.Progress | None = None) -> list[int]:
    """Epoch numbers the server has for ``list_name``, ascending."""
    manifest = lore.get_bytes(f"{base}/{list_name}/manifest.js.gz", progress=progress)
    if manifest is not None:
        try:
            data = json.loads(gzip.decompress(manifest))
        except (OSError, EOFError, ValueError) as exc:
            raise FetchError(f"{base}/{list_name}/manifest.js.gz: unreadable ({exc})") from exc
        epochs = sorted(int(m.group(1)) for key in data if (m := _EPOCH.search(key)))
        if epochs:
            return epochs
    epochs = []
    while _remote_exists(f"{base}/{list_name}/git/{len(epochs)}.git"):
        epochs.append(len(epochs))
    if not epochs:
        raise FetchError(f"{base}/{list_name}/git/0.git: no public-inbox archive there",
                         hint="check the server URL and list name")
    return epochs


def _remote_exists(url: str) -> bool:
    try:
        _git(["ls-remote", "--heads", url], url)
    except FetchError:
        return False
    return True


def _tip(gitdir: Path) -> str | None:
    try:
        return _git(["--git-dir", str(gitdir), "rev-parse", "-q", "--verify", "HEAD^{commit}"], str(gitdir))
    except FetchError:
        return None


def _count(gitdir: Path, old: str | None, new: str | None) -> int:
    if new is None or old == new:
        return 0
    spec = f"{old}..{new}" if old else new
    return int(_git(["--git-dir", str(gitdir), "rev-list", "--count", spec], str(gitdir)) or 0)


def _clone(url: str, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        _git(["clone", "--quiet", "--mirror", url, str(tmp)], url)
        os.replace(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def sync_epoch(url: str, path: Path, epoch: int) -> EpochSync:
    if not (path / "HEAD").exists():
        _clone(url, path)
        tip = _tip(path)
        return EpochSync(epoch, path, None, tip, _count(path, None, tip))
    old = _tip(path)
    # A mirror's fetch updates refs only after the pack is complete: an
    # interrupted fetch leaves the old tip.
    _git(["--git-dir", str(path), "fetch", "--quiet", "--prune", url, "+refs/*:refs/*"], url)
    new = _tip(path)
    return EpochSync(epoch, path, old, new, _count(path, old, new))


def sync_archive(list_name: str, *, server: str | None = None, dest: Path | None = None,
                 progress: lore.Progress | None = None) -> SyncResult:
    """Clone or update every epoch of ``list_name`` into ``dest`` (default: the store)."""
    base = lore.server_url(server)
    dest = Path(dest) if dest is not None else mailstore.archive_dir(list_name)
    result = SyncResult(list_name, dest, f"{base}/{list_name}")
    for epoch in list_epochs(base, list_name, progress):
        url = f"{base}/{list_name}/git/{epoch}.git"
        if progress:
            progress(f"syncing {url}")
        result.epochs.append(sync_epoch(url, dest / "git" / f"{epoch}.git", epoch))
    meta = {"list": list_name, "url": result.url,
            "tips": {str(e.epoch): e.new_tip for e in result.epochs}}
    mailstore.write_atomic(dest / "listsum-sync.json", json.dumps(meta, indent=1).encode())
    return result
