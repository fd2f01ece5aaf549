"""Store fixtures: every store test runs on SQLite, and on PostgreSQL when CI provides one."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sandbox.store import schema as s
from sandbox.store.database import Database, open_database
from sandbox.store.tenants import TenantRow, insert_tenant

PG_URL = os.environ.get("SANDBOX_TEST_DATABASE_URL")

_URLS = [pytest.param("sqlite:///:memory:", id="sqlite")]
_DURABLE = [pytest.param("sqlite-file", id="sqlite")]
if PG_URL:
    _URLS.append(pytest.param(PG_URL, id="postgresql", marks=pytest.mark.postgres))
    _DURABLE.append(pytest.param(PG_URL, id="postgresql", marks=pytest.mark.postgres))

T0 = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


@pytest.fixture(params=_URLS)
def database(request: pytest.FixtureRequest) -> Iterator[Database]:
    """An empty, freshly reset database of the current schema version."""
    db = open_database(request.param, reset=True)
    try:
        yield db
    finally:
        db.close()


@pytest.fixture(params=_DURABLE)
def durable_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL whose data outlives a Database object: an SQLite file, or the PostgreSQL server."""
    if request.param == "sqlite-file":
        yield f"sqlite:///{tmp_path / 'nested' / 'state.db'}"
        return
    open_database(request.param, reset=True).close()
    yield request.param
    # Leave the server holding the current version, whatever the test did to it.
    open_database(request.param, reset=True).close()


@pytest.fixture
def make_tenant() -> Callable[..., TenantRow]:
    """Build a complete tenant row whose credentials derive from its id, so two never clash."""

    def make(tenant_id: str = "demo", **changes: object) -> TenantRow:
        values: dict[str, object] = {
            "id": tenant_id,
            "name": f"Tenant {tenant_id}",
            "scenario_name": "default",
            "scenario_json": '{"banks": []}',
            "client_id": f"client-{tenant_id}",
            "client_secret": f"secret-{tenant_id}",
            "api_key": f"key-{tenant_id}",
            "created_at": T0,
            "allowed_ips": ("127.0.0.1",),
            "redirect_uris": ("http://localhost:8080/callback",),
            "branding": {"colour": "#123456"},
        }
        values.update(changes)
        return TenantRow(**values)  # type: ignore[arg-type]

    return make


@pytest.fixture
def populate(make_tenant: Callable[..., TenantRow]) -> Callable[[Connection, str], dict[str, int]]:
    """Give a new tenant one connected user with a row in every table, and return the ids."""

    def add(conn: Connection, tenant_id: str) -> dict[str, int]:
        insert_tenant(conn, make_tenant(tenant_id))

        def row(table: sa.Table, **values: object) -> int:
            result = conn.execute(sa.insert(table).values(tenant_id=tenant_id, **values))
            return result.inserted_primary_key[0]

        ids: dict[str, int] = {}
        ids["user"] = row(s.users, external_id="u1", created_at=T0)
        ids["bank_login"] = login = row(
            s.bank_logins,
            user_id=ids["user"],
            bank_id="demobank",
            persona_login="alice",
            state="connected",
            created_at=T0,
            updated_at=T0,
        )
        row(s.bank_login_sources, bank_login_id=login, kind="api", priority=1)
        row(s.sync_attempts, bank_login_id=login, at=T0, unattended=False, outcome="ok")
        row(
            s.consents,
            bank_login_id=login,
            granted_at=T0,
            expires_at=T0 + timedelta(days=180),
            history_days=90,
        )
        row(
            s.sca_challenges,
            bank_login_id=login,
            bank_id="hausbank",
            persona_login="alice",
            approach="redirect",
            purpose="connect",
            status="finalised",
            created_at=T0,
            expires_at=T0 + timedelta(minutes=5),
        )
        conn.execute(
            sa.insert(s.connect_sessions).values(
                id=f"cs-{tenant_id}",
                tenant_id=tenant_id,
                user_id=ids["user"],
                kind="connect",
                redirect_uri="http://localhost:8080/callback",
                options={},
                progress={"step": "bank"},
                csrf_token="token",
                created_at=T0,
                expires_at=T0 + timedelta(minutes=30),
                bank_login_id=login,
            )
        )
        ids["account"] = row(
            s.accounts,
            user_id=ids["user"],
            bank_login_id=login,
            bank_key="acc-1",
            origin="bank",
            type="checking",
            name="Current account",
            currency="EUR",
            balance_minor=123_45,
            discovered_at=T0,
        )
        for n in (1, 2):
            row(
                s.transactions,
                user_id=ids["user"],
                account_id=ids["account"],
                bank_ref=f"tx-{n}",
                origin="bank",
                booked_on=date(2025, 2, n),
                amount_minor=-10_00 * n,
                currency="EUR",
                description=f"Purchase {n}",
                status="booked",
                imported_at=T0,
            )
        row(
            s.credentials,
            user_id=ids["user"],
            kind="user_token",
            secret_hash=f"{tenant_id:0>64}"[-64:],
            created_at=T0,
        )
        session_credential = row(
            s.credentials,
            user_id=ids["user"],
            kind="provider_session",
            secret_hash=f"s{tenant_id:0>63}"[-64:],
            created_at=T0,
            expires_at=T0,
        )
        access = row(
            s.bank_accesses,
            public_id=f"access-{tenant_id}",
            bank_login_id=login,
            user_id=ids["user"],
            created_at=T0,
            expires_at=T0,
        )
        bank_session = row(
            s.bank_sessions,
            credential_id=session_credential,
            bank_login_id=login,
            user_id=ids["user"],
            access_id=access,
            source="api",
            history_days=90,
            created_at=T0,
        )
        for kind, session, scope in (
            ("refresh", None, None),
            ("session", bank_session, {"resource": "all"}),
        ):
            row(
                s.import_jobs,
                bank_login_id=login,
                bank_session_id=session,
                scope=scope,
                user_id=ids["user"],
                kind=kind,
                status="successful",
                outcome="successful",
                polls=0,
                new_accounts=1,
                new_transactions=2,
                deleted_accounts=0,
                created_at=T0,
                ready_at=T0,
                finished_at=T0,
            )
        row(
            s.uploads,
            user_id=ids["user"],
            format="csv",
            file_name="statement.csv",
            digest=f"{tenant_id:0>64}"[-64:],
            owner={"name": "Lena Hoffmann", "address": []},
            bank={"name": "Nordlicht Sparbank"},
            findings=[],
            account_count=0,
            transaction_count=0,
            created_at=T0,
        )
        ids["endpoint"] = endpoint = row(
            s.webhook_endpoints,
            url="http://localhost:3000/webhooks",
            secret="whsec-populated",
            format="native",
            declared=False,
            created_at=T0,
        )
        outbox = row(
            s.webhook_outbox,
            event_id=f"evt-{tenant_id}",
            event_type="bank_login.synced",
            created_at=T0,
            user_id="u1",
            bank_login_id=login,
            data="{}",
        )
        delivery = row(
            s.webhook_deliveries,
            outbox_id=outbox,
            endpoint_id=endpoint,
            format="native",
            status="delivered",
            next_attempt_at=T0,
        )
        row(s.webhook_attempts, delivery_id=delivery, at=T0, status_code=200, duration_ms=12)
        row(
            s.webhook_signing_keys,
            type="hmac_signature",
            name="populated",
            secret="populated-signing-key",
            created_at=T0,
        )
        row(
            s.journal,
            at=T0,
            method="GET",
            path="/api/v1/accounts",
            status=200,
            request_id="req-1",
            duration_ms=3,
        )
        return ids

    return add
