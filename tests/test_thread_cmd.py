"""`listsum thread`: the deep dive of Will Deacon's "Restrict host hypercalls
when pKVM is enabled" (v2 on 2021-10-05, v3 on 2021-10-08, both in the
served slice and in the week file), from the server and from a local mbox."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from listsum.cli import load_commands, app
from listsum.facts import body_text, own_lines
from listsum.facts.review import change_request
from listsum.sources.reader import read_inputs
from listsum.deepdive import changelog
from pi_server import PiServer, pi_server  # noqa: F401

pytestmark = [pytest.mark.corpus]
V2 = "20211005113721.29441-1-will@kernel.org"
V3 = "20211008135839.1193-1-will@kernel.org"
WEEK = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "kvmarm-2021-10-04.week.mbox.gz"
load_commands()


@pytest.mark.server
def test_thread_from_server_finds_both_revisions_and_reviews(pi_server: PiServer, tmp_path: Path) -> None:
    out = tmp_path / "dive.json"
    res = CliRunner().invoke(app, ["thread", f"{pi_server.url}/kvmarm/{V2}/", "-o", str(out), "-q",
                                   "--engine", "extractive"])
    assert res.exit_code == 0, res.output
    d = json.loads(out.read_text())
    assert d["thread_id"] == V2 and d["messages"] == 9
    assert [(r["version"], r["patches"], r["in_thread"]) for r in d["revisions"]] == [(2, 5, True), (3, 6, False)]
    assert d["revisions"][1]["changes"] == ["Included proposed cleanup (using an enum) from Marc", "Rebased onto -rc4"]
    cells = {(c["patch"][:13], c["person"]): c["kinds"] for c in d["matrix"]}
    assert cells[("[PATCH v2 5/5", "Marc Zyngier <maz@kernel.org>")] == ["changes requested"]
    assert cells[("[PATCH v2 2/5", "Quentin Perret <qperret@google.com>")] == ["Reviewed-by (carried)"]
    assert d["summary"]["engine"] == "extractive" and d["summary"]["fallback"] is False
    assert d["summary"]["headline"].startswith("Will Deacon posted v2 (5 patches) of KVM: arm64: Restrict host")
    assert [p["stance"] for p in d["summary"]["points"] if p["evidence"] == ["877depq9gw.wl-maz@kernel.org"]] == [
        "changes-requested"]
    assert [e["message_id"] for e in d["timeline"]][0] == V2


def test_thread_from_local_mbox_markdown(tmp_path: Path) -> None:
    out = tmp_path / "dive.md"
    res = CliRunner().invoke(app, ["thread", f"<{V3}>", "--mbox", str(WEEK), "-o", str(out), "--engine", "none"])
    assert res.exit_code == 0, res.output
    md = out.read_text()
    assert md.startswith("# [PATCH v3 0/6] KVM: arm64: Restrict host hypercalls when pKVM is enabled\n")
    assert "- **v2**: 2021-10-05 11:37, 5 patches" in md
    assert "- **v3** (this thread): 2021-10-08 13:58, 6 patches" in md
    assert "  - Fixed ordering of hypercalls in 'host_hcall' array" in md
    # The week file ends on the 10th: Marc's reply of the 11th is not in it, so nobody reviewed yet.
    assert "7 messages, 1 participants, 2021-10-08 13:58 .. 2021-10-08 13:58 UTC" in md
    # ... only the Acked-by Will carried into patch 1 (Marc's enum cleanup, which he posts).
    # Mail text escaped (report/escape.py), message ids as code spans.
    assert ("| Patch | Person | Given | Why |\n|---|---|---|---|\n| [PATCH v3 1/6] KVM: arm64: Turn "
            "\\_\\_KVM_HOST_SMCCC_FUNC\\_\\* into an enum (mostly) | Will Deacon \\<will\\@kernel.org\\> | "
            "Acked-by (carried) | `<20211008135839.1193-2-will@kernel.org>` |\n\n## Open questions") in md
    assert "## Summary (engine: none)\n\nNo model ran: summary not generated\n" in md


@pytest.mark.server
def test_unknown_message_on_server(pi_server: PiServer) -> None:
    res = CliRunner().invoke(app, ["thread", "nope@example.com", "--list", "kvmarm", "--server", pi_server.url, "-q"])
    assert res.exit_code == 1
    assert f"Error: {pi_server.url}/kvmarm/nope@example.com/t.mbox.gz: no such message on the server (HTTP 404)" \
        in res.output


def test_offline_thread_not_stored() -> None:
    res = CliRunner().invoke(app, ["thread", V3, "--offline", "--engine", "none"])
    assert res.exit_code == 1
    assert f"thread <{V3}> is not in the store (offline)" in res.output


def test_changelog_block() -> None:
    text = "Hi,\n\nChanges since v2 include:\n\n  - Add a comment\n  - Fixed ordering\n\nPatches based on -rc2.\n"
    assert changelog(text) == ["Add a comment", "Fixed ordering"]
    assert changelog("No changelog here.\n") == []


def test_local_mbox_extractive_summary_and_change_requests(tmp_path: Path) -> None:
    out = tmp_path / "dive.json"
    res = CliRunner().invoke(app, ["thread", V2, "--mbox", str(WEEK), "-o", str(out), "--engine", "extractive", "-q"])
    assert res.exit_code == 0, res.output
    d = json.loads(out.read_text())
    assert d["kind"] == "patch" and d["summary"]["engine"] == "extractive"
    # The record: who posted what, and Marc's request as his own sentence with its mail.
    assert d["summary"]["text"].startswith("Will Deacon posted v2 (5 patches) of KVM: arm64: Restrict host hypercalls")
    marc_point = next(p for p in d["summary"]["points"] if p["who"] == "Marc Zyngier <maz@kernel.org>")
    assert marc_point["stance"] == "changes-requested" and marc_point["evidence"] == ["877depq9gw.wl-maz@kernel.org"]
    assert "get rid of this #define insanity" in marc_point["text"]
    marc = next(c for c in d["matrix"] if c["person"] == "Marc Zyngier <maz@kernel.org>")
    assert marc["patch"].startswith("[PATCH v2 5/5]") and marc["kinds"] == ["changes requested"]
    asked = [(e["message_id"], e["rule"]) for e in marc["evidence"] if e["kind"] == "changes requested"]
    assert asked == [("877depq9gw.wl-maz@kernel.org", "please")]
    md = tmp_path / "dive.md"
    assert CliRunner().invoke(app, ["thread", V2, "--mbox", str(WEEK), "-o", str(md), "--engine", "extractive"]
                              ).exit_code == 0
    # The second run reads the summary back from the cache the first one filled.
    assert "## Summary (engine: extractive, cached)\n\nWill Deacon posted v2 (5 patches) of" in md.read_text()


def test_bad_engine_is_a_usage_error() -> None:
    res = CliRunner().invoke(app, ["thread", V2, "--mbox", str(WEEK), "--engine", "gpt"])
    assert res.exit_code == 2 and "unknown --engine 'gpt'" in res.output


def test_engine_server_is_refused_before_any_mail_is_read() -> None:
    # The same policy as `listsum report`: a host other than this machine needs
    # --allow-host, and no endpoint at all is an error; both before reading
    # (a missing --mbox would otherwise be the first complaint).
    missing = "/nonexistent/listsum-test.mbox"
    res = CliRunner().invoke(app, ["thread", V2, "--mbox", missing, "--engine", "server",
                                   "--endpoint", "http://gpu.example.org:8000/v1"])
    assert res.exit_code == 2
    assert "Error: --endpoint http://gpu.example.org:8000/v1: gpu.example.org is not this machine" in res.output
    assert "--allow-host gpu.example.org" in res.output and missing not in res.output
    res = CliRunner().invoke(app, ["thread", V2, "--mbox", missing, "--engine", "server"])
    assert res.exit_code == 2 and "--engine server needs --endpoint URL" in res.output
    res = CliRunner().invoke(app, ["thread", V2, "--mbox", str(WEEK), "--engine", "extractive",
                                   "--endpoint", "http://127.0.0.1:8080/v1"])
    assert res.exit_code == 2 and "--endpoint and --allow-host go with --engine server" in res.output


def test_engine_server_summarises_through_the_endpoint() -> None:
    from openai_stub import Stub

    with Stub() as stub:
        res = CliRunner().invoke(app, ["thread", V2, "--mbox", str(WEEK), "--engine", "server", "--endpoint",
                                       stub.url, "--format", "json", "-q"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert d["summary"]["engine"] == "stub-model" and "/v1/models" in [p for p, _ in stub.requests]
    assert not any(f.startswith("server-error") for f in d["summary"]["flags"])


def _gate_off(user_dir: Path) -> None:
    (user_dir / "config").mkdir(exist_ok=True)
    (user_dir / "config" / "config.toml").write_text("choose = false\nprose = false\n")


def test_progress_says_rules_alone_when_the_gate_keeps_the_model_out(_isolated_user_dir: Path) -> None:
    # The trial: "summarising with llama", then a record by the rules. The
    # line now says what happens, and why, before the summary is made.
    args = ["thread", V2, "--mbox", str(WEEK), "--engine", "echo", "--format", "json"]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    assert "summarising with echo: it chooses where the rules are unsure\n" in res.stderr
    _gate_off(_isolated_user_dir)
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    assert "rules alone: the config (choose/prose) keep echo from choosing (listsum models)\n" in res.stderr
    assert "summarising with" not in res.stderr
    assert json.loads(res.stdout)["summary"]["engine"] == "extractive"
    res = CliRunner().invoke(app, [*args[:-4], "--engine", "extractive", "--format", "json"])
    assert "summarising by rules alone (--engine extractive)\n" in res.stderr


def test_report_says_rules_alone_when_the_gate_keeps_the_model_out(_isolated_user_dir: Path,
                                                                   tmp_path: Path) -> None:
    args = ["report", str(WEEK), "--engine", "echo", "-o", str(tmp_path / "week.json")]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0 and "rules alone" not in res.stderr
    _gate_off(_isolated_user_dir)
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    assert res.stderr.splitlines()[0] == ("rules alone: the config (choose/prose) keep echo from choosing "
                                          "(listsum models)")
    assert "rules alone" not in CliRunner().invoke(app, [*args, "-q"]).stderr


# (message id prefix, a fragment of the line, rule or None): real replies of the week.
ASKS = [
    ("875yudrr1v.wl-maz@kernel.org", "Can you please provide some traces", "please"),
    ("877depq9gw.wl-maz@kernel.org", "can we *please* try to get rid", "please"),
    ("87zgrordsq.wl-maz@kernel.org", "Please consider subscribing", "please"),  # a process request is one too
    ("dbe883ca-880e-7f2b-1de7-4b2d3361545d@redhat.com", "So to me we should keep vms->highmem", "should"),
    ("20211008062855.3g34sxevl6w3gn6h@gator.home", "^ should be 1", "should"),
    ("YVxtvx3IJ5g1SG+x@google.com", "The address should also be checked", "should"),
    ("20211006110211.y6kzmjlzgardmwif@gator.home", "Why are the lock asserts getting dropped?", "question"),
    ("CA+EHjTxH4MhqrO1G_YmYSEwLceG6xxMe4SSRbSHVtmXSSSpy4A@mail.gmail.com", "What do you think?", "question"),
    ("20211005085249.hywbc7wqggxdgw5u@gator.home", '"should never happen" situations.', None),
    ("20211005085249.hywbc7wqggxdgw5u@gator.home", "should / should not expose, but I like", None),
    ("874k9xrl2p.wl-maz@kernel.org", "// KVM_CAP_SYNC_MMU?", None),
]


@pytest.fixture(scope="module")
def week_by_id() -> dict:
    return {m.msgid: m for m in read_inputs([str(WEEK)]).messages}


@pytest.mark.parametrize(("msgid", "fragment", "rule"), ASKS)
def test_change_request_rules_on_real_lines(week_by_id: dict, msgid: str, fragment: str, rule: str | None) -> None:
    line = next(ln for ln in own_lines(body_text(week_by_id[msgid])) if fragment in ln)
    assert change_request(line) == rule


def test_change_request_rules_nak_and_questions_between_reviewers() -> None:
    assert change_request("NAK, this breaks nVHE.") == "nak"
    assert change_request("Nacked-by: Marc Zyngier <maz@kernel.org>") == "nak"
    assert change_request("I'd rather keep the enum.") == "prefer"
    # A question answering another reviewer asks the author nothing.
    assert change_request("Why are the lock asserts getting dropped?", to_author=False) is None
