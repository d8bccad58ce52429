"""facts/state.py and facts/bots.py on real mail of both lists: one verdict per
reply (table), the state of real threads with the mail that decided it, bots
never reviewing, and mail after the window's end kept out of the state."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from functools import lru_cache

import pytest

from corpus_msgs import archive_read, by_id, leds_read, week_read
from listsum import pipeline
from listsum.facts.authors import Author
from listsum.facts.state import reply_verdict
from listsum.mail.message import Message, Origin
from listsum.mail.threads import Thread, build_threads
from listsum.model import State, Window
from listsum.series import series_facts
from listsum.sources.reader import ReadResult

pytestmark = [pytest.mark.corpus]
UTC = timezone.utc
WEEK_WINDOW = Window(datetime(2021, 10, 4, tzinfo=UTC), datetime(2021, 10, 11, tzinfo=UTC))
LEDS_AUGUST = Window(datetime(2025, 8, 1, tzinfo=UTC), datetime(2025, 9, 1, tzinfo=UTC))
RELAY = Author.of("Maud Spierings via B4 Relay", "devnull+maudspierings.gocontroll.com@kernel.org")

# (corpus, reply message id, author of the work, verdict, rule, what else must hold)
VERDICTS = [
    # kvmarm, week of 2021-10-04
    ("week", "163343543062.3848981.1421083280351176528.b4-ty@kernel.org", "qperret@google.com",
     "applied", "applied", {"branch": "fixes", "commits": 2}),  # maz: "Applied to fixes, thanks!"
    ("week", "4e5e47d8-d69f-d4ea-cfe1-90ad5c52bae1@redhat.com", "oupton@google.com",
     "applied", "applied", {"branch": None}),  # Paolo: "Queued patches 1-5, thanks."
    ("week", "20211004093925.GA27173@willie-the-truck", "qperret@google.com", "acked", "trailer", {}),
    ("week", "20211006094609.tbocj6phk2hmdydj@gator.home", "ricarkol@google.com", "reviewed", "trailer", {}),
    ("week", "dbe883ca-880e-7f2b-1de7-4b2d3361545d@redhat.com", "maz@kernel.org",
     "changes-requested", "change-request", {"line": "So to me we should keep vms->highmem here"}),
    ("week", "20211006152302.2tmih2vx5x7xipml@gator.home", "alexandru.elisei@arm.com",
     "changes-requested", "change-request", {"line": "I'd prefer we avoid maintaining two implementations of the same"}),
    ("week", "87bl45ru66.wl-maz@kernel.org", "qperret@google.com", "changes-requested", "change-request", {}),
    ("week", "20211005113040.GA29208@willie-the-truck", "qperret@google.com", "under-review", "comment", {}),
    # Drew on Oliver's PSCI 10/11: "Please do\nthis refactoring ... in the next revision" + Reviewed-by.
    ("week", "20211005134539.s7kzhqlg2pykfcam@gator.home", "oupton@google.com",
     "changes-requested", "trailer-with-respin", {}),
    ("week", "20211005134930.dxej2lgcjklzouw7@gator.home", "oupton@google.com", "changes-requested",
     "change-request", {"line": "How about only guarding the new tests with this, so we can still do the"}),
    # kvmarm archive 2019-2021
    ("archive", "20200526125634.GG1363@C02TD0UTHF1T.local", "gshan@redhat.com", "rejected", "nak", {}),
    ("archive", "202006260902.snscFOg0%lkp@intel.com", "alexandru.elisei@arm.com",  # "kindly add Reported-by"
     "flag", "bot", {"flag": "build-warning", "verdict": "build warning: arch/arm64/include/asm/irqflags.h:45:10: "
                                                         "warning: value size does not match register size"}),
    ("archive", "156667230824.2337.2969578272613309440.pr-tracker-bot@kernel.org", "will@kernel.org",
     "applied", "bot-merge", {"branch": "torvalds/linux.git"}),
    # linux-leds 2025-2026
    ("leds", "173641864745.2570436.6359371577917683428.b4-ty@kernel.org", "admin@hifiphile.com",
     "applied", "applied", {"counters": {3}, "commits": 1}),  # Lee Jones, b4 ty of a subset
    ("leds", "175501582810.192378.6304989017593161369.b4-ty@kernel.org", "arnd@kernel.org", "applied", "applied",
     {"branch": "https://git.kernel.org/pub/scm/linux/kernel/git/broonie/sound.git for-next", "counters": {8, 20}}),
    ("leds", "178060861965.3031243.13905126660213599412.git-patchwork-notify@kernel.org", "sdf@fomichev.me",
     "applied", "bot-merge", {"branch": "netdev/net-next.git (main)"}),
    ("leds", "20260207135534.074af78d@jic23-huawei", "clamor95@gmail.com", "applied", "applied",
     {"branch": "iio.git (testing)"}),
    ("leds", "20260624074905.110BD1F000E9@smtp.kernel.org", "fenglin.wu@oss.qualcomm.com", "flag", "bot",
     {"flag": "ci-failure"}),  # "Sashiko AI review found 2 potential issue(s) to consider:"
    ("leds", "20260625082131.71A941F000E9@smtp.kernel.org", "clamor95@gmail.com", "flag", "bot",
     {"flag": "ci-passed"}),  # "Sashiko has reviewed this patch and found no issues."
    ("leds", "174050793997.2798870.5121158567249735734.robh@kernel.org", "trannamatk@gmail.com", "flag", "bot",
     {"flag": "ci-failure"}),  # robh's own address: "My bot found errors running 'make dt_binding_check'"
    ("leds", "173627580718.1304322.7908676202048945270.robh@kernel.org", "x@example.org", "reviewed", "trailer", {}),
    ("leds", "202502192343.twEQ3SSs-lkp@intel.com", "clamor95@gmail.com", "flag", "bot",
     {"flag": "build-failure", "verdict": "build error: drivers/iio/light/lm3533-als.c:921:25: error: "
                                           "'lm3533_match_table' undeclared"}),
    ("leds", "20250819195008.GA1218175-robh@kernel.org", RELAY, "changes-requested", "change-request", {}),
    # Ilpo Järvinen's b4 ty: "Thank you for your contribution, it has been applied to my local\n
    # review-ilpo-next branch." (Armin Wolf's "[PATCH v6 0/2] Add support for Uniwill laptop features")
    ("leds", "176277604087.8442.15648008989886648183.b4-ty@linux.intel.com", "W_Armin@gmx.de", "applied", "applied",
     {"branch": "review-ilpo-next", "counters": {1, 2}, "commits": 2}),
    ("leds", "8e7796b2-1e6f-4c91-93d0-a72f6343ab47@gocontroll.com", RELAY, None, None, {}),  # the author herself
]


@lru_cache(maxsize=None)
def _messages(corpus: str) -> dict[str, Message]:
    read: ReadResult = {"week": week_read, "archive": archive_read, "leds": leds_read}[corpus]()
    return by_id(read)


@pytest.mark.parametrize(("corpus", "msgid", "author", "name", "rule", "more"), VERDICTS)
def test_reply_verdict_on_real_mail(corpus: str, msgid: str, author: str | Author, name: str | None,
                                    rule: str | None, more: dict) -> None:
    who = author if isinstance(author, Author) else Author.of("", author)
    v = reply_verdict(_messages(corpus)[msgid], who)
    if name is None:
        assert v is None
        return
    assert v is not None and (v.name, v.rule) == (name, rule)
    if "branch" in more:
        assert v.applied is not None and v.applied.branch == more["branch"]
    if "commits" in more:
        assert v.applied is not None and len(v.applied.commits) == more["commits"]
    if "counters" in more:
        assert v.counters == more["counters"]
    if "flag" in more:
        assert v.flag is not None and v.flag.kind == more["flag"] and v.kinds == []
    if "verdict" in more:
        assert v.flag is not None and v.flag.verdict.startswith(more["verdict"])  # the finding, clipped
    if "line" in more:
        assert v.line == more["line"]


def _line(text: str, sender: str = "Catalin Marinas", addr: str = "catalin.marinas@arm.com") -> Message:
    return Message(msgid="x@y", subject="Re: [PATCH v3 00/27] arm64/sme: Initial support", from_name=sender,
                   from_addr=addr, date=datetime(2022, 4, 22, tzinfo=UTC), in_reply_to=None, references=(),
                   origin=Origin("t", 1), text_memo=text)


def test_applied_keeps_the_branch_after_on() -> None:
    """The issue's own line: the branch must survive."""
    v = reply_verdict(_line("I queued patches 3-27 on the arm64 for-next/sme.\n"), Author.of("", "broonie@kernel.org"))
    assert v is not None and v.name == "applied" and v.applied is not None
    assert v.applied.branch == "arm64 for-next/sme"


def _states(read: ReadResult, window: Window, ids: list[str]) -> dict[str, State]:
    threads = _threads(read)
    chosen = [t for t in threads if t.id in ids]
    assert len(chosen) == len(ids)
    _, series = pipeline.facts(threads, chosen, window)
    return pipeline.states(chosen, series, window)


@lru_cache(maxsize=None)
def _threads_of(name: str) -> list[Thread]:
    return build_threads({"week": week_read, "archive": archive_read, "leds": leds_read}[name]().messages)


def _threads(read: ReadResult) -> list[Thread]:
    name = "week" if read is week_read() else "archive" if read is archive_read() else "leds"
    return _threads_of(name)


def test_states_of_real_threads_in_the_kvmarm_week() -> None:
    ids = ["20211004090328.540941-1-qperret@google.com", "20211005090155.734578-1-qperret@google.com",
           "20211005011921.437353-1-ricarkol@google.com", "20210927124911.191729-1-alexandru.elisei@arm.com",
           "20211004174849.2831548-1-maz@kernel.org", "20211008155832.1415010-1-tabba@google.com",
           "c3cff3de-61f6-0e19-6825-02c934dfbb76@ice.rwth-aachen.de"]
    st = _states(week_read(), WEEK_WINDOW, ids)
    # Quentin resent v1 beside v2 in a new thread the next day: v1 is superseded, linked.
    v1 = st["20211004090328.540941-1-qperret@google.com"]
    assert (v1.name, v1.superseded_by, v1.detail) == ("superseded", "20211005090155.734578-1-qperret@google.com",
                                                      "superseded by v2")
    v2 = st["20211005090155.734578-1-qperret@google.com"]
    assert v2.name == "applied" and v2.evidence == ["163343543062.3848981.1421083280351176528.b4-ty@kernel.org"]
    assert v2.detail == "applied by Marc Zyngier to fixes (commit 1d58a17ef545, 7615c2a51478)"
    # Ricardo's vgic v4: Eric and Drew gave Reviewed-by, nobody asked for changes.
    vgic = st["20211005011921.437353-1-ricarkol@google.com"]
    assert vgic.name == "reviewed" and vgic.evidence[0] == "a6a69648-0fc3-3d94-0e65-dc82693ce4c7@redhat.com"
    # Rooted at a reply (the posting is outside the week): Drew's "I'd prefer we avoid maintaining
    # two implementations"; the author's own replies decide nothing, and no "0 patches".
    raz = st["20210927124911.191729-1-alexandru.elisei@arm.com"]
    assert (raz.name, raz.evidence) == ("changes-requested", ["20211006152302.2tmih2vx5x7xipml@gator.home"])
    assert "0 patches" not in raz.detail and "Alexandru" not in raz.detail
    # MMIO guard v2: Drew reviewed most patches but asks for a doc change on 13/16.
    mmio = st["20211004174849.2831548-1-maz@kernel.org"]
    assert mmio.name == "changes-requested" and mmio.evidence == ["20211007153602.ty72qbglrwbphokj@gator"]
    # Fuad's v7: v8 came two days later; the robot's reports are flags, not reviews. Both are
    # "Perhaps something to improve:" over -Wmissing-prototypes warnings: build warnings.
    v7 = st["20211008155832.1415010-1-tabba@google.com"]
    assert (v7.name, v7.superseded_by) == ("superseded", "20211010145636.1950948-1-tabba@google.com")
    assert [(f.kind, f.message_id) for f in v7.flags] == [("build-warning", "202110100815.3OAl08g4-lkp@intel.com"),
                                                          ("build-warning", "202110100927.n9QkBefv-lkp@intel.com")]
    gic = st["c3cff3de-61f6-0e19-6825-02c934dfbb76@ice.rwth-aachen.de"]
    assert gic.name == "answered" and gic.evidence[0] == "877detrstj.wl-maz@kernel.org"


def test_patch_states_of_the_mmio_guard_series() -> None:
    threads = _threads_of("week")
    thread = next(t for t in threads if t.id == "20211004174849.2831548-1-maz@kernel.org")
    from listsum.lineage import link_revisions

    facts = series_facts(thread, link_revisions(threads)[thread.id], WEEK_WINDOW)
    assert facts is not None
    by = {p.counter: p for p in facts.patch_states}
    assert sorted(by) == list(range(1, 17))
    assert by[13].state.name == "changes-requested"
    assert by[1].state.name == "reviewed" and [t.person for t in by[1].trailers] == ["Andrew Jones <drjones@redhat.com>"]
    assert by[5].state.name == "under-review" and by[5].trailers == []


def test_states_of_real_threads_on_linux_leds() -> None:
    ids = ["20250819-max25014-v2-0-5fd7aeb141ea@gocontroll.com", "20250801014511.139862-1-trannamatk@gmail.com",
           "20250808151822.536879-1-arnd@kernel.org"]
    st = _states(leds_read(), LEDS_AUGUST, ids)
    # Maud posts through the b4 relay and answers from her own address: only Fabio Estevam's
    # "Typo: integrated" and Rob's review count.
    mx = st["20250819-max25014-v2-0-5fd7aeb141ea@gocontroll.com"]
    assert (mx.name, mx.evidence) == ("changes-requested", ["CAOMZO5D6m3V2ZpFOtabrkvf6+SGE+3-xpAE=PZo+Ak=49ozyLg@mail.gmail.com",
                                                            "20250819195008.GA1218175-robh@kernel.org"])
    assert [(f.kind, f.message_id) for f in mx.flags] == [
        ("ci-failure", "175560674579.26233.12902824583404207699.robh@kernel.org")]
    # v13 was resent as "[PATCH v13 RESEND 0/4]" in a new thread: the first posting is superseded.
    lp = st["20250801014511.139862-1-trannamatk@gmail.com"]
    assert (lp.name, lp.superseded_by, lp.detail) == ("superseded", "20250818012654.143058-1-trannamatk@gmail.com",
                                                      "superseded by v13 RESEND")
    # Mark Brown took patches 8 and 20 of 21 into the sound tree.
    gp = st["20250808151822.536879-1-arnd@kernel.org"]
    assert gp.name == "applied" and gp.evidence == ["175501582810.192378.6304989017593161369.b4-ty@kernel.org"]
    assert "broonie/sound.git for-next" in gp.detail and "5383d67e2430" in gp.detail


def test_a_robots_reported_by_is_no_review() -> None:
    """Alexandru's pseudo-NMI series (kvmarm, 2020-06): the only reply but his own is the
    kernel test robot's "kindly add ... Reported-by: kernel test robot". Not a review."""
    threads = _threads_of("archive")
    thread = next(t for t in threads if t.id == "20200625150026.867727-1-alexandru.elisei@arm.com")
    facts = series_facts(thread, [])
    assert facts is not None and facts.state is not None
    assert facts.state.name == "new"
    # "Thank you for the patch! Perhaps something to improve:" over an -Wasm-operand-widths warning.
    assert [(f.kind, f.message_id) for f in facts.state.flags] == [
        ("build-warning", "202006260902.snscFOg0%lkp@intel.com")]
    assert all(p.trailers == [] for p in facts.patch_states)
    assert [p.state.flags[0].kind for p in facts.patch_states if p.state.flags] == ["build-warning"]


def test_mail_after_the_window_is_later_not_state() -> None:
    """Will's Acked-by (09:39) and v2 (the next day) fall after a window ending 09:30."""
    early = Window(datetime(2021, 10, 4, tzinfo=UTC), datetime(2021, 10, 4, 9, 30, tzinfo=UTC))
    st = _states(week_read(), early, ["20211004090328.540941-1-qperret@google.com"])
    s = st["20211004090328.540941-1-qperret@google.com"]
    assert (s.name, s.evidence) == ("new", ["20211004090328.540941-1-qperret@google.com"])
    assert s.later[0] == "later: acked by Will Deacon (2021-10-04, <20211004093925.GA27173@willie-the-truck>)"
    assert s.later[-1] == "later: v2 posted (2021-10-05, <20211005090155.734578-1-qperret@google.com>)"
    # The whole week: superseded, nothing later.
    full = _states(week_read(), WEEK_WINDOW, ["20211004090328.540941-1-qperret@google.com"])
    assert full["20211004090328.540941-1-qperret@google.com"].later == []


def _mail(msgid: str, subject: str, name: str, addr: str, day: int, text: str, parent: str | None = None) -> Message:
    return Message(msgid=msgid, subject=subject, from_name=name, from_addr=addr,
                   date=datetime(2022, 4, day, tzinfo=UTC), in_reply_to=parent,
                   references=(parent,) if parent else (), origin=Origin("t", day), text_memo=text)


def test_of_two_applied_notices_the_branch_is_kept() -> None:
    """A bare "Applied, thanks" and Catalin's line with its branch, on one series."""
    cover = _mail("c@x", "[PATCH v3 0/2] arm64/sme: Initial support", "Mark Brown", "broonie@kernel.org", 1, "cover")
    p1 = _mail("p1@x", "[PATCH v3 1/2] arm64/sme: one", "Mark Brown", "broonie@kernel.org", 1, "patch", "c@x")
    bare = _mail("a1@x", "Re: [PATCH v3 0/2] arm64/sme: Initial support", "Catalin Marinas",
                 "catalin.marinas@arm.com", 3, "Applied, thanks.\n", "c@x")
    named = _mail("a2@x", "Re: [PATCH v3 0/2] arm64/sme: Initial support", "Catalin Marinas",
                  "catalin.marinas@arm.com", 4, "I queued patches 3-27 on the arm64 for-next/sme.\n", "a1@x")
    [thread] = build_threads([cover, p1, bare, named])
    facts = series_facts(thread, [])
    assert facts is not None and facts.state is not None
    assert (facts.state.name, facts.state.evidence) == ("applied", ["a1@x", "a2@x"])
    assert facts.state.detail == "applied by Catalin Marinas to arm64 for-next/sme"


def test_two_trees_took_parts_of_one_series() -> None:
    """gpiolib (linux-leds): Mark Brown took 2 patches in August, Lee Jones more in September."""
    autumn = Window(datetime(2025, 8, 1, tzinfo=UTC), datetime(2025, 10, 1, tzinfo=UTC))
    gp = _states(leds_read(), autumn, ["20250808151822.536879-1-arnd@kernel.org"])["20250808151822.536879-1-arnd@kernel.org"]
    assert gp.evidence == ["175501582810.192378.6304989017593161369.b4-ty@kernel.org",
                           "175681776381.2341743.17892612215782644085.b4-ty@kernel.org"]
    assert gp.detail.startswith("applied by Mark Brown to https://git.kernel.org/pub/scm/linux/kernel/git/broonie/"
                                "sound.git for-next; by Lee Jones (commit ")


def test_replies_to_a_posting_outside_the_input_see_its_later_revisions() -> None:
    """Ricardo's v3 01/10 and Marc's 2/5 (retitled "KVM: arm64: vgic-v3: Work around ..." in
    v2, his 3/5 kept its title): only replies are in the week, v4 and v2 were posted in it."""
    ids = ["20210928184803.2496885-1-ricarkol@google.com", "20210924082542.2766170-1-maz@kernel.org"]
    st = _states(week_read(), WEEK_WINDOW, ids)
    assert (st[ids[0]].name, st[ids[0]].superseded_by) == ("superseded", "20211005011921.437353-1-ricarkol@google.com")
    assert (st[ids[1]].name, st[ids[1]].detail) == ("superseded", "superseded by v2")


def test_a_subset_applied_then_respun_is_superseded() -> None:
    """ov9282 v5 (linux-leds): Lee Jones took only [03/10] (b4 ty "(subset)"), the rest came
    back as v6. The series is superseded; patch 3 alone is applied."""
    tid = "20250617-ov9282-flash-strobe-v5-0-9762da74d065@linux.dev"
    threads = _threads_of("leds")
    thread = next(t for t in threads if t.id == tid)
    from listsum.lineage import link_revisions

    facts = series_facts(thread, link_revisions(threads)[tid], LEDS_AUGUST)
    assert facts is not None and facts.state is not None
    assert facts.state.name == "superseded" and facts.state.detail.endswith("; patch 3 applied before")
    applied = [p.counter for p in facts.patch_states if p.state.name == "applied"]
    assert applied == [3]


def test_a_pull_request_with_its_patches_is_one_posting() -> None:
    """Marc's "[GIT PULL] KVM/arm64 fixes for 5.8, take #1" (kvmarm, 2020-06-11) sends its
    eleven patches in reply to the pull; Paolo's "Pulled, thanks." answers the pull.
    Split into a pull and a patch posting, the newest (the patches) looked unanswered."""
    thread = next(t for t in _threads_of("archive") if t.id == "20200611090956.1537104-1-maz@kernel.org")
    facts = series_facts(thread, [])
    assert facts is not None and facts.state is not None
    assert (facts.patches, facts.has_cover) == (11, True)
    assert facts.state.name == "applied"
    assert facts.state.evidence == ["be82c5cb-be6d-74f7-9b77-dbd1648a8933@redhat.com"]


def _archive_facts(tid: str, until: datetime):
    from listsum.lineage import link_revisions
    from listsum.series import pulled_patches

    threads = _threads_of("archive")
    thread = next(t for t in threads if t.id == tid)
    window = Window(until - timedelta(days=7), until)
    facts = series_facts(thread, link_revisions(threads).get(tid, []), window, pulled_patches(threads))
    assert facts is not None and facts.state is not None
    return facts


PM_EXIT = "1575272531-3204-1-git-send-email-shannon.zhao@linux.alibaba.com"  # "[PATCH] KVM: ARM: call hyp_cpu_pm_exit ..."
PULL_5_6 = "20200130132558.10201-1-maz@kernel.org"  # Marc's "[GIT PULL 00/23] KVM/arm updates for 5.6"
PULLED_5_6 = "b69fd046-1076-c197-7147-bd65f40ea9df@redhat.com"  # Paolo: "Pulled, thanks!" (2020-01-30 17:13)


def test_a_patch_carried_by_a_pulled_pull_request_is_applied() -> None:
    """Shannon Zhao's patch had no reply in its own thread; Marc reposted it under the 5.6
    pull and Paolo pulled it: applied, the pull and Paolo's reply deciding."""
    facts = _archive_facts(PM_EXIT, datetime(2020, 2, 1, tzinfo=UTC))
    assert facts.state.name == "applied"
    assert facts.state.evidence == [PULL_5_6, PULLED_5_6]
    assert facts.state.detail == 'applied by Paolo Bonzini through "[GIT PULL 00/23] KVM/arm updates for 5.6"'
    assert [p.state.name for p in facts.patch_states] == ["applied"]


def test_a_pull_taken_after_the_window_is_later() -> None:
    """The window ends between Marc's pull (13:25) and Paolo's "Pulled" (17:13)."""
    facts = _archive_facts(PM_EXIT, datetime(2020, 1, 30, 15, tzinfo=UTC))
    assert facts.state.name == "new"
    assert facts.state.later == [f"later: applied by Paolo Bonzini (2020-01-30, <{PULLED_5_6}>)"]


def test_a_pull_carrying_one_patch_of_many_applies_that_patch_only() -> None:
    """Of maz's "[PATCH 00/59] KVM: arm64: ARMv8.3 Nested Virtualization support" (2019-06),
    patch 01/59 ("KVM: arm64: Migrate _elx sysreg accessors to msr_s/mrs_s") went up in
    "[GIT PULL] KVM/arm updates for Linux 5.3" (2019-07-09): it is applied, the series is not."""
    facts = _archive_facts("20190621093843.220980-1-marc.zyngier@arm.com", datetime(2019, 7, 15, tzinfo=UTC))
    taken = [p.counter for p in facts.patch_states if p.state.name == "applied"]
    assert taken == [1] and facts.state.name == "changes-requested"


LEDS_NOVEMBER = Window(datetime(2025, 11, 1, tzinfo=UTC), datetime(2025, 11, 16, tzinfo=UTC))


def test_a_subset_taken_while_changes_are_asked_is_changes_requested() -> None:
    """Bartosz Golaszewski took "[1/8]" and "[2/8]" of "[PATCH v6 0/8] RTL8231 GPIO expander
    support" (b4 ty "(subset)", 2025-10-23); Lee Jones then asked for changes to the MFD core
    5/8 (2025-11-06) and no v7 came by the window's end: changes requested, patches 1 and 2
    applied. Lee's "(subset)" of TM16xx v5 took only 2/7 while Andy Shevchenko's 4/7 review
    waits. A lone patch is the "[1/1]" of Lee's b4 ty (netxbig GPIO leak fix): applied."""
    ids = ["20251021142407.307753-1-sander@svanheule.net", "20250926141913.25919-1-jefflessard3@gmail.com",
           "20251028082117.276-1-vulab@iscas.ac.cn"]
    threads = _threads_of("leds")
    chosen = [t for t in threads if t.id in ids]
    _, series = pipeline.facts(threads, chosen, LEDS_NOVEMBER)
    rtl, tm, lone = (series[i] for i in ids)
    assert rtl is not None and rtl.state is not None and tm is not None and tm.state is not None
    assert rtl.state.name == "changes-requested" and rtl.state.detail.endswith("; patch 1, 2 applied")
    assert "20251106163316.GV8064@google.com" in rtl.state.evidence
    assert [p.counter for p in rtl.patch_states if p.state.name == "applied"] == [1, 2]
    assert (tm.state.name, tm.state.detail) == ("changes-requested", "changes requested by Andy Shevchenko; patch 2 applied")
    assert lone is not None and lone.state is not None and lone.state.name == "applied"
    assert [p.state.name for p in lone.patch_states] == ["applied"]


KVMARM_2021_01_11 = Window(datetime(2021, 1, 11, tzinfo=UTC), datetime(2021, 1, 18, tzinfo=UTC))


def test_the_authors_answer_decides_the_comment_it_quotes() -> None:
    """Eric Auger asked on 6/6 of Marc's "[PATCH 0/6] KVM: arm64: More PMU/debug ID register
    fixes" whether the AArch32 debug version stays 8.1; Marc: "I'll fix that and resend
    something next week." -- a change request, though Eric gave Reviewed-by to 1/6-5/6.
    Ard Biesheuvel's "Could we include FW_BUG here" on Marc's GICv2 work-around v2 was
    answered "Updated version pushed out.": no request stays open (kvmarm, 2021-01-15)."""
    pmu, gic = "20210114105633.2558739-1-maz@kernel.org", "20210115140323.2682634-1-maz@kernel.org"
    threads = _threads_of("archive")
    chosen = [t for t in threads if t.id in (pmu, gic)]
    _, series = pipeline.facts(threads, chosen, KVMARM_2021_01_11)
    p, g = series[pmu], series[gic]
    assert p is not None and p.state is not None and g is not None and g.state is not None
    assert (p.state.name, p.state.evidence) == ("changes-requested", ["ec06055b-56ad-1589-7a5d-95d9f47466ce@redhat.com"])
    assert [s.state.name for s in p.patch_states] == ["reviewed"] * 5 + ["changes-requested"]
    assert g.state.name == "under-review"
    assert "CAMj1kXHEMpypq54Vxr+JgL9b_zoj_y2azK3mgAhXhnXO6Bhygw@mail.gmail.com" in g.state.evidence


def test_a_thread_revived_years_after_its_series_is_a_conversation() -> None:
    """Lad Prabhakar asked in 2025 under Marek Behún's 2021 "[PATCH leds v2 00/10] Add support
    for offloading netdev trigger to HW" and Andrew Lunn answered: answered, not a review of a
    series four years gone. Aleksandrs Vinarskis' lone 2025 reply to Hans de Goede's 2023 RFC
    patch: nobody answered him, new (linux-leds)."""
    netdev, rfc = "20210601005155.27997-1-kabel@kernel.org", "20230120114524.408368-1-hdegoede@redhat.com"
    threads = _threads_of("leds")
    chosen = [t for t in threads if t.id in (netdev, rfc)]
    _, series = pipeline.facts(threads, chosen, LEDS_NOVEMBER)
    assert series[netdev] is None and series[rfc] is None
    st = pipeline.states(chosen, series, LEDS_NOVEMBER)
    assert st[netdev].name == "answered" and st[netdev].detail.startswith("answered by Andrew Lunn")
    st = pipeline.states(chosen, series, LEDS_AUGUST)
    assert st[rfc].name == "new"


def test_a_request_on_a_patch_the_subset_took_is_settled() -> None:
    """Lee Jones took 1-3/4 of Aleksandrs Vinarskis' "[PATCH v5 0/4] leds: privacy-led support
    for devicetree" (b4 ty "(subset)", 2025-09-16); the requests were on those patches and
    nothing was asked of 4/4: applied (the DT patch went through Bjorn Andersson in October)."""
    tid = "20250910-leds-v5-0-bb90a0f897d5@vinarskis.com"
    threads = _threads_of("leds")
    chosen = [t for t in threads if t.id == tid]
    window = Window(datetime(2025, 9, 15, tzinfo=UTC), datetime(2025, 9, 22, tzinfo=UTC))
    _, series = pipeline.facts(threads, chosen, window)
    facts = series[tid]
    assert facts is not None and facts.state is not None
    assert facts.state.name == "applied" and facts.state.evidence == ["175803434216.3847280.5284437769175227452.b4-ty@kernel.org"]
    assert [p.state.name for p in facts.patch_states][:3] == ["applied"] * 3


def test_an_authors_promise_to_a_review_outside_the_input_requests_changes() -> None:
    """Julien Thierry's kvmtool PCI series and Andre Przywara's April review of it are outside
    the input; Julien answers the review: "I'll rework this to make things a little bit more
    flexible." (kvmarm, 2019-06-14). The thread is his (his old git send-email id,
    "1551947777-13044-1-git-send-email-julien.thierry@arm.com", names him), the request
    Andre's, quoted in Julien's attribution line."""
    from listsum.facts.authors import ghost_author

    thread_id = "1551947777-13044-1-git-send-email-julien.thierry@arm.com"
    threads = _threads_of("archive")
    thread = next(t for t in threads if t.id == thread_id)
    assert ghost_author(thread) == "julien.thierry@arm.com"
    week = Window(datetime(2019, 6, 10, tzinfo=UTC), datetime(2019, 6, 17, tzinfo=UTC))
    _, series = pipeline.facts(threads, [thread], week)
    st = series[thread_id].state
    assert st is not None
    assert (st.name, st.evidence, st.detail) == (
        "changes-requested", ["42fb92bf-e58a-41d0-0a7f-b72d7bca481c@arm.com"], "changes requested by Andre Przywara")
    # Sasha Levin's "I'll drop this patch for now" on an AUTOSEL backport is no change request.
    autosel = next(t for t in threads if "Enforce PTE mappings at" in t.subject and "AUTOSEL 5.0" in t.subject)
    _, series = pipeline.facts(threads, [autosel], Window(datetime(2019, 5, 1, tzinfo=UTC),
                                                          datetime(2019, 5, 8, tzinfo=UTC)))
    assert series[autosel.id] is not None and series[autosel.id].state.name == "new"
