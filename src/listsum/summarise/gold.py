"""`listsum eval --gold FILE`: score summary records against a gold set
written by hand (format: tests/gold/README.md).

Per engine/model: state agreement; key-point recall (a gold point counts
when a report point of its thread cites one of its evidence messages with
the same stance); points without evidence (a point citing nothing, or a
message that is not in its thread: must be 0); stance accuracy (of the gold
points some report point cites, the share cited with the gold stance); noise
(report points whose evidence is in no gold point of the thread). Gold
threads are matched by root: the report thread holding that message.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Mapping
from typing import Any

from listsum.errors import UsageError
from listsum.mail.threads import Thread
from listsum.model import Report, ThreadReport
from listsum.summarise.stance import Judged


@dataclass
class GoldThread:
    root: str
    subject: str
    kind: str
    state: str
    needs_attention: str | None
    points: list[dict[str, Any]]


@dataclass
class Gold:
    path: Path
    input: str
    since: str
    until: str
    threads: list[GoldThread]


def load(path: Path) -> Gold:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        threads = [GoldThread(t["root"].strip("<>"), t.get("subject", ""), t.get("kind", ""), t["state"],
                              t.get("needs_attention"), list(t.get("points", []))) for t in data["threads"]]
        return Gold(path, data["input"], data["since"], data["until"], threads)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"{path}: not a gold file ({exc.__class__.__name__}: {exc})",
                         hint="see tests/gold/README.md for the format") from exc


def find_input(gold: Gold, given: Path | None) -> Path:
    """The mbox the gold set was written from: as given, else beside the gold
    file, in the working directory, or in ../shared/corpus of the checkout."""
    if given is not None:
        return given
    repo = Path(__file__).resolve().parents[3]
    for d in (gold.path.parent, Path.cwd(), repo.parent / "shared" / "corpus", repo / ".." / "shared" / "corpus"):
        if (d / gold.input).is_file():
            return d / gold.input
    raise UsageError(f"{gold.path}: input {gold.input} not found", hint="pass the mbox: listsum eval MBOX --gold FILE")


@dataclass
class Score:
    engine: str
    threads: int = 0
    missing: int = 0  # gold threads no report thread holds
    state_agree: int = 0
    gold_points: int = 0
    recalled: int = 0
    cited: int = 0  # gold points some report point cites (any stance)
    stance_right: int = 0
    points: int = 0
    unsupported: int = 0  # points without evidence in their thread
    noise: int = 0
    prose_attempts: int = 0
    prose_passed: int = 0
    model_calls: int = 0
    seconds: float = 0.0
    model_id: str = ""
    model_hash: str = ""
    state_misses: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)  # one line per gold point missed or report point unmatched

    def pct(self, a: int, b: int) -> str:
        return f"{a / b:.0%} ({a}/{b})" if b else "-"

    def rows(self) -> list[tuple[str, str]]:
        per = self.noise / self.threads if self.threads else 0.0
        return [("engine", self.engine), ("threads", f"{self.threads} (+{self.missing} not found)"),
                ("state agreement", self.pct(self.state_agree, self.threads)),
                ("key-point recall", self.pct(self.recalled, self.gold_points)),
                ("points without evidence", str(self.unsupported)),
                ("stance accuracy", self.pct(self.stance_right, self.cited)),
                ("noise", f"{self.noise} points, {per:.2f} per thread"),
                ("points", str(self.points)),
                ("prose passed", self.pct(self.prose_passed, self.prose_attempts)),
                ("model calls", str(self.model_calls)), ("time", f"{self.seconds:.0f} s")]

    def figures(self) -> dict[str, Any]:
        return {"state_agreement": self.state_agree / self.threads if self.threads else 0.0,
                "recall": self.recalled / self.gold_points if self.gold_points else 0.0,
                "stance_accuracy": self.stance_right / self.cited if self.cited else 0.0,
                "noise_per_thread": self.noise / self.threads if self.threads else 0.0,
                "prose_attempts": self.prose_attempts, "prose_passed": self.prose_passed}


def score_thread(sc: Score, g: GoldThread, tr: ThreadReport, why_none: dict[str, str] | None = None) -> None:
    """``why_none``: message-id -> why the rules made no point of it (for --misses)."""
    s = tr.summary
    points = s.points if s else []
    ids = {m.message_id for m in tr.messages}
    sc.threads += 1
    if s and s.state == g.state:
        sc.state_agree += 1
    else:
        sc.state_misses.append(f"{g.subject[:50]}: {s.state if s else None} != {g.state}")
    gold_ev = [{e.strip("<>") for e in gp.get("evidence", [])} for gp in g.points]
    for gp, ev in zip(g.points, gold_ev):
        sc.gold_points += 1
        citing = [p for p in points if ev & set(p.evidence)]
        if citing:
            sc.cited += 1
            if any(p.stance == gp.get("stance") for p in citing):
                sc.recalled += 1
                sc.stance_right += 1
                continue
        got = ",".join(sorted({p.stance for p in citing})) or "no point"
        if not citing and why_none is not None:
            got += ": " + "; ".join(sorted({why_none.get(e, "not a reply the rules read") for e in ev}))
        sc.misses.append(f"missed  {g.subject[:40]!r}: {gp.get('who')} {gp.get('stance')} "
                         f"<{sorted(ev)[0] if ev else '?'}> (report: {got})")
    for p in points:
        sc.points += 1
        if not p.evidence or not set(p.evidence) <= ids:
            sc.unsupported += 1
        if not any(ev & set(p.evidence) for ev in gold_ev):
            sc.noise += 1
            sc.misses.append(f"noise   {g.subject[:40]!r}: {p.who} {p.stance} "
                             f"<{p.evidence[0] if p.evidence else '?'}> {p.text[:60]!r}")
    if s and (s.prose or any(f.startswith("prose-rejected") for f in s.flags)):  # the model was asked
        sc.prose_attempts += 1
        sc.prose_passed += bool(s.prose)


def score(report: Report, gold: Gold, engine: str, why_none: dict[str, str] | None = None) -> Score:
    sc = Score(engine)
    holder = {m.message_id: t for t in report.threads for m in t.messages}
    for g in gold.threads:
        tr = holder.get(g.root)
        if tr is None:
            sc.missing += 1
            continue
        score_thread(sc, g, tr, why_none)
    return sc


def why_no_point(report: Report, threads: Mapping[str, Thread]) -> dict[str, str]:
    """For every reply the rules read: its stance, and whether it made a candidate that
    select() then cut (the point cap) or none at all. Eval's --misses says which."""
    from listsum.summarise.points import candidates

    out: dict[str, str] = {}
    for tr in report.threads:
        thread = threads.get(tr.id)
        if thread is None:
            continue
        judged: dict[str, Judged] = {}
        cands = {c.msg.msgid for c in candidates(tr, thread, judged)}
        for msgid, j in judged.items():
            why = "never shown" if j.stance == "other" else "cut by the point cap" if msgid in cands else "nothing said"
            out[msgid] = f"read as {j.stance}, {why}"
    return out


def evaluate(gold: Gold, mbox: Path, engine: str, model: str | None = None, n_threads: int | None = None,
             prose: bool | None = None, choose: bool | None = None,
             server: dict[str, object] | None = None) -> Score:
    """Build the gold window's report from ``mbox`` and summarise it with ``engine`` (no cache).
    ``choose``/``prose`` override the model's gate (eval measures what the gate is set from)."""
    from listsum import pipeline
    from listsum.summarise.run import SummariseSettings, summarise_report
    from listsum.window import WindowSpec

    built = pipeline.build(pipeline.ReportSettings(inputs=[str(mbox)], window=WindowSpec(since=gold.since,
                                                                                        until=gold.until)))
    start = time.monotonic()
    run = summarise_report(built.report, built.threads,
                           SummariseSettings(engine=engine, model=model, n_threads=n_threads, use_cache=False,
                                             prose=prose, choose=choose,
                                             **(server if engine == "server" and server else {})))
    name = engine if engine in ("extractive", "none") or run is None else f"{engine} ({run.backend.model_id})"
    sc = score(built.report, gold, name, why_no_point(built.report, built.threads))
    sc.seconds = time.monotonic() - start
    sc.model_calls = run.usage.calls if run else 0
    if run is not None and not run.extractive:
        sc.model_id, sc.model_hash = run.backend.model_id, run.backend.model_hash
    return sc
