"""Did it land? Patches of a series looked up in a local git tree (``--git PATH``).

git runs as a subprocess; no git library. As ``b4 dig`` does: each patch by
its patch-id (facts/interdiff.patch_id, ``git patch-id --stable``
semantics), else by author address + subject. Only commits made after the
first revision was posted (committer date, one day of margin) and whose
author or subject matches one of the patches are diffed, so a kernel tree
of a million commits costs one ``git log`` of subjects and one of the few
candidate diffs. For each commit found: the first tag containing it
(``git name-rev --tags``, one call), else a branch (``git branch -a --contains``).
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from listsum.errors import InputError
from listsum.facts.interdiff import patch_id
from listsum.mail.subject import normalise

_SEP = "\x1e"  # record separator in git log output


@dataclass
class Wanted:
    """One patch to find."""

    subject: str  # the title, prefixes stripped
    message_id: str
    author: str  # address, lower case
    pid: str | None


@dataclass
class Landing:
    subject: str
    message_id: str
    found_by: str  # "patch-id" | "author+subject" | "" (not found)
    commit: str = ""
    commit_subject: str = ""
    contained_in: str = ""  # first tag, else a branch, containing the commit


def _git(repo: Path, *args: str, input_text: str | None = None) -> str:
    proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, input=input_text,
                          text=True, encoding="utf-8", errors="surrogateescape", timeout=600)
    if proc.returncode:
        raise InputError(f"{repo}: git {args[0]} failed: {proc.stderr.strip()[:300]}")
    return proc.stdout


def check_repo(repo: Path) -> None:
    if not repo.exists():
        raise InputError(f"no such directory: {repo}")
    proc = subprocess.run(["git", "-C", str(repo), "rev-parse", "--git-dir"], capture_output=True, text=True)
    if proc.returncode:
        raise InputError(f"{repo} is not a git repository", hint="--git takes a local clone (a kernel tree)")


def find_landed(repo: Path, wanted: list[Wanted], since: datetime, progress=None) -> list[Landing]:
    """Where each of ``wanted`` landed in ``repo`` (see module docstring)."""
    check_repo(repo)
    after = (since - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    if progress:
        progress(f"looking for {len(wanted)} patches in {repo} (commits since {after[:10]})")
    authors = {w.author for w in wanted}
    titles = {normalise(w.subject) for w in wanted}
    log = _git(repo, "log", "--all", "--no-merges", f"--since={after}", f"--format=%H{_SEP}%ae{_SEP}%s")
    cands = []
    for line in log.split("\n"):  # not splitlines: it splits at \x1e too
        sha, addr, subj = (line.split(_SEP) + ["", ""])[:3]
        if sha and addr.lower() in authors or normalise(subj) in titles:
            cands.append((sha, addr.lower(), subj))
    pids = _patch_ids(repo, [c[0] for c in cands])
    by_pid = {pids[c[0]]: c for c in cands if pids.get(c[0])}
    by_subject = {(c[1], normalise(c[2])): c for c in reversed(cands)}  # oldest wins
    hits: list[tuple[Wanted, tuple[str, str, str] | None, str]] = []
    for w in wanted:
        hit, how = (by_pid.get(w.pid), "patch-id") if w.pid else (None, "")
        if hit is None:
            hit, how = by_subject.get((w.author, normalise(w.subject))), "author+subject"
        hits.append((w, hit, how))
    where = _contained_in(repo, [h[0] for _, h, _ in hits if h is not None])
    return [Landing(w.subject, w.message_id, how, hit[0], hit[2], where.get(hit[0], "")) if hit is not None
            else Landing(w.subject, w.message_id, "") for w, hit, how in hits]


def _patch_ids(repo: Path, shas: list[str]) -> dict[str, str | None]:
    """patch-id of each commit, from one ``git show`` of them all."""
    if not shas:
        return {}
    text = _git(repo, "show", "--no-color", "--no-ext-diff", f"--format={_SEP}%H", "-p", *shas)
    out: dict[str, str | None] = {}
    for chunk in text.split(_SEP)[1:]:
        sha, _, diff = chunk.partition("\n")
        out[sha.strip()] = patch_id(diff)
    return out


def _contained_in(repo: Path, shas: list[str]) -> dict[str, str]:
    """The first tag containing each commit (one ``git name-rev --tags`` for
    all, as ``git describe --contains`` names it), else a branch."""
    if not shas:
        return {}
    shas = list(dict.fromkeys(shas))
    names = _git(repo, "name-rev", "--tags", "--name-only", *shas).split("\n")
    out: dict[str, str] = {}
    for sha, name in zip(shas, names):
        name = name.strip()
        if name and name != "undefined":
            out[sha] = "tag " + name.removeprefix("tags/").split("~")[0].split("^")[0]
            continue
        proc = subprocess.run(["git", "-C", str(repo), "branch", "-a", "--contains", sha,
                               "--format=%(refname:short)"], capture_output=True, text=True)
        branches = [b.strip() for b in proc.stdout.splitlines() if b.strip()]
        out[sha] = f"branch {branches[0]}" if branches else ""
    return out
