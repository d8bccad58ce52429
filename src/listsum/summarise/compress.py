"""Message compression: keep what a reader of the thread needs, drop the rest.

Dropped: quoted text (but for an inline reply the last quoted line before
each answer is kept, so "Wouldn't it be simpler to ...?" still has its
object), diffs (the diffstat and list of files stay), signatures, list
footers (the mailman "kvmarm mailing list" block), greetings and sign-offs,
attribution lines ("On Mon, X wrote:"). Lifted out as facts: trailers
(Reviewed-by, Acked-by, ...); a decision ("applied to kvmarm/next") is the stance
rules' to read (stance_rules.DECISION) from the text kept here.
Pure functions over text: no IO.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

TRAILER = re.compile(
    r"^\s*(Reviewed-by|Acked-by|Tested-by|Reported-by|Suggested-by|Nacked-by|NAKed-by|NAK|Fixes)\s*:\s*(.+?)\s*$",
    re.I)
# Lines worth nothing to a summary once the sender is known.
_NOISE = re.compile(r"^\s*(Signed-off-by|Co-developed-by|Cc|Link|Message-Id|Change-Id|base-commit|"
                    r"prerequisite-[\w-]+|In-Reply-To|To)\s*:", re.I)
_ATTRIBUTION = re.compile(r"(wrote|writes|said|a écrit|schrieb)\s*:\s*$|^-+\s*Original Message\s*-+$", re.I)
_GREETING = re.compile(r"^\s*(hi|hello|hey|dear|good (morning|afternoon|evening))\b[^.!?]{0,40}[,!]?\s*$", re.I)
_CLOSING = re.compile(r"^\s*(thanks|thank you|cheers|regards|best regards|kind regards|best|thx|many thanks)"
                      r"[ ,.!]*(again|a lot|for (the|your) [\w ]{1,30})?[ ,.!]*$", re.I)
_DIFF_START = re.compile(r"^(diff --git |Index: |--- a/|\+\+\+ b/|--- /dev/null)")
_DIFF_BODY = re.compile(r"^([ +\-@\\]|diff |index |new file|deleted file|similarity |rename |old mode|new mode|"
                        r"Binary files|copy (from|to) |dissimilarity )|^$")
_DIFFSTAT = re.compile(r"^\s*\S.*\s\|\s+(\d+ ?[+\-]*|Bin .*)$|^\s*\d+ files? changed")
_FOOTER = re.compile(r"^_{20,}\s*$")
_GIT_VERSION = re.compile(r"^\s*\d+\.\d+\.\d+(\.\S+)?\s*$")
KEEP_QUOTE = 160  # characters of the answered line kept for an inline reply


@dataclass
class Compressed:
    text: str
    trailers: list[tuple[str, str]] = field(default_factory=list)  # (kind, person)
    diffstat: list[str] = field(default_factory=list)


def compress(body: str, sender: str = "") -> Compressed:
    lines = _cut_tail(body.replace("\r\n", "\n").split("\n"))
    out = Compressed(text="")
    kept = _older_changelogs(_drop_diffs(_fold_quotes(lines), out))
    text_lines: list[str] = []
    for ln in kept:
        m = TRAILER.match(ln)
        if m and not ln.lstrip().startswith(">"):
            kind = "NAK" if m.group(1).lower() in ("nak", "nacked-by", "naked-by") else _title(m.group(1))
            out.trailers.append((kind, m.group(2)))
            continue
        if _NOISE.match(ln) or _GIT_VERSION.match(ln) or ln.strip() == "---":
            continue
        text_lines.append(ln.rstrip())
    out.text = _squeeze(_drop_orphan_quotes(_drop_courtesy(text_lines, sender)))
    return out


def _title(kind: str) -> str:
    return "-".join(p.capitalize() for p in kind.split("-")).replace("-By", "-by")


def _cut_tail(lines: list[str]) -> list[str]:
    """Cut at the signature ("-- ") or a mailman footer, whichever is first.
    A "-- " inside quoted text is the other person's signature: left to the
    quote folding."""
    for i, ln in enumerate(lines):
        if ln in ("-- ", "--") and i > 0:
            return lines[:i]
        if _FOOTER.match(ln) and any("mailing list" in x for x in lines[i + 1:i + 3]):
            return lines[:i]
    return lines


def _is_quote(ln: str) -> bool:
    return ln.lstrip().startswith(">")


def _fold_quotes(lines: list[str]) -> list[str]:
    """Replace each quoted block by its last meaningful line when an answer
    follows it (inline reply), else drop it (top-posting, trailing quote)."""
    out: list[str] = []
    i, n = 0, len(lines)
    while i < n:
        if not _is_quote(lines[i]):
            # Not only right before a quote: Marc's replies to non-subscribers
            # put a remark between the attribution and the quote.
            if _ATTRIBUTION.search(lines[i]) and (_next_is_quote(lines, i) or len(lines[i]) < 120):
                # "On Mon, 04 Oct 2021 10:03:13 +0100,\nName <addr> wrote:" spans two lines.
                if out and out[-1].startswith("On ") and not lines[i].startswith("On "):
                    out.pop()
                i += 1
                continue
            out.append(lines[i])
            i += 1
            continue
        j = i
        while j < n and (_is_quote(lines[j]) or (not lines[j].strip() and j + 1 < n and _is_quote(lines[j + 1]))):
            j += 1
        answered = any(ln.strip() and not _ATTRIBUTION.search(ln) for ln in lines[j:j + 3])
        if answered:
            last = next((q for q in reversed(lines[i:j]) if _meaningful_quote(q.lstrip("> \t"))), None)
            if last is not None:
                out.append("> " + last.lstrip("> \t")[:KEEP_QUOTE])
        i = j
    return out


def _meaningful_quote(text: str) -> bool:
    return bool(text.strip()) and not (_FOOTER.match(text) or _GIT_VERSION.match(text) or text.strip() in ("--", "-- ")
                                       or _ATTRIBUTION.search(text) or TRAILER.match(text) or _NOISE.match(text))


def _drop_orphan_quotes(lines: list[str]) -> list[str]:
    """A kept quote line whose answer turned out to be only a trailer (now
    lifted) answers nothing: drop it."""
    out: list[str] = []
    for k, ln in enumerate(lines):
        if _is_quote(ln):
            nxt = next((x for x in lines[k + 1:] if x.strip()), None)
            if nxt is None or _is_quote(nxt):
                continue
        out.append(ln)
    return out


def _next_is_quote(lines: list[str], i: int) -> bool:
    rest = [ln for ln in lines[i + 1:i + 4] if ln.strip() and ln.strip() not in ("...", "[...]", "<snip>")]
    return bool(rest) and _is_quote(rest[0])


_CHANGELOG = re.compile(r"^\s*(\*\s*)?(changes\s+)?(v\d+\s*(->|-->|→|to|vs\.?)\s*v\d+|(since|from|in|for)\s+v\d+|"
                        r"v\d+\s*:|changes in v\d+)", re.I)


def _older_changelogs(lines: list[str]) -> list[str]:
    """A cover letter's changelog: the newest entry says what changed in
    this posting; the older ones are history the lineage already gives."""
    heads = [k for k, ln in enumerate(lines) if _CHANGELOG.match(ln) and len(ln.split()) <= 8]
    if len(heads) < 2:
        return lines
    return lines[:heads[1]] + ["[older changelog entries omitted]"]


_SHORTLOG = re.compile(r"^\S.*\(\d+\):\s*$")


def _drop_diffs(lines: list[str], out: Compressed) -> list[str]:
    """Diffs go, the diffstat is kept aside; so does a cover letter's
    shortlog ("Name (3):" + indented subjects): each patch is its own entry."""
    kept: list[str] = []
    in_diff = in_log = False
    for ln in lines:
        if _SHORTLOG.match(ln):
            in_log = True
            continue
        if in_log:
            if ln.startswith("  ") or not ln.strip():
                continue
            in_log = False
        if _DIFF_START.match(ln):
            in_diff = True
            continue
        if in_diff:
            if _DIFF_BODY.match(ln):
                continue
            in_diff = False
        if _DIFFSTAT.match(ln):
            out.diffstat.append(ln.strip())
            continue
        kept.append(ln)
    return kept


def _drop_courtesy(lines: list[str], sender: str = "") -> list[str]:
    """Greetings at the top, "Thanks, Name" or a bare first name at the bottom."""
    body = [ln for ln in lines]
    while body and not body[0].strip():
        body.pop(0)
    if body and _GREETING.match(body[0]):
        body.pop(0)
    while body and not body[-1].strip():
        body.pop()
    # "Thanks,\n\nMarc" or "Cheers,\n\n\tM." at the end.
    tail = [k for k, ln in enumerate(body) if ln.strip()][-3:]
    for k in tail:
        if _CLOSING.match(body[k]) and all(len(body[x].split()) <= 3 for x in tail if x > k):
            body = body[:k]
            break
    first = sender.split()[0].lower() if sender.split() else ""
    while body and first and body[-1].strip().lower().strip(".-, ") in (first, sender.lower(), first[:1]):
        body.pop()
        while body and not body[-1].strip():
            body.pop()
    return body


def _squeeze(lines: list[str]) -> str:
    text = "\n".join(lines)
    text = re.sub(r"\n\s*\n(\s*\n)+", "\n\n", text)
    return text.strip()
