"""A bot's Flag says what its report found, not its greeting (issue #11 item 3).

The kind of flag comes from facts/bot_report.py's verdict: build error / branch BUILD
REGRESSION -> build-failure; build, checker and new DTB warnings -> build-warning;
dt_binding_check errors, AI review issues, performance regressions -> ci-failure; no
issues / BUILD SUCCESS -> ci-passed. Its verdict is "<kind>: <first finding>". A
build-warning is shown on the state but is no needs-attention entry. Real mail of
both lists, found by a user trial on kvmarm 2021-01-11..18 and linux-leds 2025-11-01..16.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus_msgs import corpus_msg

from listsum.facts.bots import bot_flag
from listsum.model import Report
from listsum.report.markdown import render_markdown

SMMU = "20201118112151.25412-1-eric.auger@redhat.com"  # SMMUv3 v13, kvmarm
RTL = "20251021142407.307753-1-sander@svanheule.net"  # RTL8231 v6, linux-leds

# (corpus, message-id, flag kind, start of the flag's verdict)
FLAGS = [
    # "I love your patch! Perhaps something to improve:" over sparse warnings: was build-failure
    # with the greeting as its verdict.
    ("kvmarm", "202011191103.JVUre092-lkp@intel.com", "build-warning",
     "build warning: drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c:1326:37: sparse: sparse: restricted __le64"),
    # "kernel test robot noticed the following build warnings:" on RTL8231 v6 6/8.
    ("leds", "202510220909.HJVE90Ky-lkp@intel.com", "build-warning",
     "build warning: drivers/pinctrl/pinctrl-rtl8231.c:354:53: warning: cast to 'void *'"),
    # A checker's own section: "sparse warnings: (new ones prefixed by >>)".
    ("leds", "202603070848.ib570eG8-lkp@intel.com", "build-warning",
     "sparse warning: drivers/mfd/asus-transformer-ec.c:482:9: sparse:"),
    # robh: "My bot found new DTB warnings on the .dts files added or changed".
    ("leds", "174058435900.2478640.10516296167276043499.robh@kernel.org", "build-warning",
     "new DTB warnings: arch/arm/boot/dts/broadcom/bcm2711-rpi-400.dtb:"),
    # "Thank you for the patch! Yet something to improve:": the error, not the greeting.
    ("kvmarm", "202101152038.7xRQChwH-lkp@intel.com", "build-failure",
     "build error: arch/arm64/kvm/hyp/nvhe/ubsan.c:18:48: error: conflicting types for 'kvm_ubsan_buffer'"),
    # A branch report: "[lee-leds:for-leds-next] BUILD REGRESSION ..." (no flag before).
    ("leds", "202502220051.wtVgmvg4-lkp@intel.com", "build-failure",
     "build regression: drivers/leds/leds-pca955x.c:509:15: error: implicit declaration"),
    # patchew (QEMU CI): its own line is the finding.
    ("kvmarm", "156939449538.4188.158567627991892527@8230166b0665", "build-failure",
     "build failure: This series failed the docker-quick@centos7 build test."),
    # robh's dt-review-ci: the first finding, its CI path dropped.
    ("leds", "176217262093.2953282.2008834134717044680.robh@kernel.org", "ci-failure",
     "dt_binding_check errors: Documentation/devicetree/bindings/leds/backlight/awinic,aw99706.yaml:39:111:"),
    # Sashiko AI review: the first issue, not "Thank you for your contribution!".
    ("leds", "20260624074905.110BD1F000E9@smtp.kernel.org", "ci-failure",
     "AI review: [High] Unprotected call to lpg_brightness_set()"),
    # lkp's performance report (oliver.sang's layout).
    ("leds", "202511281432.47ac7e38-lkp@intel.com", "ci-failure",
     "ci failure: kernel test robot noticed a 3.2% regression of will-it-scale"),
    ("leds", "20260625082131.71A941F000E9@smtp.kernel.org", "ci-passed", "AI review found no issues"),
    # "[lee-leds:for-leds-next] BUILD SUCCESS 7d5c3cac1f39..." (no flag before).
    ("leds", "202508191404.3eyqRRT4-lkp@intel.com", "ci-passed",
     "build success: lee-leds:for-leds-next at 7d5c3cac1f39"),
]


@pytest.mark.parametrize("corpus,msgid,kind,verdict", FLAGS, ids=[f[1][:24] for f in FLAGS])
def test_a_bot_flag_says_what_the_bot_found(corpus: str, msgid: str, kind: str, verdict: str) -> None:
    msg = corpus_msg(corpus, msgid)
    flag = bot_flag(msg, msg.subject)
    assert flag is not None and (flag.kind, flag.message_id) == (kind, msgid)
    assert flag.verdict.startswith(verdict)
    assert "something to improve" not in flag.verdict and "Thank you" not in flag.verdict


def test_warnings_are_shown_but_need_no_attention(kvm_jan: Report, leds_nov: Report) -> None:
    for report, tid, msgid in ((kvm_jan, SMMU, "202011191103.JVUre092-lkp@intel.com"),
                               (leds_nov, RTL, "202510220909.HJVE90Ky-lkp@intel.com")):
        tr = next(t for t in report.threads if t.id == tid)
        assert tr.state is not None
        assert ("build-warning", msgid) in [(f.kind, f.message_id) for f in tr.state.flags]
        assert not [a for a in report.needs_attention if a.thread_id == tid and a.code == "build-failure"]
        md = render_markdown(report)
        assert "Bot build-warning: build warning: " in md
        report.lang = "zh"
        try:
            assert "机器人 构建警告: build warning: " in render_markdown(report)
        finally:
            report.lang = "en"


def test_a_failure_still_needs_attention_with_the_finding(leds_nov: Report) -> None:
    # ov9282 v8: "kernel test robot noticed the following build errors:", the linker's error;
    # ROHM BD72720 v4: robh's dt_binding_check errors.
    reasons = {a.thread_id: a.reason for a in leds_nov.needs_attention if a.code == "build-failure"}
    ov = next(r for t, r in reasons.items() if t.startswith("20251104-ov9282-flash-strobe-v8"))
    assert ov.startswith("build-failure: build error: xtensa-linux-ld: drivers/media/i2c/ov9282.o")
    assert "undefined reference to `__udivdi3'" in ov
    bd = next(r for t, r in reasons.items() if t.startswith("cover.1763022807.git.mazziesaccount"))
    assert bd.startswith("ci-failure: dt_binding_check errors: ") and "My bot found" not in bd


def test_a_robots_reported_by_is_never_a_trailer_given(kvm_jan: Report, leds_nov: Report) -> None:
    """lkp's "If you fix the issue ..., kindly add ... Reported-by: kernel test robot
    <lkp@intel.com>" on SMMUv3 v13 and RTL8231 v6: no trailer, per patch or in the report."""
    for report, tid in ((kvm_jan, SMMU), (leds_nov, RTL)):
        tr = next(t for t in report.threads if t.id == tid)
        assert tr.series is not None
        given = list(tr.series.trailers) + [x for p in tr.series.patch_states for x in p.trailers]
        assert given and not [x for x in given if "lkp@intel.com" in x.person or "robot" in x.person.lower()]
        block = render_markdown(report).split(tr.subject)[1].split("\n---\n")[0]
        assert not [ln for ln in block.splitlines() if "Reported-by" in ln and "robot" in ln]


def test_facts_never_import_summarise() -> None:
    """Data flows sources -> facts -> summarise -> report: the bot report parsing lives in
    facts/bot_report.py, summarise/bot_points.py only words it."""
    import ast

    import listsum.facts as facts_pkg

    for path in Path(facts_pkg.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not [n for n in names if n.startswith(("listsum.summarise", "listsum.report"))], path.name


def test_who_asked_for_changes_is_the_states_own_not_cut_from_its_detail(leds_nov: Report) -> None:
    """RTL8231 v6: patches 1 and 2 taken, a request open on the rest. The English detail says
    "changes requested by Rob Herring, Lee Jones; patch 1, 2 applied"; the reason's "who" is the
    people and the patches taken apart, not "Rob Herring, Lee Jones; patch 1, 2 applied" as the people asking (zh said
    "... patch 1, 2 applied 要求修改"); a plain request names its people."""
    state = next(t.state for t in leds_nov.threads if t.id == RTL)
    assert state.detail == "changes requested by Rob Herring, Lee Jones; patch 1, 2 applied"
    entry = next(a for a in leds_nov.needs_attention if a.thread_id == RTL and a.code == "changes-requested")
    assert (entry.form, entry.args) == ("subset", {"who": "Rob Herring, Lee Jones", "taken": "1, 2"})
    plain = next(a for a in leds_nov.needs_attention if a.thread_id == "20251014152604.852487-1-linux@timmermann.space")
    assert (plain.code, plain.form, plain.args) == ("changes-requested", "", {"who": "Lee Jones"})
