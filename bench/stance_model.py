"""A learned second opinion on a reply's stance: features of the rules' Candidate
and a multinomial logistic regression over them, pure Python at inference.

Experimental (issue 7): bench/train_stance.py trains it on the tuning gold sets
and measures it by leave-one-set-out cross-validation through the real pipeline.
It ships only if that measure beats the rules (bench/RESULTS.md says whether).

Only the stances that need reading the words are relabelled (choose.CHOICES);
trailers, decisions and bot verdicts are facts the rules read and stay theirs.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from listsum.mail.threads import Thread
from listsum.summarise.choose import CHOICES
from listsum.summarise.points import Candidate, authors
from listsum.summarise.stance import Judged
from listsum.summarise.stance_rules import QUESTION

WORD = re.compile(r"[a-z][a-z']+")


@dataclass(frozen=True)
class Context:
    """What a candidate's features need besides itself: its parent's stance and role, the thread's kind."""

    parent_stance: str
    parent_role: str
    kind: str


def contexts(cands: list[Candidate], thread: Thread, judged_of: dict[str, Judged], kind: str) -> list[Context]:
    work = authors(thread)
    by_id = {m.msgid: m for m in thread.messages}
    out = []
    for c in cands:
        parent = by_id.get(thread.parent.get(c.msg.msgid) or "")
        if parent is None:
            out.append(Context("none", "none", kind))
            continue
        j = judged_of.get(parent.msgid)
        role = "author" if parent.from_addr.lower() in work else "other"
        out.append(Context(j.stance if j else "posting", role, kind))
    return out


def features(c: Candidate, ctx: Context, groups: tuple[str, ...] = ("base", "lex", "ngram")) -> list[str]:
    """Binary features: the rules' reading (stance, sure, role, parent, trailers), then the
    words of the chosen sentence ("lex"), then unigrams and bigrams of the sender's own
    sentences ("ngram")."""
    j = c.judged
    rs = j.stance
    f = ["bias", f"r={rs}", f"r={rs}|s={j.sure}", f"role={c.role}", f"r={rs}|role={c.role}",
         f"p={ctx.parent_stance}", f"r={rs}|p={ctx.parent_stance}", f"prole={ctx.parent_role}",
         f"role={c.role}|prole={ctx.parent_role}", f"kind={ctx.kind}", f"opener={c.answers_opener}",
         f"unans={c.unanswered}"]
    f += [f"tr={k}" for k in sorted(set(c.trailers))]
    sents = c.sentences
    n = len(sents)
    f.append(f"n={'0' if n == 0 else '1' if n == 1 else '2-3' if n <= 3 else '4-7' if n <= 7 else '8+'}")
    chosen = sents[j.index] if j.index is not None and j.index < n else ""
    asks = [i for i, s in enumerate(sents) if QUESTION.search(s)]
    f.append(f"chosen?={bool(QUESTION.search(chosen))}")
    f.append(f"any?={bool(asks)}")
    f.append(f"first?={bool(asks) and asks[0] == 0}")
    if "lex" in groups:
        words = WORD.findall(chosen.lower())
        f += [f"w0={w}" for w in words[:1]] + [f"w01={' '.join(words[:2])}"] if words else []
        first = WORD.findall(sents[0].lower()) if sents else []
        f += [f"s0={w}" for w in first[:2]]
    if "ngram" in groups:
        grams: set[str] = set()
        for s in sents[:8]:
            ws = WORD.findall(s.lower())
            grams.update(f"u={w}" for w in ws)
            grams.update(f"b={a} {b}" for a, b in zip(ws, ws[1:]))
        f += sorted(grams)
    return f


@dataclass
class Model:
    """Weights per class and feature; what is shipped as JSON."""

    classes: list[str]
    weights: dict[str, list[float]]  # feature -> one weight per class
    groups: tuple[str, ...]
    scope: str  # "unsure": only where judged.sure is False; "talk": any candidate with a CHOICES stance
    threshold: float  # the model's class must have at least this probability to replace the rules'

    def probs(self, feats: list[str]) -> dict[str, float]:
        z = [0.0] * len(self.classes)
        for name in feats:
            w = self.weights.get(name)
            if w is not None:
                z = [a + b for a, b in zip(z, w)]
        top = max(z)
        e = [math.exp(v - top) for v in z]
        total = sum(e)
        return {k: v / total for k, v in zip(self.classes, e)}

    def to_dict(self) -> dict[str, object]:
        return {"classes": self.classes, "groups": list(self.groups), "scope": self.scope,
                "threshold": self.threshold, "weights": self.weights}

    @classmethod
    def from_dict(cls, d: dict[str, object]) -> "Model":
        return cls(list(d["classes"]), dict(d["weights"]), tuple(d["groups"]), str(d["scope"]),  # type: ignore
                   float(d["threshold"]))  # type: ignore[arg-type]


def in_scope(c: Candidate, scope: str) -> bool:
    if c.secondary or c.judged.stance not in CHOICES or not c.sentences:
        return False
    return scope == "talk" or not c.judged.sure


def relabel(model: Model, cands: list[Candidate], thread: Thread, judged_of: dict[str, Judged],
            kind: str) -> int:
    """Replace the rules' stance where the model is confident enough and in scope;
    returns how many changed. A main point that becomes a question drops its
    secondary question (the same mail would be cited twice)."""
    changed = 0
    ctxs = contexts(cands, thread, judged_of, kind)
    for c, ctx in zip(cands, ctxs):
        if not in_scope(c, model.scope):
            continue
        p = model.probs(features(c, ctx, model.groups))
        best = max(model.classes, key=lambda k: (p[k], k == c.judged.stance))
        if best == c.judged.stance or p[best] < model.threshold:
            continue
        idx = c.judged.index
        if best == "question" and idx is not None and not QUESTION.search(c.sentences[idx]):
            idx = next((i for i, s in enumerate(c.sentences) if QUESTION.search(s)), idx)
        c.judged = Judged(best, idx, True)
        changed += 1
    drop = {id(c) for c in cands if c.secondary and any(
        m.msg is c.msg and not m.secondary and m.judged.stance == "question" for m in cands)}
    cands[:] = [c for c in cands if id(c) not in drop]
    return changed
