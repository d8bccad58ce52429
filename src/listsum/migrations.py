"""SQLite schema as an ordered list of migration functions, each applied
once and recorded by name in _listsum_migrations (as in simonw/llm): a
fresh database is built by running all of them, so there is one road to
the current schema. Numbers are unique and ascending (tested)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

Migration = Callable[[sqlite3.Connection], None]
MIGRATIONS: list[Migration] = []


def migration(fn: Migration) -> Migration:
    MIGRATIONS.append(fn)
    return fn


@migration
def m001_summaries(db: sqlite3.Connection) -> None:
    db.execute("""
        CREATE TABLE summaries (
            key TEXT PRIMARY KEY,
            thread_id TEXT NOT NULL,
            lang TEXT NOT NULL,
            text TEXT NOT NULL,
            engine TEXT NOT NULL,
            fallback INTEGER NOT NULL DEFAULT 0,
            flags TEXT NOT NULL DEFAULT '[]',
            created REAL NOT NULL
        )""")


@migration
def m002_thread_index(db: sqlite3.Connection) -> None:
    # A new week looks up the previous summary of a thread by its id.
    db.execute("CREATE INDEX summaries_thread ON summaries (thread_id, lang, created)")


@migration
def m003_usage(db: sqlite3.Connection) -> None:
    db.execute("ALTER TABLE summaries ADD COLUMN prompt_tokens INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE summaries ADD COLUMN seconds REAL NOT NULL DEFAULT 0")


@migration
def m004_summary_record(db: sqlite3.Connection) -> None:
    # The summary is a record (headline, points, state): stored as JSON beside its text.
    db.execute("ALTER TABLE summaries ADD COLUMN record TEXT NOT NULL DEFAULT ''")


def migrate(db: sqlite3.Connection, stop_before: str | None = None) -> list[str]:
    """Apply the migrations not yet recorded; returns the names applied."""
    db.execute("CREATE TABLE IF NOT EXISTS _listsum_migrations (name TEXT PRIMARY KEY, applied REAL)")
    done = {r[0] for r in db.execute("SELECT name FROM _listsum_migrations")}
    applied: list[str] = []
    for fn in MIGRATIONS:
        if fn.__name__ == stop_before:
            break
        if fn.__name__ in done:
            continue
        with db:
            fn(db)
            db.execute("INSERT INTO _listsum_migrations VALUES (?, julianday('now'))", (fn.__name__,))
        applied.append(fn.__name__)
    return applied
