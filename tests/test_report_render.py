"""Markdown and terminal renderings of the demo sample, in en and zh.

generated_at is fixed by passing ``now``; the rest comes from the sample
mbox, so these assertions pin the seed-report shape without its defects.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from listsum import pipeline
from listsum.report.i18n import EN, ZH, label
from listsum.report.markdown import render_markdown
from listsum.model import Report
from listsum.report.terminal import render_terminal_text
from listsum.window import WindowSpec

SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sample.mbox"
NOW = datetime(2024, 3, 12, 7, 30, tzinfo=timezone.utc)


def sample_report(lang: str = "en", tz: str = "UTC", **window: str) -> Report:
    settings = pipeline.ReportSettings(inputs=[str(SAMPLE)], engine="none", lang=lang,
                                       window=WindowSpec(tz=tz, **window),
                                       list_url="https://lore.example.org/kvmarm")
    built = pipeline.build(settings, now=NOW)
    pipeline.summarise(built, settings)
    return built.report


@pytest.fixture(scope="module")
def md() -> str:
    return render_markdown(sample_report())


def test_markdown_header_in_seed_order(md: str) -> None:
    heads = [line for line in md.splitlines() if line.startswith("#")]
    # What needs the reader comes first (facts issue item 6), then the seed report's sections.
    assert heads[:10] == ["# Mailing list report", "## Needs attention", "## Applied this week", "## New series",
                          "## Totals", "### Threads by kind", "### Messages per day",
                          "### Busiest threads", "### Most active people", "## PATCH"]
    assert "**Generated at**: 2024-03-12 07:30:00 UTC" in md
    assert ("**Window**: 2024-03-05 00:00:00 UTC .. 2024-03-11 23:59:59 UTC (the last days of the input, "
            "which ends on 2024-03-11 15:00 UTC; not today)") in md
    for line in ("- **Messages in window**: 17", "- **Threads with activity in window**: 8",
                 "- **Messages read**: 23", "- **Earlier/later messages shown as context**: 1",
                 "- **Large threads (>20 messages in all)**: 0",
                 "- **PATCH**: 2 threads (9 messages in window, 9 in all)",
                 "- **Bug report**: 1 thread (1 message in window, 2 in all)",
                 "| 2024-03-05 | 0 |  |", "| 2024-03-06 | 5 | ████████████████████ |"):
        assert line in md.splitlines(), line
    kinds = [line[3:] for line in md.splitlines() if line.startswith("## ")][4:]
    assert kinds == ["PATCH", "RFC", "GIT PULL", "Bug report", "Question", "Stable backport", "Bot report"]


def test_markdown_series_block(md: str) -> None:
    block = md.split("### 1. [PATCH v2 0/3]")[1].split("\n---\n")[0]
    assert "- **Messages**: 7 in window, 7 in all" in block
    assert ("- **Revisions**: [v1](https://lore.example.org/kvmarm/20240301100000.1-0-alice@example.com/) "
            "2024-03-01 10:00 UTC → v2 (this thread)") in block
    assert "- **Review state**: applied" in block
    assert "  - Applied: applied by Marc Maintainer, branch next, 2024-03-09 10:00 UTC" in block
    assert "  - Reviewed-by: Bob Reviewer \\<bob\\@example.org\\> ([PATCH v2 1/3]" in block
    assert "#### Summary (engine: none)\n\nNo model ran: summary not generated" in block
    times = re.findall(r"^\d+\. \*\*\[(.+?)\]\*\*", block, re.M)
    assert len(times) == 7 and times == sorted(times)


def test_markdown_marks_context_and_ghost_root(md: str) -> None:
    bug = md.split("### 1. [BUG] vgic-its")[1].split("\n---\n")[0]
    assert "- **Messages**: 1 in window, 2 in all" in bug
    assert ("1. **[2024-03-03 17:40 UTC]** [BUG] vgic-its: KVM\\_DEV" not in bug)  # underscores are not escaped
    assert re.search(r"^1\. \*\*\[2024-03-03 17:40 UTC\]\*\* .*_\(context: earlier, before the window\)_$", bug, re.M)
    assert re.search(r"^2\. \*\*\[2024-03-06 08:02 UTC\]\*\* Re: \[BUG\][^(]*$", bug, re.M)
    pmu = md.split("### 2. Re: [PATCH] KVM: arm64: Fix PMU")[1].split("\n---\n")[0]
    assert "- _The first message of this thread is not in the input._" in pmu


def test_markdown_tz_changes_display_only() -> None:
    md = render_markdown(sample_report(tz="Asia/Shanghai", since="2024-03-01T00:00:00Z", until="2024-03-12T00:00:00Z"))
    assert "- **Messages in window**: 23" in md  # same UTC window, every message
    assert "**[2024-03-04 01:40 CST]** [BUG] vgic-its" in md  # 17:40 UTC shown in UTC+8


def test_terminal_at_fixed_width() -> None:
    text = render_terminal_text(sample_report(), width=100)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert "\x1b[" not in text  # no colour codes
    assert re.search(r"Messages in window\s+17", text)
    assert re.search(r"Threads with activity in window\s+8", text)
    assert "Messages per day: 2024-03-05  █▆▅▃▃▂ 2024-03-11  0 5 4 3 2 2 1" in text
    assert re.search(r"│ \[PATCH v2 0/3\] KVM: arm64: .*│ v2\s+│ applied\s+│\s+7 │\s+7 │ 03-09 10:00 │", text)
    assert "Series: v2 · Review state: applied · Revisions: v1 → v2*" in text
    # replies indented by depth under their parent, context marked
    assert re.search(r"2024-03-07 10:20 UTC\s+Bob Reviewer: Re: \[PATCH v2 1/3\]", text)
    assert re.search(r"2024-03-03 17:40 UTC Dave Reporter: \[BUG\] .*", text)
    assert "(context)" in text


def test_zh_labels() -> None:
    report = sample_report(lang="zh")
    md = render_markdown(report)
    assert md.startswith("# 邮件列表报告\n")
    assert "## 总体统计" in md and "- **窗口内邮件数**: 17" in md
    assert "未运行模型：没有生成总结" in md  # the summary slot says no model ran, in Chinese
    assert "- **PATCH**：2 个 thread（窗口内 9 封，总计 9 封）" in md
    assert "## Bug 报告" in md and "（上下文" not in md and "_(上下文: 较早，窗口之前)_" in md
    text = render_terminal_text(report, width=100)
    assert "窗口内邮件数" in text


def test_zh_has_every_label() -> None:
    assert set(ZH) == set(EN)
    assert label("zh", "no_such_key") == "no_such_key" and label("fr", "totals") == "Totals"


def test_english_counts_of_one_are_singular_but_mail_text_is_not_touched() -> None:
    """Singular "1 thread" comes from the template: a subject in a field keeps its words
    ("run 1 threads per vcpu" was rewritten to "1 thread" when the formatted line was changed)."""
    from listsum.report.i18n import label

    assert label("en", "kind_line", kind="Bot report", threads=1, in_window=1, total=3) == \
        "Bot report: 1 thread (1 message in window, 3 in all)"
    assert label("en", "overview.attention", n=1) == "1 thread needs attention"
    assert label("en", "overview.attention", n=2) == "2 threads need attention"
    assert label("en", "overview.applied", subject="run 1 threads per vcpu") == "Applied: run 1 threads per vcpu"
