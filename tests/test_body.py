"""Body decoding (mail/body.py) on real corpus mail and hand-written samples."""

from __future__ import annotations

import pytest
from conftest import SAMPLES
from corpus_msgs import archive_read, by_number

from listsum.mail.body import decode_bytes, html_to_text, raw_of, text_of
from listsum.mail.message import Origin, parse_message
from listsum.sources.reader import read_inputs

pytestmark = pytest.mark.corpus


def _n(number: int):  # noqa: ANN202 - Message
    return by_number(archive_read())[number]


class TestCorpus:
    def test_base64_utf8_patch(self) -> None:
        # [PATCH 02/56] arm64: fpsimd: ... sent with Content-Transfer-Encoding: base64
        m = _n(38)
        assert m.msgid == "20190503124427.190206-3-marc.zyngier@arm.com"
        assert b"Content-Transfer-Encoding: base64" in raw_of(m)
        assert b"Signed-off-by" not in raw_of(m)
        text = text_of(m)
        assert text.startswith("From: Dave Martin <Dave.Martin@arm.com>\n\nThis patch updates fpsimd_flush_task_state()")
        assert "Signed-off-by: Dave Martin <Dave.Martin@arm.com>" in text

    def test_quoted_printable(self) -> None:
        m = _n(1094)
        assert m.msgid == "9F77FA64-C71B-4025-A58D-3AC07E6688DE@dinechin.org"
        assert b"=E2=80=99" in raw_of(m)
        text = text_of(m)
        assert "\u2019" in text and "=E2=80=99" not in text
        assert "> On 7 Aug 2019, at 15:21, Steven Price <steven.price@arm.com> wrote:" in text

    def test_gbk_charset(self) -> None:
        m = _n(10953)
        assert m.msgid == "373c70d3-eda3-8e84-d138-2f90d4e55217@redhat.com"
        assert "在 2021/5/8 上午1:36, Marc Zyngier 写道:" in text_of(m)

    def test_iso_2022_jp_charset(self) -> None:
        m = _n(723)
        assert "I can't start up KVM guest os with SVE feature with your patch." in text_of(m)

    def test_patch_attachment_is_kept(self) -> None:
        m = _n(8916)
        assert m.msgid == "YBGvku1KUUk6LPAj@google.com"
        assert b"text/x-patch" in raw_of(m).lower() or b"text/x-diff" in raw_of(m).lower()
        assert "diff --git" in text_of(m)

    def test_text_is_memoised_and_raw_loaded_once(self) -> None:
        m = _n(38)
        assert text_of(m) is text_of(m)
        assert m.raw_ref is None  # loaded, reference dropped


def test_own_mime_walk_agrees_with_the_email_package() -> None:
    """body_text walks MIME itself for speed; on every multipart or encoded
    corpus mail it must give exactly what the email package gives."""
    from listsum.mail.body import _parsed_text, body_text

    raws = [m.raw for m in archive_read().messages]
    picked = [r for r in raws if b"multipart/" in r[:r.find(b"\n\n")].lower()
              or b"base64" in r[:r.find(b"\n\n")] or b"quoted-printable" in r[:r.find(b"\n\n")].lower()]
    assert len(picked) > 1000
    assert [body_text(r) for r in picked] == [_parsed_text(r) for r in picked]


class TestSamples:
    def test_multipart_keeps_text_and_patch_skips_binary(self) -> None:
        r = read_inputs([str(SAMPLES / "bad" / "broken-mime.mbox")], use_cache=False)
        good = {m.msgid: m for m in r.messages}["mime-3@example.com"]
        text = text_of(good)
        assert "A good multipart reply with a \u201cquoted\u201d word and a patch." in text
        assert "diff --git a/foo b/foo\n-bad\n+good" in text
        assert "AAECAwQF" not in text

    def test_broken_mime_still_gives_text(self) -> None:
        r = read_inputs([str(SAMPLES / "bad" / "broken-mime.mbox")], use_cache=False)
        by = {m.msgid: m for m in r.messages}
        assert "The text must still come out of text_of." in text_of(by["mime-1@example.com"])
        assert "Multipart without a boundary parameter." in text_of(by["mime-2@example.com"])

    def test_html_only(self) -> None:
        m = parse_message((SAMPLES / "bad" / "html-only.eml").read_bytes(), Origin("html", 1))
        text = text_of(m)
        assert "Hello list," in text and "this mail has only HTML." in text
        assert "alert" not in text and "color" not in text and "<p>" not in text

    def test_unknown_charset_reads_utf8(self) -> None:
        r = read_inputs([str(SAMPLES / "bad" / "unknown-charset.mbox")], use_cache=False)
        assert "naïve café" in text_of(r.messages[0])

    def test_undeclared_latin1_body(self) -> None:
        r = read_inputs([str(SAMPLES / "bad" / "undeclared-8bit.mbox")], use_cache=False)
        assert "Grüße, schön." in text_of(r.messages[0])


class TestDecodeBytes:
    @pytest.mark.parametrize(("data", "charset", "expected"), [
        ("café".encode(), "utf-8", "café"),
        ("café".encode("latin-1"), "iso-8859-1", "café"),
        ("café".encode(), "us-ascii", "café"),  # mislabelled UTF-8
        ("café".encode(), "no-such-charset", "café"),
        ("café".encode("latin-1"), None, "café"),  # undeclared latin-1
        ("long utf-8 text ünïcødé with one bad byte \xff".encode("utf-8")[:-2] + b"\xff", None,
         "long utf-8 text ünïcødé with one bad byte \ufffd"),
    ])
    def test_fallbacks(self, data: bytes, charset: str | None, expected: str) -> None:
        assert decode_bytes(data, charset) == expected

    def test_html_to_text_empty(self) -> None:
        assert html_to_text("  ") == ""
