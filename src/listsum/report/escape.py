"""Mail text is data: one escaping function per rendering.

Every mail-derived string (subject, name, address, message-id, quoted
sentence, summary text) goes through exactly one of these on its way out:

- ``controls``: drop C0/C1 control characters and ANSI/OSC escape sequences,
  keep the text (\\n and \\t stay). Applied at parse time and again by
  ``term`` and ``md`` so nothing reaches a terminal or a file raw.
- ``term``: text for rich (controls gone, rich markup escaped).
- ``md``: inline Markdown text: Markdown and HTML punctuation escaped, so a
  subject cannot open a link, an image, a tag or a code span; the colon of
  "scheme:", "www." and "@" escaped too, so GFM's bare autolinks stay text.
- ``md_lines``: ``md`` line by line, for multi-line text (summaries).
- ``md_code``: a code span around text that may itself hold backticks.
- JSON needs none: the writer escapes.

Links in a report are only the ones listsum builds from its own URL scheme
(``report.build.message_url``), never text copied from mail.
"""

from __future__ import annotations

import re

# ESC [ ... final byte (CSI), ESC ] ... BEL or ST (OSC), ESC P/X/^/_ ... ST,
# lone two-byte ESC sequences, then any remaining C0 (but \t \n) and C1.
_SEQ = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b[\]PX^_].*?(?:\x07|\x1b\\|\x9c|$)"
    r"|\x9b[0-?]*[ -/]*[@-~]"
    r"|[\x9d\x90\x98\x9e\x9f].*?(?:\x07|\x1b\\|\x9c|$)"
    r"|\x1b[ -~]?",
    re.S,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
# CommonMark lets any ASCII punctuation be backslash-escaped; these are the
# ones that start or end inline syntax (links, images, emphasis, code, HTML,
# tables, autolinks); "_" inside a word (host_hcall) opens nothing and stays.
_MD = re.compile(r"([\\`*<>|!#~&]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")
# Brackets stay readable ("[PATCH v2 3/5]"): a bracket only makes a link or
# image when "](", "][" or "]:" (a link definition) follows.
_BRACKET = re.compile(r"\](?=[(\[:])")
# GFM turns bare "http://x", "www.x" and "a@b.c" into links: break the
# pattern with an escape (rendered unchanged) where one would start.
_AUTOLINK = re.compile(r"(?i)(?<=[a-z])(:)(?=//)|(?<=\bwww)(\.)|(@)(?=[\w-])")


def controls(text: str) -> str:
    """``text`` without escape sequences and control characters (\\n, \\t kept)."""
    if text.isprintable():
        return text
    return _CONTROL.sub("", _SEQ.sub("", text))


def term(text: str) -> str:
    """Mail text for a rich renderable: controls dropped, markup escaped."""
    from rich.markup import escape

    return escape(controls(text))


def md(text: str) -> str:
    """Mail text inside a Markdown line: no live syntax, one line."""
    flat = " ".join(controls(text).split())
    out = _BRACKET.sub(lambda m: "\\" + m.group(0), _MD.sub(r"\\\1", flat))
    return _AUTOLINK.sub(lambda m: "\\" + m.group(0), out)


def md_lines(text: str) -> str:
    """Multi-line mail-derived text (a summary): each line as ``md``, line
    breaks kept."""
    return "\n".join(md(line) for line in controls(text).strip().splitlines())


def md_code(text: str) -> str:
    """``text`` as a Markdown code span, safe whatever backticks it holds."""
    flat = " ".join(controls(text).split())
    run = max((len(m) for m in re.findall(r"`+", flat)), default=0)
    fence = "`" * (run + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"
