"""A notmuch reference partition of an mbox, and pairwise agreement scores.

Used by tests/test_notmuch_agreement.py and bench/bench_thread.py. notmuch
is the judge because it is what many kernel maintainers already read mail
with: if listsum and notmuch disagree on what a thread is, the maintainer
sees two different conversations.

Each message is written to a throw-away Maildir under a file named by its
0-based position in the mbox, so the comparison is by position, not by
Message-ID: that survives messages without a Message-ID (notmuch invents
``notmuch-sha1-...``, we invent ``listsum-...@synthetic.invalid``) and
duplicated mails (notmuch keeps one message with two files).
Nothing is cached: each call indexes from scratch in the directory given.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

_CONFIG = """\
[database]
path={mail}
[new]
tags=new
ignore=
[search]
exclude_tags=
[maildir]
synchronize_flags=false
[index]
decrypt=false
"""


def notmuch_binary() -> str | None:
    return shutil.which("notmuch")


def write_maildir(raws: Iterable[bytes], mail: Path) -> int:
    """Write each raw message to ``mail/cur/<position>:2,``; returns the count."""
    for sub in ("cur", "new", "tmp"):
        (mail / sub).mkdir(parents=True, exist_ok=True)
    n = 0
    for n, raw in enumerate(raws, 1):
        (mail / "cur" / f"{n - 1}:2,").write_bytes(raw)
    return n


def _env(workdir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["NOTMUCH_CONFIG"] = str(workdir / "notmuch-config")
    env.pop("NOTMUCH_PROFILE", None)
    return env


def index(workdir: Path) -> None:
    """``notmuch new`` over ``workdir/mail`` with a config of our own."""
    cfg = workdir / "notmuch-config"
    cfg.write_text(_CONFIG.format(mail=workdir / "mail"))
    subprocess.run(["notmuch", "new", "--quiet"], env=_env(workdir), check=True,
                   stdout=subprocess.DEVNULL)


def threads(workdir: Path) -> list[list[int]]:
    """notmuch's threads as lists of mbox positions, in one ``notmuch show``."""
    out = subprocess.run(
        ["notmuch", "show", "--format=json", "--body=false", "--entire-thread=true", "*"],
        env=_env(workdir), check=True, capture_output=True).stdout
    result: list[list[int]] = []
    for thread in json.loads(out):
        positions: list[int] = []
        _collect(thread, positions)
        result.append(sorted(positions))
    return result


def _collect(nodes: list, positions: list[int]) -> None:
    # A thread is a list of [message, [replies...]] nodes.
    for message, replies in nodes:
        files = message["filename"]
        for f in files if isinstance(files, list) else [files]:
            positions.append(int(Path(f).name.split(":")[0]))
        _collect(replies, positions)


def reference(raws: Iterable[bytes], workdir: Path) -> list[list[int]]:
    """Index ``raws`` with notmuch in ``workdir`` and return its threads."""
    write_maildir(raws, workdir / "mail")
    index(workdir)
    return threads(workdir)


def labels(groups: Iterable[Iterable[int]], n: int) -> list[int]:
    """Per-position group number from a list of groups of positions."""
    out = [-1] * n
    for g, members in enumerate(groups):
        for p in members:
            out[p] = g
    return out


@dataclass(frozen=True)
class Scores:
    precision: float  # of our same-thread pairs, the share notmuch agrees with
    recall: float  # of notmuch's same-thread pairs, the share we also have
    ours_pairs: int
    ref_pairs: int
    both_pairs: int

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _pairs(counts: Iterable[int]) -> int:
    return sum(c * (c - 1) // 2 for c in counts)


def pair_scores(ours: Sequence[Hashable], ref: Sequence[Hashable]) -> Scores:
    """Same-thread pair precision/recall from two labellings, via counts (no n^2)."""
    assert len(ours) == len(ref)
    both = _pairs(Counter(zip(ours, ref)).values())
    a, b = _pairs(Counter(ours).values()), _pairs(Counter(ref).values())
    return Scores(precision=both / a if a else 1.0, recall=both / b if b else 1.0,
                  ours_pairs=a, ref_pairs=b, both_pairs=both)
