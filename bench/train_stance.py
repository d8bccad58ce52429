"""Does a small model learned from the tuning gold sets label stance better than
the rules on mail it was not trained on? (issue 7)

    PYTHONPATH=src .venv/bin/python bench/train_stance.py            # nested LOSO CV, per-fold table
    PYTHONPATH=src .venv/bin/python bench/train_stance.py --final OUT.json   # + weights from all four sets

Data: the four TUNING gold sets only (never a holdout-* file). Each gold point names its
evidence mail and stance; the rules' Candidate for that mail (points.candidates, built from
the gold window's report as `listsum eval --gold` builds it) gives the features
(bench/stance_model.py). Protocol: leave-one-set-out. For each outer fold the three other
sets choose the model (softmax logistic regression or multinomial naive Bayes, both a linear
model over the same binary features), feature groups, regularisation, scope (unsure only / every talk stance) and
confidence threshold by an inner leave-one-set-out, each candidate setting scored by the
real scorer (gold.score) through the real summarise stage; "rules alone" is one of the
settings, so the inner search may decide the model should not act. The chosen setting is
retrained on the three sets and scored once on the fourth. Logistic regression is trained by
full-batch Adam on softmax cross-entropy + L2 with numpy, a fixed number of steps; naive
Bayes by counting: both deterministic; weights are rounded to 4 decimals before use, so what is scored is what would be shipped.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stance_model as sm  # noqa: E402

from listsum import pipeline  # noqa: E402
from listsum.summarise import gold as G  # noqa: E402
from listsum.summarise import points as P  # noqa: E402
from listsum.summarise import run as R  # noqa: E402
from listsum.summarise.choose import CHOICES  # noqa: E402
from listsum.window import WindowSpec  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SETS = ("kvmarm-2021-10-04", "linux-leds-2025-08", "kvmarm-2021-01-11", "linux-leds-2025-11")
GROUPS = (("base",), ("base", "lex"), ("base", "lex", "ngram"))
L2 = (0.003, 0.03, 0.3)  # logistic regression
ALPHA = (0.1, 0.5, 1.0)  # naive Bayes smoothing
SCOPES = ("unsure", "talk")
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9)
NOISE_COST = 0.5  # inner objective: recalled gold points - NOISE_COST * noise points
MIN_COUNT = 2  # a feature must occur in this many training examples
STEPS, LR = 1500, 0.05


@dataclass
class GoldSet:
    name: str
    gold: G.Gold
    built: pipeline.Built


@dataclass
class Example:
    feats: list[str]  # every group's features; a model keeps those of its groups
    label: str


def load(name: str) -> GoldSet:
    assert not name.startswith("holdout"), "held-out sets are never read here"
    g = G.load(REPO / "tests" / "gold" / f"{name}.json")
    built = pipeline.build(pipeline.ReportSettings(inputs=[str(G.find_input(g, None))],
                                                   window=WindowSpec(since=g.since, until=g.until)))
    return GoldSet(name, g, built)


def examples(gs: GoldSet) -> list[Example]:
    """One example per in-scope ("talk") candidate whose mail is a gold point's evidence with a
    stance the model may give; the label is the rules' stance when the rules already give
    the mail one of its gold stances (a mail can carry two points: "will fix; and why X?"),
    else the first of them."""
    holder = {m.message_id: t for t in gs.built.report.threads for m in t.messages}
    out = []
    for gt in gs.gold.threads:
        tr = holder.get(gt.root)
        if tr is None:
            continue
        thread = gs.built.threads[tr.id]
        labels: dict[str, list[str]] = defaultdict(list)
        for p in gt.points:
            for e in p.get("evidence", []):
                labels[e.strip("<>")].append(p["stance"])
        judged: dict = {}
        cands = P.candidates(tr, thread, judged)
        said = defaultdict(set)  # every stance the rules give a mail, its second question included
        for c in cands:
            said[c.msg.msgid].add(c.judged.stance)
        for c, ctx in zip(cands, sm.contexts(cands, thread, judged, tr.kind)):
            gold = [s for s in labels.get(c.msg.msgid, []) if s in CHOICES]
            if not sm.in_scope(c, "talk") or not gold:
                continue
            # Already right when the mail's second question carries the gold point.
            label = c.judged.stance if said[c.msg.msgid] & set(gold) else gold[0]
            out.append(Example(sm.features(c, ctx), label))
    return out


def keep(feats: list[str], groups: tuple[str, ...]) -> list[str]:
    """The features of ``groups`` only (prefixes: lex = w0/w01/s0, ngram = u/b)."""
    lex = ("w0=", "w01=", "s0=")
    ngram = ("u=", "b=")
    return [f for f in feats if not ((f.startswith(lex) and "lex" not in groups)
                                     or (f.startswith(ngram) and "ngram" not in groups))]


def vocabulary(rows: list[list[str]]) -> list[str]:
    counts: dict[str, int] = defaultdict(int)
    for r in rows:
        for f in set(r):
            counts[f] += 1
    return sorted(f for f, n in counts.items() if n >= MIN_COUNT or f == "bias")


def train(exs: list[Example], family: str, groups: tuple[str, ...], reg: float) -> dict[str, list[float]]:
    return (train_lr if family == "lr" else train_nb)(exs, groups, reg)


def train_nb(exs: list[Example], groups: tuple[str, ...], alpha: float) -> dict[str, list[float]]:
    """Multinomial naive Bayes, written as the same linear model: weight = log P(feature | class),
    plus log P(class) on "bias"; so the same pure-Python inference scores it."""
    rows = [keep(e.feats, groups) for e in exs]
    vocab = vocabulary(rows)
    vset = set(vocab)
    classes = list(CHOICES)
    per: dict[str, dict[str, int]] = {k: defaultdict(int) for k in classes}
    n = dict.fromkeys(classes, 0)
    for r, e in zip(rows, exs):
        n[e.label] += 1
        for f in r:
            if f in vset:
                per[e.label][f] += 1
    total = {k: sum(per[k].values()) for k in classes}
    out = {f: [round(float(np.log((per[k][f] + alpha) / (total[k] + alpha * len(vocab)))), 4) for k in classes]
           for f in vocab}
    prior = [float(np.log((n[k] + alpha) / (len(exs) + alpha * len(classes)))) for k in classes]
    out["bias"] = [round(a + b, 4) for a, b in zip(out["bias"], prior)]
    return out


def train_lr(exs: list[Example], groups: tuple[str, ...], l2: float) -> dict[str, list[float]]:
    """Softmax regression, full-batch Adam: same examples -> same weights."""
    rows = [keep(e.feats, groups) for e in exs]
    vocab = vocabulary(rows)
    index = {f: i for i, f in enumerate(vocab)}
    classes = list(CHOICES)
    x = np.zeros((len(rows), len(vocab)))
    for i, r in enumerate(rows):
        for f in r:
            if f in index:
                x[i, index[f]] = 1.0
    y = np.zeros((len(rows), len(classes)))
    for i, e in enumerate(exs):
        y[i, classes.index(e.label)] = 1.0
    w = np.zeros((len(vocab), len(classes)))
    m, v = np.zeros_like(w), np.zeros_like(w)
    for t in range(1, STEPS + 1):
        z = x @ w
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        grad = x.T @ (p - y) / len(rows) + l2 * w
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad * grad
        w -= LR * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
    return {f: [round(float(a), 4) for a in w[index[f]]] for f in vocab if np.any(np.abs(w[index[f]]) >= 1e-4)}


def weights_digest(weights: dict[str, list[float]]) -> str:
    return hashlib.sha256(json.dumps(weights, sort_keys=True, separators=(",", ":")).encode()).hexdigest()[:16]


_ORIGINAL = P.candidates


def with_model(model: sm.Model | None):
    """run.candidates as the summarise stage calls it, followed by the model's relabelling."""
    def cands(tr, thread, judged_of=None):  # type: ignore[no-untyped-def]
        judged_of = {} if judged_of is None else judged_of
        out = _ORIGINAL(tr, thread, judged_of)
        if model is not None and sm.relabel(model, out, thread, judged_of, tr.kind):
            for c in out:
                c.unanswered = False
            P._mark_unanswered(out, thread)
        return out
    return cands


def score(gs: GoldSet, model: sm.Model | None) -> G.Score:
    """The real summarise stage (extractive, no cache) and the real scorer."""
    R.candidates = with_model(model)
    try:
        R.summarise_report(gs.built.report, gs.built.threads, R.SummariseSettings(engine="extractive", use_cache=False))
    finally:
        R.candidates = _ORIGINAL
    return G.score(gs.built.report, gs.gold, "extractive" if model is None else "rules+learned")


def objective(sc: G.Score) -> float:
    return sc.recalled - NOISE_COST * sc.noise


@dataclass(frozen=True)
class Setting:
    family: str  # "lr" (logistic regression, reg = L2) | "nb" (naive Bayes, reg = smoothing alpha)
    groups: tuple[str, ...]
    reg: float
    scope: str
    threshold: float

    def name(self) -> str:
        reg = "l2" if self.family == "lr" else "alpha"
        return f"{self.family} {'+'.join(self.groups)} {reg}={self.reg} {self.scope} p>={self.threshold}"


def settings() -> list[Setting | None]:
    """The rules alone first, then from the most cautious setting to the least: a later setting
    must do strictly better to be chosen."""
    out: list[Setting | None] = [None]
    for th, scope, groups, (family, reg) in itertools.product(
            sorted(THRESHOLDS, reverse=True), SCOPES, GROUPS, [*(("lr", r) for r in sorted(L2, reverse=True)),
                                                               *(("nb", a) for a in sorted(ALPHA, reverse=True))]):
        out.append(Setting(family, groups, reg, scope, th))
    return out


def model_of(s: Setting, weights: dict[str, list[float]]) -> sm.Model:
    return sm.Model(list(CHOICES), weights, s.groups, s.scope, s.threshold)


def choose_setting(train_sets: list[GoldSet], exs: dict[str, list[Example]]) -> tuple[Setting | None, float]:
    """Inner leave-one-set-out over the training sets: the setting with the best summed objective."""
    totals: dict[Setting | None, float] = defaultdict(float)
    for inner in train_sets:
        rest = [e for g in train_sets if g is not inner for e in exs[g.name]]
        totals[None] += objective(score(inner, None))
        trained = {(s.family, s.groups, s.reg): None for s in settings()[1:]}
        for k in trained:
            trained[k] = train(rest, *k)
        for s in settings()[1:]:
            totals[s] += objective(score(inner, model_of(s, trained[(s.family, s.groups, s.reg)])))
    best, best_v = None, totals[None]
    for s in settings()[1:]:
        if totals[s] > best_v + 1e-9:
            best, best_v = s, totals[s]
    return best, best_v - totals[None]


def row(name: str, sc: G.Score) -> str:
    per = sc.noise / sc.threads if sc.threads else 0.0
    return (f"{sc.recalled / sc.gold_points:.1%} ({sc.recalled}/{sc.gold_points}) | "
            f"{sc.stance_right / sc.cited:.1%} ({sc.stance_right}/{sc.cited}) | {per:.2f} ({sc.noise})")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--final", type=Path, help="also train on all four sets with the setting most folds chose")
    ap.add_argument("--fixed", help="skip the inner search: score this one setting, e.g. 'lr:base,lex:0.03:unsure:0.7'")
    args = ap.parse_args()
    start = time.monotonic()
    sets = [load(n) for n in SETS]
    exs = {g.name: examples(g) for g in sets}
    print(f"examples per set: {', '.join(f'{k} {len(v)}' for k, v in exs.items())}  "
          f"({time.monotonic() - start:.0f} s to read)", flush=True)
    fixed = None
    if args.fixed:
        fam, gr, reg, scope, th = args.fixed.split(":")
        fixed = Setting(fam, tuple(gr.split(",")), float(reg), scope, float(th))
    lines = ["| held-out fold | chosen in the 3 training sets | rules: recall / stance / noise per thread | "
             "rules+learned: recall / stance / noise per thread | changed |", "|---|---|---|---|---|"]
    sums = defaultdict(float)
    chosen: list[Setting | None] = []
    for test in sets:
        train_sets = [g for g in sets if g is not test]
        s, gain = (fixed, float("nan")) if fixed else choose_setting(train_sets, exs)
        chosen.append(s)
        base = score(test, None)
        if s is None:
            learned = base
            changed = 0
        else:
            model = model_of(s, train([e for g in train_sets for e in exs[g.name]], s.family, s.groups, s.reg))
            learned = score(test, model)
            changed = _changed(test, model)
        for tag, sc in (("rules", base), ("learned", learned)):
            sums[tag + "_recall"] += sc.recalled / sc.gold_points
            sums[tag + "_stance"] += sc.stance_right / sc.cited
            sums[tag + "_noise"] += sc.noise / sc.threads
        lines.append(f"| {test.name} | {s.name() if s else 'rules alone'}"
                     f"{'' if fixed else f' (inner gain {gain:+.1f})'} | {row('rules', base)} | "
                     f"{row('learned', learned)} | {changed} |")
        print(lines[-1], flush=True)
    n = len(sets)
    lines.append(f"| **mean** | | {sums['rules_recall'] / n:.1%} / {sums['rules_stance'] / n:.1%} / "
                 f"{sums['rules_noise'] / n:.2f} | {sums['learned_recall'] / n:.1%} / "
                 f"{sums['learned_stance'] / n:.1%} / {sums['learned_noise'] / n:.2f} | |")
    print("\n".join(lines))
    print(f"total {time.monotonic() - start:.0f} s")
    if args.final:
        picked = [s for s in chosen if s is not None]
        s = max(set(picked), key=lambda k: (picked.count(k), k.threshold)) if picked else None
        if s is None:
            print("every fold chose the rules alone: no final weights")
            return 0
        weights = train([e for g in sets for e in exs[g.name]], s.family, s.groups, s.reg)
        args.final.write_text(json.dumps(model_of(s, weights).to_dict(), sort_keys=True, separators=(",", ":")))
        print(f"final: {s.name()}, {len(weights)} features, digest {weights_digest(weights)} -> {args.final}")
    return 0


def _changed(gs: GoldSet, model: sm.Model) -> int:
    """How many candidates of the set the model relabels."""
    holder = {m.message_id: t for t in gs.built.report.threads for m in t.messages}
    total = 0
    for gt in gs.gold.threads:
        tr = holder.get(gt.root)
        if tr is None:
            continue
        thread = gs.built.threads[tr.id]
        judged: dict = {}
        cands = _ORIGINAL(tr, thread, judged)
        total += sm.relabel(model, cands, thread, judged, tr.kind)
    return total


if __name__ == "__main__":
    sys.exit(main())
