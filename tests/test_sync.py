"""sync: clone every epoch of a public-inbox archive over HTTP from the test
server, then update it after the server grows, and read it incrementally."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from listsum.cli import load_commands, app
from listsum.errors import FetchError
from listsum.sources import reader, mailstore, sync
from pi_server import PiServer, pi_server  # noqa: F401

pytestmark = [pytest.mark.server, pytest.mark.corpus]
UTC = timezone.utc
load_commands()


class _CountingParse:
    def __init__(self) -> None:
        self.calls = 0
        self.real = reader.parse_message

    def __call__(self, *args: object, **kwargs: object):
        self.calls += 1
        return self.real(*args, **kwargs)


def test_sync_clones_all_epochs_then_reads_only_new_commits(pi_server: PiServer,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    served = list(pi_server.messages["kvsync"])
    assert len(served) == 94
    res = CliRunner().invoke(app, ["sync", "kvsync", "--server", pi_server.url, "-q"])
    assert res.exit_code == 0, res.output
    dest = mailstore.archive_dir("kvsync")
    assert "epoch 0: cloned, 56 new messages" in res.output
    assert "epoch 1: cloned, 38 new messages" in res.output
    assert sorted(p.name for p in (dest / "git").iterdir()) == ["0.git", "1.git"]
    assert not [p for p in (dest / "git").iterdir() if p.name.startswith(".")]  # no temp clones left

    parse = _CountingParse()
    monkeypatch.setattr(reader, "parse_message", parse)
    first = reader.read_inputs([str(dest)])
    assert {m.msgid for m in first.messages} == {m.msgid for m in served}
    assert parse.calls == 94

    # The server grows: a later day of the corpus lands in epoch 1.
    later = pi_server.later
    assert len(later) == 16
    pi_server.add("kvsync", 1, later)
    result = sync.sync_archive("kvsync", server=pi_server.url)
    assert [(e.epoch, e.old_tip is not None, e.new_commits) for e in result.epochs] == [(0, True, 0), (1, True, 16)]

    parse.calls = 0
    second = reader.read_inputs([str(dest)])
    assert parse.calls == 16  # only the new commits were parsed
    assert {m.msgid for m in second.messages} == {m.msgid for m in served + later}
    assert json.loads((dest / "listsum-sync.json").read_text())["tips"]["1"] == result.epochs[1].new_tip


def test_report_offline_reads_synced_archive(pi_server: PiServer, tmp_path: Path) -> None:
    dest = tmp_path / "kv"
    sync.sync_archive("kvsync", server=pi_server.url, dest=dest)
    since, until = datetime(2021, 8, 3, tzinfo=UTC), datetime(2021, 8, 5, tzinfo=UTC)
    want = sum(1 for m in pi_server.messages["kvsync"] if since <= m.date < until)
    assert want > 30
    out = tmp_path / "r.json"
    res = CliRunner().invoke(app, ["report", str(dest), "--since", "2021-08-03", "--until", "2021-08-04",
                                   "--engine", "none", "-o", str(out), "-q"])
    assert res.exit_code == 0, res.output
    assert json.loads(out.read_text())["stats"]["messages_in_window"] == want
    # --list NAME --offline finds the archive synced into the store.
    sync.sync_archive("kvsync", server=pi_server.url)
    out2 = tmp_path / "r2.json"
    res = CliRunner().invoke(app, ["report", "--list", "kvsync", "--offline", "--since", "2021-08-03",
                                   "--until", "2021-08-04", "--engine", "none", "-o", str(out2), "-q"])
    assert res.exit_code == 0, res.output
    assert json.loads(out2.read_text())["stats"]["messages_in_window"] == want


def test_sync_unknown_list(pi_server: PiServer, tmp_path: Path) -> None:
    with pytest.raises(FetchError, match=r"/nolist/git/0.git: no public-inbox archive there"):
        sync.sync_archive("nolist", server=pi_server.url, dest=tmp_path / "x")
    assert not (tmp_path / "x").exists()
