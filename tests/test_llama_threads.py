"""default_threads: llama.cpp gets only the cores that are idle now."""

from __future__ import annotations

import pytest

from listsum.summarise import llama


@pytest.mark.parametrize(("cpus", "load", "want"), [
    (2, 0.1, 2),   # idle 2-core laptop: both cores
    (2, 1.2, 1),   # one core busy: one thread, no spinning against it
    (2, 7.5, 1),   # overloaded: never zero
    (16, 0.0, 4),  # big box: capped, small models gain nothing past 4
    (8, 5.0, 3),
])
def test_default_threads_counts_idle_cores(monkeypatch: pytest.MonkeyPatch, cpus: int, load: float, want: int) -> None:
    monkeypatch.setattr(llama.os, "cpu_count", lambda: cpus)
    monkeypatch.setattr(llama.os, "getloadavg", lambda: (load, load, load))
    assert llama.default_threads() == want
