"""Subject: what a mailing-list subject line says about its mail.

``Subject.parse`` reads one decoded subject with no IO: reply markers
("Re:", "RE:", "AW:", "Fwd:", "Re: Re:"), the leading bracket tags
("[PATCH v2 3/5]", "[kvm-unit-tests PATCH]", "[GIT PULL]") and the title
after them. ``normalised`` is the key used to link revisions of a series:
lower case, punctuation and whitespace folded, so "KVM: arm64: Fix  foo"
and "kvm: arm64: fix foo." are the same series title.

Modelled on b4's LoreSubject, smaller: counters are 0 when absent (b4 says
1/1), and a stable kernel version ("[PATCH 5.10 1/2]", "[PATCH stable
v4.9 v2]") is never read as a revision.

Other lists' habits: "[PATCHSET v5]" and "[PATCH net-next v3]" (netdev
trees as tag words), "[PATCH v5.1 10/12]" (a point revision: one patch
replacing patch 10 of v5; ``point`` is 1), and an untagged cover letter
with the version at the end ("re-enable IOCB_NOWAIT writes to files v5",
Christoph Hellwig's style on linux-fsdevel), whose title drops the "v5".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# "Re:", "RE:", "AW:" (German Outlook), "Fwd:", "FW:", "SV:", "Antw:", with an
# optional "[2]" counter some clients add ("Re[2]:").
_REPLY = re.compile(r"^\s*(?:re|fwd?|aw|sv|antw|wg)\s*(?:\[\d+\])?\s*:\s*", re.I)
_TAG = re.compile(r"^\s*\[([^\[\]]*)\]\s*")
_OPEN_LOST = re.compile(r"^\s*((?:RFC |RESEND )?PATCH[^\[\]]{0,30})\]\s*")
_COUNTER = re.compile(r"^(\d{1,4})/(\d{1,4})$")
_REVISION = re.compile(r"^v(\d{1,3})(?:\.(\d+))?$", re.I)  # "v2", "V5", "v5.5" (seanjc's v5.5)
# "... writes to files v5": a version at the end of an untagged subject. Not
# "v5.9" (a kernel) and only untagged: "[PATCH 15/30] ... reduce scope of vgic v3"
# names hardware.
_TRAILING_REVISION = re.compile(r"^(.*\S)\s+[vV](\d{1,2})$")
# A kernel version as in "[PATCH 5.10 1/2]" or "[PATCH stable 4.19.y]".
_KVER = re.compile(r"^v?\d\.\d{1,2}(?:\.y|\.\d+)?$", re.I)
# "stable-5.4", "for-stable-5.10", "stable-4.{4,9}", "stable-rc" (Naresh's build reports).
_STABLE_TAG = re.compile(r"^(?:for-)?stable(?:-(.*))?$", re.I)
# Sasha Levin's "[PATCH AUTOSEL 5.4 12/34]" and "[PATCH MANUALSEL 5.10 1/2]".
_SEL = {"autosel", "manualsel"}
# Glued forms: "PATCHv2", "RFCv2", "PATCH-v3".
_GLUED = re.compile(r"^(patch|rfc)-?(v\d+)$", re.I)
_SUBSYS = re.compile(r"^([\w./,{}*+-]+(?::\s*[\w./,{}*+-]+)*):\s+")
_NONWORD = re.compile(r"[\W_]+")
# Words of a tag: split on spaces and commas, but not inside "{4, 9, 14}".
_SPLIT = re.compile(r"[\s,]+(?![^{]*\})")


@dataclass(frozen=True, slots=True)
class Subject:
    full: str
    title: str  # without reply markers and bracket tags
    reply: bool = False
    prefixes: tuple[str, ...] = ()  # bracket tags as written, "PATCH v2 3/5"
    extra: tuple[str, ...] = ()  # tag words that are not markers: "kvm-unit-tests", "kvmtool"
    is_patch: bool = False
    is_rfc: bool = False
    is_pull: bool = False
    resend: bool = False
    revision: int = 1
    revision_inferred: bool = True
    point: int = 0  # 1 of "v5.1": a point revision (5.5 of seanjc's "[PATCH v5.5 00/30]")
    counter: int = 0
    expected: int = 0  # N of "m/N"; 0 when not numbered
    stable: str | None = None  # kernel version ("5.10"), "" when unnamed, None when not stable

    @property
    def is_stable(self) -> bool:
        return self.stable is not None

    @property
    def is_cover(self) -> bool:
        """"0/N": a cover letter."""
        return self.expected > 0 and self.counter == 0

    @property
    def subsystem(self) -> str:
        """"KVM: arm64" of "KVM: arm64: Fix foo"; "" when the title has none."""
        m = _SUBSYS.match(self.title)
        return m.group(1) if m else ""

    @property
    def normalised(self) -> str:
        return normalise(self.title)

    @classmethod
    def parse(cls, s: str) -> Subject:
        return _parse(s)


@lru_cache(maxsize=1 << 16)
def _parse(s: str) -> Subject:
    """Cached: a thread's subjects repeat ("Re: [PATCH v2 3/5] ...") and series
    linking parses each posting's subjects several times."""
    full = " ".join(s.split())
    rest, reply, tags = _strip(full)
    fields = _read_words(_words(tags))
    m = None if tags else _TRAILING_REVISION.match(rest)
    if m:
        rest = m.group(1)
        fields.update(revision=int(m.group(2)), revision_inferred=False)
    return Subject(full=full, title=rest, reply=reply, prefixes=tuple(tags), **fields)  # type: ignore[arg-type]


def starts_as_reply(s: str) -> bool:
    """True when ``s`` opens with a reply marker ("Re: ..."), so that
    ``Subject.parse(s).reply`` is True: a check without the full parse, for
    callers that skip replies (most of an archive)."""
    return _REPLY.match(s) is not None


def strip_reply(s: str) -> str:
    """``s`` without its leading reply markers ("Re: AW: Re[2]: x" -> "x"):
    the one place reply prefixes are read, for every caller."""
    while (m := _REPLY.match(s)) is not None:
        s = s[m.end():]
    return s.strip()


@lru_cache(maxsize=1 << 16)
def normalise(title: str) -> str:
    """Case, punctuation and whitespace folded: the revision-linking key.
    Cached: series linking asks each posting's ``Subject.normalised`` several times."""
    return _NONWORD.sub(" ", title.lower()).strip()


def _strip(full: str) -> tuple[str, bool, list[str]]:
    """Peel reply markers and bracket tags off the front, in any order.

    Order varies: "Re: [PATCH]", "[kbuild] Re: [PATCH 1/7]" (Dan Carpenter's
    forwarded robot reports), "[PATCH][stable-5.4]" (Marc's backports).
    """
    rest, reply, tags = full, False, []
    while True:
        m = _REPLY.match(rest)
        if m:
            reply, rest = True, rest[m.end():]
            continue
        # dwmw2's "PATCH v4 00/11] KVM: x86/xen: ...": the opening bracket got lost.
        m = _TAG.match(rest) or (None if tags else _OPEN_LOST.match(rest))
        if m:
            tags.append(m.group(1).strip())
            rest = rest[m.end():]
            continue
        return rest.strip(), reply, tags


def _words(tags: list[str]) -> list[str]:
    out: list[str] = []
    for tag in tags:
        if tag.lower().startswith("git pull"):
            out.append("GIT-PULL")
            tag = tag[8:]
        for w in _SPLIT.split(tag):
            w = w.strip("();:")
            g = _GLUED.match(w)
            out.extend(g.groups() if g else [w] if w else [])
    return out


def _read_words(words: list[str]) -> dict[str, object]:
    low = [w.lower() for w in words]
    stable = _stable(words, low)
    f: dict[str, object] = {"stable": stable}
    extra: list[str] = []
    for w, lw in zip(words, low):
        c = _COUNTER.match(w)
        r = _REVISION.match(w)
        if c:
            f["counter"], f["expected"] = int(c.group(1)), int(c.group(2))
        elif lw.startswith("patch"):
            f["is_patch"] = True
        elif lw.startswith("rfc"):  # "RFC", "RFC/RFT", "RFCv1"
            f["is_rfc"] = True
        elif lw in ("git-pull", "pull"):
            f["is_pull"] = True
        elif lw in ("resend", "repost"):
            f["resend"] = True
        elif r and not (stable is not None and "." in w):  # "v4.9" in a stable tag is a kernel
            f["revision"], f["revision_inferred"] = int(r.group(1)), False
            f["point"] = int(r.group(2) or 0)
        elif not (stable is not None and (_KVER.match(w) or _STABLE_TAG.match(w) or lw in _SEL)):
            extra.append(w)
    f["extra"] = tuple(extra)
    return f


def _stable(words: list[str], low: list[str]) -> str | None:
    """The stable kernel a backport targets: "5.10", "" if unnamed, None if none."""
    version: str | None = None
    for i, (w, lw) in enumerate(zip(words, low)):
        m = _STABLE_TAG.match(w)
        if m:
            version = version or (m.group(1) or "")
            nxt = words[i + 1] if i + 1 < len(words) else ""
            if not version and _KVER.match(nxt):  # "[PATCH stable 4.19 v2]", "stable v4.9"
                version = nxt.lstrip("vV")
        elif lw in _SEL:
            version = version or ""
        elif _KVER.match(w) and not w.lower().startswith("v") and "patch" in low[:i]:
            # "[PATCH 5.10 1/2]": a bare kernel version right after PATCH.
            version = version or w
    if version is not None and version == "":
        for w in words:
            if _KVER.match(w) and not _REVISION.match(w):
                return w
    return version
