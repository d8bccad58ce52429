"""What every prompt shares: PROMPT_VERSION (part of the cache key: edit a prompt,
bump it, and stale summaries are re-made with no other code) and fence(). The
prompts themselves live beside their use: choose.py and prose.py."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

# Part of every cache key: bump it when prompts change, so cached summaries made
# under the old prompts are made again. The rules need no bump: rules_version().
PROMPT_VERSION = "10"  # 9: the summary is a record (points chosen, not written); 10: + fenced mail (issue 8)

_PACKAGE = Path(__file__).resolve().parents[1]
# What a record is made from besides the mail: the fact and stance rules and the
# words they are said in. Nobody remembered to bump a constant for rule edits
# (two rounds of stance rules once kept serving last week's cached points).
_RULE_SOURCES = ("facts/*.py", "summarise/*.py", "summarise/gates.json", "series.py", "lineage.py", "report/i18n.py")


@cache
def rules_version(package: Path = _PACKAGE) -> str:
    """PROMPT_VERSION plus a digest of the rule sources: part of every cache key."""
    digest = hashlib.sha256()
    for path in sorted(p for pattern in _RULE_SOURCES for p in package.glob(pattern)):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return f"{PROMPT_VERSION}-{digest.hexdigest()[:16]}"

FENCE_OPEN = "<<<MAIL"
FENCE_CLOSE = "MAIL>>>"


def fence(text: str) -> str:
    """Mail text inside a prompt: between markers the system prompt calls data,
    with any marker inside the mail defused, so "ignore previous instructions"
    in a mail is quoted, not obeyed."""
    body = text.replace(FENCE_OPEN, "<<MAIL").replace(FENCE_CLOSE, "MAIL>>")
    return f"{FENCE_OPEN}\n{body}\n{FENCE_CLOSE}"
