"""`listsum thread` across revisions, on real series checked against what
their cover letters say:

- linux-leds: Nam Tran's TI LP5812 driver, v1..v22 (no v8) over a year;
  Thomas Weißschuh's devm_mutex_init() __must_check, v2, v3, v6, v7.
- kvmarm: Quentin Perret's "A stage 2 for the host", v1..v6 (27..38
  patches); Will Deacon's pKVM hypercall restriction, v2 -> v3 (week file).
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from listsum.cli import app, load_commands
from listsum.facts.evolution import ADDRESSED, DROPPED_BY_AUTHOR, MENTIONED, STALE, changelog_for
from listsum.facts.interdiff import split_patch
from listsum.facts.questions import open_questions
from listsum.mail.threads import build_threads
from listsum.sources.gittree import Landing, Wanted, find_landed
from listsum.sources.reader import read_inputs
from listsum.deepdive import find_thread

pytestmark = [pytest.mark.corpus]
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
LEDS = CORPUS / "linux-leds-2025-01-2026-07.mbox.gz"
ARCHIVE = CORPUS / "kvmarm-2019-2021.mbox.gz"
WEEK = CORPUS / "kvmarm-2021-10-04.week.mbox.gz"
LP5812 = "20260115161013.40706-1-trannamatk@gmail.com"
MUTEX = "20250617-must_check-devm_mutex_init-v7-0-d9e449f4d224@weissschuh.net"
STAGE2 = "20210319100146.1149909-1-qperret@google.com"
PKVM_V2 = "20211005113721.29441-1-will@kernel.org"
load_commands()

_DIVES: dict[tuple[str, str], dict] = {}


def dive(msgid: str, mbox: Path, *extra: str) -> dict:
    """The JSON deep dive, run once per (thread, input) for the module."""
    key = (msgid, str(mbox), *extra)
    if key not in _DIVES:
        out = Path(os.environ["LISTSUM_USER_PATH"]) / "dive.json"
        res = CliRunner().invoke(app, ["thread", msgid, "--mbox", str(mbox), "--engine", "none", "-q",
                                       "--format", "json", "-o", str(out), *extra])
        assert res.exit_code == 0, res.output
        _DIVES[key] = json.loads(out.read_text())
    return _DIVES[key]


def step(d: dict, old: int, new: int) -> dict:
    return next(s for s in d["steps"] if (s["from_version"], s["to_version"]) == (old, new))


def statuses(st: dict) -> list[tuple[str, str]]:
    return [(p["status"], (p["new"] or p["old"])["subject"]) for p in st["patches"]]


def test_lp5812_every_revision_with_its_changelog() -> None:
    d = dive(LP5812, LEDS)
    assert sorted({r["version"] for r in d["revisions"]}) == [v for v in range(1, 23) if v != 8]
    v22 = next(r for r in d["revisions"] if r["version"] == 22)
    assert (v22["patches"], v22["in_thread"], v22["message_id"]) == (2, True, LP5812)
    # The v22 cover: "Changes in v22: - Rebased onto for-leds-next. ... - Dropped the DT binding patch".
    assert v22["changes"][:2] == ["Rebased onto for-leds-next. No functional changes.",
                                  "Dropped the DT binding patch (already applied)"]
    v15 = next(r for r in d["revisions"] if r["version"] == 15)
    assert "Dropped previous Reviewed-by tag from the binding patch due to property addition." in v15["changes"]


def test_lp5812_patches_between_revisions_match_the_changelogs() -> None:
    d = dive(LP5812, LEDS)
    # v22: "Dropped the DT binding patch (already applied)".
    assert statuses(step(d, 21, 22)) == [
        ("changed", "[PATCH v22 1/2] leds: add basic support for TI/National Semiconductor LP5812 LED Driver"),
        ("dropped", "[PATCH v21 1/3] dt-bindings: leds: add TI/National Semiconductor LP5812 LED Driver"),
        ("unchanged", "[PATCH v22 2/2] docs: leds: Document TI LP5812 LED driver")]
    # "Rebased onto for-leds-next. No functional changes.": the driver's own lines are the same,
    # only the Kconfig/Makefile context around them moved.
    assert [p["context_only"] for p in step(d, 21, 22)["patches"]] == [True, False, False]
    # v20 "Rebase on v6.19-rc1", v21 "Rebased onto Linux Next. No functional changes.": same patch-ids.
    for old in (19, 20):
        assert {p["status"] for p in step(d, old, old + 1)["patches"]} == {"unchanged"}
    # v19 renamed the driver's unions and fixed the docs' links: every patch changed.
    sizes = {p["new"]["counter"]: p["size"] for p in step(d, 18, 19)["patches"]}
    assert "lines in drivers/leds/rgb/leds-lp5812.h" in sizes[2] and "Documentation/leds/leds-lp5812.rst" in sizes[3]
    assert all(p["diff"] for p in step(d, 18, 19)["patches"])


def test_lp5812_dropped_reviews_are_the_ones_the_changelogs_name() -> None:
    d = dive(LP5812, LEDS)
    flagged = [(s["from_version"], t["kind"], t["person"], t["patch"].split("]")[0]) for s in d["steps"]
               for t in s["trailers"] if t["status"] == DROPPED_BY_AUTHOR]
    # v15: "Dropped previous Reviewed-by tag from the binding patch"; v18: "remove previous
    # Reviewed-by tag"; v9 lost Krzysztof's tag too (v10: "Address feedback on v9 regarding
    # missing Reviewed-by tag").
    assert flagged == [(7, "Reviewed-by", "krzysztof.kozlowski@linaro.org", "[PATCH v7 1/5"),
                       (14, "Reviewed-by", "krzysztof.kozlowski@linaro.org", "[PATCH v14 1/4"),
                       (17, "Reviewed-by", "Rob Herring (Arm) <robh@kernel.org>", "[PATCH v17 1/3")]
    assert [t["status"] for t in step(d, 20, 21)["trailers"]] == ["carried"]


def test_lp5812_review_answered_by_the_changelog() -> None:
    d = dive(LP5812, LEDS)
    asked = next(r for r in step(d, 9, 10)["reviews"] if r["line"] == "Should we do something if ret != 0?")
    assert asked["person"] == "Christophe JAILLET <christophe.jaillet@wanadoo.fr>"
    assert asked["verdict"] in (ADDRESSED, MENTIONED)
    assert asked["changelog_line"] == "Add a return checks for lp5812_write() and lp5812_read()"
    assert asked["answer_in"].startswith("20250618183205.113344-")  # the v10 posting


def test_mutex_reworded_messages_and_carried_acks() -> None:
    d = dive(MUTEX, LEDS)
    assert [(r["version"], r["patches"]) for r in d["revisions"]] == [(2, 2), (3, 2), (6, 3), (7, 3)]
    st = step(d, 6, 7)
    # v7: "Pick up Ack from Andrew", "Reword commit messages": code unchanged, every message changed.
    assert [(p["status"], p["message_changed"]) for p in st["patches"]] == [("unchanged", True)] * 3
    assert ("Acked-by", "Andrew Davis <afd@ti.com>", "carried") in \
        [(t["kind"], t["person"], t["status"]) for t in st["trailers"]]
    andy = next(r for r in st["reviews"] if r["line"].startswith("Thomas, can you adjust the commit message"))
    assert andy["verdict"] == ADDRESSED and andy["answer_in"].startswith("20250617-must_check-devm_mutex_init-v7-1-")
    # v6 replaced the st1202 fix (applied to leds in February) by fixes for spi-nxp-fspi and lp8860.
    assert [s for s, _ in statuses(step(d, 3, 6))] == ["added", "dropped", "added", "unchanged"]
    assert [a["text"] for a in d["applied"]] == ["Applied, thanks!", "Applied, thanks!",
                                                "Queued for v6.17, thank you all!"]


def test_stage2_for_the_host_38_patches_six_revisions() -> None:
    d = dive(STAGE2, ARCHIVE)
    assert [(r["version"], r["patches"]) for r in d["revisions"]] == [(1, 27), (2, 26), (3, 32), (4, 34),
                                                                       (5, 36), (6, 38)]
    v3 = next(r for r in d["revisions"] if r["version"] == 3)
    assert "fixed FWB support (Mate);" in v3["changes"]
    # v6: "disabled FWB for the host ... using stage-2 config flags; added a stage-2 config
    # flag to enfore identity mappings for the host": two new patches.
    added = [p["new"]["subject"] for p in step(d, 5, 6)["patches"] if p["status"] == "added"]
    assert added == ["[PATCH v6 32/38] KVM: arm64: Introduce KVM_PGTABLE_S2_NOFWB stage 2 flag",
                     "[PATCH v6 33/38] KVM: arm64: Introduce KVM_PGTABLE_S2_IDMAP stage 2 flag"]
    # v5: "refactored hyp_map_set_prot_attr() to match its stage-2 counterpart": a retitled patch.
    renamed = next(p for p in step(d, 4, 5)["patches"] if p["status"] == "renamed")
    assert (renamed["old"]["counter"], renamed["new"]["counter"]) == (29, 30)
    assert "Refactor the *_map_set_prot_attr() helper" in renamed["new"]["subject"]
    # Will acked v4 16/34 on 2021-03-11; v5 carries the ack on a patch whose Makefile hunk changed.
    stale = {(t["patch"][:16], t["given_in"]) for t in step(d, 4, 5)["trailers"] if t["status"] == STALE}
    assert ("[PATCH v4 16/34]", "20210311162112.GD31206@willie-the-truck") in stale


def test_pkvm_v3_drops_quentins_reviews_and_takes_marcs_enum() -> None:
    d = dive(PKVM_V2, WEEK)
    st = step(d, 2, 3)
    assert statuses(st)[0] == ("added", "[PATCH v3 1/6] KVM: arm64: Turn __KVM_HOST_SMCCC_FUNC_* into an enum "
                                        "(mostly)")
    # v2 2/5 and 4/5 carried "Reviewed-by: Quentin Perret"; v3 3/6 and 5/6 do not, code unchanged.
    assert [(t["patch"][:13], t["status"]) for t in st["trailers"]] == [
        ("[PATCH v2 2/5", DROPPED_BY_AUTHOR), ("[PATCH v2 4/5", DROPPED_BY_AUTHOR)]
    marc = next(r for r in st["reviews"] if r["asked_in"] == "877depq9gw.wl-maz@kernel.org")
    assert marc["verdict"] == ADDRESSED  # the hypercall array was rewritten around the enum
    assert marc["changelog_line"] == "Included proposed cleanup (using an enum) from Marc"


def test_cover_letter_ack_counts_for_every_patch() -> None:
    # Simona Vetter on the v3 cover of Thomas Zimmermann's fbdev-events series: "So on the
    # series: Acked-by". v4 carries it on all 11 patches; v4's changelog, "protect backlight
    # declarations with IS_REACHABLE()", changed patch 6 under it.
    d = dive("20250321095517.313713-1-tzimmermann@suse.de", LEDS)
    st = step(d, 3, 4)
    acks = [(t["patch"][:16], t["status"]) for t in st["trailers"]
            if t["via_cover"] and t["given_in"] == "Z9PrX6Qz4io3M9xs@phenom.ffwll.local"]
    assert len(acks) == 11 and acks[5] == ("[PATCH v3 06/11]", STALE)
    assert {a for _, a in acks[:5] + acks[6:]} == {"carried"}
    assert [p["status"] for p in st["patches"]].count("changed") == 1
    assert "protect backlight declarations with IS_REACHABLE()" in d["revisions"][-1]["changes"]


def test_json_keys_are_the_documented_ones() -> None:
    d = dive(MUTEX, LEDS)
    assert set(d) == {"thread_id", "subject", "kind", "messages", "participants", "first", "last", "sources",
                      "revisions", "steps", "landed_in", "landed", "applied", "matrix", "questions", "timeline",
                      "series", "summary", "list_url"}
    assert set(d["revisions"][0]) == {"version", "subject", "date", "thread_id", "patches", "changes", "in_thread",
                                      "message_id", "author", "resend"}
    st = d["steps"][-1]
    assert set(st) == {"from_version", "to_version", "from_thread", "to_thread", "note", "patches", "trailers",
                       "reviews"}
    assert set(st["patches"][0]) == {"status", "old", "new", "same_code", "message_changed", "context_only", "size",
                                     "files", "diff"}
    assert set(st["trailers"][0]) == {"kind", "person", "patch", "given_in", "status", "via_cover",
                                      "new_message_id"}
    assert set(st["reviews"][0]) == {"person", "rule", "line", "quoted", "patch", "asked_in", "answer_in",
                                     "verdict", "changelog_line"}
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    assert all(f'"{k}"' in readme for k in list(d) + list(st) + list(st["reviews"][0]))


def test_other_revisions_come_from_the_store_offline() -> None:
    # A fetched thread (v3) and a fetched window holding v2: `thread V3 --offline` finds both.
    import gzip

    from listsum.sources import mailstore

    mails = read_inputs([str(WEEK)]).messages
    v3_thread = find_thread(build_threads(mails), "20211008135839.1193-1-will@kernel.org")
    v3 = b"".join(b"From x@y Thu Jan  1 00:00:00 1970\n" + m.raw + b"\n" for m in v3_thread.messages)
    week = WEEK.read_bytes()
    meta = dict(url="test", full_threads=True, fetched_at=datetime.now(timezone.utc).isoformat())
    mailstore.save(mailstore.thread_path("kvmarm", "20211008135839.1193-1-will@kernel.org"), gzip.compress(v3),
               mailstore.WindowMeta(list_name="kvmarm", since="", until="", size=0,
                                msgid="20211008135839.1193-1-will@kernel.org", **meta))
    since, until = datetime(2021, 10, 4, tzinfo=timezone.utc), datetime(2021, 10, 11, tzinfo=timezone.utc)
    mailstore.save(mailstore.window_path("kvmarm", since, until, True), week,
               mailstore.WindowMeta(list_name="kvmarm", since=since.isoformat(), until=until.isoformat(), size=len(week),
                                **meta))
    out = Path(os.environ["LISTSUM_USER_PATH"]) / "offline.json"
    res = CliRunner().invoke(app, ["thread", "20211008135839.1193-1-will@kernel.org", "--list", "kvmarm",
                                   "--offline", "--engine", "none", "-o", str(out)])
    assert res.exit_code == 0, res.output
    d = json.loads(out.read_text())
    assert [(r["version"], r["patches"]) for r in d["revisions"]] == [(2, 5), (3, 6)]
    assert [(s["from_version"], s["to_version"]) for s in d["steps"]] == [(2, 3)]


def test_markdown_and_terminal_show_the_steps(tmp_path: Path) -> None:
    out = tmp_path / "dive.md"
    res = CliRunner().invoke(app, ["thread", MUTEX, "--mbox", str(LEDS), "--engine", "none", "-q", "-o", str(out)])
    assert res.exit_code == 0, res.output
    md = out.read_text()
    assert "### v6 → v7: 3 unchanged\n\n| Patch | Status | Size |\n|---|---|---|\n" \
           "| [PATCH v7 1/3] spi: spi-nxp-fspi: check return value of devm_mutex_init() " \
           "| unchanged, message changed | +2 -3 lines in Commit message |\n" in md
    assert "### v2 → v3: 1 changed, 1 unchanged\n" in md and "Unchanged (same patch-id, same message): 1 patch, patch 1." in md
    assert "```diff\n@@ Commit message @@\n ## Commit message ##\n" in md
    assert "Trailers of v6: 3 carried as given.\n" in md
    assert ("- **addressed (lines changed)**: Andy Shevchenko \\<andriy.shevchenko\\@linux.intel.com\\> on [PATCH v6 "
            "1/3]") in md
    assert "## Did it land?\n\n- applied by Lee Jones on 2025-02-11 13:41: \"Applied, thanks\\!\"" in md
    # With the list named, both mails of a check are links (lore's URL scheme, no network).
    res = CliRunner().invoke(app, ["thread", MUTEX, "--mbox", str(LEDS), "--list", "linux-leds", "--engine", "none",
                                   "-q", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert ("([aEk_Sx2qht6WK6yQ\\@smile.fi.intel.com](https://lore.kernel.org/linux-leds/aEk_Sx2qht6WK6yQ@smile.fi"
            ".intel.com/) → [20250617-must_check-devm_mutex_init-v7-1-d9e449f4d224\\@weissschuh.net]"
            "(https://lore.kernel.org/linux-leds/20250617-must_check-devm_mutex_init-v7-1-d9e449f4d224@weissschuh.net/))"
            ) in out.read_text()
    term = CliRunner().invoke(app, ["thread", MUTEX, "--mbox", str(LEDS), "--engine", "none", "-q"],
                              env={"COLUMNS": "200"})
    assert term.exit_code == 0 and "v6 → v7: 3 unchanged" in term.output and "What changed between revisions" \
        in term.output


def test_changelog_for_picks_the_version_block() -> None:
    text = ("Changes in v22:\n- Rebased.\n- Link to v21: x\n\nChanges in v21:\n- Other.\n")
    assert changelog_for(text, 22) == ["Rebased.", "Link to v21: x"]
    assert changelog_for(text, 21) == ["Other."]
    wrapped = "The other changes to v3 include:\n\n - fixed FWB\n   support (Mate);\n\n - rebased.\n\nThanks,\n"
    assert changelog_for(wrapped, 3) == ["fixed FWB support (Mate);", "rebased."]


@pytest.mark.parametrize(("path", "root", "expected"), [
    # 25 patches whose diffs hold "+\treturn vcpu_has_sve(vcpu) ?" and the like: no question.
    (ARCHIVE, "20211012043535.500493-1-reijiw@google.com", []),
    # "+ * separately. Do we need to support ramp-down setting?" is in a patch; Matti's
    # question to Lee in prose is what nobody answered.
    (LEDS, "cover.1759824376.git.mazziesaccount@gmail.com", ["Lee, objections to this?"]),
])
def test_open_questions_are_prose(path: Path, root: str, expected: list[str]) -> None:
    thread = find_thread(build_threads(read_inputs([str(path)]).messages), root)
    assert [q.text for q in open_questions(thread)] == expected


def test_questions_answered_by_quoting_are_closed() -> None:
    # Reiji Watanabe's v3 of the same series: 109 mails, every reviewer question quoted in an answer.
    thread = find_thread(build_threads(read_inputs([str(ARCHIVE)]).messages),
                         "20211117064359.2362060-1-reijiw@google.com")
    assert open_questions(thread) == []


# --- --git: a tree built from the patches themselves ---------------------------------------

def _base_files(patches: list[bytes]) -> dict[str, list[str]]:
    """A pre-image for every file the patches modify: their old lines where the hunks say."""
    from listsum.mail.body import body_text

    files: dict[str, list[str]] = {}
    for raw in patches:
        text = body_text(raw)
        for f in split_patch(text).files:
            starts = [h for h in text.split(f"+++ b/{f.path}\n", 1)[1].split("\ndiff --git")[0].splitlines()
                      if h.startswith("@@ -")]
            lines: list[str] = []
            for header, hunk in zip(starts, f.hunks):
                start = int(header[4:].split(",")[0].split(" ")[0])
                while len(lines) < start - 1:
                    lines.append(f"/* filler {len(lines)} */")
                lines += [ln[1:] for ln in hunk.lines if ln[:1] in " -"]
            if "--- /dev/null" not in text.split(f"+++ b/{f.path}", 1)[0].rsplit("diff --git", 1)[-1]:
                files[f.path] = lines + ["/* end */"]
    return files


def _git(repo: Path, *args: str, data: bytes | None = None) -> str:
    # No GIT_AUTHOR_* here: git am must keep the mail's author.
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(repo.parent)}
    proc = subprocess.run(["git", "-C", str(repo), "-c", "user.name=Maintainer", "-c", "user.email=m@example.com",
                           *args], input=data, capture_output=True, env=env)
    assert proc.returncode == 0, proc.stderr.decode()
    return proc.stdout.decode()


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_git_finds_patches_by_patch_id_then_author_and_subject(tmp_path: Path) -> None:
    mails = {m.msgid: m for m in read_inputs([str(LEDS)]).messages}
    ids = [MUTEX.replace("-v7-0-", f"-v7-{n}-") for n in (1, 2, 3)]
    raws = [mails[i].raw for i in ids]
    repo = tmp_path / "linux"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "master")
    for path, lines in _base_files(raws).items():
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text("\n".join(lines) + "\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "base")
    # Patch 1 as sent; patch 2 amended by the maintainer (a different patch-id), both
    # tagged; patch 3 only on a branch after the tag.
    mbox = b"From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n"
    for raw in raws[:2]:
        _git(repo, "am", "-q", data=mbox + raw)
    lp8860 = repo / "drivers/leds/leds-lp8860.c"
    lp8860.write_text(lp8860.read_text() + "/* fixed up while applying */\n")
    _git(repo, "commit", "-q", "-a", "--amend", "--no-edit")
    _git(repo, "tag", "v6.17-rc1")
    _git(repo, "checkout", "-q", "-b", "for-next")
    _git(repo, "am", "-q", data=mbox + raws[2])
    heads = _git(repo, "log", "--format=%H", "-3").split()

    d = dive(MUTEX, LEDS, "--git", str(repo))
    assert d["landed_in"] == str(repo)
    assert [(x["message_id"], x["found_by"], x["commit"], x["contained_in"]) for x in d["landed"]] == [
        (ids[0], "patch-id", heads[2], "tag v6.17-rc1"),
        (ids[1], "author+subject", heads[1], "tag v6.17-rc1"),
        (ids[2], "patch-id", heads[0], "branch for-next")]
    gone = Wanted("leds: never applied", "x@y", "linux@weissschuh.net", "0" * 40)
    assert find_landed(repo, [gone], datetime(2025, 6, 1, tzinfo=timezone.utc)) == [
        Landing("leds: never applied", "x@y", "")]


def test_git_path_that_is_not_a_repository(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["thread", MUTEX, "--mbox", str(LEDS), "--engine", "none", "--git", str(tmp_path)])
    assert res.exit_code == 1 and f"Error: {tmp_path} is not a git repository" in res.output


def test_terminal_tables_fold_long_paths_instead_of_cutting_them() -> None:
    """At 80 columns rich cut "+1 -2 lines in drivers/iommu/arm/arm-sm…" (SMMUv3 nested
    stage v16's comparison): the terminal now folds the cell, so the path is whole."""
    from rich.console import Console

    from listsum.report.deepdive import terminal_markdown

    path = "drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c"
    md = ("| Patch | Status | Size |\n|---|---|---|\n"
          f"| [RFC v16 6/9] iommu/smmuv3: Allow stage 1 invalidation with unmanaged ASIDs | changed | "
          f"+1 -2 lines in {path} |\n")
    console = Console(width=80, record=True, color_system=None)
    console.print(terminal_markdown(md))
    text = console.export_text()
    assert "…" not in text
    joined = "".join(line.rstrip().split()[-1] for line in text.splitlines() if "drivers/" in line or "smmu" in line)
    assert path in joined, text


def test_the_deep_dive_gives_a_thread_the_reports_state() -> None:
    """The deep dive runs the report's own fact stages (pipeline.facts): Kristina Martsenko's
    pointer authentication series went up in Marc's pull that Paolo pulled, so it is applied in
    both (the deep dive linked revisions alone and said "acked"; 81 kvmarm threads differed)."""
    from corpus_msgs import archive_read

    from listsum import pipeline

    res = archive_read()
    tid = "20190501161008.31498-1-kristina.martsenko@arm.com"
    dive = pipeline.deep_dive(res.messages, tid)
    threads = pipeline.build_threads(res.messages)
    thread = next(t for t in threads if t.id == tid)
    report_state = pipeline.facts(threads, [thread])[1][tid].state
    assert dive.series is not None and dive.series.state is not None
    assert (dive.series.state.name, dive.series.state.detail) == ("applied", report_state.detail)
    assert dive.series.state.detail.startswith("applied by Paolo Bonzini through \"[GIT PULL] KVM/arm updates")
