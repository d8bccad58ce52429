"""facts/interdiff.py: patch-id against git itself, patch matching, the diff of diffs."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from listsum.facts import body_text
from listsum.facts.interdiff import ADDED, CHANGED, DROPPED, RENAMED, UNCHANGED, match_patches, patch_id, \
    split_patch
from listsum.mail.subject import Subject
from listsum.sources.reader import read_inputs

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
LEDS = CORPUS / "linux-leds-2025-01-2026-07.mbox.gz"
WEEK = CORPUS / "kvmarm-2021-10-04.week.mbox.gz"

PATCH = """Fix the frobnicator.

Signed-off-by: A U Thor <author@example.com>
---
v2: dropped the second hunk
 foo.c | 3 ++-
 1 file changed, 2 insertions(+), 1 deletion(-)

diff --git a/foo.c b/foo.c
index 1111111..2222222 100644
--- a/foo.c
+++ b/foo.c
@@ -1,3 +1,4 @@ int main(void)
 int a;
-int b;
+int b = 1;
+int c;
 int d;
diff --git a/bar.h b/bar.h
index 3333333..4444444 100644
--- a/bar.h
+++ b/bar.h
@@ -10,2 +10,2 @@ struct x {
-	int y;
+	long y;
 };
-- 
2.30.0
"""


def _git_patch_id(text: str) -> str | None:
    out = subprocess.run(["git", "patch-id", "--stable"], input=text.encode("utf-8", "surrogateescape"),
                         capture_output=True, check=True).stdout.split()
    return out[0].decode() if out else None


def test_split_patch_parts() -> None:
    p = split_patch(PATCH)
    assert p.message == ["Fix the frobnicator.", "", "Signed-off-by: A U Thor <author@example.com>"]
    assert p.notes == ["v2: dropped the second hunk"]
    assert [(f.path, len(f.hunks)) for f in p.files] == [("foo.c", 1), ("bar.h", 1)]
    assert p.files[0].hunks[0].func == "int main(void)"
    # The hunk counts end the diff: the "-- " signature is not a removed line.
    assert p.files[1].hunks[0].lines == ["-\tint y;", "+\tlong y;", " };"]


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_patch_id_stable_ignores_file_order_and_whitespace() -> None:
    foo, bar = PATCH.split("diff --git a/bar.h")
    swapped = foo.split("diff --git a/foo.c")[0] + "diff --git a/bar.h" + bar.split("-- \n")[0] \
        + "diff --git a/foo.c" + foo.split("diff --git a/foo.c")[1]
    assert patch_id(PATCH) == patch_id(swapped) == _git_patch_id(PATCH) == _git_patch_id(swapped)
    assert patch_id(PATCH.replace("int b = 1;", "int  b=1;")) == patch_id(PATCH)
    assert patch_id(PATCH.replace("int b = 1;", "int b = 2;")) != patch_id(PATCH)
    assert patch_id("no diff here\n") is None


@pytest.mark.corpus
@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
@pytest.mark.parametrize("path", [LEDS, WEEK], ids=["leds", "kvmarm-week"])
def test_patch_id_agrees_with_git_on_real_patches(path: Path) -> None:
    checked = 0
    for msg in read_inputs([str(path)]).messages:
        subj = Subject.parse(msg.subject)
        text = body_text(msg)
        if subj.reply or not subj.is_patch or "\ndiff --git " not in text:
            continue
        assert patch_id(text) == _git_patch_id(text), msg.msgid
        checked += 1
        if checked == 120:
            break
    assert checked == 120


def _variant(old: str, new: str) -> tuple[str, object]:
    return ("fix the frobnicator", split_patch(PATCH.replace(old, new)))


def test_match_patches_statuses_and_size() -> None:
    same = ("fix the frobnicator", split_patch(PATCH))
    other = ("add a widget", split_patch(PATCH.replace("foo.c", "widget.c").replace("int c;", "int w;")
                                         .replace("long y;", "short y;").replace("int b = 1;", "int q;")))
    renamed = ("fix the frobnicator properly", split_patch(PATCH))
    changed = ("fix the frobnicator", split_patch(PATCH.replace("+int c;", "+int c;\n+int e;")
                                                  .replace("@@ -1,3 +1,4 @@", "@@ -1,3 +1,5 @@")))
    comps = match_patches([same, other], [renamed])
    assert [(c.status, c.old, c.new) for c in comps] == [(RENAMED, 0, 0), (DROPPED, 1, None)]
    assert comps[0].same_code
    comps = match_patches([same], [changed, other])
    assert [(c.status, c.old, c.new) for c in comps] == [(CHANGED, 0, 0), (ADDED, None, 1)]
    assert comps[0].size == "+1 -0 lines in foo.c"
    assert comps[0].diff == ["@@ foo.c: int main(void) @@", " -int b;", " +int b = 1;", " +int c;", "++int e;",
                             "  int d;", " ## bar.h ##", " @@ struct x {"]
    assert match_patches([same], [same])[0].status == UNCHANGED
