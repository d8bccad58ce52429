"""Header parsing (mail/message.py): real corpus messages and hand-written edge cases."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from corpus_msgs import WEEK, archive_read, by_number, week_read

from listsum.mail.address import parse_addrs, parse_from
from listsum.mail.headers import parse_date, split_headers
from listsum.mail.message import EPOCH, Message, Origin, fix_dates, parse_message, parse_span

UTC = timezone.utc
pytestmark = pytest.mark.corpus


class TestRealMessages:
    def test_first_archive_message(self) -> None:
        m = by_number(archive_read())[1]
        assert m.msgid == "5910533f-c6ac-6350-370f-bd218bba3fd8@huawei.com"
        assert (m.from_name, m.from_addr) == ("Tangnianyao (ICT)", "tangnianyao@huawei.com")
        # "Mon, 29 Apr 2019 10:29:13 +0800" in UTC
        assert m.date == datetime(2019, 4, 29, 2, 29, 13, tzinfo=UTC)
        assert m.in_reply_to == "861s1tavn0.wl-marc.zyngier@arm.com"
        assert len(m.references) == 8 and m.references[0] == "0fb3c9ba-8428-ea6c-2973-952624f601cc@huawei.com"
        assert m.to == ("marc.zyngier@arm.com",)
        assert "kvmarm@lists.cs.columbia.edu" in m.cc and len(m.cc) == 6
        assert m.list_id == "Where KVM/ARM decisions are made <kvmarm.lists.cs.columbia.edu>"

    def test_week_cover_letter(self) -> None:
        m = by_number(week_read())[1]
        assert m.msgid == "20211004090328.540941-1-qperret@google.com"
        assert m.subject == "[PATCH 0/2] A couple of EL2 refcounts fixes"
        assert (m.from_name, m.from_addr) == ("Quentin Perret", "qperret@google.com")
        assert m.date == datetime(2021, 10, 4, 9, 3, 12, tzinfo=UTC)
        assert m.in_reply_to is None and m.references == ()

    @pytest.mark.parametrize(("number", "name", "addr"), [
        (1347, "Daniel P. Berrangé", "berrange@redhat.com"),
        (1792, "Jürgen Groß", "jgross@suse.com"),
        (2248, "Philippe Mathieu-Daudé", "philmd@redhat.com"),
    ])
    def test_rfc2047_names(self, number: int, name: str, addr: str) -> None:
        m = by_number(archive_read())[number]
        assert (m.from_name, m.from_addr) == (name, addr)

    def test_message_without_message_id_gets_a_stable_synthetic_one(self) -> None:
        m = by_number(archive_read())[9246]
        assert m.synthetic_id and m.msgid == "listsum-d464cc5787b8179f682f@synthetic.invalid"
        assert m.problems == ("no Message-ID",)
        assert m.from_addr == "zhukeqian1@huawei.com"
        assert m.subject.startswith("RE: [RFC PATCH 10/11] vfio/iommu_type1")

    def test_corpus_dates_are_all_plausible(self) -> None:
        msgs = archive_read().messages
        assert all(m.date_flag == "" for m in msgs)
        assert min(m.date for m in msgs) == datetime(2019, 4, 29, 2, 29, 13, tzinfo=UTC)
        assert max(m.date for m in msgs) == datetime(2021, 12, 30, 21, 11, 12, tzinfo=UTC)


    def test_week_shares_its_address_and_id_strings(self) -> None:
        """Addresses, list ids and referenced ids are one string each, not a copy per
        mail (kvmarm: 163k To/Cc entries, 902 addresses): what keeps an archive's
        headers small in memory. Read without the cache, as a cold read parses."""
        from listsum.sources.reader import read_inputs

        msgs = read_inputs([str(WEEK)], use_cache=False).messages
        by_id = {m.msgid: m for m in msgs}
        lists = {id(m.list_id) for m in msgs if m.list_id}
        addrs = [a for m in msgs for a in m.to + m.cc]
        assert len(lists) == 1 and len({id(a) for a in addrs}) == len(set(addrs)) < len(addrs) / 5
        parents = [m for m in msgs if m.in_reply_to in by_id]
        assert len(parents) > 100
        assert all(m.in_reply_to is by_id[m.in_reply_to].msgid for m in parents)


class TestHeaderFastPaths:
    @pytest.mark.parametrize(("value", "expected"), [
        ("Marc Zyngier <maz@kernel.org>", ("Marc Zyngier", "maz@kernel.org")),
        ('"Zyngier, Marc" <MAZ@Kernel.org>', ("Zyngier, Marc", "maz@kernel.org")),
        ("maz@kernel.org", ("", "maz@kernel.org")),
        ("<maz@kernel.org>", ("", "maz@kernel.org")),
        ("maz@kernel.org (Marc Zyngier)", ("Marc Zyngier", "maz@kernel.org")),
        ("=?UTF-8?Q?Philippe_Mathieu-Daud=C3=A9?= <philmd@redhat.com>",
         ("Philippe Mathieu-Daudé", "philmd@redhat.com")),
        ("", ("", "")),
    ])
    def test_from(self, value: str, expected: tuple[str, str]) -> None:
        assert parse_from(value) == expected

    def test_addrs_with_commas_inside_quotes(self) -> None:
        value = '"Doe, John" <J@x.org>, a@b.org, Eve <eve@c.org>, "x <y>" <z@d.org>'
        assert parse_addrs(value) == ("j@x.org", "a@b.org", "eve@c.org", "z@d.org")

    @pytest.mark.parametrize(("value", "expected"), [
        ("Mon, 29 Apr 2019 10:29:13 +0800", datetime(2019, 4, 29, 2, 29, 13, tzinfo=UTC)),
        ("4 Oct 2021 23:59:60 -0230 (NDT)", datetime(2021, 10, 5, 2, 29, 59, tzinfo=UTC)),
        ("Mon, 4 Oct 2021 10:00 +0000", datetime(2021, 10, 4, 10, 0, tzinfo=UTC)),
        ("Mon, 04 Oct 2021 10:00:00 GMT", datetime(2021, 10, 4, 10, 0, tzinfo=UTC)),  # slow path
        ("Mon, 4 Oct 2021 10:00:00 -9900", datetime(2021, 10, 4, 10, 0, tzinfo=UTC)),  # zone out of range
        ("Mon, 31 Feb 2021 10:00:00 +0000", None),
        ("yesterday", None),
        ("", None),
    ])
    def test_dates(self, value: str, expected: datetime | None) -> None:
        assert parse_date(value) == expected

    def test_folded_headers_crlf_and_first_occurrence(self) -> None:
        raw = (b"Subject: a long\r\n\tsubject line\r\nMessage-ID: <one@x>\r\nMessage-Id: <two@x>\r\n"
               b"References: <r1@x>\r\n <r2@x>\r\nFrom: A <a@x>\r\n\r\nFrom: not a header <b@x>\r\n")
        m = parse_message(raw, Origin("t", 1))
        assert (m.subject, m.msgid, m.references, m.from_addr) == (
            "a long subject line", "one@x", ("r1@x", "r2@x"), "a@x")
        assert split_headers(raw)[b"message-id"] == "<one@x>"

    def test_span_reads_in_place(self) -> None:
        data = b"junk\nSubject: hi\nMessage-ID: <s@x>\n\nbody\nSubject: no\n"
        m = parse_span(data, 5, len(data), Origin("t", 2))
        assert (m.subject, m.msgid, m.raw) == ("hi", "s@x", b"")

    def test_latin1_header_is_kept_and_reported(self) -> None:
        m = parse_message(b"Subject: Gr\xfc\xdfe\nMessage-ID: <l@x>\n\nx\n", Origin("t", 1))
        assert m.subject == "Grüße"
        assert m.problems == ("8-bit header that is not UTF-8 (read as latin-1)",)


def _msg(n: int, date: datetime | None, date_raw: str = "x") -> Message:
    return Message(msgid=f"m{n}@x", subject="s", from_name="", from_addr="a@x", date=date or EPOCH,
                   in_reply_to=None, references=(), origin=Origin("hand", n),
                   date_raw=date_raw if date else "", date_flag="" if date else "missing")


class TestFixDates:
    NOW = datetime(2021, 10, 11, tzinfo=UTC)

    def _day(self, i: int) -> datetime:
        return datetime(2021, 10, 4, tzinfo=UTC) + timedelta(hours=i)

    def test_absurd_and_missing_dates_are_derived_from_neighbours(self) -> None:
        msgs = [_msg(i, self._day(i)) for i in range(12)]
        msgs[3].date = datetime(2037, 1, 1, tzinfo=UTC)  # clock set to 2037: future
        msgs[6].date = datetime(1980, 1, 1, tzinfo=UTC)  # before 1990
        msgs[8].date = datetime(2019, 10, 4, tzinfo=UTC)  # two years off its neighbours
        msgs[10] = _msg(10, None)  # no Date header
        assert fix_dates(msgs, now=self.NOW) == 4
        assert [m.date_flag for m in msgs] == ["", "", "", "absurd", "", "", "absurd", "",
                                              "absurd", "", "missing", ""]
        # Each takes the date of the nearest good message before it.
        assert msgs[3].date == self._day(2)
        assert msgs[6].date == self._day(5)
        assert msgs[8].date == self._day(7)
        assert msgs[10].date == self._day(9)

    def test_first_message_takes_the_next_good_date(self) -> None:
        msgs = [_msg(0, None)] + [_msg(i, self._day(i)) for i in range(1, 6)]
        assert fix_dates(msgs, now=self.NOW) == 1
        assert msgs[0].date == self._day(1) and msgs[0].date_flag == "missing"

    def test_plausible_dates_are_left_alone(self) -> None:
        msgs = [_msg(i, self._day(i * 24)) for i in range(7)]
        assert fix_dates(msgs, now=self.NOW) == 0
        assert all(m.date_flag == "" for m in msgs)
