"""Maildir: one file per message in cur/ and new/.

Files are read in name order: Maildir names start with the delivery time,
so that is arrival order. Bytes are not kept; each message re-reads its
file when its body is asked for.
"""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path


def is_maildir(path: Path) -> bool:
    return (path / "cur").is_dir() or (path / "new").is_dir()


def message_files(path: Path) -> list[Path]:
    """Every regular, non-hidden file under cur/ and new/, in name order."""
    files: list[Path] = []
    for sub in ("new", "cur"):
        folder = path / sub
        if folder.is_dir():
            files += [folder / n for n in os.listdir(folder) if not n.startswith(".")]
    files = [f for f in files if f.is_file()]
    files.sort(key=lambda f: f.name)
    return files


def _read(path: Path) -> bytes:
    return path.read_bytes()


def loader(path: Path) -> partial[bytes]:
    return partial(_read, path)
