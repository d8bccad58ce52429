"""The REAL default model (SmolLM2-135M, in-process) on real threads of the
corpus week: structure, attribution, fallback, cache hits; never wording.
One model load per session; every socket is refused while it runs."""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path

import pytest

from listsum.mail.body import text_of
from listsum.store import Store
from listsum.summarise import checks
from listsum.summarise.llama import LlamaSummariser
from listsum.summarise.run import Run, SummariseSettings
from summarise_helpers import build_week

pytestmark = pytest.mark.model
SMALL = ("[PATCH] KVM: arm64: Release mmap_lock when using VM_SHARED with MTE",
         "Re: [PATCH v2] KVM: arm64: Allow KVM to be disabled from the command line")


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


def test_real_summaries_then_cache(model: LlamaSummariser, tmp_path: Path, no_sockets: None) -> None:
    built, chosen = _threads()
    store = Store(sqlite3.connect(tmp_path / "s.db"))
    run = Run(SummariseSettings(n_threads=2), backend=model, store=store)
    for tr in chosen:
        s = run.thread(tr, built.threads[tr.id])
        assert s.text.strip() and not s.cached
        names = [p.split(" <")[0] for p in tr.participants]
        if s.fallback:  # replaced: extractive text from the thread, with the reason
            assert s.engine == "extractive" and checks.fatal(s.flags)
            assert s.text.split(":")[0] in [*names, "State"], s  # a trailer-only reply has just facts
        else:  # the model's text: every person it names is in the thread
            assert s.engine == "SmolLM2-135M-Instruct.Q4_1"
            assert not any(f.startswith(("ungrounded-name", "echo", "signature", "empty")) for f in s.flags)
            source = "\n".join(f"{m.sender}\n{text_of(m)}" for m in built.threads[tr.id].messages)
            for name in checks.names_in(s.text):
                assert name.lower() in source.lower() or name in " ".join(names), name
    assert run.usage.calls == 2 and run.usage.prompt_tokens > 200 and run.usage.completion_tokens > 0
    again = Run(SummariseSettings(n_threads=2), backend=model, store=store)
    texts = [again.thread(tr, built.threads[tr.id]) for tr in chosen]
    assert all(s.cached for s in texts) and again.usage.calls == 0


def test_real_model_cut_short_falls_back(model: LlamaSummariser, tmp_path: Path, no_sockets: None) -> None:
    built, chosen = _threads()
    run = Run(SummariseSettings(n_threads=2), backend=model, store=Store(sqlite3.connect(":memory:")))
    run.options.max_tokens = 2  # two tokens cannot be a summary: the empty check must catch it
    tr = chosen[0]
    s = run.thread(tr, built.threads[tr.id])
    assert s.fallback and s.engine == "extractive" and "empty" in s.flags
    assert s.text.startswith(tr.participants[0].split(" <")[0] + ":")
