"""A real public-inbox server on 127.0.0.1 for the fetch/sync/thread tests.

Two v2 inboxes built from the shared corpus and served by one
public-inbox-httpd:

- ``kvmarm``: the messages dated 2021-09-27..2021-10-12 (one epoch).
- ``kvsync``: a smaller, separate inbox with two epochs (0.git and 1.git),
  which the sync tests may grow (``PiServer.add``) without disturbing the
  counts the other tests assert on ``kvmarm``.

Messages go into an epoch as one commit each holding the mail in blob ``m``
(what public-inbox itself writes), by ``git fast-import``; then
``public-inbox-index`` builds the search index. Everything lives under a
temp dir with its own HOME and PI_CONFIG; the server is killed at teardown.
Importers: ``from pi_server import pi_server  # noqa: F401`` - the fixture
caches one server per session however many modules import it.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pytest

from listsum.mail.message import Message, parse_message
from listsum.sources.mbox import load_bytes, split_mbox

UTC = timezone.utc
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
ARCHIVE = CORPUS / "kvmarm-2019-2021.mbox.gz"
# The served slice of kvmarm: [SLICE_SINCE, SLICE_UNTIL).
SLICE_SINCE = datetime(2021, 9, 27, tzinfo=UTC)
SLICE_UNTIL = datetime(2021, 10, 13, tzinfo=UTC)
# kvsync: two epochs, then a later batch for the incremental update.
SYNC_EPOCHS = ((datetime(2021, 8, 2, tzinfo=UTC), datetime(2021, 8, 4, tzinfo=UTC)),
               (datetime(2021, 8, 4, tzinfo=UTC), datetime(2021, 8, 6, tzinfo=UTC)))
SYNC_LATER = (datetime(2021, 8, 6, tzinfo=UTC), datetime(2021, 8, 7, tzinfo=UTC))
BINARIES = ("public-inbox-init", "public-inbox-index", "public-inbox-httpd", "git")


def missing_binaries() -> list[str]:
    return [b for b in BINARIES if shutil.which(b) is None]


@dataclass
class PiServer:
    url: str  # http://127.0.0.1:PORT (no trailing slash)
    root: Path
    env: dict[str, str]
    messages: dict[str, list[Message]] = field(default_factory=dict)  # inbox -> served mail
    later: list[Message] = field(default_factory=list)  # kvsync's not-yet-added batch
    proc: subprocess.Popen[bytes] | None = None

    def inbox_dir(self, name: str) -> Path:
        return self.root / name

    def add(self, name: str, epoch: int, msgs: list[Message]) -> None:
        """Append ``msgs`` to an epoch of inbox ``name`` and re-index it."""
        import_messages(self.inbox_dir(name) / "git" / f"{epoch}.git", msgs, self.env)
        _run(["public-inbox-index", str(self.inbox_dir(name))], self.env)
        self.messages.setdefault(name, []).extend(msgs)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def corpus_slices(*ranges: tuple[datetime, datetime]) -> list[list[Message]]:
    """Corpus messages dated in each [since, until), first copy of each
    Message-ID, date order. One pass over the corpus for all ranges."""
    out: list[dict[str, Message]] = [{} for _ in ranges]
    for raw, origin in split_mbox(load_bytes(str(ARCHIVE)), str(ARCHIVE)):
        msg = parse_message(raw, origin)
        for (since, until), bucket in zip(ranges, out):
            if since <= msg.date < until and msg.msgid not in bucket:
                bucket[msg.msgid] = msg
    return [sorted(b.values(), key=lambda m: (m.date, m.msgid)) for b in out]


def _run(cmd: list[str], env: dict[str, str], stdin: bytes | None = None) -> None:
    proc = subprocess.run(cmd, env=env, input=stdin, capture_output=True, timeout=300)
    if proc.returncode:
        raise RuntimeError(f"{cmd[0]} failed ({proc.returncode}): {proc.stderr.decode()[-2000:]}")


def _ident(msg: Message) -> str:
    # fast-import is strict about idents: no angle brackets or newlines.
    name = "".join(c for c in (msg.from_name or "unknown") if c not in "<>\n\r") or "unknown"
    addr = "".join(c for c in (msg.from_addr or "unknown@example.invalid") if c not in "<> \n\r")
    return f"{name} <{addr}> {int(msg.date.timestamp())} +0000"


def import_messages(gitdir: Path, msgs: list[Message], env: dict[str, str]) -> None:
    """One commit per message on master, blob ``m``, as public-inbox v2 does."""
    has_head = subprocess.run(["git", "--git-dir", str(gitdir), "rev-parse", "-q", "--verify",
                               "refs/heads/master"], env=env, capture_output=True).returncode == 0
    chunks: list[bytes] = []
    for i, msg in enumerate(msgs):
        subject = (msg.subject or "(no subject)").encode() + b"\n"
        ident = _ident(msg).encode()
        chunks += [b"commit refs/heads/master\n", b"author " + ident + b"\n",
                   b"committer " + ident + b"\n", b"data %d\n" % len(subject), subject]
        if i == 0 and has_head:
            chunks.append(b"from refs/heads/master^0\n")
        chunks += [b"M 100644 inline m\n", b"data %d\n" % len(msg.raw), msg.raw, b"\n"]
    _run(["git", "--git-dir", str(gitdir), "fast-import", "--quiet"], env, b"".join(chunks))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_up(url: str, proc: subprocess.Popen[bytes], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"public-inbox-httpd exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"public-inbox-httpd did not answer {url} in {seconds}s")


def _init_inbox(root: Path, name: str, url: str, env: dict[str, str], epochs: int = 1) -> Path:
    inbox = root / name
    _run(["public-inbox-init", "-V2", name, str(inbox), f"{url}/{name}",
          f"{name}@lists.cs.columbia.edu"], env)
    for n in range(1, epochs):
        # Later epochs: bare repos beside 0.git; public-inbox finds git/N.git by name.
        _run(["git", "init", "-q", "--bare", str(inbox / "git" / f"{n}.git")], env)
    return inbox


def start_server(root: Path) -> PiServer:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    home = root / "home"
    home.mkdir(parents=True)
    env = {**os.environ, "HOME": str(home), "PI_CONFIG": str(root / "pi-config"),
           "GIT_CONFIG_NOSYSTEM": "1", "TZ": "UTC"}
    srv = PiServer(url=url, root=root, env=env)
    _init_inbox(root, "kvmarm", url, env)
    main, *sync, later = corpus_slices((SLICE_SINCE, SLICE_UNTIL), *SYNC_EPOCHS, SYNC_LATER)
    srv.add("kvmarm", 0, main)
    _init_inbox(root, "kvsync", url, env, epochs=len(sync))
    for epoch, msgs in enumerate(sync):
        srv.add("kvsync", epoch, msgs)
    srv.later = later
    log = open(root / "httpd.log", "wb")  # noqa: SIM115 - lives as long as the server
    srv.proc = subprocess.Popen(["public-inbox-httpd", "-l", f"http://127.0.0.1:{port}"],
                                env=env, stdout=log, stderr=subprocess.STDOUT)
    _wait_up(f"{url}/kvmarm/", srv.proc)
    return srv


_SESSION: dict[str, PiServer] = {}


@pytest.fixture(scope="session")
def pi_server() -> Iterator[PiServer]:
    if missing := missing_binaries():
        pytest.skip(f"public-inbox not installed (missing {', '.join(missing)})")
    assert ARCHIVE.exists(), f"corpus missing: {ARCHIVE}"
    owner = "srv" not in _SESSION
    if owner:
        _SESSION["srv"] = start_server(Path(tempfile.mkdtemp(prefix="listsum-pi-")))
    srv = _SESSION["srv"]
    yield srv
    if owner:
        srv.stop()
        shutil.rmtree(srv.root, ignore_errors=True)
        _SESSION.clear()
