"""Opening, version check and reset of the state database, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sandbox.store import database as database_module
from sandbox.store import schema as s
from sandbox.store.database import Busy, Database, SchemaMismatch, open_database
from sandbox.store.tenants import (
    DuplicateTenant,
    TenantRow,
    get_tenant,
    insert_tenant,
    list_tenants,
)


def _stored_version(conn: Connection) -> str:
    return conn.execute(
        sa.select(s.meta.c.value).where(s.meta.c.key == "schema_version")
    ).scalar_one()


def test_a_new_database_gets_every_table_and_the_schema_version(database: Database) -> None:
    with database.connect() as conn:
        assert set(s.metadata.tables) <= set(sa.inspect(conn).get_table_names())
        assert _stored_version(conn) == str(s.SCHEMA_VERSION)


def test_an_sqlite_file_survives_reopening(
    tmp_path: Path, make_tenant: Callable[..., TenantRow]
) -> None:
    path = tmp_path / ".sandbox" / "state.db"
    url = f"sqlite:///{path}"
    db = open_database(url)
    with db.begin() as conn:
        insert_tenant(conn, make_tenant("demo"))
    db.close()

    assert path.exists()  # the missing folder was created
    db = open_database(url)
    try:
        with db.connect() as conn:
            assert get_tenant(conn, "demo") == make_tenant("demo")
    finally:
        db.close()


def test_an_sqlite_file_runs_in_wal_with_foreign_keys_and_rare_checkpoints(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'state.db'}")
    try:
        with db.connect() as conn:
            pragma = {
                name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "foreign_keys", "synchronous", "wal_autocheckpoint")
            }
    finally:
        db.close()
    assert pragma == {  # synchronous 1 = NORMAL
        "journal_mode": "wal", "foreign_keys": 1, "synchronous": 1, "wal_autocheckpoint": 10_000
    }  # fmt: skip


def test_another_schema_version_is_refused_with_how_to_reset(
    durable_url: str, make_tenant: Callable[..., TenantRow]
) -> None:
    db = open_database(durable_url)
    with db.begin() as conn:
        insert_tenant(conn, make_tenant("demo"))
        conn.execute(sa.update(s.meta).values(value="0"))
    db.close()

    with pytest.raises(SchemaMismatch) as refused:
        open_database(durable_url)

    message = str(refused.value)
    assert "version 0" in message
    assert f"version {s.SCHEMA_VERSION}" in message
    assert "bank-sandbox serve --reset" in message
    if durable_url.startswith("sqlite"):
        assert f"delete {durable_url.removeprefix('sqlite:///')}" in message

    db = open_database(durable_url, reset=True)
    try:
        with db.connect() as conn:
            assert _stored_version(conn) == str(s.SCHEMA_VERSION)
            assert list_tenants(conn) == []
    finally:
        db.close()
    open_database(durable_url).close()  # and it opens normally from now on


def test_our_tables_without_a_version_are_refused(durable_url: str) -> None:
    db = open_database(durable_url)
    with db.begin() as conn:
        s.meta.drop(conn)
    db.close()

    with pytest.raises(SchemaMismatch, match="version unknown"):
        open_database(durable_url)


def test_reset_wipes_the_data(database: Database, make_tenant: Callable[..., TenantRow]) -> None:
    with database.begin() as conn:
        insert_tenant(conn, make_tenant("demo"))
    database.reset()
    with database.connect() as conn:
        assert list_tenants(conn) == []
        assert _stored_version(conn) == str(s.SCHEMA_VERSION)


def test_reset_of_an_sqlite_file_drops_tables_an_older_version_had(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'state.db'}"
    db = open_database(url)
    with db.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE old_things (id INTEGER PRIMARY KEY,"
            " tenant_id VARCHAR REFERENCES tenants (id))"
        )
    db.reset()
    with db.connect() as conn:
        assert "old_things" not in sa.inspect(conn).get_table_names()
    db.close()


def test_a_failed_transaction_keeps_nothing(
    database: Database, make_tenant: Callable[..., TenantRow]
) -> None:
    with pytest.raises(RuntimeError), database.begin() as conn:
        insert_tenant(conn, make_tenant("demo"))
        raise RuntimeError("boom")
    with database.connect() as conn:
        assert list_tenants(conn) == []


def test_writes_from_many_threads_all_land(
    database: Database, make_tenant: Callable[..., TenantRow]
) -> None:
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            with database.begin() as conn:
                insert_tenant(conn, make_tenant(f"t{n}"))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    # Three times as many threads as connections, as a server's thread pool under load has:
    # connections kept between uses must come back to the threads waiting for one.
    count = 3 * database_module.CONNECTIONS
    threads = [threading.Thread(target=write, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with database.connect() as conn:
        assert len(list_tenants(conn)) == count


def test_writes_to_an_sqlite_file_from_many_threads_all_land(
    tmp_path: Path, make_tenant: Callable[..., TenantRow]
) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'state.db'}")
    try:
        test_writes_from_many_threads_all_land(db, make_tenant)
    finally:
        db.close()


@pytest.fixture
def file_db(tmp_path: Path) -> Iterator[Database]:
    db = open_database(f"sqlite:///{tmp_path / 'state.db'}")
    yield db
    db.close()


def test_a_use_waiting_too_long_for_a_connection_is_told_why(
    tmp_path: Path,
    file_db: Database,  # before the holders, so it closes after they let go
    every_connection_held: Callable[[Database], threading.Event],
) -> None:
    """Every connection held (here by threads that never let go until told): one more use
    gives up after the wait with a message naming the database, and works once one is back."""
    release = every_connection_held(file_db)
    with pytest.raises(Busy, match=f"all 10 connections to sqlite:///{tmp_path}"):
        _tenant_ids(file_db)
    release.set()
    assert _tenant_ids(file_db) == []


def test_an_unsupported_database_is_refused_by_name_without_its_password() -> None:
    with pytest.raises(ValueError, match="unsupported database mysql://root:\\*\\*\\*@") as refused:
        Database("mysql://root:hunter2@localhost/sandbox")
    assert "hunter2" not in str(refused.value)


def _tenant_ids(db: Database) -> list[str]:
    with db.connect() as conn:
        return [t.id for t in list_tenants(conn)]


def test_a_connection_used_again_starts_from_what_is_committed(
    database: Database, make_tenant: Callable[..., TenantRow]
) -> None:
    """Connections are kept open between uses: a read left without commit leaves nothing
    behind, and the next use sees what was committed since."""
    with database.connect() as conn:
        assert list_tenants(conn) == []
        insert_tenant(conn, make_tenant("never-committed"))
    with database.begin() as conn:
        insert_tenant(conn, make_tenant("demo"))
    assert _tenant_ids(database) == ["demo"]


def test_a_connection_after_a_failed_transaction_works(
    database: Database, make_tenant: Callable[..., TenantRow]
) -> None:
    with pytest.raises(DuplicateTenant), database.begin() as conn:
        insert_tenant(conn, make_tenant("demo"))
        insert_tenant(conn, make_tenant("demo"))
    with database.begin() as conn:
        insert_tenant(conn, make_tenant("demo"))
    assert _tenant_ids(database) == ["demo"]


def test_a_read_after_a_write_does_not_hold_the_write_lock(
    tmp_path: Path, make_tenant: Callable[..., TenantRow]
) -> None:
    """A connection that ran a write transaction, used again for a read, reads without the
    write lock: another thread's write commits while the read is open."""
    db = open_database(f"sqlite:///{tmp_path / 'state.db'}")
    try:
        with db.begin() as conn:
            insert_tenant(conn, make_tenant("first"))
        written = threading.Event()

        def write() -> None:
            with db.begin() as conn:
                insert_tenant(conn, make_tenant("second"))
            written.set()

        with db.connect() as conn:
            assert [t.id for t in list_tenants(conn)] == ["first"]
            writer = threading.Thread(target=write)
            writer.start()
            assert written.wait(timeout=5)
            assert [t.id for t in list_tenants(conn)] == ["first"]  # its snapshot holds
        writer.join()
        assert _tenant_ids(db) == ["first", "second"]
    finally:
        db.close()


def test_the_data_version_is_read_once_a_turn_of_the_event_loop(tmp_path: Path) -> None:
    """Kept reads answered in one turn share one read of the stamp; this process's own write
    is seen at once, another process's from the next turn on."""
    import asyncio
    import subprocess
    import sys
    from concurrent.futures import ThreadPoolExecutor

    url = f"sqlite:///{tmp_path / 'turns.db'}"
    database = open_database(url)
    other = (
        "import sqlalchemy as sa, sys\n"
        "engine = sa.create_engine(sys.argv[1])\n"
        "with engine.begin() as conn:\n"
        "    conn.execute(sa.text(\"INSERT INTO meta (key, value) VALUES ('x', '1')\"))\n"
    )

    async def turns() -> None:
        first = database.data_version_this_turn()
        subprocess.run([sys.executable, "-c", other, url], check=True)
        assert database.data_version_this_turn() == first  # the same turn: read once
        await asyncio.sleep(0)
        second = database.data_version_this_turn()
        assert second != first  # the next turn sees the other process's write
        with database.begin() as conn:
            conn.execute(sa.insert(s.meta).values(key="y", value="2"))
        assert database.data_version_this_turn() != second  # our own write: at once

    try:
        # In a thread of its own: a browser test's event loop may be running on this one.
        with ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, turns()).result()

        def off_the_loop() -> None:  # a worker thread: read every time
            before = database.data_version_this_turn()
            subprocess.run([sys.executable, "-c", other.replace("'x'", "'z'"), url], check=True)
            assert database.data_version_this_turn() != before

        with ThreadPoolExecutor(1) as pool:
            pool.submit(off_the_loop).result()
    finally:
        database.close()
