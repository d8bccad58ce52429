"""--engine server against a REAL model server: llama-cpp-python's own
OpenAI-compatible server (`python -m llama_cpp.server`) with the default
GGUF (SmolLM2-135M) on a free loopback port, started once per session.
Structure, attribution, token counts, JSON-schema output; never wording."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from listsum.cli import app, load_commands
from listsum.cache import Store, open_db
from listsum.summarise.base import Options, Prompt
from listsum.summarise.jobs import summarise_threads
from listsum.summarise.gguf import resolve
from listsum.summarise.run import Run, SummariseSettings
from listsum.summarise.server import ServerSummariser
from openai_stub import only_to
from summarise_helpers import build_week

pytestmark = [pytest.mark.modelserver, pytest.mark.model]
READY_WITHIN = 240.0  # seconds; the box is shared, loading 135M takes ~5 s when idle
SMALL = ("[PATCH] KVM: arm64: Release mmap_lock when using VM_SHARED with MTE",
         "Re: [PATCH v2] KVM: arm64: Allow KVM to be disabled from the command line",
         "[kvm-unit-tests PATCH] arm64: Add mmio_addr arg to arm/micro-bench",
         "[PATCH AUTOSEL 5.14 16/40] KVM: arm64: nvhe: Fix missing FORCE for hyp-reloc.S build rule")
MODEL = "SmolLM2-135M-Instruct.Q4_1"

load_commands()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def model_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The server's base URL; stopped after the session."""
    port = _free_port()
    log = tmp_path_factory.mktemp("modelserver") / "server.log"
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(resolve()), "--host", "127.0.0.1",
           "--port", str(port), "--n_ctx", "8192", "--n_threads", "1", "--interrupt_requests", "False"]
    # One thread: on a shared, loaded box two were 5x slower (bench/RESULTS.md). Not interrupting:
    # by default this server drops a streaming request when the next arrives, which --jobs does.
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=server_env())
    url = f"http://127.0.0.1:{port}/v1"
    try:
        _wait_ready(proc, url, log)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def server_env() -> dict[str, str]:
    """The server's environment: LISTSUM_SERVER_DEPS, when set, is a directory
    holding the [server] extras (fastapi, uvicorn, ...) kept out of a shared
    venv; `make setup` installs them into the venv itself."""
    env = dict(os.environ)
    deps = os.environ.get("LISTSUM_SERVER_DEPS")
    if deps:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (deps, env.get("PYTHONPATH")) if p)
    return env


def _wait_ready(proc: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + READY_WITHIN
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"llama_cpp.server exited {proc.returncode} (its extras: pip install "
                        f"'llama-cpp-python[server]'): {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url + "/models", timeout=5) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"llama_cpp.server not ready within {READY_WITHIN:g} s: {log.read_text()[-2000:]}")


@pytest.fixture
def only_the_server(model_server: str, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every socket but the model server's is refused; returns what was reached."""
    port = int(model_server.rsplit(":", 1)[1].split("/")[0])
    seen: list[object] = []
    monkeypatch.setattr(socket.socket, "connect", only_to(port, seen))
    return seen


def _small(n: int = 2):
    built = build_week()
    chosen = [t for t in built.report.threads if t.subject in SMALL[:n]]
    assert len(chosen) == n
    return built, chosen


def test_real_server_summaries_counts_and_cache(model_server: str, only_the_server: list[object],
                                                tmp_path: Path) -> None:
    built, chosen = _small(2)
    store = Store(open_db(tmp_path / "s.db"))
    run = Run(SummariseSettings(engine="server", endpoint=model_server, prose=True), store=store)
    out = summarise_threads(run, chosen, built.threads, jobs=2)
    backend = run.backend
    assert isinstance(backend, ServerSummariser)
    assert backend.label == f"{MODEL} at {model_server.split('//')[1].removesuffix('/v1')}"
    assert backend.counting == "server /extras/tokenize/count"
    assert backend.n_ctx == 2048  # llama-cpp-python's server does not say its context: its default is assumed
    for tr, s in zip(chosen, out):
        assert tr.summary is s and s.text.strip() and not s.cached
        assert not any(f.startswith("server-error") for f in s.flags), s.flags
        assert s.engine == MODEL  # asked for prose (prose=True): a failed check leaves it out, marked
    assert run.usage.calls == 2 and run.usage.prompt_tokens > 200 and run.usage.completion_tokens > 0
    assert set(only_the_server) == {("127.0.0.1", int(model_server.rsplit(":", 1)[1].split("/")[0]))}
    again = Run(SummariseSettings(engine="server", endpoint=model_server, prose=True), store=store)
    assert all(s.cached for s in summarise_threads(again, chosen, built.threads, jobs=2))
    assert again.usage.calls == 0


def test_server_counts_tokens_like_the_in_process_tokenizer(model_server: str) -> None:
    from listsum.summarise.llama import LlamaSummariser

    local = LlamaSummariser(vocab_only=True)
    remote = ServerSummariser(endpoint=model_server)
    for text in ("Reviewed-by: Marc Zyngier <maz@kernel.org>", "KVM: arm64: vgic: Missing checks for REDIST"):
        # the server's route adds the BOS token
        assert remote.count_tokens(text) in (local.count_tokens(text), local.count_tokens(text) + 1)


def test_jobs_4_gives_the_jobs_1_summaries(model_server: str, only_the_server: list[object]) -> None:
    results, calls = [], []
    for jobs in (1, 4):
        built, chosen = _small(4)
        run = Run(SummariseSettings(engine="server", endpoint=model_server, use_cache=False, prose=True))
        run.options.max_tokens = 48
        results.append([(tr.id, s.engine, s.text) for tr, s in
                        zip(chosen, summarise_threads(run, chosen, built.threads, jobs=jobs))])
        calls.append(run.usage.calls)
    assert calls[0] == calls[1] >= sum(1 for tr in chosen if tr.summary.points)  # no thread lost or sent twice
    one, four = results
    assert [r[0] for r in four] == [r[0] for r in one]
    # The seed is fixed, so this server gives the same text whatever the order
    # (12 of 12 threads in bench/RESULTS.md, "model server").
    assert four == one


SCHEMA = {
    "type": "object",
    "properties": {"state": {"type": "string", "enum": ["applied", "changes requested", "pending"]},
                   "reviewers": {"type": "array", "items": {"type": "string"}, "maxItems": 3}},
    "required": ["state", "reviewers"],
}


def test_schema_constrained_output_is_valid_json(model_server: str, only_the_server: list[object]) -> None:
    import jsonschema

    backend = ServerSummariser(endpoint=model_server)
    prompt = Prompt(system="You read kernel mailing-list threads and answer in JSON.",
                    user="Marc Zyngier wrote: Applied to fixes, thanks!\nWho reviewed it and what is its state?",
                    completion="")
    out = backend.complete(prompt, Options(schema=SCHEMA, max_tokens=120))
    value = json.loads(out.text)
    jsonschema.validate(value, SCHEMA)


def test_eval_cli_through_the_server(model_server: str, week: Path) -> None:
    host = model_server.split("//")[1].removesuffix("/v1")
    res = CliRunner().invoke(app, ["eval", str(week), "--engine", "server", "--endpoint", model_server,
                                   "--jobs", "2", "--limit", "2"])
    assert res.exit_code == 0, res.output
    rows = {line[:24].strip(): line[24:] for line in res.stdout.splitlines() if line.strip()}
    assert rows["model"] == f"{MODEL} at {host}" and rows["threads"] == "2"
    assert rows["tokens counted by"] == "server /extras/tokenize/count"
    assert rows["server errors"] == "0" and rows["points without evidence"] == "0"
    attempts = int(rows["prose passed"].split("/")[-1].rstrip(")"))
    assert attempts > 0 and int(rows["model calls"]) >= attempts  # the prose it was asked for is scored


def test_a_model_the_server_does_not_have_is_refused(model_server: str) -> None:
    from listsum.summarise.server import ServerError

    backend = ServerSummariser(endpoint=model_server, model="qwen2.5-7b-instruct")
    with pytest.raises(ServerError, match=r"model 'qwen2.5-7b-instruct' is not served at 127.0.0.1:\d+ "
                                          r"\(it serves: .*SmolLM2-135M-Instruct.Q4_1.gguf\)") as err:
        backend.count_tokens("x")
    assert err.value.fatal
