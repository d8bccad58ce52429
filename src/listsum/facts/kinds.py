"""Kinds: one word per thread, decided by ordered rules in this one place.

Rules look at the root's sender and subject first; the body of the first
mail is decoded only for non-patch threads whose subject did not decide
(bug or question), so classifying a three-year archive stays cheap.
Every rule names the real kvmarm mail (2019-2021 archive) that needs it.
"""

from __future__ import annotations

import re

from listsum.facts import body_text, own_lines
from listsum.facts.bots import is_bot
from listsum.mail.message import Message
from listsum.mail.subject import Subject
from listsum.mail.threads import Thread
from listsum.model import SeriesFacts

KINDS = ("patch", "rfc", "pull", "bug", "question", "stable", "bot", "announce", "discussion")

# Subject words of an announcement: none on kvmarm, lkml's "[ANNOUNCE] v5.10-rt17".
_ANNOUNCE = re.compile(r"\bannounce(?:ment)?\b|\bCFP\b|call for (?:papers|proposals|presentations)|"
                       r"\bplumbers?\b|\bKVM Forum\b|\bconference\b|\bsummit\b|\bmicroconference\b", re.I)
_BACKPORT = re.compile(r"\bbackport", re.I)
_BUG_CASED = re.compile(r"\b(?:BUG|WARNING|Oops|REGRESSION)\b")
_BUG_WORDS = re.compile(
    r"\b(?:regression|crash(?:es|ed)?|panic|oops|kasan|ubsan|lockdep|deadlock|hang(?:s|ing)?|"
    r"segfault|segmentation fault|fail(?:s|ed|ure)?|error|broken|breaks|issues?)\b", re.I)
_BUG_BODY = re.compile(r"^\s*(?:\[[\s\d.]+\]\s*)?(?:BUG:|WARNING:|Oops|Unable to handle kernel|"
                       r"Call trace:|Kernel panic|general protection fault)", re.M)
_QUESTION = re.compile(r"\?|\bquestions?\b|\bhow (?:to|do|can)\b|\bis there\b|\bany way\b|"
                       r"\b(?:can|could|should) (?:we|i)\b", re.I)


def classify(thread: Thread, series: SeriesFacts | None) -> str:
    """The kind of ``thread``, one of KINDS. First matching rule wins."""
    root = thread.root
    subj = Subject.parse(thread.subject)
    if is_bot(root) and (not subj.reply or all(is_bot(m) for m in thread.messages)):
        # lkp@intel.com: "[kvmarm:next 29/32] arch/arm64/kvm/sys_regs.c:1544:13: warning: ..."
        # and its "[PATCH] KVM: arm64: fix boolreturn.cocci warnings": robot output, not review.
        return "bot"
    if subj.is_pull:
        # "[GIT PULL] KVM/arm updates for 5.2" (Marc), "[PULL kvm-unit-tests 00/39]" (Drew).
        return "pull"
    if _is_stable(subj, root):
        # "[PATCH AUTOSEL 5.14 16/40] KVM: arm64: nvhe: Fix missing FORCE ...", "[PATCH stable
        # 4.19 v2 0/2]" (Florian), "[PATCH][stable-5.4] ..." (Marc), "[PATCH for-stable-5.10 0/2]".
        return "stable"
    if subj.is_rfc:
        # "[RFC PATCH 0/3] kvm/arm: New VMID allocator based on asid", "[RFC v16 0/9] SMMUv3 ...".
        return "rfc"
    if subj.is_patch or (series is not None and (subj.reply or (series.has_cover and not subj.prefixes))):
        # A fix posted inside a bug report's thread does not make the report a patch;
        # a thread whose posting is missing ("Re: [PATCH ...]" only) still is one, and
        # so is one rooted at an untagged cover letter whose patches carry the tag
        # (hch's "re-enable IOCB_NOWAIT writes to files v5", series.postings adopts it).
        return "patch"
    return _non_patch(subj, root)


def _non_patch(subj: Subject, root: Message) -> str:
    title = subj.title
    if "question" in " ".join(subj.prefixes).lower() or title.lower().startswith("question"):
        # "[Question] Hardware management of stage2 page dirty state", and "Question on guest
        # enable msi fail when using GICv4/4.1", which says "fail" but asks.
        return "question"
    if _ANNOUNCE.search(title):
        # 'Plumber VFIO/IOMMU/PCI "Dual Stage SMMUv3 Status" Follow-up' (Eric Auger). Before
        # bug/question: an announcement may well mention "issues" or ask for talks.
        return "announce"
    if _BUG_CASED.search(title) or _BUG_WORDS.search(title) or "bug" in (w.lower() for w in subj.extra):
        # "BUG: KASAN: slab-out-of-bounds in kvm_pmu_get_canonical_pmc+0x48/0x78",
        # "REGRESSION: Upgrading host kernel from 5.11 to 5.13 breaks QEMU guests ...",
        # "[kvm-unit-tests BUG] lib/ldiv32.c breaks arm compilation",
        # "VM live migration failed from Linux v5.9 to Linux v5.10-rc1".
        return "bug"
    if _QUESTION.search(title):
        # "How to translate a VA in Guest to PA in Host?", "Can we boot a 512U kvm guest?".
        return "question"
    first = _opening(root)
    if _BUG_BODY.search(first):
        # "mm/compaction: BUG: NULL pointer dereference" starts with the splat itself.
        return "bug"
    if "?" in first:
        # "KVM userspace GICv2 IRQ controller on platform with GICv3": "is it possible ...?"
        return "question"
    return "discussion"


def _is_stable(subj: Subject, root: Message) -> bool:
    if subj.is_stable and (subj.is_patch or subj.is_rfc):
        return True
    # Cc: stable alone is any fix's routine; it takes a backport word too.
    to_stable = any(a.startswith("stable@") for a in root.to + root.cc)
    return to_stable and subj.is_patch and bool(_BACKPORT.search(subj.full))


_GREETING = re.compile(r"^\s*(?:hi|hello|hey|dear|greetings|good (?:morning|afternoon))\b.{0,40}$", re.I)


def _opening(msg: Message) -> str:
    """The sender's first two paragraphs after any greeting ("Hello,"), at most 30 lines.

    Two, because a question usually follows the one paragraph of context:
    "I am trying to run an emulator ... \n\nIs there a way to use a userspace GICv2 model ...?"
    """
    paras: list[list[str]] = [[]]
    for line in own_lines(body_text(msg))[:80]:
        if line.strip():
            paras[-1].append(line)
        elif paras[-1]:
            paras.append([])
    paras = [p for p in paras if p]
    if paras and len(paras[0]) == 1 and _GREETING.match(paras[0][0]):
        paras = paras[1:]
    return "\n".join(line for p in paras[:2] for line in p)[:4000]
