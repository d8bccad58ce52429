"""Shared fixtures: the real corpus, an isolated user dir, no network.

Every test runs with LISTSUM_USER_PATH in a temp dir (caches, store, config)
and with sockets to anything but loopback refused, so a test that would
reach the internet fails loudly instead of passing by luck.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from echo_backend import EchoSummariser

from listsum.summarise.base import REGISTRY

# The test fake backend, registered the way a plugin would (--engine echo in tests).
REGISTRY.register("echo", EchoSummariser)

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
ARCHIVE = CORPUS / "kvmarm-2019-2021.mbox.gz"
WEEK = CORPUS / "kvmarm-2021-10-04.week.mbox.gz"
LEDS = CORPUS / "linux-leds-2025-01-2026-07.mbox.gz"
SAMPLES = Path(__file__).resolve().parent / "samples"


# A test reads the corpus when it asks for a corpus fixture or its code (or a
# fixture's, or a parametrize source's module) names one of these; it is then
# marked `corpus` even without the decorator, so that
# `pytest -m "not corpus and not model and not server"` runs in seconds.
_CORPUS_WORDS = ("WEEK", "ARCHIVE", "LEDS", "CORPUS", "build_week", "week_messages", "archive_read", "week_read")
_CORPUS_FIXTURES = {"week", "archive", "leds"}


def _source(fn: object) -> str:
    import inspect

    try:
        return inspect.getsource(fn)  # type: ignore[arg-type]
    except (OSError, TypeError):
        return ""


def _reads_corpus(item: pytest.Item) -> bool:
    """The test, its fixtures and the module helpers it calls (one level)."""
    import re

    if _CORPUS_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    info = getattr(item, "_fixtureinfo", None)
    funcs = [getattr(item, "function", None)]
    funcs += [d.func for defs in (info.name2fixturedefs.values() if info else ()) for d in defs]
    module = getattr(item, "module", None)
    for fn in list(funcs):
        for name in set(re.findall(r"\b(_?\w+)\(", _source(fn))):
            helper = getattr(module, name, None)
            if callable(helper) and getattr(helper, "__module__", "") == getattr(module, "__name__", None):
                funcs.append(helper)
    return any(w in _source(fn) for fn in funcs for w in _CORPUS_WORDS)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("corpus") is None and _reads_corpus(item):
            item.add_marker(pytest.mark.corpus)


def pytest_report_header(config: pytest.Config) -> list[str]:
    try:
        import llama_cpp

        llama = llama_cpp.__version__
    except Exception as exc:  # noqa: BLE001 - header only
        llama = f"not importable ({exc.__class__.__name__})"
    return [f"llama-cpp-python: {llama}", f"corpus: {CORPUS} ({'present' if ARCHIVE.exists() else 'MISSING'})"]


@pytest.fixture(autouse=True)
def _isolated_user_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path_factory.mktemp("listsum-user")
    monkeypatch.setenv("LISTSUM_USER_PATH", str(path))
    return path


_real_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address: object) -> object:
    host = address[0] if isinstance(address, tuple) else address
    if self.family == socket.AF_UNIX or str(host) in ("127.0.0.1", "::1", "localhost") or str(host).startswith("127."):
        return _real_connect(self, address)
    raise ConnectionRefusedError(f"test tried to reach {address!r}: listsum tests stay on loopback")


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)


@pytest.fixture(scope="session")
def archive() -> Path:
    assert ARCHIVE.exists(), f"corpus missing: {ARCHIVE}"
    return ARCHIVE


@pytest.fixture(scope="session")
def leds() -> Path:
    assert LEDS.exists(), f"corpus missing: {LEDS}"
    return LEDS


@pytest.fixture(scope="session")
def kvm_jan(archive: Path):
    """The kvmarm report of 2021-01-11..18 (corpus_msgs.window_report), built once: tests read it
    (or deep-copy it before changing it)."""
    from corpus_msgs import window_report

    return window_report(archive, "2021-01-11", "2021-01-18")


@pytest.fixture(scope="session")
def leds_nov(leds: Path):
    """The linux-leds report of 2025-11-01..16, built once, as kvm_jan."""
    from corpus_msgs import window_report

    return window_report(leds, "2025-11-01", "2025-11-16")


@pytest.fixture(scope="session")
def week() -> Path:
    assert WEEK.exists(), f"corpus missing: {WEEK}"
    return WEEK
