"""Opening the state database: SQLite (a file under `.sandbox/`, or `:memory:`) or PostgreSQL.

Opening creates the schema in an empty database and refuses a database written by another
schema version, with a message that says how to reset it: there are no migrations, because
sandbox state is disposable and a silently misread table is worse than starting over.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Hashable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any, TypeVar

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.pool import StaticPool

from sandbox.errors import Unavailable
from sandbox.store.schema import SCHEMA_VERSION, meta, metadata
from sandbox.store.versions import (
    ChangeCount,
    DataVersion,
    PostgresSnapshot,
    SqliteFileVersion,
)

DEFAULT_DATABASE_URL = "sqlite:///.sandbox/state.db"
SCHEMA_VERSION_KEY = "schema_version"

# JSON columns (session progress, tenant settings) are read on every page of the hosted UI:
# orjson reads and writes them several times faster than the standard library.
_JSON: dict[str, Any] = {
    "json_serializer": lambda value: orjson.dumps(value).decode(),
    "json_deserializer": orjson.loads,
}

# Any constant: serialises concurrent first opens of one PostgreSQL database.
_PG_SCHEMA_LOCK = 0x62616E6B  # "bank"

# Connections in use at once (`Database._connection`); a further use waits for one to come
# back, and gives up after WAIT_SECONDS with `Busy`. The engine's pool holds as many again for
# the data-version probe, which takes its own short-lived connections.
CONNECTIONS = 10
WAIT_SECONDS = 30.0
# SQLite's write-ahead log is copied into the database file once it holds this many pages.
CHECKPOINT_PAGES = 10_000
_POOL: dict[str, Any] = {"pool_size": CONNECTIONS, "max_overflow": CONNECTIONS}


class Busy(Unavailable):
    """Every connection stayed in use for as long as a use may wait for one: each face
    answers 503, in its own format, rather than a server error."""


class SchemaMismatch(RuntimeError):
    """The database was written by another schema version; it must be reset, not read."""

    def __init__(self, url: str, found: str, expected: str, cure: str) -> None:
        self.url = url
        self.found = found
        self.expected = expected
        super().__init__(
            f"the database {url} holds bank-sandbox schema version {found}, "
            f"but this bank-sandbox needs version {expected}; {cure} (all sandbox data in it "
            "is lost)"
        )


def _parse(url: str) -> URL:
    parsed = sa.make_url(url)
    if parsed.drivername == "postgresql":
        # Bare postgresql:// would mean psycopg2, which is not installed: use psycopg 3.
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ValueError(
            f"unsupported database {parsed.render_as_string(hide_password=True)}: "
            "use sqlite:///path/to/file.db, sqlite:///:memory: or postgresql+psycopg://…"
        )
    return parsed


def _is_memory(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def _sqlite_engine(url: URL) -> Engine:
    memory = _is_memory(url)
    if memory:
        # One connection shared by every thread, or each checkout would see its own empty DB.
        engine = sa.create_engine(
            url, poolclass=StaticPool, connect_args={"check_same_thread": False}, **_JSON
        )
    else:
        assert url.database is not None
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"check_same_thread": False}, **_POOL, **_JSON)

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # sqlite3's own transaction handling skips BEGIN before SELECT and SAVEPOINT; take it
        # over (the recipe from SQLAlchemy's SQLite documentation) so transactions are real.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if not memory:
            # WAL: readers never block the writer, which is what a web server needs.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            # Copy the log into the database every 10,000 pages (40 MB of log) rather than
            # every 1,000: the pages every write touches (index ends, open sessions) are copied
            # once a checkpoint, so ten times fewer copies of them; a connect flow writes about
            # 85 pages.
            cursor.execute(f"PRAGMA wal_autocheckpoint={CHECKPOINT_PAGES}")
            cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A write transaction takes the write lock up front: a deferred one that reads first
        # and writes later fails with "database is locked" when another writer got in between.
        # Straight to the driver: this runs for every transaction of every request.
        write = conn.get_execution_options().get("sandbox_write")
        conn.connection.driver_connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


_BEFORE_COMMIT = "sandbox.before_commit"
Action = TypeVar("Action", bound=Callable[[Connection], None])


def before_commit(conn: Connection, key: str, make: Callable[[], Action]) -> Action | None:
    """The action registered under `key` in this write transaction (made by `make` on first
    use). It runs once, in the transaction, just before `Database.begin` commits, so work that
    many statements of one transaction each ask for is done once; it is forgotten on rollback.
    Only a write transaction runs them: elsewhere None is returned and the caller acts now."""
    if not conn.get_execution_options().get("sandbox_write"):
        return None
    actions = conn.info.setdefault(_BEFORE_COMMIT, {})
    if key not in actions:
        actions[key] = make()
    return actions[key]


def run_now(conn: Connection, key: str) -> None:
    """Run the action registered under `key` now, if any (a read in the same transaction
    wants its work done), and forget it."""
    action = conn.info.get(_BEFORE_COMMIT, {}).pop(key, None)
    if action is not None:
        action(conn)


class Database:
    """One state database: an engine plus the schema check done when it is opened."""

    engine: Engine
    url: str

    def __init__(self, url: str, *, reset: bool = False) -> None:
        """Open `url`, creating the schema if it is empty; `reset=True` wipes it first."""
        self.url = url
        self._url = _parse(url)
        self._sqlite = self._url.get_backend_name() == "sqlite"
        if self._sqlite:
            self.engine = _sqlite_engine(self._url)
        else:
            self.engine = sa.create_engine(self._url, **_POOL, **_JSON)
        # A :memory: database is one shared connection; using it from two threads at once
        # would mix their transactions, so access through this object is serialised.
        self._lock: AbstractContextManager[Any] = (
            threading.RLock() if _is_memory(self._url) else nullcontext()
        )
        self._idle: list[Connection] = []  # open between two uses (`_connection`)
        self._slots = threading.BoundedSemaphore(CONNECTIONS)
        try:
            if reset:
                self.reset()
            else:
                self._open()
        except BaseException:
            self.engine.dispose()
            raise
        self._versions = self._data_versions()
        self._seen: Hashable | None = None  # the stamp read in this turn of the event loop

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """One read-write transaction: committed on success, rolled back on an exception. The
        actions registered with `before_commit` run last, inside it."""
        with self._lock, self._connection(write=True) as conn:
            try:
                with conn.begin():
                    yield conn
                    if conn.in_transaction():  # not rolled back by the caller
                        for action in conn.info.get(_BEFORE_COMMIT, {}).values():
                            action(conn)
            finally:
                conn.info.pop(_BEFORE_COMMIT, None)
                self._seen = None  # this process may have written: read the version again

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A connection for reads (a consistent snapshot); call `commit()` to keep writes."""
        try:
            with self._lock, self._connection(write=False) as conn:
                yield conn
        finally:
            self._seen = None  # a caller may have committed through it

    @contextmanager
    def _connection(self, *, write: bool) -> Iterator[Connection]:
        """A connection kept open between uses, its transaction ended. A request runs several
        transactions, and checking each one's connection out of the engine's pool and wrapping
        it anew costs more Python than a short transaction itself. Kept connections never go
        back to the engine's pool, so the slots, not the pool, bound how many are open: a use
        waits for a slot, and a slot's holder leaves its connection on the idle list."""
        with self._slot():
            try:
                conn = self._idle.pop()
            except IndexError:
                conn = self.engine.connect()
            conn.execution_options(sandbox_write=write)
            kept = False
            try:
                yield conn
                if conn.in_transaction():
                    conn.rollback()
                kept = not conn.invalidated
            finally:
                if kept:
                    self._idle.append(conn)
                else:  # after an error: back to the engine's pool, which rolls it back
                    conn.close()

    @contextmanager
    def _slot(self) -> Iterator[None]:
        if not self._slots.acquire(timeout=WAIT_SECONDS):
            raise Busy(
                f"all {CONNECTIONS} connections to {self.display_url} stayed in use for "
                f"{WAIT_SECONDS:.0f} s"
            )
        try:
            yield
        finally:
            self._slots.release()

    def reset(self) -> None:
        """Drop every table of ours and create them again: all data is gone."""
        with self.begin() as conn:
            self._lock_schema(conn)
            self._drop_all(conn)
            self._create(conn)

    def data_version(self) -> Hashable:
        """A stamp that differs once any write has been committed since it was read, here or
        by another process; read it before the data it vouches for (`sandbox.store.versions`)."""
        return self._versions.read()

    def data_version_this_turn(self) -> Hashable:
        """The data version, read once per turn of the event loop, for the read cache: the
        kept reads answered in one turn share one read of the stamp (a busy server answers
        many in a turn), a write of this process makes the next call read it again, and
        another process's write is seen from the next turn on. Off the event loop (a worker
        thread) it is read every time."""
        seen = self._seen
        if seen is not None:
            return seen
        version = self._versions.read()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return version
        self._seen = version
        loop.call_soon(self._forget_version)
        return version

    def _forget_version(self) -> None:
        self._seen = None

    def close(self) -> None:
        """Close every pooled connection (a :memory: database is gone after this)."""
        self._versions.close()
        while self._idle:
            self._idle.pop().close()
        self.engine.dispose()

    @property
    def display_url(self) -> str:
        """The URL with any password masked, for messages and logs."""
        return self._url.render_as_string(hide_password=True)

    def _data_versions(self) -> DataVersion:
        if not self._sqlite:
            return PostgresSnapshot(self.engine)
        if _is_memory(self._url):
            return ChangeCount(self.engine, self._lock)
        assert self._url.database is not None
        return SqliteFileVersion(self._url.database)

    def _open(self) -> None:
        with self.begin() as conn:
            self._lock_schema(conn)
            found = self._stored_version(conn)
            if found is None:
                self._create(conn)
            elif found != str(SCHEMA_VERSION):
                raise SchemaMismatch(self.display_url, found, str(SCHEMA_VERSION), self._cure())

    def _stored_version(self, conn: Connection) -> str | None:
        """The stored version; None for a database holding none of our tables."""
        existing = set(sa.inspect(conn).get_table_names())
        if meta.name not in existing:
            # Our tables without a version row came from a version before versions were stored.
            return "unknown" if existing & set(metadata.tables) else None
        value = conn.execute(
            sa.select(meta.c.value).where(meta.c.key == SCHEMA_VERSION_KEY)
        ).scalar_one_or_none()
        return "unknown" if value is None else value

    def _create(self, conn: Connection) -> None:
        metadata.create_all(conn)
        conn.execute(sa.insert(meta).values(key=SCHEMA_VERSION_KEY, value=str(SCHEMA_VERSION)))

    def _drop_all(self, conn: Connection) -> None:
        if self._sqlite:
            # The SQLite file belongs to the sandbox alone: drop everything in it, including
            # tables an older version had and this one no longer knows.
            existing = sa.MetaData()
            existing.reflect(conn)
            existing.drop_all(conn)
        else:
            # A PostgreSQL database may be shared: drop only our table names, CASCADE taking
            # along foreign keys that tables of an older version may still point at us with.
            preparer = conn.dialect.identifier_preparer
            for table in reversed(metadata.sorted_tables):
                conn.exec_driver_sql(f"DROP TABLE IF EXISTS {preparer.quote(table.name)} CASCADE")

    def _lock_schema(self, conn: Connection) -> None:
        """Make two processes opening one PostgreSQL database create the schema only once."""
        if not self._sqlite:  # SQLite's BEGIN IMMEDIATE already serialises writers.
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_PG_SCHEMA_LOCK)))

    def _cure(self) -> str:
        if self._sqlite and not _is_memory(self._url):
            return f"run `bank-sandbox serve --reset` or delete {self._url.database}"
        return "run `bank-sandbox serve --reset`"


def open_database(url: str, *, reset: bool = False) -> Database:
    """Open the state database; `reset=True` wipes it before the version check (`--reset`)."""
    return Database(url, reset=reset)
