"""The summary record in two plain forms: ``render_text`` (Summary.text,
the record as plain text) and ``to_dict``/``from_dict`` (the JSON the cache
stores and json_out writes). Pure."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from listsum.report.i18n import label
from listsum.model import Point, Summary


def short_name(who: str) -> str:
    return who.split(" <")[0].strip().strip('"') or who


def point_line(p: Point, lang: str = "en") -> str:
    stance = label(lang, f"stance.{p.stance}")
    quote = f"“{p.text}”" if p.source == "mail" else p.text
    return f"- {short_name(p.who)} ({stance}): {quote} <{p.evidence[0]}>"


def render_text(s: Summary, lang: str = "en") -> str:
    lines = [s.headline] if s.headline else []
    if s.state:
        state = label(lang, "state_line", state=label(lang, f"state.{s.state}"))
        if s.needs_attention:
            state += label(lang, "attention_suffix", reason=s.needs_attention)
        lines.append(state)
    lines += [point_line(p, lang) for p in s.points]
    if s.prose:
        lines.append(s.prose)
    return "\n".join(lines)


def point_dict(p: Point) -> dict[str, Any]:
    return {"who": p.who, "stance": p.stance, "text": p.text, "evidence": list(p.evidence),
            "date": p.date.isoformat() if p.date else None, "in_window": p.in_window, "source": p.source}


def to_dict(s: Summary) -> dict[str, Any]:
    return {"headline": s.headline, "points": [point_dict(p) for p in s.points], "state": s.state,
            "needs_attention": s.needs_attention, "prose": s.prose}


def from_dict(data: dict[str, Any], s: Summary) -> Summary:
    """Fill ``s`` (text, engine, flags already set) with a stored record."""
    s.headline = data.get("headline", "")
    s.points = [Point(p["who"], p["stance"], p["text"], list(p["evidence"]),
                      datetime.fromisoformat(p["date"]) if p.get("date") else None, p.get("in_window", True),
                      p.get("source", "mail")) for p in data.get("points", [])]
    s.state = data.get("state")
    s.needs_attention = data.get("needs_attention")
    s.prose = data.get("prose", "")
    return s
