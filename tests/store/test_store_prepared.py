"""Prepared statements read and write what `Connection.execute` would, on every database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sandbox.store import schema as s
from sandbox.store.database import Database
from sandbox.store.prepared import Prepared

T0 = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
_SESSION = sa.select(s.connect_sessions).where(s.connect_sessions.c.id == sa.bindparam("sid"))
_CHALLENGE = sa.select(s.sca_challenges).where(s.sca_challenges.c.tenant_id == sa.bindparam("t"))


def _session_values(tenant_id: str, user_id: int, **changes: object) -> dict[str, object]:
    return {
        "id": "cs_1", "tenant_id": tenant_id, "user_id": user_id, "kind": "connect",
        "redirect_uri": "https://app.example/cb", "state": None,
        "options": {"multiple": True, "bank_id": "x"}, "progress": {"step": "bank"},
        "csrf_token": "t0k", "created_at": T0, "expires_at": T0 + timedelta(hours=1),
        **changes,
    }  # fmt: skip


def test_rows_read_back_as_sqlalchemy_reads_them(
    database: Database, populate: Callable[[Connection, str], dict[str, int]]
) -> None:
    with database.begin() as conn:
        ids = populate(conn, "t1")
        inserted = (
            Prepared(sa.insert(s.connect_sessions).returning(*s.connect_sessions.c))
            .run(conn, _session_values("t1", ids["user"]))
            .mapping()
        )
    with database.connect() as conn:
        expected = dict(conn.execute(_SESSION, {"sid": "cs_1"}).mappings().one())
        assert Prepared(_SESSION).run(conn, {"sid": "cs_1"}).mapping() == expected
        expected_challenges = [dict(m) for m in conn.execute(_CHALLENGE, {"t": "t1"}).mappings()]
        assert Prepared(_CHALLENGE).run(conn, {"t": "t1"}).mappings() == expected_challenges
    assert inserted == expected
    assert expected["created_at"] == T0 and expected["created_at"].tzinfo is not None
    assert expected["options"] == {"multiple": True, "bank_id": "x"}


def test_an_update_sets_the_columns_it_is_given(
    database: Database, populate: Callable[[Connection, str], dict[str, int]]
) -> None:
    update = Prepared(
        sa.update(s.connect_sessions).where(s.connect_sessions.c.id == sa.bindparam("key"))
    )
    with database.begin() as conn:
        ids = populate(conn, "t1")
        conn.execute(sa.insert(s.connect_sessions), _session_values("t1", ids["user"]))
        assert update.run(conn, {"key": "cs_1", "progress": {"step": "login"}}).rowcount == 1
        assert update.run(conn, {"key": "cs_1", "used_at": T0}).rowcount == 1
        assert update.run(conn, {"key": "nope", "used_at": T0}).rowcount == 0
    with database.connect() as conn:
        row = Prepared(_SESSION).run(conn, {"sid": "cs_1"}).mapping()
    assert row["progress"] == {"step": "login"}
    assert row["used_at"] == T0


def test_values_written_into_the_statement_are_bound(
    database: Database, populate: Callable[[Connection, str], dict[str, int]]
) -> None:
    c = s.bank_logins.c
    connected = Prepared(
        sa.select(c.id).where(c.tenant_id == sa.bindparam("t"), c.state == "connected")
    )
    broken = Prepared(sa.select(c.id).where(c.tenant_id == sa.bindparam("t"), c.state == "gone"))
    with database.begin() as conn:
        ids = populate(conn, "t1")
        assert connected.run(conn, {"t": "t1"}).scalar_one() == ids["bank_login"]
        assert broken.run(conn, {"t": "t1"}).scalar_one_or_none() is None


def test_a_refused_write_is_sqlalchemys_integrity_error_and_keeps_what_was_stored(
    database: Database, populate: Callable[[Connection, str], dict[str, int]]
) -> None:
    insert = Prepared(sa.insert(s.users).returning(s.users.c.id))
    with database.begin() as conn:
        populate(conn, "t1")
    with pytest.raises(sa.exc.IntegrityError), database.begin() as conn:
        insert.run(conn, {"tenant_id": "t1", "external_id": "u1", "created_at": T0})
    with database.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(s.users)).scalar_one() == 1


def test_many_rows_in_one_call(
    database: Database, populate: Callable[[Connection, str], dict[str, int]]
) -> None:
    insert = Prepared(sa.insert(s.users))
    with database.begin() as conn:
        populate(conn, "t1")
        insert.run_many(
            conn,
            [{"tenant_id": "t1", "external_id": f"n{n}", "created_at": T0} for n in range(5)],
        )
    with database.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(s.users)).scalar_one() == 6


def test_a_list_parameter_is_refused_when_prepared(database: Database) -> None:
    statement = sa.select(s.users).where(s.users.c.id.in_(sa.bindparam("ids", expanding=True)))
    with database.connect() as conn, pytest.raises(ValueError, match="IN list"):
        Prepared(statement).run(conn, {"ids": [1]})


def test_one_refuses_no_row_and_two_rows(
    database: Database, populate: Callable[[Connection, str], dict[str, int]]
) -> None:
    every = Prepared(sa.select(s.users.c.id).where(s.users.c.tenant_id == sa.bindparam("t")))
    with database.begin() as conn:
        populate(conn, "t1")
        populate(conn, "t2")
        conn.execute(sa.insert(s.users).values(tenant_id="t1", external_id="u2", created_at=T0))
        with pytest.raises(sa.exc.NoResultFound):
            every.run(conn, {"t": "nobody"}).one()
        with pytest.raises(sa.exc.MultipleResultsFound):
            every.run(conn, {"t": "t1"}).one_or_none()
