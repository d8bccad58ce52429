"""Crafted hostile input and option values through the real CLI: no traceback,
and the documented exit codes (0 ok, 1 nothing usable, 2 usage, 3 internal).

Each case was a traceback before (issue 8): out-of-range dates, MIME nested
1000 deep, absurd --days/--since/--until, -o naming a directory, a missing
folder or the input itself.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from listsum.cli import app, load_commands

load_commands()
runner = CliRunner()
REPO = Path(__file__).resolve().parents[1]


def mail(mid: str, date: str = "Mon, 4 Oct 2021 10:00:00 +0000", extra: str = "", body: str = "hi\n",
         subject: str = "") -> str:
    return (f"From x@y Mon Oct  4 10:00:00 2021\nFrom: A <a@b.c>\nSubject: {subject or 's ' + mid}\n"
            f"Message-ID: <{mid}@x>\nDate: {date}\n{extra}\n{body}\n")


def deep_mime(depth: int) -> str:
    body = "".join(f"--b{i}\nContent-Type: multipart/mixed; boundary=b{i + 1}\n\n" for i in range(depth))
    body += f"--b{depth}\nContent-Type: text/plain\n\nthe bottom of the nest\n"
    return mail("deep", extra="MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b0\n", body=body)


def report(*args: str) -> object:
    return runner.invoke(app, ["report", *args], catch_exceptions=False)


@pytest.mark.parametrize("date", [
    "Mon, 1 Jan 0001 00:00:00 +0100",  # year 1 with a positive offset
    "Fri, 31 Dec 9999 23:59:59 -0500",  # 9999 with a negative one
    "Fri, 31 Dec 9999 23:59:59 EST",  # 9999 with a named zone (the slow parser)
])
def test_out_of_range_date_is_derived_not_fatal(tmp_path: Path, date: str) -> None:
    box = tmp_path / "in.mbox"
    box.write_text(mail("a") + mail("b", date) + mail("c"))
    out = tmp_path / "r.json"
    result = report(str(box), "--engine", "none", "-o", str(out), "-q")
    assert result.exit_code == 0, result.output
    import json

    data = json.loads(out.read_text())
    flags = {m["message_id"]: m["date_flag"] for t in data["threads"] for m in t["messages"]}
    assert flags == {"a@x": "", "b@x": "absurd", "c@x": ""}


def test_mime_nested_1000_deep_is_read_as_text(tmp_path: Path) -> None:
    box = tmp_path / "deep.mbox"
    box.write_text(mail("a") + deep_mime(1000))
    result = report(str(box), "--engine", "extractive", "--format", "md", "-q")
    assert result.exit_code == 0, result.output
    assert "s deep" in result.output


@pytest.mark.parametrize("args, words", [
    (["--days", "99999999"], "Error: window out of range: --days 99999999"),
    (["--since", "99999999d"], "Error: window out of range: --since 99999999d"),
    (["--until", "9999-12-31"], "Error: window out of range: --until 9999-12-31"),
    (["--days", "9" * 30], "Error: window out of range"),
    (["--since", "0001-01-01T00:00+05:00"], "Error: window out of range"),
    (["--days", "0"], "Error: --days must be positive"),
    (["--list-url", "javascript:alert(1)//"], "Error: --list-url must start with https:// or http://"),
    (["--tz", "../../etc/passwd"], "Error: unknown time zone"),
    (["--since", ""], "Error: not a date, time or span: ''"),
])
def test_absurd_window_options_are_usage_errors(tmp_path: Path, args: list[str], words: str) -> None:
    box = tmp_path / "in.mbox"
    box.write_text(mail("a"))
    result = report(str(box), "--engine", "none", *args)
    assert result.exit_code == 2
    assert result.output.startswith(words)


def test_output_checks_come_before_any_work(tmp_path: Path) -> None:
    box = tmp_path / "in.mbox"
    box.write_text(mail("a"))
    before = box.read_bytes()
    missing = tmp_path / "nope" / "r.md"
    cases = {str(tmp_path): "is a directory", str(missing): f"folder {missing.parent} does not exist",
             str(box): "is an input; refusing to overwrite it"}
    # A missing input would be exit 1 if reading started: the -o error wins.
    for target, words in cases.items():
        result = report(str(box), "--engine", "none", "-o", target)
        assert result.exit_code == 2 and words in result.output, result.output
    link = tmp_path / "link.mbox"
    link.symlink_to(box)
    result = report(str(link), "--engine", "none", "-o", str(box))
    assert result.exit_code == 2 and "is an input" in result.output
    assert box.read_bytes() == before


def test_a_window_from_year_1_lists_only_the_days_with_mail(tmp_path: Path) -> None:
    import json

    box = tmp_path / "in.mbox"
    box.write_text(mail("a") + mail("b", "Wed, 6 Oct 2021 10:00:00 +0000"))
    res = report(str(box), "--engine", "none", "--since", "0001-01-01", "--format", "json")
    assert res.exit_code == 0
    days = json.loads(res.output)["per_day"]
    assert days == [{"date": "2021-10-04", "messages": 1}, {"date": "2021-10-05", "messages": 0},
                    {"date": "2021-10-06", "messages": 1}]


def test_thread_output_cannot_be_its_mbox(tmp_path: Path) -> None:
    box = tmp_path / "in.mbox"
    box.write_text(mail("a"))
    res = runner.invoke(app, ["thread", "a@x", "--mbox", str(box), "-o", str(box), "--engine", "none"])
    assert res.exit_code == 2 and "is an input; refusing to overwrite it" in res.output
    assert box.read_text() == mail("a")


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "PYTHONPATH": str(REPO / "src"), **(env or {})}
    return subprocess.run([sys.executable, "-m", "listsum", *args], capture_output=True, text=True, env=full,
                          timeout=120)


def test_a_bug_is_one_line_and_exit_3(tmp_path: Path) -> None:
    """A bug (here: a broken classifier, injected by a sitecustomize) is one
    line naming the file and message, exit 3; LISTSUM_RAISE_ERRORS=1 gives
    the traceback."""
    box = tmp_path / "in.mbox"
    box.write_text(mail("a") + mail("b"))
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import listsum.mail.message as m\n"
        "real = m._parse_span\n"
        "def broken(data, start, end, origin, *rest):\n"
        "    if origin.number == 2:\n"
        "        raise KeyError('boom')\n"
        "    return real(data, start, end, origin, *rest)\n"
        "m._parse_span = broken\n")
    env = {"PYTHONPATH": f"{hook}{os.pathsep}{REPO / 'src'}"}
    res = _cli("report", str(box), "--engine", "none", "-q", env=env)
    assert res.returncode == 3
    assert res.stderr.splitlines()[0] == f"Internal error in {box}, message 2: KeyError: 'boom'"
    assert "Traceback" not in res.stderr
    res = _cli("report", str(box), "--engine", "none", "-q", env={**env, "LISTSUM_RAISE_ERRORS": "1"})
    assert res.returncode == 1 and "Traceback" in res.stderr and "KeyError: 'boom'" in res.stderr


def test_usage_error_through_main_is_exit_2(tmp_path: Path) -> None:
    res = _cli("report", str(tmp_path / "x.mbox"), "--days", "99999999")
    assert res.returncode == 2 and res.stderr.startswith("Error: window out of range")
