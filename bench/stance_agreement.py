"""How often two careful readers agree on a point's stance, and how often the rules agree with each.

    .venv/bin/python bench/stance_agreement.py [--holdout]

Reads tests/gold/second-reading/ (a blind second reading of every gold point's evidence
mail: see its "method") and, per gold file it covers, builds the window's report with the
rules (engine extractive, no cache) as `listsum eval --gold` does. Prints, per file and in
total: gold = second reader's primary stance; gold within the second reader's primary or
second stance; and of the gold points the rules cite, the share the rules give the gold
stance, the second reader's, or either. Only the lead runs it with --holdout (held-out
figures are aggregate only; no rule is written from them).
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

from listsum import pipeline
from listsum.summarise import gold as G
from listsum.summarise.run import SummariseSettings, summarise_report
from listsum.window import WindowSpec

GOLD = Path(__file__).resolve().parents[1] / "tests" / "gold"


def rules_stances(gold: G.Gold) -> dict[str, set[str]]:
    """message-id -> the stances of the rules' points citing it."""
    built = pipeline.build(pipeline.ReportSettings(inputs=[str(G.find_input(gold, None))],
                                                   window=WindowSpec(since=gold.since, until=gold.until)))
    summarise_report(built.report, built.threads, SummariseSettings(engine="extractive", use_cache=False))
    cited: dict[str, set[str]] = defaultdict(set)
    for tr in built.report.threads:
        for p in tr.summary.points if tr.summary else []:
            for e in p.evidence:
                cited[e].add(p.stance)
    return cited


def tally(name: str, labels: list[dict]) -> Counter:
    data = json.loads((GOLD / name).read_text())
    points = {(t["root"], k): p for t in data["threads"] for k, p in enumerate(t.get("points", []))}
    cited = rules_stances(G.load(GOLD / name))
    c: Counter = Counter()
    for x in labels:
        gp = points[(x["root"], x["point"])]
        gold, first, second = gp["stance"], x["stance"], x["second"]
        rules = set().union(*(cited.get(e, set()) for e in gp["evidence"]))
        c["points"] += 1
        c["gold = 2nd"] += gold == first
        c["gold in 2nd's two"] += gold in (first, second)
        if rules:
            c["rules cite"] += 1
            c["rules = gold"] += gold in rules
            c["rules = 2nd"] += first in rules
            c["rules = either"] += bool({gold, first} & rules)
    return c


def main() -> None:
    which = "holdout-stances.json" if "--holdout" in sys.argv else "tuning.json"
    files = json.loads((GOLD / "second-reading" / which).read_text())["files"]
    total: Counter = Counter()
    print("| gold set | points | gold = 2nd reader | gold in 2nd's two | rules cite | rules = gold | rules = 2nd | "
          "rules = either |\n|---|---|---|---|---|---|---|---|")
    for name, labels in files.items():
        c = tally(name, labels)
        total.update(c)
        row(name, c)
    row("total", total)


def row(name: str, c: Counter) -> None:
    def pct(a: str, b: str) -> str:
        return f"{c[a] / c[b]:.0%} ({c[a]}/{c[b]})" if c[b] else "-"
    print(f"| {name} | {c['points']} | {pct('gold = 2nd', 'points')} | {pct('gold in 2nd' + chr(39) + 's two', 'points')} | "
          f"{c['rules cite']} | {pct('rules = gold', 'rules cite')} | {pct('rules = 2nd', 'rules cite')} | "
          f"{pct('rules = either', 'rules cite')} |")


if __name__ == "__main__":
    main()
