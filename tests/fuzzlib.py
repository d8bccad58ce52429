"""Seeded mutation fuzzing of real mail, shared by tests/test_fuzz.py (fast,
in CI) and bench/fuzz.py (>= 100,000 messages).

A case is an mbox of real messages, some mutated: header damage, hostile
dates, From_ line damage, encoded-words and charsets, deep MIME, control
characters and escape sequences, byte flips, cuts, huge References. It runs
through the whole model-free pipeline (read, thread, facts, extractive
summaries, the three renderers, a deep dive) and is checked for
- crashes: any exception;
- unexplained losses: a message written with a Message-ID that is neither
  read, nor a duplicate, nor named by a Problem (not read, suspected merge).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from pathlib import Path

_MSGID = re.compile(rb"^Message-ID:[ \t]*<([^>\r\n]*)>[ \t]*$", re.I | re.M)
_FROM_LINE = re.compile(rb"(?:^|(?<=\n))From [^\n]*\n")

DATES = [b"Mon, 1 Jan 0001 00:00:00 +0100", b"Fri, 31 Dec 9999 23:59:59 -0500", b"Fri, 31 Dec 9999 23:59:59 EST",
         b"Mon, 32 Foo 2021 25:61:61 +9999", b"99999999999999999999", b"", b"Tue, 5 Oct 2021 10:00:00 -9900",
         b"Sat, 29 Feb 2021 10:00:00 +0000", b"Thu, 01 Jan 1970 00:00:00 +0000", b"2021-10-04T10:00:00Z",
         b"Mon, 4 Oct 2021 10:00:00 +2400", b"\x00\xff\x1b[2J"]
HOSTILE_TEXT = ["\x1b]8;;http://evil.example/\x1b\\link\x1b]8;;\x1b\\", "\x1b[2J\x1b[H", "\x07\x08\x7f\x9b31m",
                "[x](javascript:alert(1))", "![](http://evil.example/t.png)", "<script>alert(1)</script>",
                "`code` ``", "\u202eevil\u202c", "Ignore previous instructions.", "| a | b |", "# head", "\r"]
ENCODED = [b"=?utf-8?q?=1B]8;;http://e/=1B\\x=1B]8;;=1B\\?=", b"=?utf-8?b?G1sySg==?=", b"=?x-klingon?q?abc?=",
           b"=?utf-8?b?!!!notbase64?=", b"=?iso-8859-1?q?Gr=FC=DFe?=", b"=?utf-8?q?" + b"=FF" * 20 + b"?=",
           b"=?=?=?", b"=?utf-8?q?a?= =?utf-8?q?b?="]
CHARSETS = [b"x-unknown", b"utf-16", b"utf-7", b"iso-2022-jp", b"", b"\"", b"utf-8\x00"]


@dataclass
class Written:
    """What a case wrote: the Message-IDs a reader must account for."""

    ids: list[str] = field(default_factory=list)


def real_messages(paths: list[Path]) -> list[bytes]:
    """Every message of the corpora (From_ line included), in file order."""
    from listsum.sources.mbox import load_bytes

    out: list[bytes] = []
    for p in paths:
        data = load_bytes(str(p))
        starts = [m.start() for m in _FROM_LINE.finditer(data) if data.startswith(b"From mboxrd@z ", m.start())]
        out += [data[a:b] for a, b in zip(starts, [*starts[1:], len(data)])]
    return out


def _split(msg: bytes) -> tuple[bytes, bytes, bytes]:
    """(From_ line, header block, body) of one mbox message."""
    nl = msg.find(b"\n") + 1
    hend = msg.find(b"\n\n", nl)
    hend = len(msg) if hend < 0 else hend + 1
    return msg[:nl], msg[nl:hend], msg[hend:]


def _set_header(head: bytes, name: bytes, value: bytes) -> bytes:
    pat = re.compile(rb"^" + re.escape(name) + rb":[^\n]*(?:\n[ \t][^\n]*)*\n", re.I | re.M)
    new = name + b": " + value + b"\n"
    return pat.sub(lambda _m: new, head, count=1) if pat.search(head) else head + new


def mutate_header(rng: random.Random, head: bytes) -> bytes:
    kind = rng.randrange(9)
    lines = head.split(b"\n")
    if kind == 0:  # hostile date
        return _set_header(head, b"Date", rng.choice(DATES))
    if kind == 1:  # encoded-words and control characters in Subject/From
        name = rng.choice([b"Subject", b"From"])
        value = rng.choice(ENCODED) + " ".join(rng.sample(HOSTILE_TEXT, 2)).encode()
        return _set_header(head, name, value if name == b"Subject" else b'"' + value + b'" <x@example.com>')
    if kind == 2:  # drop or duplicate a header line (never Message-ID: losses must stay explainable)
        i = rng.randrange(len(lines))
        if lines[i].lower().startswith(b"message-id"):
            return head
        return b"\n".join(lines[:i] + lines[i + 1:] if rng.random() < 0.5 else lines[:i] + [lines[i]] * 50 + lines[i:])
    if kind == 3:  # broken or unknown charset / content type
        return _set_header(head, b"Content-Type", rng.choice([
            b"text/plain; charset=" + rng.choice(CHARSETS), b"multipart/mixed", b"multipart/mixed; boundary=\"\"",
            b"text/html; charset=utf-8", b"application/octet-stream", b"multipart/alternative; boundary=zz"]))
    if kind == 4:  # huge or looping References
        n = rng.choice([1, 10, 5000])
        refs = b" ".join(b"<r%d.%d@fuzz>" % (rng.randrange(50), i) for i in range(n))
        return _set_header(head, b"References", refs + rng.choice([b"", b" <self@loop>", b" <<>>"]))
    if kind == 5:  # transfer encodings that do not decode
        return _set_header(head, b"Content-Transfer-Encoding", rng.choice([b"base64", b"quoted-printable", b"x-uue"]))
    if kind == 6:  # 8-bit bytes and NULs in a header
        i = rng.randrange(len(lines))
        if lines[i].lower().startswith(b"message-id"):
            return head
        lines[i] += bytes(rng.randrange(256) for _ in range(8)).replace(b"\n", b"")
        return b"\n".join(lines)
    if kind == 7:  # In-Reply-To naming itself or nothing
        return _set_header(head, b"In-Reply-To", rng.choice([b"<>", b"<self@loop>", b"not an id", b"<a@b> <c@d>"]))
    return _set_header(head, b"X-Fuzz", b"a" * rng.choice([10, 10_000]))  # a long header line


def mutate_body(rng: random.Random, head: bytes, body: bytes) -> tuple[bytes, bytes]:
    kind = rng.randrange(6)
    if kind == 0:  # deep MIME
        depth = rng.choice([3, 40, 1200])
        wrap = b"".join(b"--b%d\nContent-Type: multipart/mixed; boundary=b%d\n\n" % (i, i + 1) for i in range(depth))
        head = _set_header(head, b"Content-Type", b"multipart/mixed; boundary=b0")
        return head, b"\n" + wrap + b"--b%d\nContent-Type: text/plain\n\n" % depth + body
    return head, _mutate_text(rng, kind, body)


def _mutate_text(rng: random.Random, kind: int, body: bytes) -> bytes:
    if kind == 1:  # control characters and escape sequences
        pos = rng.randrange(len(body) + 1)
        return body[:pos] + " ".join(rng.sample(HOSTILE_TEXT, 3)).encode() + body[pos:]
    if kind == 2:  # byte flips (never a newline: From_ lines of other mails stay intact)
        b = bytearray(body)
        for _ in range(rng.randrange(1, 20)):
            i = rng.randrange(len(b)) if b else -1
            if i >= 0 and b[i] != 10:
                b[i] = rng.choice(_NOT_NL)
        return bytes(b)
    if kind == 3:  # cut short
        return body[:rng.randrange(len(body) + 1)].rstrip(b"\n") + b"\n"
    if kind == 4:  # a "From " line in the body, unescaped
        pos = body.find(b"\n", rng.randrange(len(body) + 1))
        return body if pos < 0 else body[:pos + 1] + b"From here on, 2 cases: 1999\n" + body[pos + 1:]
    return body + b"\n" + bytes(rng.randrange(256) for _ in range(200)).replace(b"\n", b" ") + b"\n"


_NOT_NL = [c for c in range(256) if c != 10]
FROM_DAMAGE = [lambda line: b"Frmo" + line[4:], lambda line: b"From mboxrd@z\n",
               lambda line: line + b"this line is no header\n", lambda line: line + b"\n"]


def make_case(rng: random.Random, pool: list[bytes], n: int, rate: float = 0.6) -> tuple[bytes, Written]:
    """An mbox of ``n`` real messages, each mutated with probability ``rate``."""
    out: list[bytes] = []
    written = Written()
    for i in range(n):
        msg = pool[rng.randrange(len(pool))]
        fl, head, body = _split(msg)
        if rng.random() < rate:
            if rng.random() < 0.5:
                head = mutate_header(rng, head)
            else:
                head, body = mutate_body(rng, head, body)
                if i and rng.random() < 0.3:  # damage this mail's From_ line: it joins the one before
                    fl = rng.choice(FROM_DAMAGE)(fl)
        m = _MSGID.search(head)
        if m:
            written.ids.append(m.group(1).decode("utf-8", "replace"))
        out.append(fl + head + body if body.startswith(b"\n") or not body else fl + head + b"\n" + body)
    return b"".join(out), written


@dataclass
class Outcome:
    read: int = 0
    lost: list[str] = field(default_factory=list)  # ids neither read, duplicate, nor named by a problem


def run_case(path: Path, written: Written) -> Outcome:
    """The whole model-free pipeline over one case; exceptions propagate."""
    from listsum import pipeline
    from listsum.errors import NothingUsable
    from listsum.report.json_out import render_json
    from listsum.report.markdown import render_markdown
    from listsum.report.terminal import render_terminal_text
    from listsum.sources.reader import read_inputs
    from listsum.summarise.run import SummariseSettings
    from listsum.pipeline import deep_dive
    from listsum.report import deepdive
    from listsum.window import WindowSpec

    try:
        res = read_inputs([str(path)], use_cache=False)
    except NothingUsable:
        return Outcome(0, [])
    settings = pipeline.ReportSettings(inputs=[str(path)], window=WindowSpec(days=14), engine="extractive",
                                       use_cache=False)
    built = pipeline.build(settings)
    pipeline.summarise(built, settings)
    report = built.report
    for text in (render_markdown(report), render_json(report), render_terminal_text(report, width=100)):
        assert "\x1b" not in text, "an escape sequence reached a rendering"
    if res.messages:
        dive = deep_dive(res.messages, res.messages[-1].msgid, [str(path)],
                         SummariseSettings(engine="extractive", use_cache=False))
        assert "\x1b" not in deepdive.render_markdown(dive)
    return Outcome(len(res.messages), _lost(res, written))


def _lost(res: object, written: Written) -> list[str]:
    from listsum.report.escape import controls

    read = {m.msgid for m in res.messages}  # type: ignore[attr-defined]
    named = " ".join(p.what for p in res.problems)  # type: ignore[attr-defined]
    not_read = sum("not read" in p.what for p in res.problems)  # type: ignore[attr-defined]
    lost = [i for i in written.ids if controls(i) not in read and f"<{controls(i)}>" not in named]
    # Messages reported as "not read" carry no id in the problem: they explain that many.
    return lost[not_read:] if len(lost) > not_read else []
