"""The summary cache and its migrations, on in-memory SQLite."""

from __future__ import annotations

import re
from pathlib import Path
import sqlite3

import pytest

from listsum.migrations import MIGRATIONS, migrate
from listsum.cache import HASH_PREFIX, Cached, Store, cache_key, db_path


@pytest.fixture
def db() -> sqlite3.Connection:
    return sqlite3.connect(":memory:")


def _columns(db: sqlite3.Connection) -> list[str]:
    return [r[1] for r in db.execute("PRAGMA table_info(summaries)")]


class TestMigrations:
    def test_names_unique_and_ascending(self) -> None:
        nums = [int(re.match(r"m(\d{3})_", fn.__name__).group(1)) for fn in MIGRATIONS]
        assert nums == sorted(set(nums)) == list(range(1, len(nums) + 1))

    def test_fresh_db_gets_every_column_once(self, db: sqlite3.Connection) -> None:
        assert migrate(db) == [fn.__name__ for fn in MIGRATIONS]
        assert _columns(db) == ["key", "thread_id", "lang", "text", "engine", "fallback", "flags", "created",
                                "prompt_tokens", "seconds", "record"]
        assert migrate(db) == []  # recorded by name: nothing runs twice

    def test_old_rows_survive_later_migrations(self, db: sqlite3.Connection) -> None:
        migrate(db, stop_before="m003_usage")
        db.execute("INSERT INTO summaries VALUES ('k', 't', 'en', 'old text', 'echo', 0, '[]', 1.0)")
        assert migrate(db) == ["m003_usage", "m004_summary_record"]
        assert db.execute("SELECT text, prompt_tokens, record FROM summaries").fetchall() == [("old text", 0, "")]


class TestKey:
    def test_stable_and_sensitive(self) -> None:
        k = cache_key(["a", 1], "m1", "3", "en")
        assert k.startswith(HASH_PREFIX) and k == cache_key(["a", 1], "m1", "3", "en")
        others = {cache_key(["a", 2], "m1", "3", "en"), cache_key(["a", 1], "m2", "3", "en"),
                  cache_key(["a", 1], "m1", "4", "en"), cache_key(["a", 1], "m1", "3", "zh")}
        assert k not in others and len(others) == 4


class TestStore:
    def test_put_get_previous(self, db: sqlite3.Connection) -> None:
        store = Store(db)
        assert store.get("k1") is None
        store.put("k1", "thread@x", "en", Cached("first week", "smollm2", False, []))
        store.put("k2", "thread@x", "en", Cached("second week", "smollm2", True, ["echo"]))
        assert store.get("k2") == Cached("second week", "smollm2", True, ["echo"])
        assert store.previous("thread@x", "en").text == "second week"
        assert store.previous("thread@x", "zh") is None
        assert store.count() == 2

    def test_put_commits_at_once(self, tmp_path) -> None:
        path = tmp_path / "s.db"
        Store(sqlite3.connect(path)).put("k", "t", "en", Cached("kept", "e", False))
        # another connection (as after kill -9) sees it without any close()
        assert Store(sqlite3.connect(path)).get("k").text == "kept"

    def test_prune_and_clear(self, db: sqlite3.Connection) -> None:
        store = Store(db)
        store.put("k1", "t", "en", Cached("a", "e", False))
        db.execute("UPDATE summaries SET created = created - 40 * 86400")
        db.commit()
        store.put("k2", "t", "en", Cached("b", "e", False))
        assert store.prune(30) == 1 and store.get("k2") is not None
        assert store.clear() == 1 and store.count() == 0

    def test_db_path_in_user_cache_dir(self, _isolated_user_dir) -> None:
        assert db_path() == _isolated_user_dir / "cache" / "summaries.db"


def test_a_rule_edit_changes_every_cache_key(tmp_path: Path) -> None:
    # Cached records are made by the rules as much as by the mail: after an upgrade
    # that changes a stance rule, last week's points must not be served again.
    import shutil

    from listsum.summarise import prompts

    pkg = tmp_path / "listsum"
    shutil.copytree(Path(prompts.__file__).resolve().parents[1], pkg)
    before = prompts.rules_version(pkg)
    assert before.startswith(prompts.PROMPT_VERSION + "-") and prompts.rules_version(pkg) == before
    rules = pkg / "summarise" / "stance_rules.py"
    rules.write_text(rules.read_text() + "\n# one more rule\n")
    edited = prompts.rules_version.__wrapped__(pkg)
    assert edited != before
    (pkg / "mail" / "body.py").write_text("# not a rule source\n")
    assert prompts.rules_version.__wrapped__(pkg) == edited
