"""The extractive summary: built only from the thread's own sentences and
facts, so it can be wrong only by omission. Used for --engine extractive
and to replace a model output that failed a check."""

from __future__ import annotations

from listsum.summarise.digest import Digest, sentences

MAX_VOICES = 4


def summarise(d: Digest, lang: str = "en") -> str:
    parts: list[str] = []
    # The opening: the root's first sentences, or (when the root says
    # nothing but a trailer) the first message that says something.
    root = next((e for e in d.entries if e.root and sentences(e.text, 1)), None) or next(
        (e for e in d.entries if sentences(e.text, 1)), None)
    if root is not None:
        ask = sentences(root.text, 2)
        # Quoted as the sender's words: mail saying "ignore previous
        # instructions" stays something a participant wrote.
        parts.append(f'{root.who}: "{ask}"' if lang == "en" else f"{root.who}：“{ask}”")
    if d.background:
        parts.append(("Before: " if lang == "en" else "此前：") + sentences(d.background, 1))
    voices = [e for e in d.entries if e.in_window and e is not root and sentences(e.text, 1)]
    for e in voices[:MAX_VOICES]:
        parts.append(f'{e.who}: "{sentences(e.text, 1)}"' if lang == "en" else f"{e.who}：“{sentences(e.text, 1)}”")
    if len(voices) > MAX_VOICES:
        more = len(voices) - MAX_VOICES
        parts.append(f"(+{more} more replies)" if lang == "en" else f"（另有 {more} 条回复）")
    decisions = [f for f in d.facts if f.startswith("Decision:")]
    parts += decisions[:2]
    out = "\n".join(_clip(p) for p in parts)
    # The State line is whole, never clipped: it is the part a reader relies on.
    state = d.state if lang == "en" else d.state.replace("State: ", "状态：", 1)
    return "\n".join(x for x in (out, state) if x)


def _clip(text: str, words: int = 60) -> str:
    w = text.split()
    return " ".join(w[:words]) + (" …" if len(w) > words else "")
