"""Other revisions found on a real public-inbox server (public-inbox-httpd on 127.0.0.1).

A small inbox of its own ("pkvm": Will Deacon's "Restrict host hypercalls
when pKVM is enabled", v1 of 2021-09-23, v2 and v3, 34 mails from the
kvmarm archive), so the shared kvmarm slice of pi_server.py keeps its
counts. The v3 cover letter links v1 and v2 ("v1: https://lore.kernel.org/r/...").
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from pi_server import ARCHIVE, _free_port, _init_inbox, _run, _wait_up, import_messages, missing_binaries
from typer.testing import CliRunner

from listsum.cli import app, load_commands
from listsum.gather import follow_links
from listsum.mail.threads import build_threads
from listsum.sources.reader import read_inputs
from listsum.deepdive import find_thread

pytestmark = [pytest.mark.corpus, pytest.mark.server]
V1 = "20210923112256.15767-1-will@kernel.org"
V2 = "20211005113721.29441-1-will@kernel.org"
V3 = "20211008135839.1193-1-will@kernel.org"
load_commands()


@pytest.fixture(scope="module")
def pkvm_server() -> Iterator[str]:
    if missing := missing_binaries():
        pytest.skip(f"public-inbox not installed (missing {', '.join(missing)})")
    threads = build_threads(read_inputs([str(ARCHIVE)]).messages)
    msgs = sorted((m for mid in (V1, V2, V3) for m in find_thread(threads, mid).messages),
                  key=lambda m: (m.date, m.msgid))
    root = Path(tempfile.mkdtemp(prefix="listsum-pkvm-"))
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {"PATH": os.environ["PATH"], "HOME": str(root / "home"), "PI_CONFIG": str(root / "pi-config"),
           "GIT_CONFIG_NOSYSTEM": "1", "TZ": "UTC"}
    (root / "home").mkdir()
    inbox = _init_inbox(root, "pkvm", url, env)
    import_messages(inbox / "git" / "0.git", msgs, env)
    _run(["public-inbox-index", str(inbox)], env)
    with open(root / "httpd.log", "wb") as log:
        proc = subprocess.Popen(["public-inbox-httpd", "-l", url], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_up(f"{url}/pkvm/", proc)
        yield url
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(root, ignore_errors=True)


def test_thread_from_server_finds_v1_and_compares_every_round(pkvm_server: str, tmp_path: Path) -> None:
    out = tmp_path / "dive.json"
    res = CliRunner().invoke(app, ["thread", V3, "--server", pkvm_server, "--list", "pkvm", "--engine", "none",
                                   "-o", str(out)])
    assert res.exit_code == 0, res.output
    # The searches: the cover's title, then the author with the patches' titles.
    assert 'searching ' in res.output and "f%3Awill%40kernel.org+AND+%28s%3A%22" in res.output
    d = json.loads(out.read_text())
    assert [(r["version"], r["patches"], r["in_thread"]) for r in d["revisions"]] == [
        (1, 5, False), (2, 5, False), (3, 6, True)]
    assert [(s["from_version"], s["to_version"]) for s in d["steps"]] == [(1, 2), (2, 3)]
    # v2's cover: "Changes since v1 include: ... Added reviewed-by tags".
    assert "Added reviewed-by tags" in d["revisions"][1]["changes"]
    carried = {(t["patch"][:13], t["status"]) for t in d["steps"][0]["trailers"]}
    assert ("[PATCH 2/5] K", "carried") in carried
    # What was fetched is in the store: the same dive offline, no server.
    res = CliRunner().invoke(app, ["thread", V3, "--list", "pkvm", "--offline", "--engine", "none", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert [r["version"] for r in json.loads(out.read_text())["revisions"]] == [1, 2, 3]


def test_revision_links_in_a_cover_letter_are_followed(pkvm_server: str) -> None:
    v3_only = [m for m in read_inputs([str(ARCHIVE)]).messages if m.msgid.startswith("20211008135839.1193-")]
    lines: list[str] = []
    paths = follow_links(v3_only, "pkvm", pkvm_server, lines.append)
    assert lines == [f"following a revision link to <{V1}>", f"following a revision link to <{V2}>"]
    got = {m.msgid for m in read_inputs(paths).messages}
    assert V1 in got and V2 in got and len(got) == 17 + 9


def test_links_the_server_does_not_have_are_skipped(pkvm_server: str) -> None:
    # Raghavendra Rao's arch_timer selftest v8 cover links v1..v7: none is on this server.
    cover = [m for m in read_inputs([str(ARCHIVE)]).messages if m.msgid == "20211007233439.1826892-1-rananta@google.com"]
    lines: list[str] = []
    assert follow_links(cover, "pkvm", pkvm_server, lines.append) == []
    assert len(lines) >= 8 and lines[1].startswith("  not on the server: ") and "HTTP 404" in lines[1]
