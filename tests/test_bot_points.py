"""A bot mail's point is the bot's one-line verdict (the kind of finding and the
first finding it lists), linked to the bot's mail: never a header-ish line such
as "url: https://github.com/0day-ci/..." or "All warnings (new ones prefixed by
>>):". Real bot mails of both corpora."""

from __future__ import annotations

import pytest
from corpus_msgs import corpus_msg

from listsum.summarise.bot_points import BotVerdict, bot_line, bot_verdict

# (corpus, message-id, kind, the start of the finding line)
VERDICTS = [
    # kvmarm 2021-01: "Yet something to improve:", "[auto build test ERROR ...]", "All errors (new ones
    # prefixed by >>):" and the ">>" line, not the "In file included from" before it.
    ("kvmarm", "202101152038.7xRQChwH-lkp@intel.com", "build error",
     "arch/arm64/kvm/hyp/nvhe/ubsan.c:18:48: error: conflicting types for 'kvm_ubsan_buffer'"),
    # "Perhaps something to improve:", the first new (">>") warning, not the first warning listed.
    ("kvmarm", "202101151607.PZjBLHmo-lkp@intel.com", "build warning",
     "arch/arm64/kvm/hyp/nvhe/ubsan.c:22:6: warning: no previous prototype for '__ubsan_handle_type_mismatch_v1'"),
    # A report on a branch commit that opens its own thread.
    ("kvmarm", "202101150021.7lf1kLu2-lkp@intel.com", "build warning",
     "arch/arm64/kvm/sys_regs.c:1544:13: warning: initializer overrides prior initialization"),
    # linux-leds 2025-08: no ">>" line; the linker's "in function" lead-ins are context.
    ("leds", "202508271344.WqQr2aa7-lkp@intel.com", "build error",
     "drivers/auxdisplay/tm16xx.c:1469: undefined reference to `i2c_transfer'"),
    # A build error report listing a warning first, two listings split by a bare "--": the error.
    ("leds", "202502271951.iaH6W6q1-lkp@intel.com", "build error",
     "cmdline.c:(.text+0x9c): multiple definition of `fb_bl_notify_blank'"),
    # Checkers name their kind in their own section header.
    ("leds", "202603070848.ib570eG8-lkp@intel.com", "sparse warning",
     "drivers/mfd/asus-transformer-ec.c:482:9: sparse:"),
    ("leds", "202507290749.YxykcKRV-lkp@intel.com", "smatch warning",
     "drivers/leds/rgb/leds-lp5812.c:920 lp5812_probe() warn: inconsistent indenting"),
    # Branch reports: the subject says what happened.
    ("leds", "202508191404.3eyqRRT4-lkp@intel.com", "build success", "lee-leds:for-leds-next at 7d5c3cac1f39"),
    ("leds", "202502220051.wtVgmvg4-lkp@intel.com", "build regression",
     "drivers/leds/leds-pca955x.c:509:15: error: implicit declaration of function 'pca955x_num_led_regs'"),
    # Rob Herring's dt-review-ci: the first finding under its section headers, its CI path dropped.
    ("leds", "176217262093.2953282.2008834134717044680.robh@kernel.org", "dt_binding_check errors",
     "Documentation/devicetree/bindings/leds/backlight/awinic,aw99706.yaml:39:111: [warning] line too long"),
    ("leds", "176233320981.143013.4115240062372455834.robh@kernel.org", "dt_binding_check errors",
     "Documentation/devicetree/bindings/regulator/rohm,bd72720-regulator.yaml: patternProperties:"),
    # ... and one whose sections are all empty (linux-leds 2025-08): it lists none.
    ("leds", "175548430728.3642063.6873272310272616172.robh@kernel.org", "dt_binding_check errors", ""),
    # Sashiko AI review (linux-leds, 2026-06-25): the first issue, its bullet dropped.
    ("leds", "20260625082556.65EAA1F000E9@smtp.kernel.org", "AI review",
     "[Medium] Explicitly calling `input_unregister_device()`"),
]


@pytest.mark.parametrize("corpus,msgid,kind,line", VERDICTS, ids=[v[1][:24] for v in VERDICTS])
def test_a_bot_mail_says_its_kind_and_first_finding(corpus: str, msgid: str, kind: str, line: str) -> None:
    msg = corpus_msg(corpus, msgid)
    v = bot_verdict(msg)
    assert v is not None and v.kind == kind
    assert v.line.startswith(line) if line else v.line == ""
    assert not v.line.startswith(("url:", "All ", "http")) and len(v.line) <= 200


def test_the_point_text_names_the_patches_and_says_when_nothing_is_listed() -> None:
    err = BotVerdict("build error", "x.c:1:2: error: boom")
    assert bot_line(err, ["2/9"]) == "build error on patch 2 of 9: x.c:1:2: error: boom"
    assert bot_line(BotVerdict("build warning", "w"), ["1/9", "3/9", "9/9"]) == (
        "build warning on patches 1, 3, 9 of 9: w")
    # A single unnumbered patch ("[PATCH] ...", labelled "the patch") or no reply at all: no "on".
    assert bot_line(err, ["the patch"]) == "build error: x.c:1:2: error: boom" == bot_line(err, [])
    assert bot_line(BotVerdict("dt_binding_check errors", ""), ["1/4"]) == (
        "dt_binding_check errors on patch 1 of 4 (none listed)")
    assert bot_line(BotVerdict("build success", "lee-leds:for-leds-next at 7d5c3cac1f39"), []) == (
        "build success: lee-leds:for-leds-next at 7d5c3cac1f39")
    # A Chinese report: the kind and the patches in Chinese, the finding as the bot printed it.
    assert bot_line(err, ["2/9"], "zh") == "构建错误：第 2 个补丁（共 9 个）：x.c:1:2: error: boom"
    assert bot_line(BotVerdict("sparse warning", "s"), [], "zh") == "sparse 警告：s"
    assert bot_line(BotVerdict("dt_binding_check errors", ""), [], "zh") == "dt_binding_check 错误（未列出）"


def test_one_point_per_bot_and_kind_citing_every_mail(archive) -> None:
    """Elena Petrova's UBSan v2 (kvmarm, 2021-01-15): five kernel test robot mails, one
    build error on 2/9 and warnings on 1, 2, 3 and 9: two points, each citing its mails;
    the robot's report on a kvmarm/next commit opens its own thread and names no patch."""
    from listsum import pipeline
    from listsum.window import WindowSpec

    built = pipeline.build(pipeline.ReportSettings(inputs=[str(archive)], window=WindowSpec(
        since="2021-01-14", until="2021-01-16")))
    from listsum.summarise.run import SummariseSettings, summarise_report

    summarise_report(built.report, built.threads, SummariseSettings(engine="extractive", use_cache=False))
    ubsan = next(t for t in built.report.threads if "UBSan Enablement" in t.subject)
    bots = sorted((p for p in ubsan.summary.points if p.stance == "bot"), key=lambda p: p.text)
    assert [p.text.split(":")[0] for p in bots] == ["build error on patch 2 of 9",
                                                     "build warning on patches 1, 2, 3, 9 of 9"]
    assert bots[0].evidence == ["202101152038.7xRQChwH-lkp@intel.com"] and len(bots[1].evidence) == 4
    assert all(p.source == "fact" and p.who.startswith("kernel test robot") for p in bots)
    own = next(t for t in built.report.threads if t.id == "202101150021.7lf1kLu2-lkp@intel.com")
    assert [p.text for p in own.summary.points] == [
        "build warning: arch/arm64/kvm/sys_regs.c:1544:13: warning: initializer overrides prior initialization of "
        "this subobject [-Winitializer-overrides]"]
