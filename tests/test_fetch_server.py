"""fetch against a real public-inbox-httpd on 127.0.0.1 (tests/pi_server.py),
and the failures: nothing listening, unknown list, 429, truncated gzip."""

from __future__ import annotations

import gzip
import http.server
import json
import socket
import threading
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from listsum import settings
from listsum.cli import load_commands, app
from listsum.errors import FetchError
from listsum.mail.message import parse_message
from listsum.sources import lore, mailstore
from listsum.sources.mbox import load_bytes, split_mbox
from pi_server import PiServer, pi_server  # noqa: F401

pytestmark = [pytest.mark.server, pytest.mark.corpus]
UTC = timezone.utc
SINCE = datetime(2021, 10, 4, tzinfo=UTC)
UNTIL = datetime(2021, 10, 8, tzinfo=UTC)
load_commands()


def _ids(path: Path) -> dict[str, datetime]:
    out = {}
    for raw, origin in split_mbox(load_bytes(str(path)), str(path)):
        msg = parse_message(raw, origin)
        out[msg.msgid] = msg.date
    return out


def test_fetch_window_has_every_message_of_the_window(pi_server: PiServer) -> None:
    path = lore.window_mbox("kvmarm", SINCE, UNTIL, server=pi_server.url)
    got = _ids(path)
    served = {m.msgid: m.date for m in pi_server.messages["kvmarm"]}
    want = {mid for mid, d in served.items() if SINCE <= d < UNTIL}
    assert len(want) == 160  # 2021-10-04..07 in the corpus: 52 + 67 + 15 + 26
    assert want <= set(got)
    # Whole threads: context from before the window comes along, all of it real corpus mail.
    assert set(got) <= set(served)
    assert min(got.values()) < SINCE
    assert path.parent == settings.data_dir() / "lists" / "kvmarm" / "windows"
    meta = mailstore.read_meta(path)
    assert meta is not None and meta.url.startswith(f"{pi_server.url}/kvmarm/?x=m&t=1&q=d%3A20211003..20211009")


def test_fetch_command_writes_output_and_offline_reuses_store(pi_server: PiServer, tmp_path: Path) -> None:
    out = tmp_path / "week.mbox"
    res = CliRunner().invoke(app, ["fetch", "kvmarm", "--server", pi_server.url, "--since", "2021-10-04",
                                   "--until", "2021-10-07", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "stored in" in res.output
    got = _ids(out)
    assert not out.read_bytes().startswith(b"\x1f\x8b")  # plain mbox for a plain name
    in_window = {m.msgid for m in pi_server.messages["kvmarm"] if SINCE <= m.date < UNTIL}
    assert in_window <= set(got)
    # Offline: the same window comes from the store, no server needed.
    offline = lore.window_mbox("kvmarm", SINCE, UNTIL, server="http://127.0.0.1:9", offline=True)
    assert set(_ids(offline)) == set(got)


def test_offline_without_store_is_a_clear_error() -> None:
    with pytest.raises(FetchError, match="nothing stored for kvmarm"):
        lore.window_mbox("kvmarm", SINCE, UNTIL, offline=True)


def test_unknown_list_is_404_error(pi_server: PiServer) -> None:
    res = CliRunner().invoke(app, ["fetch", "nosuchlist", "--server", pi_server.url, "--since", "2021-10-04",
                                   "--until", "2021-10-07"])
    assert res.exit_code == 1
    assert f"no list 'nosuchlist' on {pi_server.url} (HTTP 404)" in res.output
    assert not (settings.data_dir() / "lists" / "nosuchlist").exists()


def test_empty_window_is_an_empty_mbox(pi_server: PiServer) -> None:
    path = lore.window_mbox("kvmarm", datetime(2030, 1, 1, tzinfo=UTC), datetime(2030, 1, 2, tzinfo=UTC),
                            server=pi_server.url)
    assert gzip.decompress(path.read_bytes()) == b""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_nothing_listening_names_the_url() -> None:
    port = _free_port()
    res = CliRunner().invoke(app, ["fetch", "kvmarm", "--server", f"http://127.0.0.1:{port}",
                                   "--since", "2021-10-04", "--until", "2021-10-07"])
    assert res.exit_code == 1
    assert f"Error: http://127.0.0.1:{port}/kvmarm/?x=m&t=1&q=d%3A20211003..20211009" in res.output
    assert "connection refused" in res.output
    assert not (settings.data_dir() / "lists").exists()


class _Bad(http.server.BaseHTTPRequestHandler):
    """Answers every request with ``status`` and a cut-off gzip body."""

    status = 200
    hits: list[str] = []

    def _answer(self) -> None:
        type(self).hits.append(self.path)
        mail = b"".join(b"From x@y Mon Oct  4 00:00:00 2021\nMessage-ID: <%d@example.com>\n\nbody %d\n"
                        % (i, i * 7919) for i in range(3000))
        body = gzip.compress(mail)[:4000]  # the stream stops mid-member
        self.send_response(self.status)
        self.send_header("Content-Type", "application/gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def bad_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, type[_Bad]]]:
    monkeypatch.setattr(lore, "RETRY_DELAYS", (0.01, 0.01))
    handler = type("Handler", (_Bad,), {"hits": [], "status": 200})
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}", handler
    srv.shutdown()
    srv.server_close()


def test_truncated_gzip_retried_then_clear_error_and_nothing_stored(bad_server) -> None:
    url, handler = bad_server
    with pytest.raises(FetchError) as err:
        lore.window_mbox("kvmarm", SINCE, UNTIL, server=url)
    assert err.value.message.startswith(f"{url}/kvmarm/?x=m&t=1&q=")
    assert "truncated or corrupt gzip" in err.value.message
    assert len(handler.hits) == 3  # first try + two retries, then give up
    assert not (settings.data_dir() / "lists").exists()


def test_rate_limit_retried_with_bound(bad_server) -> None:
    url, handler = bad_server
    handler.status = 429
    res = CliRunner().invoke(app, ["fetch", "kvmarm", "--server", url, "--since", "2021-10-04", "--days", "3"])
    assert res.exit_code == 1
    assert "rate limited by the server (HTTP 429)" in res.output
    assert res.output.count("retrying in") == 2
    assert len(handler.hits) == 3


def test_report_list_against_server(pi_server: PiServer, tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    args = ["report", "--list", "kvmarm", "--server", pi_server.url, "--since", "2021-10-04",
            "--until", "2021-10-07", "--engine", "none", "--format", "json", "-o", str(out), "-q"]
    res = CliRunner().invoke(app, args[:-1])  # with progress: the pipeline hands its callback to the fetch
    assert res.exit_code == 0, res.output
    data = json.loads(out.read_text())
    want = sum(1 for m in pi_server.messages["kvmarm"] if SINCE <= m.date < UNTIL)
    assert data["stats"]["messages_in_window"] == want
    # Offline: same report from the store, with the server address now dead.
    res = CliRunner().invoke(app, args[:3] + ["--server", "http://127.0.0.1:9", "--offline"] + args[5:])
    assert res.exit_code == 0, res.output
    assert json.loads(out.read_text())["stats"]["messages_in_window"] == want
