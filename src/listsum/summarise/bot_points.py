"""A bot mail's point: the bot's one-line verdict, not its first header-ish line.

The verdict (the kind of finding and the first finding it lists) is parsed in
facts/bot_report.py, where facts/bots.py reads it for the bot's Flag; here it is
worded: "build error on patch 2 of 9: arch/arm64/kvm/hyp/nvhe/ubsan.c:18:48:
error: conflicting types for 'kvm_ubsan_buffer'".
"""

from __future__ import annotations

import re

from listsum.facts.bot_report import BotVerdict, bot_verdict, first_finding

__all__ = ["BotVerdict", "bot_line", "bot_verdict", "first_finding"]

# Verdicts that report nothing to fix: no "(none listed)" after them.
_CLEAN = ("build success", "AI review found no issues")


# The kinds in a Chinese report; a checker's name ("sparse", "smatch") stays as written.
_ZH = {"build error": "构建错误", "build warning": "构建警告", "build success": "构建成功",
       "build regression": "构建回归", "build success with warning": "构建成功但有警告",
       "build success with unverified warning": "构建成功但有未确认的警告",
       "dt_binding_check errors": "dt_binding_check 错误", "new DTB warnings": "新的 DTB 警告",
       "AI review": "AI 审查", "AI review found no issues": "AI 审查未发现问题",
       "build failure": "构建失败", "ci failure": "CI 失败", "ci passed": "CI 通过"}


def _kind(kind: str, lang: str) -> str:
    if lang != "zh":
        return kind
    return _ZH.get(kind) or (kind.removesuffix(" warning") + " 警告" if kind.endswith(" warning") else kind)


def bot_line(v: BotVerdict, labels: list[str], lang: str = "en") -> str:
    """The point's text: the kind, the patches it is about (when the bot answered
    numbered patches) and the first finding, or that it lists none."""
    from listsum.summarise.points import trailer_line  # points imports this module

    numbered = bool(labels) and all(re.fullmatch(r"\d+/\d+", lab) for lab in labels)
    kind = _kind(v.kind, lang)
    colon = "：" if lang == "zh" else ": "
    head = trailer_line(kind, labels, lang) if numbered else kind
    if v.line:
        return f"{head}{colon}{v.line}"
    if v.kind in _CLEAN:
        return head
    return head + ("（未列出）" if lang == "zh" else " (none listed)")
