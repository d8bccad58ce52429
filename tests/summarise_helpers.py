"""Helpers for the summarise tests: the corpus week read once, parsed
messages by id, and a fresh Report (built by the real pipeline) per test,
since summarising fills the Report in place."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from listsum.mail.message import Message, parse_message
from listsum.sources.mbox import load_bytes, split_mbox

WEEK = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "kvmarm-2021-10-04.week.mbox.gz"


@lru_cache(maxsize=1)
def week_messages() -> dict[str, Message]:
    return {m.msgid: m for m in (parse_message(r, o) for r, o in split_mbox(load_bytes(str(WEEK)), str(WEEK)))}


@lru_cache(maxsize=1)
def _week_built():  # -> pipeline.Built
    from listsum import pipeline

    return pipeline.build(pipeline.ReportSettings(inputs=[str(WEEK)], use_cache=False))


def build_week():  # -> pipeline.Built
    """The week's Report, built once per test run: each call gets its own
    copy of the Report (summarising fills it in place); the threads, which
    nothing changes, are shared."""
    import copy

    from listsum import pipeline

    built = _week_built()
    return pipeline.Built(report=copy.deepcopy(built.report), threads=built.threads)
