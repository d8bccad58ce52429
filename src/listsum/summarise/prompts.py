"""What every prompt shares: PROMPT_VERSION (part of the cache key: edit a prompt,
bump it, and stale summaries are re-made with no other code) and fence(). The
prompts themselves live beside their use: choose.py and prose.py."""

from __future__ import annotations

# Part of every cache key: bump it when prompts, digests or the checks change,
# so cached summaries made under the old rules are made again.
PROMPT_VERSION = "10"  # 9: the summary is a record (points chosen, not written); 10: + fenced mail (issue 8)

FENCE_OPEN = "<<<MAIL"
FENCE_CLOSE = "MAIL>>>"


def fence(text: str) -> str:
    """Mail text inside a prompt: between markers the system prompt calls data,
    with any marker inside the mail defused, so "ignore previous instructions"
    in a mail is quoted, not obeyed."""
    body = text.replace(FENCE_OPEN, "<<MAIL").replace(FENCE_CLOSE, "MAIL>>")
    return f"{FENCE_OPEN}\n{body}\n{FENCE_CLOSE}"
