"""`listsum thread`: the deep dive of Will Deacon's "Restrict host hypercalls
when pKVM is enabled" (v2 on 2021-10-05, v3 on 2021-10-08, both in the
served slice and in the week file), from the server and from a local mbox."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from listsum.cli import _register, app
from listsum.thread_report import changelog
from pi_server import PiServer, pi_server  # noqa: F401

pytestmark = [pytest.mark.corpus]
V2 = "20211005113721.29441-1-will@kernel.org"
V3 = "20211008135839.1193-1-will@kernel.org"
WEEK = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "kvmarm-2021-10-04.week.mbox.gz"
_register()


@pytest.mark.server
def test_thread_from_server_finds_both_revisions_and_reviews(pi_server: PiServer, tmp_path: Path) -> None:
    out = tmp_path / "dive.json"
    res = CliRunner().invoke(app, ["thread", f"{pi_server.url}/kvmarm/{V2}/", "-o", str(out), "-q"])
    assert res.exit_code == 0, res.output
    d = json.loads(out.read_text())
    assert d["thread_id"] == V2 and d["messages"] == 9
    assert [(r["version"], r["patches"], r["in_thread"]) for r in d["revisions"]] == [(2, 5, True), (3, 6, False)]
    assert d["revisions"][1]["changes"] == ["Included proposed cleanup (using an enum) from Marc", "Rebased onto -rc4"]
    cells = {(c["patch"][:13], c["person"]): c["kinds"] for c in d["matrix"]}
    assert cells[("[PATCH v2 5/5", "Marc Zyngier <maz@kernel.org>")] == ["commented"]
    assert [e["message_id"] for e in d["timeline"]][0] == V2


def test_thread_from_local_mbox_markdown(tmp_path: Path) -> None:
    out = tmp_path / "dive.md"
    res = CliRunner().invoke(app, ["thread", f"<{V3}>", "--mbox", str(WEEK), "-o", str(out)])
    assert res.exit_code == 0, res.output
    md = out.read_text()
    assert md.startswith("# [PATCH v3 0/6] KVM: arm64: Restrict host hypercalls when pKVM is enabled\n")
    assert "- **v2**: 2021-10-05 11:37, 5 patches" in md
    assert "- **v3** (this thread): 2021-10-08 13:58, 6 patches" in md
    assert "  - Fixed ordering of hypercalls in 'host_hcall' array" in md
    # The week file ends on the 10th: Marc's reply of the 11th is not in it, so nobody reviewed yet.
    assert "7 messages, 1 participants, 2021-10-08 13:58 .. 2021-10-08 13:58 UTC" in md
    assert "| Patch | Person | Given |\n|---|---|---|\n\n## Open questions" in md


@pytest.mark.server
def test_unknown_message_on_server(pi_server: PiServer) -> None:
    res = CliRunner().invoke(app, ["thread", "nope@example.com", "--list", "kvmarm", "--server", pi_server.url, "-q"])
    assert res.exit_code == 1
    assert f"Error: {pi_server.url}/kvmarm/nope@example.com/t.mbox.gz: no such message on the server (HTTP 404)" \
        in res.output


def test_offline_thread_not_stored() -> None:
    res = CliRunner().invoke(app, ["thread", V3, "--offline"])
    assert res.exit_code == 1
    assert f"thread <{V3}> is not in the store (offline)" in res.output


def test_changelog_block() -> None:
    text = "Hi,\n\nChanges since v2 include:\n\n  - Add a comment\n  - Fixed ordering\n\nPatches based on -rc2.\n"
    assert changelog(text) == ["Add a comment", "Fixed ordering"]
    assert changelog("No changelog here.\n") == []
