"""The REAL default model (SmolLM2-135M, in-process) on real threads of the
corpus week: its output held to a JSON schema, the record it helps build
(structure, evidence, cache hits); never wording. One model load per
session; every socket is refused while it runs."""

from __future__ import annotations

import json
import re
import socket
import sqlite3
from pathlib import Path

import pytest

from listsum.cache import Store
from listsum.summarise import choose
from listsum.summarise.base import Options, Prompt
from listsum.summarise.llama import LlamaSummariser
from listsum.summarise.run import Run, SummariseSettings
from summarise_helpers import build_week

pytestmark = pytest.mark.model
SMALL = ("Re: [PATCH v8 7/7] KVM: x86: Expose TSC offset controls to userspace",
         "Re: [PATCH 2/5] KVM: arm64: Work around GICv3 locally generated SErrors")


@pytest.fixture(scope="session")
def model() -> LlamaSummariser:
    m = LlamaSummariser(n_threads=2)
    m.llm  # load once
    return m


@pytest.fixture
def no_sockets(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise ConnectionRefusedError("the model tried to open a socket")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def _threads():
    built = build_week()
    chosen = [t for t in built.report.threads if t.subject in SMALL]
    assert sorted(t.subject for t in chosen) == sorted(SMALL)
    return built, chosen


def test_schema_holds_the_real_model_to_a_valid_choice(model: LlamaSummariser, no_sockets: None) -> None:
    sch = choose.schema(3)
    prompt = Prompt(system=choose.SYSTEM, user="Sentences:\n<<<MAIL\n[0] Thanks.\n[1] Why is this needed?\n[2] "
                    "Cheers.\nMAIL>>>\nWhich stance, which sentence?", completion="")
    out = model.complete(prompt, Options(max_tokens=32, temperature=0.0, schema=sch, stop=()))
    data = json.loads(out.text)
    assert data["stance"] in choose.CHOICES and data["sentence"] in (0, 1, 2)
    free = model.complete(prompt, Options(max_tokens=16, temperature=0.0))
    assert free.text != out.text  # without the schema it writes whatever it likes


def test_real_records_then_cache(model: LlamaSummariser, tmp_path: Path, no_sockets: None) -> None:
    built, chosen = _threads()
    store = Store(sqlite3.connect(tmp_path / "s.db"))
    run = Run(SummariseSettings(n_threads=2, choose=True, prose=False), backend=model, store=store)
    for tr in chosen:
        s = run.thread(tr, built.threads[tr.id])
        ids = {m.msgid for m in built.threads[tr.id].messages}
        # The model is named on a record only when it was asked about one of its replies.
        asked = s.engine == "SmolLM2-135M-Instruct.Q4_1"
        assert (asked or s.engine == "extractive") and not s.cached and not s.prose
        assert s.headline and s.points and (not asked or s.flags[0].startswith("model-chose: "))
        for p in s.points:  # whatever it chose, every point is a participant's sentence or a fact, cited
            assert p.evidence and set(p.evidence) <= ids and p.source in ("mail", "fact")
    assert run.usage.calls >= 1 and run.usage.prompt_tokens > 200  # only the replies the rules are unsure of
    again = Run(SummariseSettings(n_threads=2, choose=True, prose=False), backend=model, store=store)
    records = [again.thread(tr, built.threads[tr.id]) for tr in chosen]
    assert all(s.cached and s.points for s in records) and again.usage.calls == 0


def test_real_prose_is_checked_or_left_out(model: LlamaSummariser, no_sockets: None) -> None:
    built, chosen = _threads()
    run = Run(SummariseSettings(n_threads=2, choose=False, prose=True, use_cache=False), backend=model)
    for tr in chosen:
        s = run.thread(tr, built.threads[tr.id])
        if s.prose:  # it passed: it cites points that exist
            cites = [int(n) for n in re.findall(r"\[(\d+)\]", s.prose)]
            assert cites and all(1 <= n <= len(s.points) for n in cites) and not s.fallback
        else:
            assert s.fallback and s.flags[-1].startswith("prose-rejected: ")
