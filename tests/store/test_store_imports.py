"""Import job rows: a tenant reads only its own, a bank login's newest first."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sandbox.store import imports as rows
from sandbox.store.database import Database

T0 = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


def add_job(conn, tenant_id: str, ids: dict[str, int], minutes: int) -> int:
    at = T0 + timedelta(minutes=minutes)
    return rows.insert_job(
        conn,
        tenant_id=tenant_id,
        bank_login_id=ids["bank_login"],
        user_id=ids["user"],
        kind="refresh",
        status="setup",
        outcome="error",
        polls=3,
        new_accounts=0,
        new_transactions=0,
        deleted_accounts=0,
        error_code="bank_refused",
        error_message="The bank is down.",
        error_details={"state": "bank_unavailable", "detail": None},
        created_at=at,
        ready_at=at + timedelta(seconds=6),
    )


def test_a_job_reads_back_with_its_users_external_id(
    database: Database, populate: Callable[..., dict[str, int]]
) -> None:
    with database.begin() as conn:
        ids = populate(conn, "t1")
        job_id = add_job(conn, "t1", ids, 1)
    with database.connect() as conn:
        row = rows.job_by_id(conn, "t1", job_id)
    assert row is not None
    assert (row["external_user_id"], row["reads"], row["partial"]) == ("u1", 0, False)
    assert row["error_details"] == {"state": "bank_unavailable", "detail": None}
    assert row["ready_at"] == T0 + timedelta(minutes=1, seconds=6)


def test_another_tenants_job_is_not_found(
    database: Database, populate: Callable[..., dict[str, int]]
) -> None:
    with database.begin() as conn:
        ids = populate(conn, "t1")
        populate(conn, "t2")
        job_id = add_job(conn, "t1", ids, 1)
    with database.connect() as conn:
        assert rows.job_by_id(conn, "t2", job_id) is None
        assert rows.jobs_of_login(conn, "t2", ids["bank_login"], None, 10) == []


def test_a_logins_jobs_page_newest_first(
    database: Database, populate: Callable[..., dict[str, int]]
) -> None:
    with database.begin() as conn:
        ids = populate(conn, "t1")
        made = [add_job(conn, "t1", ids, minutes) for minutes in (1, 2, 3)]
    with database.connect() as conn:
        first = rows.jobs_of_login(conn, "t1", ids["bank_login"], None, 2)
        rest = rows.jobs_of_login(conn, "t1", ids["bank_login"], first[-1]["id"], 2)
    assert [r["id"] for r in first] == [made[2], made[1]]
    assert rest[0]["id"] == made[0]
    assert rest[1]["id"] < made[0] and rest[1]["status"] == "successful"  # the fixture's own


def test_an_update_sets_only_the_columns_given(
    database: Database, populate: Callable[..., dict[str, int]]
) -> None:
    with database.begin() as conn:
        ids = populate(conn, "t1")
        job_id = add_job(conn, "t1", ids, 1)
        rows.update_job(conn, job_id, reads=2, status="in_progress")
    with database.connect() as conn:
        row = rows.job_by_id(conn, "t1", job_id)
    assert row is not None
    assert (row["reads"], row["status"], row["polls"]) == (2, "in_progress", 3)
