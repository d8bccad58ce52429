"""Subject.parse: reply markers, bracket tags, revisions, counters, stable
targets and the normalised title, on real kvmarm subjects (2019-2021) and
real linux-leds subjects (2025-2026, a second list with other habits)."""

from __future__ import annotations

import pytest

from corpus_msgs import archive_read
from listsum.mail.subject import Subject, normalise

# (subject, expected fields); fields not named keep their defaults.
CASES = [
    ("[PATCH v2 03/16] KVM: arm64: Turn kvm_pgtable_stage2_set_owner into kvm_pgtable_stage2_annotate",
     dict(is_patch=True, revision=2, revision_inferred=False, counter=3, expected=16,
          title="KVM: arm64: Turn kvm_pgtable_stage2_set_owner into kvm_pgtable_stage2_annotate")),
    ("Re: [PATCH 1/2] KVM: arm64: Fix host stage-2 PGD refcount",
     dict(reply=True, is_patch=True, revision=1, counter=1, expected=2)),
    ("RE: [PATCH v5 0/2] MTE support for KVM guest", dict(reply=True, revision=5, counter=0, expected=2)),
    ("Re: Re: [PATCH v2] arm64: kvm: fix typo", dict(reply=True, revision=2, expected=0)),
    ("AW: [PATCH] KVM: arm64: foo", dict(reply=True, is_patch=True)),
    ("FW: Re: [PATCH v8 3/8] KVM: arm64: Make a helper function", dict(reply=True, revision=8, counter=3)),
    ("[PATCHv2 1/3] KVM: arm64: vgic: fix", dict(is_patch=True, revision=2, revision_inferred=False, counter=1)),
    ("[PATCH V5 (RESEND) 0/4] arm64/cpufeature: Introduce ID_PFR2, ID_DFR1, ID_MMFR5 and other changes",
     dict(is_patch=True, resend=True, revision=5, counter=0, expected=4)),
    ("[RESEND RFC PATCH v1] arm64: kvm: flush tlbs by range in unmap_stage2_range function",
     dict(is_patch=True, is_rfc=True, resend=True, revision=1, revision_inferred=False)),
    ("[PATCH v4 REPOST] KVM: arm64: Filter out invalid core register IDs in KVM_GET_REG_LIST",
     dict(resend=True, revision=4)),
    ("[RFC/RFT PATCH 1/3] memblock: update initialization of reserved pages",
     dict(is_patch=True, is_rfc=True, counter=1, expected=3)),
    ("[PATCH RFCv2 0/9] kvm/arm64: Support Async Page Fault",
     dict(is_patch=True, is_rfc=True, revision=2, expected=9)),
    ("[kvm-unit-tests PATCH v2 4/5] Use report_fail(...) instead of report(0, ...)",
     dict(is_patch=True, revision=2, counter=4, expected=5, extra=("kvm-unit-tests",))),
    ("[GIT PULL] KVM/arm updates for 5.2", dict(is_pull=True, title="KVM/arm updates for 5.2")),
    ("[GIT PULL v2] coresight: Add support for ETE and TRBE", dict(is_pull=True, revision=2)),
    ("[PULL kvm-unit-tests 01/39] Makefile: Use no-stack-protector compiler options",
     dict(is_pull=True, counter=1, expected=39, extra=("kvm-unit-tests",))),
    # Stable kernel versions are never revisions.
    ("[PATCH AUTOSEL 5.14 16/40] KVM: arm64: nvhe: Fix missing FORCE for hyp-reloc.S deps",
     dict(is_patch=True, stable="5.14", revision=1, counter=16, expected=40, extra=())),
    ("[PATCH stable v4.9 v2] arm64: entry: Place an SB sequence following an ERET instruction",
     dict(stable="4.9", revision=2, revision_inferred=False)),
    ("[PATCH stable 4.19 v2 1/2] arm64: Add support for SB barrier and patch in over DSB; ISB sequences",
     dict(stable="4.19", revision=2, counter=1)),
    ("[PATCH stable 4.19.y] arm64: entry: Place an SB sequence following an ERET instruction",
     dict(stable="4.19.y", revision=1)),
    ("[PATCH][stable-4.{4, 9, 14, 19}] KVM: arm64: Fix exclusive limit for IPA size",
     dict(is_patch=True, stable="4.{4, 9, 14, 19}", title="KVM: arm64: Fix exclusive limit for IPA size")),
    ("[PATCH for-stable-5.10 1/2] KVM: arm64: Rename __vgic_v3_get_ich_vtr_el2() to __vgic_v3_get_gic_config()",
     dict(stable="5.10", counter=1, expected=2)),
    ("[PATCH 5.10 1/2] KVM: arm64: foo", dict(stable="5.10", revision=1)),
    # seanjc's half-step revision: the integer part.
    ("[PATCH v5.5 00/30] KVM: Scalable memslots implementation", dict(revision=5, point=5, stable=None, expected=30)),
    # Dan Carpenter forwards robot reports with the list tag first.
    ("[kbuild] Re: [PATCH 1/7] vfio: iommu_type1: Clear added dirty bit when unwind pin",
     dict(reply=True, is_patch=True, counter=1, expected=7, extra=("kbuild",))),
    ("PATCH v4 00/11] KVM: x86/xen: Add in-kernel Xen event channel delivery",
     dict(is_patch=True, revision=4, expected=11, title="KVM: x86/xen: Add in-kernel Xen event channel delivery")),
    ("[Question] Hardware management of stage2 page dirty state", dict(extra=("Question",))),
    ("KVM userspace GICv2 IRQ controller on platform with GICv3",
     dict(title="KVM userspace GICv2 IRQ controller on platform with GICv3", prefixes=())),
    # A hardware version inside a tagged title is no revision.
    ("[RFC PATCH v1 15/30] KVM: arm64: COCCI: vgic3_cpu.cocci: reduce scope of vgic v3",
     dict(is_rfc=True, revision=1, counter=15, title="KVM: arm64: COCCI: vgic3_cpu.cocci: reduce scope of vgic v3")),
]

# linux-leds, 2025-01 .. 2026-07.
LEDS_CASES = [
    ("[PATCH net-next v2 00/11] net: ethtool: make sure __ethtool_get_link_ksettings() is ops-locked",
     dict(is_patch=True, revision=2, revision_inferred=False, counter=0, expected=11, extra=("net-next",))),
    ("[PATCH net-next,v2 1/2] net: phy: add LED dimming support",
     dict(is_patch=True, revision=2, counter=1, expected=2, extra=("net-next",), title="net: phy: add LED dimming support")),
    ("[PATCH RFC v2 0/2] leds-lp50xx: Support reg to set multi_index.",
     dict(is_patch=True, is_rfc=True, revision=2, expected=2)),
    ("[PATCH V9 0/3] leds: pwm: Add optional GPIO enable pin support", dict(revision=9, expected=3)),
    ("[PATCHv2] leds: qcom-lpg: allocate channels with main struct", dict(is_patch=True, revision=2, expected=0)),
    ("[PATCH v4 0/6 RESEND] mfd: cpcap: convert documentation to schema and add Mot board support",
     dict(resend=True, revision=4, counter=0, expected=6)),
    ("[PATCH RESEND v10 0/3] rust: leds: add led classdev abstractions", dict(resend=True, revision=10, expected=3)),
    ("[PATCH v1 RESEND 0/5] leds: Add shutdown gpio for is31fl32xx",
     dict(resend=True, revision=1, revision_inferred=False, expected=5)),
    ("[PATCH AUTOSEL 6.14 15/19] leds: multicolor: Fix intensity setting while SW blinking",
     dict(stable="6.14", revision=1, counter=15, expected=19)),
    ("[RFC RESEND] leds: lp55xx: led-cur property is not properly applied to multi-led",
     dict(is_patch=False, is_rfc=True, resend=True)),
    ("[STABLE BACKPORT] leds: leds-cros_ec: Skip LEDs without color components", dict(stable="", is_patch=False)),
    ("Re: [PATCH v2 0/2] Add Support for LTC3220 18 Channel LED Driver V2",
     dict(reply=True, revision=2, title="Add Support for LTC3220 18 Channel LED Driver V2")),
    # Arnd Bergmann numbers each patch's own history in a second tag.
    ("[PATCH 07/10] [v6 net-next] dt-bindings: net: add st,stlc4560/p54spi binding",
     dict(counter=7, expected=10, revision=6, prefixes=("PATCH 07/10", "v6 net-next"))),
    # The robot's build report names a branch, not a patch.
    ("[lee-leds:for-leds-next 10/12] drivers/leds/leds-lp8860.c:103: warning: Excess struct member",
     dict(is_patch=False, counter=10, expected=12, extra=("lee-leds:for-leds-next",))),
]

# Styles of other lists, as the issue quotes them (none in either corpus).
OTHER_CASES = [
    # Christoph Hellwig's untagged cover letters (linux-fsdevel): the version ends the title.
    ("re-enable IOCB_NOWAIT writes to files v5",
     dict(revision=5, revision_inferred=False, is_patch=False, title="re-enable IOCB_NOWAIT writes to files")),
    ("Re: re-enable IOCB_NOWAIT writes to files v5", dict(reply=True, revision=5)),
    ("[PATCHSET v3 0/4] io_uring: foo", dict(is_patch=True, revision=3, expected=4)),
    ("[PATCHSET] block: bar", dict(is_patch=True, revision=1, revision_inferred=True)),
    ("[PATCH net-next v3] net: foo", dict(is_patch=True, revision=3, extra=("net-next",))),
    # A point revision: one patch replacing patch 10 of v5.
    ("[PATCH v5.1 10/12] mm: foo", dict(revision=5, point=1, counter=10, expected=12)),
    ("Linux v5.10 boots", dict(revision=1, revision_inferred=True, title="Linux v5.10 boots")),
]


@pytest.mark.parametrize("text,want", CASES + LEDS_CASES + OTHER_CASES,
                         ids=[c[0][:40] for c in CASES + LEDS_CASES + OTHER_CASES])
def test_parse_real_subjects(text: str, want: dict[str, object]) -> None:
    subj = Subject.parse(text)
    got = {k: getattr(subj, k) for k in want}
    assert got == want


def test_subsystem_and_normalised() -> None:
    subj = Subject.parse("Re: [PATCH v4 05/11] KVM: arm64: vgic: Drop vgic_check_ioaddr()")
    assert subj.subsystem == "KVM: arm64: vgic"
    assert subj.normalised == "kvm arm64 vgic drop vgic check ioaddr"
    assert Subject.parse("[PATCH] hw/arm/virt: Use the PA range").subsystem == "hw/arm/virt"
    assert Subject.parse("KVM works on RPi4").subsystem == ""


def test_normalise_ignores_case_space_and_punctuation() -> None:
    assert normalise("Widget:  frob the   widgets.") == normalise("widget: frob the widgets")
    assert normalise("KVM: arm64: Fix A") != normalise("KVM: arm64: Fix B")


def test_cover_letter_flag() -> None:
    assert Subject.parse("[PATCH v2 00/16]  KVM: arm64: MMIO guard PV services").is_cover
    assert not Subject.parse("[PATCH v2 01/16] KVM: arm64: Generalise VM features").is_cover
    assert not Subject.parse("[PATCH] KVM: arm64: foo").is_cover


def test_whole_archive_revisions_agree_with_the_tag() -> None:
    """Every archive subject whose tag says 'PATCH vN' parses to revision N,
    and no subject without a tag gets one (15,434 real subjects)."""
    import re

    tagged = re.compile(r"^(?:re:\s*)*\[[^\]]*\bPATCH v(\d+) ", re.I)
    checked = 0
    for msg in archive_read().messages:
        subj = Subject.parse(msg.subject)
        m = tagged.match(msg.subject)
        if m:
            assert subj.revision == int(m.group(1)), msg.subject
            checked += 1
        if not subj.prefixes:
            assert subj.revision_inferred and not subj.is_patch, msg.subject
    assert checked > 7000


def test_starts_as_reply_implies_a_parsed_reply() -> None:
    """series.postings skips mail whose subject starts as a reply without
    parsing it: that shortcut must agree with Subject.parse on the archive."""
    from listsum.mail.subject import starts_as_reply

    shortcut = 0
    for msg in archive_read().messages:
        if starts_as_reply(msg.subject):
            assert Subject.parse(msg.subject).reply, msg.subject
            shortcut += 1
    assert shortcut > 8000
    assert starts_as_reply(" re :  [PATCH] x") and not starts_as_reply("[kbuild] Re: [PATCH 1/7] x")
