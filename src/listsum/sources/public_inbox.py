"""Local public-inbox archives: v2 inboxes (git/0.git, 1.git, ...) and epochs.

Each commit of an epoch holds one message in the blob ``m`` (a commit that
deletes a message holds ``d`` instead and is skipped). Reading is one
``git rev-list`` plus one ``git cat-file --batch`` fed every ``<commit>:m``
at once, never one git call per message. Bodies read later (warm parse
cache) go through one long-lived ``cat-file --batch`` per epoch.
"""

from __future__ import annotations

import re
import subprocess
import threading
import weakref
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

_GIT = ["git", "-c", "safe.directory=*"]
_EPOCH = re.compile(r"^(\d+)\.git$")


class GitError(RuntimeError):
    """git refused: not a repository, or a broken one."""


def is_epoch(path: Path) -> bool:
    """A bare git repository (what public-inbox calls an epoch)."""
    return (path / "objects").is_dir() and (path / "HEAD").is_file() and (path / "refs").is_dir()


def epochs_of(inbox: Path) -> list[Path]:
    """The epochs of a v2 inbox in number order ([] when it is not one)."""
    gitdir = inbox / "git"
    if not gitdir.is_dir():
        return []
    found = [(int(m.group(1)), gitdir / n) for n in _listdir(gitdir) if (m := _EPOCH.match(n))]
    return [p for _, p in sorted(found) if is_epoch(p)]


def _listdir(path: Path) -> list[str]:
    try:
        return [p.name for p in path.iterdir()]
    except OSError:
        return []


def _git(git_dir: Path, *args: str) -> str:
    proc = subprocess.run([*_GIT, f"--git-dir={git_dir}", *args], capture_output=True, check=False)
    if proc.returncode != 0:
        raise GitError(proc.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed")
    return proc.stdout.decode("ascii", "replace")


def tip(git_dir: Path) -> str | None:
    """The newest commit: HEAD's, else master's, else the only branch's.

    public-inbox writes refs/heads/master; a copy made with a git whose
    default branch is "main" may have a HEAD that points nowhere.
    """
    proc = subprocess.run([*_GIT, f"--git-dir={git_dir}", "rev-parse", "-q", "--verify", "HEAD^{commit}"],
                          capture_output=True, check=False)
    if proc.returncode == 0:
        return proc.stdout.decode("ascii").strip()
    if b"not a git repository" in proc.stderr:
        raise GitError(proc.stderr.decode("utf-8", "replace").strip())
    heads = dict(line.split()[::-1] for line in
                 _git(git_dir, "for-each-ref", "--format=%(objectname) %(refname)", "refs/heads").splitlines())
    if "refs/heads/master" in heads:
        return heads["refs/heads/master"]
    return next(iter(heads.values())) if len(heads) == 1 else None


def is_ancestor(git_dir: Path, old: str, new: str) -> bool:
    proc = subprocess.run([*_GIT, f"--git-dir={git_dir}", "merge-base", "--is-ancestor", old, new],
                          capture_output=True, check=False)
    return proc.returncode == 0


def commits(git_dir: Path, head: str, since: str | None = None) -> list[str]:
    """Commits oldest first; only those after ``since`` when given."""
    rng = f"{since}..{head}" if since else head
    return _git(git_dir, "rev-list", "--reverse", rng).split()


def read_blobs(git_dir: Path, names: list[str]) -> Iterator[tuple[str | None, bytes | None]]:
    """(blob id, bytes) per name like ``<commit>:m``; (None, None) when missing."""
    proc = subprocess.Popen([*_GIT, f"--git-dir={git_dir}", "cat-file", "--batch"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdin is not None and proc.stdout is not None

    def feed() -> None:  # a thread, so a full stdout pipe can never deadlock us
        try:
            proc.stdin.write("".join(f"{n}\n" for n in names).encode("ascii"))
            proc.stdin.close()
        except BrokenPipeError:
            pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        for _ in names:
            yield _read_one(proc.stdout)
    finally:
        proc.stdout.close()
        proc.wait()
        writer.join()


def _read_one(out: object) -> tuple[str | None, bytes | None]:
    header = out.readline()  # type: ignore[attr-defined]
    if not header:
        raise GitError("git cat-file stopped early")
    parts = header.split()
    if len(parts) != 3:  # "<name> missing" / "ambiguous"
        return None, None
    data = out.read(int(parts[2]) + 1)[:-1]  # type: ignore[attr-defined]
    return parts[0].decode("ascii"), data


class GitBlobs:
    """Loads blobs by id on demand through one long-lived cat-file process."""

    def __init__(self, git_dir: Path) -> None:
        self.git_dir = git_dir
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()

    def get(self, oid: str) -> bytes:
        with self._lock:
            if self._proc is None:
                self._proc = subprocess.Popen(
                    [*_GIT, f"--git-dir={self.git_dir}", "cat-file", "--batch"],
                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
                weakref.finalize(self, _stop, self._proc)
            assert self._proc.stdin is not None
            self._proc.stdin.write(oid.encode("ascii") + b"\n")
            self._proc.stdin.flush()
            _, data = _read_one(self._proc.stdout)
        if data is None:
            raise GitError(f"{self.git_dir}: blob {oid} is gone")
        return data

    def ref(self, oid: str) -> Callable[[], bytes]:
        return partial(self.get, oid)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.stdin:
        proc.stdin.close()
    proc.wait()
