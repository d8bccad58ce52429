"""Labels of the rendered report, in English and Chinese.

Only the fixed words of the report are translated here; the summary text
comes in the language the summariser was asked for. ``label(lang, key)``
falls back to English for a missing key, so a new label never breaks zh.
"""

from __future__ import annotations

import re
from datetime import timedelta

from listsum.model import Attention, Window

LANGS = ("en", "zh")

EN: dict[str, str] = {
    "title": "{list} mailing list report",
    "title_nolist": "Mailing list report",
    "generated_at": "Generated at",
    "window": "Window",
    "window_anchored": "(the last days of the input, which ends on {newest}; not today)",
    "inputs": "Inputs",
    "links": "Mail links",
    "totals": "Totals",
    "messages_in_window": "Messages in window",
    "messages_total": "Messages read",
    "messages_context": "Earlier/later messages shown as context",
    "threads": "Threads with activity in window",
    "large_threads": "Large threads (>20 messages in all)",
    "duplicates_dropped": "Duplicates dropped",
    "skipped": "Messages skipped",
    "dates_derived": "Dates derived (missing or wrong Date:)",
    "participants": "Participants",
    "kinds": "Threads by kind",
    "kind_line": "{kind}: {threads} threads ({in_window} messages in window, {total} in all)",
    "large": "Large threads",
    "per_day": "Messages per day",
    "day": "Day",
    "top_threads": "Busiest threads",
    "top_people": "Most active people",
    "problems": "Problems",
    "overview": "Overview",
    "subject": "Subject",
    "version": "Version",
    "review": "Review",
    "in_window": "In window",
    "total": "Total",
    "last": "Last",
    "first": "First",
    "messages": "Messages",
    "msgs_line": "{in_window} in window, {total} in all",
    "series": "Series",
    "lineage": "Revisions",
    "review_state": "Review state",
    "applied": "Applied",
    "applied_by": "applied by {by}",
    "branch": "branch {branch}",
    "summary": "Summary",
    "engine": "engine",
    "fallback": "fallback: the model's output failed a check and was replaced",
    "cached": "cached",
    "no_model": "No model ran: summary not generated",
    "summarised_by": "Summaries by",
    "context": "context",
    "context_before": "earlier, before the window",
    "context_after": "later, after the window",
    "later_mark": "later",
    "ghost_root": "The first message of this thread is not in the input.",
    "date_flag": "date derived",
    "this_thread": "this thread",
    "patches": "{patches} of {expected} patches",
    "cover": "cover letter",
    "none": "none",
    "threads_count": "{n} threads",
    "more_problems": "... and {n} more",
    "more_mail": "+{n} more",
    "kind.patch": "PATCH",
    "kind.rfc": "RFC",
    "kind.pull": "GIT PULL",
    "kind.bug": "Bug report",
    "kind.question": "Question",
    "kind.stable": "Stable backport",
    "kind.bot": "Bot report",
    "kind.announce": "Announcement",
    "kind.discussion": "Discussion",
    "state.applied": "applied",
    "state.nak": "NAKed",
    "state.reviewed": "reviewed",
    "state.acked": "acked",
    "state.tested": "tested",
    "state.pending": "no review yet",
    "state.new": "new, no reply yet",
    "state.under-review": "under review",
    "state.changes-requested": "changes requested",
    "state.superseded": "superseded",
    "state.rejected": "rejected (NAK)",
    "state.answered": "answered",
    "state": "State",
    "rfc_flag": "RFC",
    "attention": "Needs attention",
    "attention_for": "Needs attention for {name}",
    "applied_week": "Applied {when}",
    "new_series": "New series",
    "nothing": "nothing",
    "flag": "Bot",
    "flag.build-failure": "build-failure",
    "flag.build-warning": "build-warning",
    "flag.ci-failure": "ci-failure",
    "flag.ci-passed": "ci-passed",
    "mail": "mail",
    "patch_states": "Patches",
}

ZH: dict[str, str] = {
    "title": "{list} 邮件列表报告",
    "title_nolist": "邮件列表报告",
    "generated_at": "生成时间",
    "window": "时间窗口",
    "window_anchored": "（输入中最后的几天，最新邮件为 {newest}；不是今天）",
    "inputs": "输入",
    "links": "邮件链接",
    "totals": "总体统计",
    "messages_in_window": "窗口内邮件数",
    "messages_total": "读取邮件数",
    "messages_context": "作为上下文显示的窗口外邮件",
    "threads": "窗口内有活动的 Thread 数",
    "large_threads": "大型 Thread（总计 >20 封）",
    "duplicates_dropped": "去除的重复邮件",
    "skipped": "跳过的邮件",
    "dates_derived": "推算日期的邮件（Date: 缺失或错误）",
    "participants": "参与者",
    "kinds": "分类分布",
    "kind_line": "{kind}：{threads} 个 thread（窗口内 {in_window} 封，总计 {total} 封）",
    "large": "大型 Thread",
    "per_day": "每日邮件数",
    "day": "日期",
    "top_threads": "最活跃的 Thread",
    "top_people": "最活跃的参与者",
    "problems": "问题",
    "overview": "概览",
    "subject": "主题",
    "version": "版本",
    "review": "审阅",
    "in_window": "窗口内",
    "total": "总计",
    "last": "最后",
    "first": "开始",
    "messages": "邮件",
    "msgs_line": "窗口内 {in_window} 封，总计 {total} 封",
    "series": "补丁系列",
    "lineage": "各版本",
    "review_state": "审阅状态",
    "applied": "已合入",
    "applied_by": "由 {by} 合入",
    "branch": "分支 {branch}",
    "summary": "AI 总结",
    "engine": "引擎",
    "fallback": "后备：模型输出未通过检查，已被替换",
    "cached": "缓存",
    "no_model": "未运行模型：没有生成总结",
    "summarised_by": "总结由",
    "context": "上下文",
    "context_before": "较早，窗口之前",
    "context_after": "较晚，窗口之后",
    "later_mark": "较晚",
    "ghost_root": "此 thread 的第一封邮件不在输入中。",
    "date_flag": "日期为推算",
    "this_thread": "本 thread",
    "patches": "{patches}/{expected} 个补丁",
    "cover": "封面信",
    "none": "无",
    "threads_count": "{n} 个 thread",
    "more_problems": "……另有 {n} 条",
    "more_mail": "另有 {n} 封",
    "kind.patch": "PATCH",
    "kind.rfc": "RFC",
    "kind.pull": "GIT PULL",
    "kind.bug": "Bug 报告",
    "kind.question": "问题",
    "kind.stable": "Stable 回溯",
    "kind.bot": "机器人报告",
    "kind.announce": "公告",
    "kind.discussion": "讨论",
    "state.applied": "已合入",
    "state.nak": "被拒绝 (NAK)",
    "state.reviewed": "已审阅",
    "state.acked": "已确认 (Acked)",
    "state.tested": "已测试",
    "state.pending": "尚无审阅",
    "state.new": "新，尚无回复",
    "state.under-review": "审阅中",
    "state.changes-requested": "要求修改",
    "state.superseded": "已被新版本取代",
    "state.rejected": "被拒绝 (NAK)",
    "state.answered": "已回复",
    "state": "状态",
    "rfc_flag": "RFC",
    "attention": "需要关注",
    "attention_for": "需要 {name} 关注",
    "applied_week": "{when}已合入",
    "new_series": "新补丁系列",
    "nothing": "无",
    "flag": "机器人",
    "flag.build-failure": "构建失败",
    "flag.build-warning": "构建警告",
    "flag.ci-failure": "CI 失败",
    "flag.ci-passed": "CI 通过",
    "mail": "邮件",
    "patch_states": "各补丁",
}

# The summary record (summary issue): stances, thread states, headlines.
# Quoted sentences stay in the language they were written; only these words change.
SUMMARY_EN: dict[str, str] = {
    "stance.review": "review", "stance.ack": "ack", "stance.test": "test",
    "stance.changes-requested": "changes requested", "stance.objection": "objection",
    "stance.question": "question", "stance.answer": "answer", "stance.agreement": "agreement",
    "stance.will-respin": "will respin", "stance.decision": "decision", "stance.bot": "bot",
    "stance.ping": "ping", "stance.other": "other",
    "state_line": "State: {state}",
    "attention_suffix": "; needs attention: {reason}",
    "headline.series": "{who} posted v{version} ({patches} patches) of {subject}",
    "headline.single": "{who} posted v{version} of {subject}",
    "headline.patch": "{who} posted {subject}",
    "headline.rfc": "{who} posted an RFC: {subject}",
    "headline.pull": "{who} sent a pull request: {subject}",
    "headline.bug": "{who} reported: {subject}",
    "headline.question": "{who} asked: {subject}",
    "headline.stable": "{who} posted a stable backport: {subject}",
    "headline.bot": "{who} (bot): {subject}",
    "headline.announce": "{who} announced: {subject}",
    "headline.discussion": "{who} started: {subject}",
    "headline.ghost": "Replies to {subject} (its first mail is not in the input)",
    "points": "Points",
    "mail": "mail",
    "prose": "In short",
    "overview.threads": "{n} threads {when} ({kinds})",
    "overview.applied": "Applied: {subject}",
    "overview.attention": "{n} threads need attention",
    "attention.nak": "NAK by {who}",
    "attention.nak.detail": "{detail}",
    "attention.changes-requested": "changes requested by {who}; no new revision yet",
    "attention.changes-requested.detail": "{detail}; no new revision yet",
    "attention.changes-requested.subset": "changes requested by {who}; patch {taken} applied; no new revision yet",
    "attention.build-failure": "build-failure: {verdict}",
    "attention.build-failure.ci-failure": "ci-failure: {verdict}",
    "attention.no-reply": "no reply in {days} days (posted {date})",
    "attention.unanswered": "{kind} without any answer since {date}",
    "attention.unanswered.follow-up": "the {kind}'s follow-up of {date} got no reply",
    "attention.dropped-trailers": "v{new} dropped trailers given to v{old}: {names}",
    "when.week": "this week",
    "when.days": "in these {n} days",
    "when.day": "on {date}",
    "when.window": "in this window",
    "overview.point": "{subject}",
}
SUMMARY_ZH: dict[str, str] = {
    "stance.review": "审阅", "stance.ack": "确认", "stance.test": "测试",
    "stance.changes-requested": "要求修改", "stance.objection": "反对",
    "stance.question": "提问", "stance.answer": "回答", "stance.agreement": "赞同",
    "stance.will-respin": "将发新版", "stance.decision": "决定", "stance.bot": "机器人",
    "stance.ping": "催促", "stance.other": "其他",
    "state_line": "状态：{state}",
    "attention_suffix": "；需要关注：{reason}",
    "headline.series": "{who} 发布了 {subject} 的 v{version}（{patches} 个补丁）",
    "headline.single": "{who} 发布了 {subject} 的 v{version}",
    "headline.patch": "{who} 发布了补丁 {subject}",
    "headline.rfc": "{who} 发布了 RFC：{subject}",
    "headline.pull": "{who} 发出合并请求：{subject}",
    "headline.bug": "{who} 报告了问题：{subject}",
    "headline.question": "{who} 提问：{subject}",
    "headline.stable": "{who} 发布了 stable 回溯：{subject}",
    "headline.bot": "{who}（机器人）：{subject}",
    "headline.announce": "{who} 发布公告：{subject}",
    "headline.discussion": "{who} 发起讨论：{subject}",
    "headline.ghost": "对 {subject} 的回复（首封邮件不在输入中）",
    "points": "要点",
    "mail": "邮件",
    "prose": "简述",
    "overview.threads": "{when} {n} 个讨论（{kinds}）",
    "overview.applied": "已合入：{subject}",
    "overview.attention": "{n} 个讨论需要关注",
    "attention.nak": "{who} 给出 NAK",
    "attention.nak.detail": "{detail}",
    "attention.changes-requested": "{who} 要求修改；尚无新版本",
    "attention.changes-requested.detail": "{detail}；尚无新版本",
    "attention.changes-requested.subset": "补丁 {taken} 已应用；{who} 要求修改；尚无新版本",
    "attention.build-failure": "构建失败：{verdict}",
    "attention.build-failure.ci-failure": "CI 失败：{verdict}",
    "attention.no-reply": "{days} 天无人回复（发布于 {date}）",
    "attention.unanswered": "{kind}自 {date} 起无人回答",
    "attention.unanswered.follow-up": "{kind}的后续追问（{date}）无人回复",
    "attention.dropped-trailers": "v{new} 丢掉了 v{old} 收到的标签：{names}",
    "when.week": "本周",
    "when.days": "这 {n} 天内",
    "when.day": "{date} 当天",
    "when.window": "本时间段内",
    "overview.point": "{subject}",
}
EN.update(SUMMARY_EN)
ZH.update(SUMMARY_ZH)

_TABLES = {"en": EN, "zh": ZH}


def label(lang: str, key: str, **fields: object) -> str:
    """The label ``key`` in ``lang`` (English when missing), formatted."""
    table = _TABLES.get(lang, EN)
    text = table.get(key) or EN.get(key, key)
    if not fields:
        return text
    if table is EN or key not in table:
        text = _singular(text, fields)
    return text.format(**fields)


# "Bot report: 1 threads (1 messages in window ...)": English counts of one are singular. The
# template is changed, not the formatted line, so mail text in a field ("run 1 threads per
# vcpu") stays as written.
_COUNTED = re.compile(r"\{(\w+)\} (thread|message)s( need\b)?")


def _singular(template: str, fields: dict[str, object]) -> str:
    def one(m: re.Match[str]) -> str:
        if fields.get(m.group(1)) != 1:
            return m.group(0)
        return f"{{{m.group(1)}}} {m.group(2)}" + (" needs" if m.group(3) else "")
    return _COUNTED.sub(one, template)


def span(lang: str, window: Window) -> str:
    """The window in words: "this week" only when it is seven days; an
    8-day window (kvmarm 2021-01-11..18) is "in these 8 days"."""
    length = window.until - window.since
    days = round(length / timedelta(days=1))
    if abs(length - timedelta(days=days)) > timedelta(seconds=1):
        return label(lang, "when.window")
    if days == 7:
        return label(lang, "when.week")
    if days == 1:
        return label(lang, "when.day", date=f"{window.since:%Y-%m-%d}")
    return label(lang, "when.days", n=days)


def attention_reason(lang: str, entry: Attention) -> str:
    """A needs-attention reason in ``lang``, from its code and fields; the
    English one is the sentence facts/attention.py wrote (``reason``, which
    an entry without fields falls back to)."""
    key = f"attention.{entry.code}" + (f".{entry.form}" if entry.form else "")
    if key not in EN or not entry.args:
        return entry.reason
    fields = dict(entry.args)
    if lang != "en" and "kind" in fields:  # "bug", "question": a thread kind, said in the language
        fields["kind"] = kind_label(lang, fields["kind"])
    try:
        return (_TABLES.get(lang, EN).get(key) or EN[key]).format(**fields)
    except KeyError:  # fields of another shape: the English sentence rather than a broken one
        return entry.reason


def kind_label(lang: str, kind: str) -> str:
    return label(lang, f"kind.{kind}") if f"kind.{kind}" in EN else kind
