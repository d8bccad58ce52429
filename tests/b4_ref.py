"""b4 as the reference for per-patch trailers: run ``b4 am`` offline on one
thread and read back, per patch, the trailers it applied.

Each thread's mail is written to a temp mbox (mboxrd) and given to
``b4 --offline-mode am -m MBOX MSGID -o - -i``: no network, the am-ready
mbox on stdout, and ``-i`` adds a ``Message-ID:`` trailer to each patch so
the output maps back to the patch it came from. The trailers b4 applied are
those of the output patch minus those the posted patch already carried.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from listsum.facts.trailers import per_patch_trailers
from listsum.mail.threads import Thread
from listsum.series import Posting, postings

B4 = Path(sys.executable).parent / "b4"
# The kinds listsum reads as trailers, b4's name (lower case) -> ours.
KINDS = {"reviewed-by": "Reviewed-by", "acked-by": "Acked-by", "tested-by": "Tested-by",
         "reported-by": "Reported-by", "suggested-by": "Suggested-by",
         "co-developed-by": "Co-developed-by", "nacked-by": "NAK", "naked-by": "NAK", "nack-by": "NAK",
         "nak-by": "NAK"}
_LINE = re.compile(r"^([A-Za-z][\w-]*):[ \t]+(.+?)\s*$", re.M)
# "Andrew Scull<ascull@google.com>" (no space, kvmarm 2020-09) is an address too.
_ADDR = re.compile(r"<([^<>\s]+@[^<>\s]+)>|([^\s<>]+@[^\s<>]+\.[^\s<>]+)")
_FROM_LINE = re.compile(rb"^(>*From )", re.M)

Pair = tuple[str, str]  # (kind, address)


@dataclass
class Comparison:
    thread_id: str
    msgid: str  # what b4 was asked for
    b4: dict[str, set[Pair]] = field(default_factory=dict)  # patch msgid -> applied trailers
    ours: dict[str, set[Pair]] = field(default_factory=dict)
    other_sender: dict[str, set[Pair]] = field(default_factory=dict)  # ours, marked mismatched
    b4_only_patches: list[str] = field(default_factory=list)  # patches b4 put in we do not have
    error: str = ""

    def differences(self) -> list[tuple[str, str, Pair]]:
        """(patch msgid, "b4-only" | "ours-only", (kind, address)) for each patch both saw."""
        out = []
        for pid in sorted(set(self.b4) & set(self.ours)):
            out += [(pid, "b4-only", p) for p in sorted(self.b4[pid] - self.ours[pid])]
            out += [(pid, "ours-only", p) for p in sorted(self.ours[pid] - self.b4[pid])]
        return out


def newest(thread: Thread) -> Posting | None:
    posts = [p for p in postings(thread) if p.patches and p.kind == "patch"]
    return max(posts, key=lambda p: (p.revision, p.date)) if posts else None


def write_mbox(thread: Thread, path: Path) -> None:
    with path.open("wb") as out:
        for msg in thread.messages:
            raw = msg.raw.replace(b"\r\n", b"\n")
            out.write(b"From mboxrd@z Thu Jan  1 00:00:00 1970\n")
            out.write(_FROM_LINE.sub(rb">\1", raw).rstrip(b"\n") + b"\n\n")


def trailer_pairs(text: str) -> set[Pair]:
    """(kind, address) of the trailer lines of a commit message (above "---")."""
    head = text.split("\n---\n", 1)[0]
    out = set()
    for name, value in _LINE.findall(head):
        kind = KINDS.get(name.lower())
        if kind and _ADDR.search(value):
            out.add((kind, _addr(value)))  # "Mark Rutland <mark.rutland@arm.com" (no ">") too
    return out


def run_b4(mbox: Path, msgid: str) -> dict[str, str]:
    """Patch Message-ID -> commit message text, as ``b4 am`` writes it."""
    cmd = [str(B4), "--offline-mode", "-q", "-c", "attestation-policy=off", "am", "-m", str(mbox),
           msgid, "-o", "-", "-i", "--no-cover"]
    proc = subprocess.run(cmd, capture_output=True, timeout=120, check=False)
    out: dict[str, str] = {}
    for chunk in re.split(rb"(?m)^From git@z .*\n", proc.stdout):
        text = chunk.decode("utf-8", "replace")
        body = text.split("\n\n", 1)[-1]
        mid = re.search(r"^Message-ID: <([^>]+)>", body, re.M | re.I)
        if mid:
            out[mid.group(1)] = body
    return out


def compare(thread: Thread, workdir: Path) -> Comparison | None:
    """b4's applied trailers and ours, per patch of the newest posting."""
    post = newest(thread)
    if post is None:
        return None
    msgid = (post.cover or post.patches[0]).msgid
    cmp = Comparison(thread_id=thread.id, msgid=msgid)
    mbox = workdir / "thread.mbox"
    write_mbox(thread, mbox)
    own = {m.msgid: trailer_pairs(_text(m)) for m in post.patches}
    applied = run_b4(mbox, msgid)
    if not applied:
        cmp.error = "b4 wrote no patches"
    for pid, body in applied.items():
        if pid in own:
            cmp.b4[pid] = trailer_pairs(body) - own[pid]
        else:
            cmp.b4_only_patches.append(pid)
    for pid, facts in per_patch_trailers(thread, post).items():
        pairs = {(f.kind, _addr(f.person)) for f in facts if not f.other_sender}
        cmp.ours[pid] = pairs - own[pid]
        cmp.other_sender[pid] = {(f.kind, _addr(f.person)) for f in facts if f.other_sender}
    return cmp


def _text(msg: object) -> str:
    from listsum.facts import body_text

    return body_text(msg)  # type: ignore[arg-type]


def _addr(person: str) -> str:
    m = _ADDR.search(person)
    return (m.group(1) or m.group(2)).lower().strip("<>,;") if m else person.lower()
