"""Interdiff without a tree: two postings of a patch, compared as text.

Pure functions over patch mail bodies (no git, no IO):

- ``split_patch``: commit message, the author's notes below "---" (b4's
  per-patch "Changes in v3:"), and the diff, parsed into files and hunks.
- ``patch_id``: ``git patch-id --stable`` of the diff, computed the way
  git's builtin/patch-id.c does (whitespace removed, line numbers and
  ``index`` lines ignored, one SHA-1 per file, summed byte-wise with carry
  so the file order does not matter). tests/test_interdiff.py checks it
  against git itself.
- ``match_patches``: old and new patches paired by title, then by
  patch-id, then by content (changed lines in common), as range-diff pairs
  commits: added / dropped / renamed / unchanged / changed.
- ``compare``: the diff of the two diffs, hunk-aware as ``git range-diff``
  shows it (hunk line numbers dropped, each group headed by its file and
  function), and the size per file ("+12 -3 lines in mm/mmu.c").
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass, field

_HUNK = re.compile(r"^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@ ?(.*)$")
_DIFFSTAT = re.compile(r"^ \S.*\|\s+(?:\d+|Bin)|^ \d+ files? changed|^ (?:create|delete) mode |^ rename |^ mode change ")
_TRAILER = re.compile(r"^[A-Z][\w-]*-by:\s|^(?:Link|Closes|Cc|Fixes|Message-ID|Change-Id):\s", re.I)
# git's isspace (sane_ctype GIT_SPACE): no NBSP, no \v or \f, unlike str.split().
_GIT_SPACE = str.maketrans("", "", " \t\n\r")
ADDED, DROPPED, RENAMED, UNCHANGED, CHANGED = "added", "dropped", "renamed", "unchanged", "changed"


@dataclass
class Hunk:
    func: str  # the function context after "@@ ... @@", "" when none
    lines: list[str]  # " ", "+", "-" lines as sent


@dataclass
class FilePatch:
    path: str
    header: list[str]  # "diff --git", mode, rename lines (not "index")
    hunks: list[Hunk] = field(default_factory=list)


@dataclass
class Patch:
    message: list[str]  # commit message lines, trailers included
    notes: list[str]  # below "---", above the diffstat: the author's per-patch changelog
    files: list[FilePatch]
    pid: str | None = None  # patch_id of the mail text

    @property
    def code(self) -> list[str]:
        """The changed and context lines of every hunk, in order."""
        return [ln for f in self.files for h in f.hunks for ln in h.lines]


def split_patch(text: str) -> Patch:
    """A patch mail body in its parts; ``files`` is empty when it holds no diff."""
    lines = text.splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.startswith("diff --git ") or ln.startswith("diff -")), len(lines))
    head = lines[:start]
    cut = next((i for i, ln in enumerate(head) if ln.rstrip() == "---"), len(head))
    notes = [ln for ln in head[cut + 1:] if not _DIFFSTAT.match(ln)]
    while notes and not notes[-1].strip():
        notes.pop()
    return Patch(message=head[:cut], notes=notes, files=_files(lines[start:]), pid=patch_id(text))


def _files(lines: list[str]) -> list[FilePatch]:
    """Files and hunks, read by the hunk line counts as git does, so the
    mail's "-- " signature after the last hunk is never part of the diff."""
    out: list[FilePatch] = []
    before = after = 0
    i = 0
    while i < len(lines):
        ln = lines[i]
        if before > 0 or after > 0:
            if ln.startswith("\\ "):  # "\ No newline at end of file"
                i += 1
                continue
            tag = ln[:1] or " "  # mailers strip the space of an empty context line
            before -= tag in " -"
            after -= tag in " +"
            out[-1].hunks[-1].lines.append(tag + ln[1:])
        elif ln.startswith("diff "):
            out.append(FilePatch(path=_path(ln), header=[ln]))
        elif out and (m := _HUNK.match(ln)):
            before, after = int(m.group(1) or 1), int(m.group(2) or 1)
            out[-1].hunks.append(Hunk(m.group(3).strip(), []))
        elif out and not out[-1].hunks and ln[:1].isalpha() or ln.startswith(("--- ", "+++ ")) and out:
            if not ln.startswith("index "):
                out[-1].header.append(ln)
            if ln.startswith("+++ ") and not ln.startswith("+++ /dev/null"):
                out[-1].path = re.sub(r"^b/", "", ln[4:].split("\t")[0].strip())
        else:
            break  # the end of the diff: signature, trailing prose
        i += 1
    return out


def _path(diff_line: str) -> str:
    m = re.match(r"^diff --git a/(\S+) b/(\S+)", diff_line)
    return m.group(2) if m else diff_line.split()[-1]


# --- git patch-id --stable -----------------------------------------------------------

def patch_id(text: str) -> str | None:
    """``git patch-id --stable`` of the diff in ``text`` (a patch mail body,
    or ``git show`` output); None when there is no diff."""
    chunks = _file_chunks(text.split("\n"))  # not splitlines: git splits on \n only
    if chunks is None:
        return None
    total = bytearray(20)
    for chunk in chunks:
        digest = hashlib.sha1("".join(chunk).encode("utf-8", "surrogateescape")).digest()
        carry = 0
        for i in range(20):  # builtin/patch-id.c flush_one_hunk: a 20-byte sum with carry
            carry += total[i] + digest[i]
            total[i] = carry & 0xFF
            carry >>= 8
    return total.hex()


def _file_chunks(lines: list[str]) -> list[list[str]] | None:
    """What get_one_patchid (git 2.39) hashes, one list per flush: each
    file's lines without whitespace, hunk headers and "index" lines left out.
    A line by line copy of git's loop, quirks included (an empty line in a
    hunk counts for neither side, a binary file hashes its blob ids)."""
    chunks: list[list[str]] = []
    cur: list[str] = []
    started = binary = False
    before = after = -1
    pre = post = ""
    for ln in lines:
        if ln.startswith("\\ ") and len(ln) + 1 > 12:
            continue
        if not started and not ln.startswith("diff "):
            continue  # the commit message
        if before == -1:
            if ln.startswith(("GIT binary patch", "Binary files")):
                binary, before = True, 0
                chunks.append(cur + [pre + post])
                cur = []
                continue
            if ln.startswith("index "):
                ids = ln[6:].split(" ")[0].split("..")
                if len(ids) == 2:
                    pre, post = ids
                continue
            if ln.startswith("--- "):
                before = after = 1
            elif not ln[:1].isalpha():
                break
        if binary:
            if ln.startswith("diff "):
                binary, before = False, -1
            continue
        if before == 0 and after == 0:
            if ln.startswith("@@ -"):
                m = _HUNK.match(ln)
                before, after = (int(m.group(1) or 1), int(m.group(2) or 1)) if m else (before, after)
                continue
            if not ln.startswith("diff "):
                break
            chunks.append(cur)
            cur = []
            before = after = -1
        if ln[:1] in ("-", " "):
            before -= 1
        if ln[:1] in ("+", " "):
            after -= 1
        flat = ln.translate(_GIT_SPACE)
        started = started or bool(flat)
        cur.append(flat)
    if not started:
        return None
    return chunks + [cur]


# --- matching and comparing ------------------------------------------------------------

@dataclass
class FileSize:
    path: str
    added: int
    removed: int

    def line(self) -> str:
        return f"+{self.added} -{self.removed} lines in {self.path}"


@dataclass
class Comparison:
    status: str  # ADDED, DROPPED, RENAMED, UNCHANGED, CHANGED
    old: int | None  # index into the old patches
    new: int | None
    same_code: bool = False  # same patch-id
    message_changed: bool = False  # commit message text differs (trailers aside)
    context_only: bool = False  # the same +/- lines; only context (a rebase) or line numbers differ
    sizes: list[FileSize] = field(default_factory=list)
    diff: list[str] = field(default_factory=list)  # range-diff style lines
    changed_old: list[int] = field(default_factory=list)  # indices into old.code that changed

    @property
    def size(self) -> str:
        return ", ".join(s.line() for s in self.sizes) or "no code change"


def match_patches(old: list[tuple[str, Patch]], new: list[tuple[str, Patch]]) -> list[Comparison]:
    """Pair ``(normalised title, Patch)`` lists: title, then patch-id, then content."""
    pairs: dict[int, int] = {}
    by_title: dict[str, list[int]] = {}
    for j, (title, _) in enumerate(new):
        by_title.setdefault(title, []).append(j)
    for i, (title, _) in enumerate(old):
        if by_title.get(title):
            pairs[i] = by_title[title].pop(0)
    renamed = _by_content(old, new, pairs)
    out = []
    for i, j in sorted({**pairs, **renamed}.items(), key=lambda ij: ij[1]):
        out.append(compare(old[i][1], new[j][1], i, j, renamed=i in renamed))
    out += [Comparison(DROPPED, i, None) for i in range(len(old)) if i not in pairs and i not in renamed]
    taken = set(pairs.values()) | set(renamed.values())
    out += [Comparison(ADDED, None, j) for j in range(len(new)) if j not in taken]
    return sorted(out, key=lambda c: (c.new if c.new is not None else (c.old or 0) + 0.5))


def _by_content(old: list[tuple[str, Patch]], new: list[tuple[str, Patch]], pairs: dict[int, int]) -> dict[int, int]:
    """Unpaired patches whose changed lines mostly agree (or whose patch-id is equal)."""
    free_new = [j for j in range(len(new)) if j not in pairs.values()]
    lines_new = {j: _changed(new[j][1]) for j in free_new}  # once per patch: 69-patch series
    out: dict[int, int] = {}
    for i in (i for i in range(len(old)) if i not in pairs):
        a = _changed(old[i][1])
        best, score = None, 0.5  # half the changed lines in common: the same patch retitled
        for j in free_new:
            if j in out.values():
                continue
            b = lines_new[j]
            s = len(a & b) / max(1, len(a | b))
            if s > score or (a and a == b):
                best, score = j, s
        if best is not None:
            out[i] = best
    return out


def _changed(p: Patch) -> set[str]:
    return {" ".join(ln.split()) for ln in p.code if ln[:1] in "+-" and ln[1:].strip()}


def _flat(p: Patch) -> tuple[list[str], list[int]]:
    """range-diff's view of a patch: the message, then per file "## path ##"
    and per hunk "@@ func" without line numbers; and, for each flat line,
    its index into ``p.code`` (-1 for headers and message)."""
    lines = ["## Commit message ##"] + [ln for ln in p.message if not _TRAILER.match(ln)]
    where = [-1] * len(lines)
    k = 0
    for f in p.files:
        lines.append(f"## {f.path} ##")
        where.append(-1)
        for h in f.hunks:
            lines.append(f"@@ {h.func}".rstrip())
            where.append(-1)
            for ln in h.lines:
                lines.append(ln)
                where.append(k)
                k += 1
    return lines, where


def compare(a: Patch, b: Patch, i: int, j: int, renamed: bool = False) -> Comparison:
    """Old ``a`` (index i) against new ``b`` (index j)."""
    same = a.pid is not None and a.pid == b.pid
    msg_a = [ln for ln in a.message if not _TRAILER.match(ln)]
    msg_b = [ln for ln in b.message if not _TRAILER.match(ln)]
    status = RENAMED if renamed else UNCHANGED if same else CHANGED
    out = Comparison(status, i, j, same_code=same, message_changed=_norm(msg_a) != _norm(msg_b),
                     context_only=not same and _edits(a) == _edits(b))
    if same and not out.message_changed:
        return out
    fa, wa = _flat(a)
    fb, _ = _flat(b)
    out.diff, out.sizes, out.changed_old = _range_diff(fa, wa, fb)
    return out


def _edits(p: Patch) -> list[tuple[str, str]]:
    """(path, line) of every added or removed line, in order, whitespace folded."""
    return [(f.path, " ".join(ln.split())) for f in p.files for h in f.hunks for ln in h.lines if ln[:1] in "+-"]


def _norm(lines: list[str]) -> list[str]:
    return [" ".join(ln.split()) for ln in lines if ln.strip()]


def _range_diff(fa: list[str], wa: list[int], fb: list[str]) -> tuple[list[str], list[FileSize], list[int]]:
    sm = difflib.SequenceMatcher(None, fa, fb)  # autojunk: "+}" and blank lines would make it quadratic
    sec_a, _ = _labels(fa)
    sec_b, func_b = _labels(fb)
    diff: list[str] = []
    sizes: dict[str, FileSize] = {}
    changed: list[int] = []
    for group in sm.get_grouped_opcodes(3):
        j1 = min(group[0][3], len(fb) - 1)
        where = f"{sec_b[j1]}: {func_b[j1]}" if j1 >= 0 and func_b[j1] else (sec_b[j1] if j1 >= 0 else "")
        diff.append(f"@@ {where} @@")
        for tag, a1, a2, b1, b2 in group:
            if tag == "equal":
                diff += [" " + ln for ln in fa[a1:a2]]
                continue
            diff += ["-" + ln for ln in fa[a1:a2]] + ["+" + ln for ln in fb[b1:b2]]
            path = sec_b[b1] if b1 < len(fb) else sec_a[min(a1, len(fa) - 1)]
            size = sizes.setdefault(path, FileSize(path, 0, 0))
            size.removed += a2 - a1
            size.added += b2 - b1
            changed += [wa[k] for k in range(max(0, a1 - 1), min(len(wa), a2 + 1)) if wa[k] >= 0]
    return diff, list(sizes.values()), sorted(set(changed))


def _labels(flat: list[str]) -> tuple[list[str], list[str]]:
    """For each line of a flat patch: its "## path ##" section, and the
    function of the hunk ("@@ func") it is in ("" when none)."""
    secs: list[str] = []
    funcs: list[str] = []
    sec, func = "Commit message", ""
    for ln in flat:
        if ln.startswith("## ") and ln.endswith(" ##") and len(ln) > 6:
            sec, func = ln[3:-3], ""
        elif ln.startswith("@@"):
            func = ln[3:]
        secs.append(sec)
        funcs.append(func)
    return secs, funcs
