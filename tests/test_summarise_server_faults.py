"""--engine server against a small local HTTP server that answers, fails or
hangs on demand (tests/openai_stub.py): the endpoint policy, every error
becoming one clear line and a marked model-free summary, --jobs summarising
each thread exactly once, the SQLite cache under concurrent writers, and no
socket opened to anything but the named server. The real llama-cpp-python
server is in test_summarise_server.py."""

from __future__ import annotations

import json
import socket
import sqlite3
import threading
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from listsum.cli import app, load_commands
from listsum.errors import UsageError
from listsum.cache import Cached, Store, open_db
from listsum.summarise.base import Options, Prompt
from listsum.summarise.run import SummariseSettings, summarise_report
from listsum.summarise.server import ServerError, ServerSummariser, check_endpoint
from openai_stub import Stub, only_to
from summarise_helpers import build_week

load_commands()


def _settings(url: str, **kw: object) -> SummariseSettings:
    # prose=True: every thread with points asks the model (the gate would keep a model
    # without gold figures to stance choices, which only some threads need).
    return SummariseSettings(engine="server", endpoint=url, **{"prose": True, **kw})  # type: ignore[arg-type]


def _summarise(url: str, limit: int | None = None, **kw: object):
    built = build_week()
    if limit is not None:
        built.report.threads = built.report.threads[:limit]
    notes: list[str] = []
    run = summarise_report(built.report, built.threads, _settings(url, **kw),
                           progress=lambda s, d, t: notes.append(s) if d < 0 else None)
    return built, run, notes


# --- where mail may go ------------------------------------------------------

@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/v1", "http://localhost:11434", "http://[::1]:8000/v1",
                                 "https://127.3.2.1/v1"])
def test_loopback_endpoints_pass(url: str) -> None:
    assert check_endpoint(url)


def test_other_hosts_need_allow_host() -> None:
    with pytest.raises(UsageError, match="gpu.example.org is not this machine; mail would leave it"):
        check_endpoint("http://gpu.example.org:8000/v1")
    with pytest.raises(UsageError, match="10.0.0.7 is not this machine"):
        check_endpoint("http://10.0.0.7:8000/v1", ["gpu.example.org"])
    assert check_endpoint("http://GPU.example.org:8000/v1", ["gpu.example.org"]) == "gpu.example.org:8000"
    with pytest.raises(UsageError, match="not an http"):
        check_endpoint("ftp://127.0.0.1/v1")


def test_cli_refuses_before_reading_and_config_can_trust(week: Path, _isolated_user_dir: Path) -> None:
    args = ["report", str(week), "--engine", "server", "--endpoint", "http://gpu.example.org:8000/v1"]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 2
    assert "Error: --endpoint http://gpu.example.org:8000/v1: gpu.example.org is not this machine" in res.output
    assert "--allow-host gpu.example.org" in res.output
    # Trusted in the config: it gets past the check and then fails to connect
    # (conftest refuses every non-loopback socket), each thread falling back.
    (_isolated_user_dir / "config").mkdir()
    (_isolated_user_dir / "config" / "config.toml").write_text('trusted_hosts = ["gpu.example.org"]\n')
    res = CliRunner().invoke(app, [*args, "--model", "m", "--format", "json", "-q"])
    assert res.exit_code == 4, res.output  # written, but the server summarised nothing
    out = json.loads(res.stdout[res.stdout.index("{"):])
    assert out["summarised_by"] == "m at gpu.example.org:8000"
    # A thread whose record needed the model falls back, marked; none was written by it.
    failed = [t for t in out["threads"] if t["summary"]["fallback"]]
    assert failed and all(t["summary"]["engine"] == "extractive" for t in out["threads"])
    assert failed[0]["summary"]["flags"][0].startswith(
        "server-error: model server at gpu.example.org:8000 is not reachable")


def test_no_socket_but_the_named_server() -> None:
    with Stub() as stub:
        port = stub.server.server_address[1]
        seen: list[object] = []
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(socket.socket, "connect", only_to(port, seen))
            built, run, notes = _summarise(stub.url, limit=4, jobs=2)
        assert seen and set(seen) == {("127.0.0.1", port)}
        assert notes == [] and not any(f.startswith("server-error") for t in built.report.threads
                                   for f in t.summary.flags)


# --- errors: one line each, the thread falls back, the run goes on ----------

def test_server_down_every_thread_falls_back_marked() -> None:
    with Stub() as stub:
        url = stub.url
    built, run, notes = _summarise(url, model="stub-model", jobs=4)  # the port is closed now
    assert len(built.report.threads) == 30
    assert all(t.summary.fallback and t.summary.engine == "extractive" for t in built.report.threads)
    flag = built.report.threads[0].summary.flags[0]
    assert flag.startswith("server-error: model server at 127.0.0.1:") and "is not reachable" in flag
    assert "\n" not in flag
    # Said once, not 30 times; after the first failure the rest are not sent.
    assert len(notes) == 1 and notes[0].startswith("model server: model server at 127.0.0.1:")
    assert "(hint: start the server, or check --endpoint)" in notes[0]
    assert built.report.summarised_by.startswith("stub-model at 127.0.0.1:")


def test_unknown_model_is_named_with_what_the_server_has() -> None:
    with Stub(models=("qwen2.5-7b", "llama3.1-8b")) as stub:
        built, _, notes = _summarise(stub.url, limit=3, model="mistral")
        assert stub.chats() == []
    assert notes[0].startswith("model server: model 'mistral' is not served at 127.0.0.1:")
    assert "(it serves: qwen2.5-7b, llama3.1-8b)" in notes[0]
    assert all(t.summary.fallback for t in built.report.threads)


@pytest.mark.parametrize(("status", "message", "expected"), [
    (500, "llama_decode returned -1", "answered 500: llama_decode returned -1"),
    (400, "Requested tokens (9000) exceed context window of 2048",
     "prompt too long for the model's context at 127.0.0.1:"),
    (401, "invalid api key", "refused the request (401): invalid api key"),
    (404, "model 'x' not found, try pulling it first", "model 'stub-model' does not exist at 127.0.0.1:"),
])
def test_status_errors_are_one_clear_line(status: int, message: str, expected: str) -> None:
    with Stub(fail={"/v1/chat/completions": (status, message)}) as stub:
        backend = ServerSummariser(endpoint=stub.url, model="stub-model")
        with pytest.raises(ServerError) as err:
            backend.complete(Prompt("s", "Subject: x", "x"), Options())
    assert expected in err.value.message and "\n" not in err.value.message
    assert err.value.fatal == (status in (401, 404))


def test_timeout_is_named_and_bounded() -> None:
    with Stub(hang=3.0) as stub:
        built, _, notes = _summarise(stub.url, limit=2, model="stub-model", timeout=0.5)
    assert notes[0] == "model server: model server at " + stub.url.split("//")[1].removesuffix("/v1") + \
        " did not answer within 0.5 s (hint: a loaded server needs longer: set timeout in the config)"
    assert [t.summary.fallback for t in built.report.threads] == [True, True]


def test_failing_threads_fall_back_the_others_do_not_and_none_is_lost() -> None:
    from listsum.summarise.run import rules_record

    built = build_week()
    picked = [built.report.threads[i] for i in (2, 10, 20)]
    # The record's headline is in every prompt of its thread (choices and prose).
    bad = [rules_record(t, built.threads[t.id]).headline for t in picked]
    with Stub(fail_subjects=tuple(bad)) as stub:
        built, run, notes = _summarise(stub.url, jobs=4)
        chats = stub.chats()
    failed = [t for t in built.report.threads if any(f.startswith("server-error") for f in t.summary.flags)]
    assert sorted(t.id for t in failed) == sorted(t.id for t in picked)
    assert all(t.summary.fallback and t.summary.flags == ["server-error: model server at "
               + stub.url.split("//")[1][:-3] + " answered 500: llama_decode failed"] for t in failed)
    assert len(notes) == 1  # the same message is said once; each thread's flag carries it
    ok = [t for t in built.report.threads if t not in failed]
    assert len(ok) == 27 and all(t.summary.engine == "stub-model" for t in ok if t.summary.points)
    # a failing thread is asked exactly twice (the client retries a 500 once), then falls back
    texts = [c["messages"][-1]["content"] for c in chats]
    assert [sum(b in x for x in texts) for b in bad] == [2, 2, 2]


# --- the exit code says whether the server helped ----------------------------

def _report(args: list[str], out: Path):  # -> (result, the JSON report written)
    res = CliRunner().invoke(app, ["report", *args, "--engine", "server", "-o", str(out), "-q"])
    return res, json.loads(out.read_text())


def _flagged(report: dict) -> list[dict]:
    return [t for t in report["threads"] if any(f.startswith("server-error: ") for f in t["summary"]["flags"])]


@pytest.mark.parametrize("model", [["--model", "stub-model"], []])
def test_server_down_writes_the_rules_report_and_exits_4(week: Path, tmp_path: Path, model: list[str]) -> None:
    with Stub() as stub:
        url = stub.url
    host = url.split("//")[1].removesuffix("/v1")
    out = tmp_path / "week.json"
    res, report = _report([str(week), "--endpoint", url, *model], out)  # the port is closed now
    assert res.exit_code == 4, res.output
    failed = _flagged(report)
    assert failed and all(t["summary"]["engine"] == "extractive" for t in report["threads"])
    first = failed[0]["summary"]["flags"][0].removeprefix("server-error: ")
    assert first.startswith(f"model server at {host} is not reachable (")
    # With --model the backend exists and names itself; without it the first error names the host.
    who = f"the model server stub-model at {host}" if model else "the model server"
    assert res.stderr.splitlines()[-1] == (f"Error: no summary from {who}: {len(failed)} of 30 threads have "
                                           f"rules-only records, marked server-error; first error: {first}")
    assert res.stderr.splitlines()[0] == f"wrote {out} (json): 30 threads, 248 messages in window"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["week.json"]  # atomic: no temp file left


def test_some_threads_failed_exits_0_and_says_how_many(week: Path, tmp_path: Path,
                                                    _isolated_user_dir: Path) -> None:
    from listsum.summarise.run import rules_record

    built = build_week()
    picked = [built.report.threads[i] for i in (2, 10, 20)]
    bad = [rules_record(t, built.threads[t.id]).headline for t in picked]
    # Prose on: its prompt carries the headline, so exactly the picked threads fail.
    (_isolated_user_dir / "config").mkdir()
    (_isolated_user_dir / "config" / "config.toml").write_text("prose = true\n")
    with Stub(fail_subjects=tuple(bad)) as stub:
        res, report = _report([str(week), "--endpoint", stub.url, "--jobs", "2"], tmp_path / "week.json")
    host = stub.url.split("//")[1].removesuffix("/v1")
    assert res.exit_code == 0, res.output
    assert sorted(t["id"] for t in _flagged(report)) == sorted(t.id for t in picked)
    assert res.stderr.splitlines()[-1] == (
        f"Warning: the model server stub-model at {host} failed on 3 of 30 threads (rules-only "
        f"records, marked server-error); first error: model server at {host} answered 500: llama_decode failed")


def test_a_healthy_server_says_nothing_more(week: Path, tmp_path: Path) -> None:
    with Stub() as stub:
        res, report = _report([str(week), "--endpoint", stub.url], tmp_path / "week.json")
    assert res.exit_code == 0 and not _flagged(report)
    assert res.stderr.splitlines() == [f"wrote {tmp_path / 'week.json'} (json): 30 threads, 248 messages in window"]


def test_failures_count_model_answers_not_thread_order() -> None:
    from listsum.model import Summary
    from listsum.summarise.jobs import failures

    down = Summary("r", "extractive", True, ["server-error: model server at h is not reachable"])
    rules = Summary("r", "extractive")  # needed no model: neither answered nor failed
    chose = Summary("r", "stub-model", cached=True)
    assert failures([rules, down, down]).all_failed
    assert failures([down, rules]) == failures([rules, down])
    some = failures([down, chose, rules])
    assert (some.threads, some.failed, some.answered, some.all_failed) == (3, 1, 1, False)
    assert some.first == "model server at h is not reachable"
    assert not failures([rules, chose]).failed


# --- --jobs ------------------------------------------------------------------

def test_jobs_4_equals_jobs_1_and_is_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Stub() as stub:
        one, _, _ = _summarise(stub.url, jobs=1)
        n1 = len(stub.chats())
        monkeypatch.setenv("LISTSUM_USER_PATH", str(tmp_path))  # a fresh cache: the second run really asks
        four, run4, _ = _summarise(stub.url, jobs=4)
        assert len(stub.chats()) == 2 * n1
        again, run_again, _ = _summarise(stub.url, jobs=4)
        assert len(stub.chats()) == 2 * n1 and run_again.cache_hits == 30
    texts = [t.summary.text for t in one.report.threads]
    assert [t.summary.text for t in four.report.threads] == texts
    assert [t.summary.text for t in again.report.threads] == texts and all(
        t.summary.cached for t in again.report.threads)
    assert len(set(texts)) > 20  # distinct per thread: no summary landed in another thread's slot


def test_progress_counts_threads_and_tokens_per_second() -> None:
    calls: list[tuple[str, int, int]] = []
    built = build_week()
    with Stub() as stub:
        summarise_report(built.report, built.threads, _settings(stub.url, jobs=3),
                         progress=lambda s, d, t: calls.append((s, d, t)))
    assert sorted(d for _, d, _ in calls) == list(range(1, 31)) and {t for _, _, t in calls} == {30}
    assert all(" tok/s, 3 jobs)" in s for s, _, _ in calls)


def test_store_concurrent_writers(tmp_path: Path) -> None:
    store = Store(open_db(tmp_path / "s.db"))
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(100):
                store.put(f"k{n}-{i}", f"t{n}", "en", Cached(f"text {n} {i}", "m", False, ["f"]))
                assert store.get(f"k{n}-{i}").text == f"text {n} {i}"
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    store.close_others()
    assert errors == []
    assert store.count() == 800
    assert sqlite3.connect(tmp_path / "s.db").execute("SELECT count(DISTINCT key) FROM summaries").fetchone() == (800,)


def test_memory_store_and_in_process_engines_keep_one_job() -> None:
    from echo_backend import EchoSummariser
    from listsum.summarise.jobs import jobs_for
    from listsum.summarise.llama import LlamaSummariser
    from listsum.summarise.run import Run

    assert LlamaSummariser.concurrent is False  # one prompt at a time: it already uses every core
    assert jobs_for(Run(SummariseSettings(engine="echo"), backend=EchoSummariser()), 4) == 1

    with Stub() as stub:
        run = Run(_settings(stub.url, model="stub-model"), store=Store(sqlite3.connect(":memory:")))
        assert jobs_for(run, 4) == 1
        run_file = Run(_settings(stub.url, model="stub-model"))
        assert jobs_for(run_file, 4) == 4


# --- constrained output ------------------------------------------------------

SCHEMA = {"type": "object", "properties": {"state": {"enum": ["applied", "pending"]}}, "required": ["state"]}


def test_schema_goes_as_response_format_and_falls_back_to_openai_form() -> None:
    with Stub(reply='{"state": "applied"}') as stub:
        backend = ServerSummariser(endpoint=stub.url)
        out = backend.complete(Prompt("s", "u", "x"), Options(schema=SCHEMA))
        assert json.loads(out.text) == {"state": "applied"}
        assert stub.chats()[-1]["response_format"] == {"type": "json_object", "schema": SCHEMA}

    class OpenAIOnly(Stub):
        def chat(self, h, body):  # type: ignore[no-untyped-def]
            if body.get("response_format", {}).get("type") == "json_object":
                from openai_stub import _json
                return _json(h, 400, {"error": {"message": "response_format.type: json_object unsupported"}})
            return super().chat(h, body)

    with OpenAIOnly(reply='{"state": "pending"}') as stub:
        backend = ServerSummariser(endpoint=stub.url)
        out = backend.complete(Prompt("s", "u", "x"), Options(schema=SCHEMA))
        assert json.loads(out.text) == {"state": "pending"}
        assert stub.chats()[-1]["response_format"] == {
            "type": "json_schema", "json_schema": {"name": "answer", "schema": SCHEMA, "strict": True}}


# --- rendering and eval ------------------------------------------------------

def test_header_names_model_and_host_in_every_format(week: Path) -> None:
    with Stub(models=("qwen2.5:7b",)) as stub:
        host = stub.url.split("//")[1].removesuffix("/v1")
        base = ["report", str(week), "--engine", "server", "--endpoint", stub.url, "--jobs", "4", "-q"]
        md = CliRunner().invoke(app, [*base, "--format", "md"])
        js = CliRunner().invoke(app, [*base, "--format", "json"])
        term = CliRunner().invoke(app, [*base, "--format", "terminal"])
    assert md.exit_code == js.exit_code == term.exit_code == 0, md.output
    assert f"**Summaries by**: qwen2.5:7b at {host}\n" in md.stdout
    assert json.loads(js.stdout)["summarised_by"] == f"qwen2.5:7b at {host}"
    assert f"qwen2.5:7b at {host}" in term.stdout and "Summaries by" in term.stdout


def test_eval_through_a_server(week: Path) -> None:
    with Stub() as stub:
        res = CliRunner().invoke(app, ["eval", str(week), "--engine", "server", "--endpoint", stub.url,
                                       "--jobs", "2", "--limit", "4"])
    assert res.exit_code == 0, res.output
    rows = {line[:24].strip(): line[24:] for line in res.stdout.splitlines() if line.strip()}
    assert rows["model"] == f"stub-model at {stub.url.split('//')[1].removesuffix('/v1')}"
    assert rows["threads"] == "4" and rows["server errors"] == "0"
    assert rows["tokens counted by"] == "server /extras/tokenize/count"
    # The record is scored: the stub's prose answers are no JSON, so every one asked for is rejected
    # and the points are the rules' own (a choice that is no JSON changes nothing).
    from listsum.summarise.run import rules_record

    built = build_week()
    first = [t for t in built.report.threads if t.id in built.threads][:4]
    rules = [rules_record(t, built.threads[t.id]).points for t in first]
    asked = sum(1 for pts in rules if pts)
    assert rows["points"] == f"{sum(map(len, rules))}, {sum(map(len, rules)) / 4:.2f} per thread"
    assert rows["points without evidence"] == "0" and rows["stances changed"] == "0"
    assert rows["prose passed"] == f"0% (0/{asked})" and rows["prose rejected"] == f"not the JSON asked for {asked}"
    assert int(rows["model calls"]) >= asked > 0


def test_an_answer_cut_off_by_the_server_is_an_error_not_an_empty_summary() -> None:
    with Stub(cut=True) as stub:
        built, _, notes = _summarise(stub.url, limit=2, model="stub-model", jobs=2)
    assert notes[0].startswith("model server: model server at 127.0.0.1:")
    assert "ended an answer without finishing it (hint: llama-cpp-python's server drops a request" in notes[0]
    assert all(t.summary.fallback and t.summary.flags[0].startswith("server-error") for t in built.report.threads)


def test_without_a_tokenize_route_tokens_are_estimated_and_said_so() -> None:
    with Stub(tokenize=False) as stub:
        backend = ServerSummariser(endpoint=stub.url)
        assert backend.count_tokens("x" * 225) == 101  # 2.25 characters per token, rounded up
    assert backend.counting == "estimate: 1 token per 2.25 characters (the server cannot tokenize)"


def test_dry_run_counts_with_the_servers_tokenizer(week: Path) -> None:
    with Stub() as stub:
        res = CliRunner().invoke(app, ["report", str(week), "--engine", "server", "--endpoint", stub.url,
                                       "--dry-run", "-q"])
        counted = [b["input"] for p, b in stub.requests if p == "/extras/tokenize/count"]
        assert stub.chats() == []  # nothing generated
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert lines[-1].endswith("total prompt tokens, 30 threads") and len(lines) == 31
    total = int(lines[-1].split()[0])
    assert counted and sum(int(ln.split()[0]) for ln in lines[:-1]) == total
    assert total < 38_573 * 0.7  # the stub counts words: far fewer than SmolLM2's 38,573 tokens
