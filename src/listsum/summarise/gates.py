"""Per-model gates: whether a model chooses stances and writes prose by
default, decided by `listsum eval --gold` figures recorded per model file
(keyed by the weights' hash, so a renamed file keeps its figures and a
re-quantised one has none), never by the model's name.

Shipped figures live in gates.json beside this module; `listsum eval --gold
... --record` adds the user's own in data_dir()/gates.json, which wins. A
model without figures chooses (its choices are validated) but writes no prose.
Config keys ``choose`` / ``prose`` (true/false) override both.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SHIPPED = Path(__file__).with_name("gates.json")
# Prose is written by default only when, on the gold sets, this share of the
# records it was asked for passed the check.
PROSE_PASS = 0.9
# Choosing is on unless the model made stance accuracy worse than rules alone.
CHOOSE_MARGIN = 0.0


@dataclass(frozen=True)
class Gate:
    choose: bool = True
    prose: bool = False


def user_file() -> Path:
    from listsum import settings

    return settings.data_dir() / "gates.json"


def _load(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def figures(model_hash: str) -> dict[str, Any] | None:
    """The model's entry: the user's own measurements win over the shipped ones."""
    return {**_load(SHIPPED), **_load(user_file())}.get(model_hash)


def decide(entry: dict[str, Any]) -> Gate:
    """The gate the figures earn, over every gold set measured: prose when
    PROSE_PASS of all prose attempts passed their check; choosing unless it
    lowered stance accuracy below the rules' on some gold set."""
    figs = list(entry.get("gold", {}).values())
    attempts = sum(f.get("prose_attempts", 0) for f in figs)
    prose = attempts > 0 and sum(f.get("prose_passed", 0) for f in figs) / attempts >= PROSE_PASS
    choose = all(f.get("stance_accuracy_model", 0.0) >= f.get("stance_accuracy_rules", 1.0) + CHOOSE_MARGIN
                 for f in figs)
    return Gate(choose=choose, prose=prose)


def gate_for(model_hash: str, config: dict[str, Any] | None = None) -> Gate:
    fig = figures(model_hash)
    gate = decide(fig) if fig else Gate()
    cfg = config or {}
    return Gate(choose=bool(cfg.get("choose", gate.choose)), prose=bool(cfg.get("prose", gate.prose)))


def record(model_hash: str, model_id: str, gold: str, fig: dict[str, Any], path: Path | None = None) -> Path:
    """Add one gold set's figures to the model's entry: {"model", "gold": {name: figures}}."""
    path = path or user_file()
    data = _load(path)
    entry = data.setdefault(model_hash, {"model": model_id, "gold": {}})
    entry["model"] = model_id
    entry.setdefault("gold", {})[gold] = fig
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path
