"""Write a file so that readers see the old content or the new, never half.

A temp file in the target's directory (same filesystem, so rename is atomic),
fsync'd, then os.replace. A crash or Ctrl-C leaves the old report intact.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: str | Path, data: str | bytes, *, encoding: str = "utf-8") -> Path:
    """Replace ``path`` with ``data``; returns the path written."""
    target = Path(path)
    payload = data.encode(encoding) if isinstance(data, str) else data
    directory = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp makes 0600 files; a report is an ordinary file.
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return target


def check_target(path: str | Path, inputs: list[str] | tuple[str, ...] = ()) -> None:
    """Refuse an output path before any work starts: a directory, a missing or
    read-only folder, or one of the inputs (an -o typo must not eat the mbox)."""
    from listsum.errors import UsageError

    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise UsageError(f"-o {path}: is a directory", hint="name a file, e.g. -o report.md")
    if not folder.is_dir():
        raise UsageError(f"-o {path}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"-o {path}: folder {folder} is not writable")
    for src in inputs:
        if src != "-" and _same(target, Path(src)):
            raise UsageError(f"-o {path}: is an input; refusing to overwrite it")


def _same(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
