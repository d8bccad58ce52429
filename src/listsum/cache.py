"""The summary cache: SQLite, keyed by a content hash.

The key is sha256 over a canonical JSON of (thread content, model file
hash, prompt version, language), prefixed with a scheme tag so a change of
scheme stays detectable. Store is handed its connection (tests pass
":memory:"); every put commits, so a kill -9 loses only the thread being
summarised.

Concurrent writers (--jobs threads, or two listsum runs): a file database is
in WAL mode with a busy timeout, and each thread other than the one that
opened the Store gets its own connection to the same file (a sqlite3
connection belongs to one thread). An in-memory database has no file to
share, so it serves its own thread only (``shareable``).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from listsum import settings
from listsum.migrations import migrate

HASH_PREFIX = "s1:"
BUSY_MS = 30_000  # a writer waits this long for another's commit before giving up


def db_path() -> Path:
    return settings.cache_dir() / "summaries.db"


def open_db(path: Path | None = None) -> sqlite3.Connection:
    path = path or db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return _connect(str(path))


def _connect(path: str, check_same_thread: bool = True) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=BUSY_MS / 1000, check_same_thread=check_same_thread)
    db.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
    db.execute("PRAGMA journal_mode = WAL")  # readers never block the one writer
    return db


def cache_key(content: Any, model_hash: str, prompt_version: str, lang: str) -> str:
    canonical = json.dumps({"c": content, "m": model_hash, "p": prompt_version, "l": lang},
                           sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return HASH_PREFIX + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass
class Cached:
    text: str
    engine: str
    fallback: bool
    flags: list[str] = field(default_factory=list)
    record: str = ""  # the summary record as JSON (summarise/record.py); "" for rows from before it


_COLS = "text, engine, fallback, flags, record"


def _cached(row: Any) -> Cached | None:
    return Cached(row[0], row[1], bool(row[2]), json.loads(row[3]), row[4] or "") if row else None


class Store:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._own = db
        self._owner = threading.get_ident()
        self._local = threading.local()
        self._others: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        migrate(db)
        row = db.execute("PRAGMA database_list").fetchone()
        self.path = row[2] if row else ""  # "" for an in-memory database

    @property
    def shareable(self) -> bool:
        return bool(self.path)

    @property
    def db(self) -> sqlite3.Connection:
        """This thread's connection."""
        if threading.get_ident() == self._owner:
            return self._own
        db = getattr(self._local, "db", None)
        if db is None:
            if not self.shareable:
                raise RuntimeError("an in-memory summary cache serves only the thread that opened it")
            db = self._local.db = _connect(self.path, check_same_thread=False)  # closed by close_others
            with self._lock:
                self._others.append(db)
        return db

    def close_others(self) -> None:
        """Close the connections worker threads opened."""
        with self._lock:
            others, self._others = self._others, []
        for db in others:
            db.close()

    def get(self, key: str) -> Cached | None:
        return _cached(self.db.execute(f"SELECT {_COLS} FROM summaries WHERE key = ?", (key,)).fetchone())

    def previous(self, thread_id: str, lang: str, engine: str | None = None) -> Cached | None:
        """The newest summary of this thread (another week, older content)."""
        sql = f"SELECT {_COLS} FROM summaries WHERE thread_id = ? AND lang = ?"
        args: list[Any] = [thread_id, lang]
        if engine:
            sql += " AND engine = ?"
            args.append(engine)
        return _cached(self.db.execute(sql + " ORDER BY created DESC LIMIT 1", args).fetchone())

    def put(self, key: str, thread_id: str, lang: str, value: Cached, prompt_tokens: int = 0,
            seconds: float = 0.0) -> None:
        with self.db:  # commit now: kill -9 keeps everything done so far
            self.db.execute(
                "INSERT OR REPLACE INTO summaries (key, thread_id, lang, text, engine, fallback, flags, created,"
                " prompt_tokens, seconds, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (key, thread_id, lang, value.text, value.engine, int(value.fallback), json.dumps(value.flags),
                 time.time(), prompt_tokens, seconds, value.record))

    def count(self) -> int:
        return self.db.execute("SELECT count(*) FROM summaries").fetchone()[0]

    def prune(self, older_than_days: float) -> int:
        with self.db:
            cur = self.db.execute("DELETE FROM summaries WHERE created < ?",
                                  (time.time() - older_than_days * 86400,))
        return cur.rowcount

    def clear(self) -> int:
        with self.db:
            cur = self.db.execute("DELETE FROM summaries")
        return cur.rowcount
