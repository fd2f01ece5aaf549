"""Data versions: a cheap stamp that differs once any write has been committed since it was
read, by this process or any other. A read cache keys its answers on it, so an answer computed
before a write is never served after it.

The stamp must be read *before* the answer is computed: the answer is then at least as new as
its stamp, and a write that lands in between only costs a miss, never a stale hit.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Hashable
from contextlib import AbstractContextManager
from typing import Any, Protocol

from sqlalchemy.engine import Engine


class DataVersion(Protocol):
    def read(self) -> Hashable: ...

    def close(self) -> None: ...


class SqliteFileVersion:
    """SQLite's own counter: `PRAGMA data_version` on a connection that never writes changes
    whenever any other connection, in any process, commits a change to the file (4 µs)."""

    def __init__(self, path: str) -> None:
        self._probe = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._lock = threading.Lock()

    def read(self) -> Hashable:
        with self._lock:
            return self._probe.execute("PRAGMA data_version").fetchone()[0]

    def close(self) -> None:
        self._probe.close()


class ChangeCount:
    """For an in-memory SQLite database: only this process can write it, through its one
    shared connection, so that connection's count of changed rows says when data changed. Read
    under the lock that serialises the connection, never in the middle of a transaction."""

    def __init__(self, engine: Engine, lock: AbstractContextManager[Any]) -> None:
        with engine.connect() as conn:
            self._connection = conn.connection.driver_connection
        self._lock = lock

    def read(self) -> Hashable:
        with self._lock:
            return self._connection.total_changes

    def close(self) -> None:
        pass


class PostgresSnapshot:
    """PostgreSQL's current snapshot (`xmin:xmax:in-progress ids`): two equal snapshots see the
    same committed transactions, so the data is the same. Writes to other databases of the
    cluster change it too; that only costs a miss."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def read(self) -> Hashable:
        with self._engine.connect() as conn:
            return conn.exec_driver_sql("SELECT pg_current_snapshot()::text").scalar_one()

    def close(self) -> None:
        pass
