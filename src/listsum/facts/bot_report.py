"""What a bot's mail found: its kind and the first finding, parsed from the report's layout.

facts/bots.py turns it into a Flag on the patch it answers; summarise/bot_points.py
words it as the bot's point. A robot's mail opens with boilerplate ("url:
https://github.com/0day-ci/...", "All warnings (new ones prefixed by >>):", "My bot
found errors running ...") and puts what it found below a section header. The
verdict is the kind of finding (from the report's own headers) and the first
finding it lists: "build error" and "arch/arm64/kvm/hyp/nvhe/ubsan.c:18:48: error:
conflicting types for 'kvm_ubsan_buffer'". Real formats, both corpora:

- kernel test robot (lkp@intel.com), kvmarm 2019-2021: "Thank you for the patch!
  Yet something to improve:", "[auto build test ERROR on ...]", "All errors (new
  ones prefixed by >>):"; linux-leds 2025: "kernel test robot noticed the
  following build warnings:", "sparse warnings: (new ones prefixed by >>)";
  branch reports "[lee-leds:for-leds-next] BUILD SUCCESS <sha>" / "BUILD
  REGRESSION <sha>" with "Error/Warning (recently discovered ...):".
- Rob Herring's dt-review-ci from robh@kernel.org: "My bot found errors running
  'make dt_binding_check' on your patch:" then "yamllint warnings/errors:",
  "dtschema/dtc warnings/errors:", "doc reference errors (make refcheckdocs):"
  sections, possibly all empty (linux-leds 2025-08, 175548430728.3642063...).
- Sashiko AI review (sashiko-bot@kernel.org, linux-leds 2026): "Sashiko AI
  review found 1 potential issue(s) to consider:" then "- [Medium] ...".
Anything else falls back to one verdict line (``_VERDICTS``: patchew, syzbot, lkp's
performance reports).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from listsum.facts import body_text, own_lines
from listsum.mail.message import Message

# A checker's own section names the kind: "sparse warnings: (new ones prefixed by >>)",
# "kismet warnings: ..." (linux-leds 2026-01), "versioncheck warnings: ..." (2025-02), "New smatch
# warnings:" (2025-07); lkp's "noticed the following build warnings" comes before it, so it is
# tried first.
_CHECKER = re.compile(r"^(?:New )?([a-z][\w-]*) warnings:\s*(\(new ones prefixed by >>.*)?$", re.I)
# (kind, rule over a line of the body), first match wins.
_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("build error", re.compile(r"noticed the following build errors|^\[auto build test ERROR\b|^All errors\b",
                               re.I)),
    ("build warning", re.compile(r"noticed the following build warnings|^\[auto build test WARNING\b"
                                 r"|^All warnings\b", re.I)),
    ("dt_binding_check errors", re.compile(r"^My bot found errors running 'make dt_binding_check'", re.I)),
    ("new DTB warnings", re.compile(r"^My bot found new DTB warnings", re.I)),
    ("AI review found no issues", re.compile(r"\bfound no issues\b", re.I)),
    ("AI review", re.compile(r"\bSashiko AI review found\b", re.I)),
)
# A build error report may list a warning first ("All error/warnings (new ones prefixed by >>):",
# Thomas Zimmermann's backlight series, linux-leds 2025-02): its verdict is the first error.
_ERROR = re.compile(r"\berror\b|\bundefined reference\b|\bmultiple definition\b", re.I)
# lkp's branch reports say it in the subject: "[lee-leds:for-leds-next] BUILD SUCCESS 7d5c3cac1f39...".
_BRANCH = re.compile(r"^\[([^\]]+)\]\s+BUILD (SUCCESS WITH (?:UNVERIFIED )?WARNINGS?|SUCCESS|REGRESSION)\s+"
                     r"([0-9a-f]{7,40})", re.I)
_CONFIGS = re.compile(r"^configs tested:\s*(\d+)", re.I)
# Where the findings start: lkp's "All errors (new ones prefixed by >>):", "sparse warnings: ...",
# a branch report's "Error/Warning (recently discovered and may have been fixed):", robh's
# "dtschema/dtc warnings/errors:" and "New warnings running 'make CHECK_DTBS=y ...'", Sashiko's
# "... potential issue(s) to consider:".
_SECTION = re.compile(r"\(new ones prefixed by >>|^New ([a-z][\w-]* )?warnings\b"
                      r"|^(Unverified )?(Error/Warning|Errors?|Warnings?) \((recently discovered|likely false)\b"
                      r"|warnings/errors:\s*$|^doc reference errors\b|potential issue\(s\) to consider:\s*$", re.I)
# Where they end: robh's "See https://patchwork...", lkp's "vim +22 file", "Error/Warning ids
# grouped by kconfigs:", "Old smatch warnings:", and the "-- " signature (a bare "--" separates
# two listings inside one section: Thomas Zimmermann's backlight series, linux-leds 2025-02).
_SECTION_END = re.compile(r"^(See https?://|vim \+|(Error/Warning|Errors?|Warnings?) ids grouped\b"
                          r"|Old \w+ warnings\b|The base for the series\b|If you already ran\b"
                          r"|commit [0-9a-f]{12,40}\b)", re.I)
# Lines inside a section that are context, not a finding: other section headers, links,
# a compiler's "note:" and "In file included from", a linker's "in function" lead-in.
_CONTEXT = re.compile(r":\s*$|^https?://|^In file included from\b|\bnote:|\bin function\b|^\d+\s*\||^\||^`--", re.I)
# robh's CI checkout path, a leading "./", Sashiko's "- " bullet.
_CI_PREFIX = re.compile(r"^(/builds/[^/]+/[^/]+/linux/|\./|-\s+)")
MAX_LINE = 200

# The fallback for a layout not parsed above: (kind, line pattern), first match wins; the
# matching own line is the finding.
_VERDICTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # lkp: "kernel test robot noticed the following build errors:" (leds 2025), "I love your
    # patch! Yet something to improve:" (kvmarm 2019-2021; the build log follows) are failures;
    # "Thank you for the patch! Perhaps something to improve:" (202011191103.JVUre092-lkp@intel.com,
    # sparse warnings on SMMUv3 v13) and "... build warnings:" are warnings. The layouts above parse
    # all of these on both corpora; the rules stay for a mail whose sections they miss.
    ("build failure", re.compile(r"noticed the following build errors|"
                                 r"(?:I love your patch|Thank you for the patch)! Yet something to improve", re.I)),
    ("build warning", re.compile(r"noticed the following build warnings|"
                                 r"(?:I love your patch|Thank you for the patch)! Perhaps something to improve", re.I)),
    # patchew: "This series failed the docker-quick@centos7 build test."
    ("build failure", re.compile(r"\bfailed the \S+ build test\b|\bfailed to build\b", re.I)),
    # robh: "My bot found errors running 'make dt_binding_check' on your patch:".
    ("ci failure", re.compile(r"^My bot found (?:errors|new DTB warnings)", re.I)),
    # sashiko: "Sashiko AI review found 2 potential issue(s) to consider:".
    ("ci failure", re.compile(r"\bfound [1-9]\d* potential issue", re.I)),
    # oliver.sang: "kernel test robot noticed a 3.2% regression of will-it-scale...".
    ("ci failure", re.compile(r"kernel test robot noticed\b|\bseems to have some coding style problems\b|"
                              r"\bsyzbot (?:found|has found)\b|\bcrashed\b", re.I)),
    # sashiko: "Sashiko has reviewed this patch and found no issues. It looks great!";
    # syzbot: "syzbot has tested the proposed patch and the reproducer did not trigger any issue".
    ("ci passed", re.compile(r"\bfound no issues\b|\bdid not trigger any issue\b|\bpassed\b", re.I)),
)


# A verdict's kind -> the Flag kind facts/bots.py sets (model.Flag). A checker's "<name> warning"
# and "build success with (unverified) warning" are build warnings (``flag_kind``).
FLAG_KINDS = {
    "build error": "build-failure", "build regression": "build-failure", "build failure": "build-failure",
    "build warning": "build-warning", "new DTB warnings": "build-warning",
    "dt_binding_check errors": "ci-failure", "AI review": "ci-failure", "ci failure": "ci-failure",
    "build success": "ci-passed", "AI review found no issues": "ci-passed", "ci passed": "ci-passed",
}


@dataclass(frozen=True)
class BotVerdict:
    kind: str  # "build error", "sparse warning", "dt_binding_check errors", "build success", ...
    line: str  # the first finding as the bot printed it; "" when it lists none


def bot_verdict(msg: Message) -> BotVerdict | None:
    """The verdict of a bot's mail, or None when its format is not known here."""
    branch = _BRANCH.match(msg.subject)
    text = body_text(msg)
    lines = text.splitlines()
    if branch:
        return _branch_verdict(branch, lines)
    checker = next((c.group(1) for ln in lines if (c := _CHECKER.match(ln.strip()))), None)
    kind = f"{checker} warning" if checker else next(
        (k for ln in lines if not ln.startswith(">") for k, rule in _KINDS if rule.search(ln.strip())), None)
    if kind is None:
        found = fallback_verdict(text)
        return BotVerdict(found[0], _clip(found[1])) if found else None
    return BotVerdict(kind, _clip(first_finding(lines, _ERROR if kind == "build error" else None)))


def flag_kind(v: BotVerdict) -> str:
    """The Flag kind of a verdict: build-failure, build-warning, ci-failure or ci-passed."""
    if v.kind in FLAG_KINDS:
        return FLAG_KINDS[v.kind]
    return "build-warning" if v.kind.endswith(("warning", "warnings")) else "ci-failure"


def fallback_verdict(text: str) -> tuple[str, str] | None:
    """(kind, the bot's own one-line verdict) of a layout ``bot_verdict`` does not parse."""
    for line in own_lines(text)[:60]:
        line = line.strip()
        for kind, rule in _VERDICTS:
            if rule.search(line):
                return kind, line
    return None


def _branch_verdict(m: re.Match[str], lines: list[str]) -> BotVerdict:
    what = m.group(2).lower()
    kind = "build regression" if what == "regression" else f"build {what}"
    if what == "regression" or "warning" in what:  # "BUILD SUCCESS WITH UNVERIFIED WARNING" lists it
        line = first_finding(lines)
    else:
        configs = next((c.group(1) for ln in lines if (c := _CONFIGS.match(ln.strip()))), None)
        line = f"{m.group(1)} at {m.group(3)[:12]}" + (f", {configs} configs tested" if configs else "")
    return BotVerdict(kind, _clip(line))


def first_finding(lines: list[str], prefer: re.Pattern[str] | None = None) -> str:
    """The first finding listed under a section header: lkp's first new one
    (">>"-prefixed, the first that matches ``prefer`` when one does), else the
    first line that is not context."""
    new: list[str] = []
    plain = ""
    inside = False
    for raw in lines:
        s = raw.strip()
        if _SECTION.search(s):
            inside = True
            continue
        if not inside or not s:
            continue
        if _SECTION_END.match(s) or raw.rstrip("\r") == "-- ":
            inside = False
        elif s.startswith(">>"):
            new.append(s.lstrip("> ").strip())
        elif not plain and not _CONTEXT.search(s) and not raw.startswith(">"):
            plain = s
    preferred = [x for x in new if prefer is not None and prefer.search(x)]
    return (preferred or new or [plain])[0]


def _clip(line: str) -> str:
    line = _CI_PREFIX.sub("", line.strip())
    return line if len(line) <= MAX_LINE else line[:MAX_LINE - 2].rsplit(" ", 1)[0] + " …"
