"""What a reply answers, read from the thread (fresh tuning sets, both lists): the author's
own follow-up to their posting is shown; a reviewer's reply to a patch (not to a cover letter)
that no table reads asks for a change."""

from __future__ import annotations

from pathlib import Path

import pytest

from listsum import pipeline
from listsum.summarise.points import candidates, select
from listsum.window import WindowSpec


def _points_of(mbox: Path, since: str, until: str, msgid: str) -> list:
    built = pipeline.build(pipeline.ReportSettings(inputs=[str(mbox)], window=WindowSpec(since=since, until=until)))
    tr = next(t for t in built.report.threads if any(m.message_id == msgid for m in t.messages))
    cands = candidates(tr, built.threads[tr.id])
    mine = next(c for c in cands if c.msg.msgid == msgid)
    return [mine.judged.stance, mine.follows_up, [p for p in select(cands) if msgid in p.evidence]]


@pytest.mark.parametrize("which, since, until, msgid", [
    # Krzysztof Kozlowski on his own RESEND: "This note is outdated - you can apply the patch."
    ("leds", "2025-08-01", "2025-09-01", "6203a510-da79-42bf-9f85-7a2092b5057c@linaro.org"),
    # Marc Zyngier on his own PMU filtering series: "I now have a small extension to kvmtool ..."
    ("archive", "2020-02-10", "2020-02-17", "20200215130055.0995efe7@why"),
])
def test_the_authors_follow_up_on_the_posting_is_a_point(which: str, since: str, until: str, msgid: str,
                                                          request: pytest.FixtureRequest) -> None:
    stance, follows_up, shown = _points_of(request.getfixturevalue(which), since, until, msgid)
    assert stance == "other" and follows_up
    assert [p.stance for p in shown] == ["other"]


@pytest.mark.parametrize("which, since, until, msgid, stance", [
    # Peter Maydell on PMUv3 tests 4/9: "This condition will only test for v8.1-required events if ..."
    ("archive", "2020-02-10", "2020-02-17", "CAFEAcA9Yc9dKTCcP3fP93tQU62Q=2FYOoYGvUqfiOMY=pYV_RA@mail.gmail.com",
     "changes-requested"),
    # Russell King on the RFC's cover letter: "It is only very recently that 64-bit ARM ..." discusses it.
    ("archive", "2020-02-10", "2020-02-17", "20200210162523.GF25745@shell.armlinux.org.uk", "other"),
    # Krzysztof Kozlowski on the LTC3208 binding patch: "Still incorrect order."
    ("leds", "2026-04-01", "2026-04-16", "20260407-outstanding-sceptical-giraffe-3fd6bb@quoll", "changes-requested"),
])
def test_a_reviewers_unread_comment_on_a_patch_asks_for_a_change(which: str, since: str, until: str, msgid: str,
                                                                   stance: str, request: pytest.FixtureRequest) -> None:
    assert _points_of(request.getfixturevalue(which), since, until, msgid)[0] == stance


@pytest.mark.parametrize("which, since, until", [
    # Richard Leitner answering on FLASH_DURATION and asking besides (linux-leds 2025-03); David Brazdil
    # answering Will Deacon on the hyp per-CPU section and asking back (kvmarm 2020-09): the cap had
    # kept their questions and cut their answers.
    ("leds", "2025-03-01", "2025-03-16"),
    ("archive", "2020-09-14", "2020-09-21"),
])
def test_a_replys_second_point_never_outranks_its_main_point(which: str, since: str, until: str,
                                                            request: pytest.FixtureRequest) -> None:
    built = pipeline.build(pipeline.ReportSettings(inputs=[str(request.getfixturevalue(which))],
                                                   window=WindowSpec(since=since, until=until)))
    seconds = 0
    for tr in built.report.threads:
        cands = candidates(tr, built.threads[tr.id])
        chosen = select(cands)
        for c in cands:
            shown = [p.stance for p in chosen if c.msg.msgid in p.evidence and p.source == "mail"]
            if c.secondary and c.judged.stance in shown:
                seconds += 1
                main = next(m for m in cands if m.msg.msgid == c.msg.msgid and not m.secondary)
                assert main.judged.stance in shown, (c.msg.msgid, shown)
    assert seconds >= 3  # the windows do show second points, each beside its main one
