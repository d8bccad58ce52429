"""Nothing in summarise/ is kept alive by its tests alone.

Code that only tests call looks maintained and is not: the user trial found
checks.vet/check and digest.render_digest surviving a redesign that left no
caller. A top-level name of a summarise module is live when another module of
src/ imports it (``from listsum.summarise.M import x`` or ``M.x``), when the
module itself uses it at top level (a registration, a constant), when it is
decorated (registered), or when a live definition of the same module uses it.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "listsum"


def _module(path: Path) -> str:
    return ".".join(("listsum",) + path.relative_to(SRC).with_suffix("").parts)


def _external_uses(trees: dict[str, ast.Module]) -> dict[str, set[str]]:
    """Module -> names other modules take from it."""
    used: dict[str, set[str]] = {}
    for mod, tree in trees.items():
        alias: dict[str, str] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                base = node.module if node.level == 0 else mod.rsplit(".", node.level)[0] + "." + node.module
                for a in node.names:
                    used.setdefault(base, set()).add(a.name)
                    alias[a.asname or a.name] = f"{base}.{a.name}"
            elif isinstance(node, ast.Import):
                for a in node.names:
                    alias[a.asname or a.name] = a.name
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in alias:
                used.setdefault(alias[node.value.id], set()).add(node.attr)
    return used


def _defined(node: ast.stmt) -> list[str]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [node.name]
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return [t.id for t in targets if isinstance(t, ast.Name)]
    return []


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _registered(node: ast.stmt) -> bool:
    """Decorated by something other than @dataclass: a registration runs on import."""
    decorators = getattr(node, "decorator_list", [])
    return any("dataclass" not in ast.unparse(d) for d in decorators)


def dead_names(tree: ast.Module, external: set[str]) -> list[str]:
    defs: dict[str, ast.stmt] = {}
    live = set(external)
    for node in tree.body:
        names = _defined(node)
        for n in names:
            defs[n] = node
        if not names or _registered(node) or any(n.startswith("__") for n in names):
            live |= _names(node)  # top-level code, registrations: these run on import
            live |= set(names)
    todo = [n for n in live if n in defs]
    while todo:
        for n in _names(defs[todo.pop()]):
            if n in defs and n not in live:
                live.add(n)
                todo.append(n)
    return sorted(n for n in defs if n not in live)


def test_every_summarise_name_has_a_caller_in_src() -> None:
    trees = {_module(p): ast.parse(p.read_text()) for p in SRC.rglob("*.py")}
    external = _external_uses(trees)
    dead = {mod: dead_names(tree, external.get(mod, set())) for mod, tree in trees.items()
            if mod.startswith("listsum.summarise.")}
    assert {m: d for m, d in dead.items() if d} == {}
