"""Tenant rows: credentials, clock and cache version of each platform client.

Plain functions over a Connection, so the caller decides the transaction. Every read of a
credential is an exact lookup on a unique column: the auth path of every request goes through
`tenant_by_client_id` / `tenant_by_api_key`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sandbox.store.prepared import Prepared
from sandbox.store.schema import DEFINITION_ROWS, TENANT_TABLES, tenants

# Credentials that must be unique across tenants, so a request maps to one tenant.
UNIQUE_FIELDS = ("id", "client_id", "api_key")


class DuplicateTenant(ValueError):
    """Another tenant already has this id or credential; `field` says which."""

    def __init__(self, field: str) -> None:
        self.field = field
        # The value is left out on purpose: client ids and API keys are secrets.
        super().__init__(f"another tenant already has this {field}")


class UnknownTenant(LookupError):
    """No tenant has this id."""

    def __init__(self, tenant_id: str) -> None:
        self.tenant_id = tenant_id
        super().__init__(f"no tenant {tenant_id!r}")


@dataclass(frozen=True)
class TenantRow:
    """One row of `tenants`, every column; lists come back as tuples so the row stays frozen."""

    id: str
    name: str
    scenario_name: str
    scenario_json: str
    client_id: str
    client_secret: str
    api_key: str
    created_at: datetime
    allowed_ips: tuple[str, ...] = ()
    redirect_uris: tuple[str, ...] = ()
    branding: dict[str, Any] = field(default_factory=dict)
    clock_offset_us: int = 0
    clock_frozen_at: datetime | None = None
    data_version: int = 0
    analytics: tuple[str, ...] = ()

    def __repr__(self) -> str:
        # Keep secrets out of logs and tracebacks.
        return f"TenantRow(id={self.id!r}, name={self.name!r})"


_COLUMNS = tuple(f.name for f in fields(TenantRow))

# A tenant's scenario is about 30 KB of JSON that every request of the tenant would otherwise
# copy out of the database. Reads leave it out (`COLUMNS`) and take its digest, which
# `tenant_row` looks up in `_SCENARIOS`: the text is read once per scenario a process meets.
COLUMNS = tuple(column for column in tenants.c if column.name != "scenario_json")
_SCENARIOS: dict[str, str] = {}
_SCENARIOS_KEPT = 64
_SCENARIO_OF = sa.select(tenants.c.scenario_json).where(tenants.c.id == sa.bindparam("tenant_id"))

# The lookups of every request, built once with bound parameters.
_BY = {
    name: Prepared(sa.select(*COLUMNS).where(tenants.c[name] == sa.bindparam("value")))
    for name in ("id", "client_id", "api_key")
}


def tenant_row(conn: Connection, mapping: Mapping[str, Any]) -> TenantRow:
    """The TenantRow of a row of `tenants` read with `COLUMNS` (or of the tenant's columns of a
    joined row), its scenario read in the same transaction when it is not kept yet."""
    values = {name: mapping[name] for name in _COLUMNS if name != "scenario_json"}
    values["allowed_ips"] = tuple(values["allowed_ips"])
    values["redirect_uris"] = tuple(values["redirect_uris"])
    values["analytics"] = tuple(values["analytics"])
    scenario = _SCENARIOS.get(mapping["scenario_digest"])
    if scenario is None:
        # Kept under its own digest: on PostgreSQL a write committed since the row was read
        # may already show here, and this text is the newer one.
        scenario = conn.execute(_SCENARIO_OF, {"tenant_id": values["id"]}).scalar_one()
        if len(_SCENARIOS) >= _SCENARIOS_KEPT:
            _SCENARIOS.clear()
        _SCENARIOS[digest(scenario)] = scenario
    return TenantRow(scenario_json=scenario, **values)


def digest(scenario_json: str) -> str:
    return hashlib.sha256(scenario_json.encode()).hexdigest()


def _one(conn: Connection, column: str, value: str) -> TenantRow | None:
    mapping = _BY[column].run(conn, {"value": value}).mapping_or_none()
    return None if mapping is None else tenant_row(conn, mapping)


def _values(row: TenantRow) -> dict[str, Any]:
    values = {name: getattr(row, name) for name in _COLUMNS}
    values["scenario_digest"] = digest(row.scenario_json)
    values["allowed_ips"] = list(row.allowed_ips)
    values["redirect_uris"] = list(row.redirect_uris)
    values["analytics"] = list(row.analytics)
    return values


def _write_naming_clashes(
    conn: Connection, statement: sa.Executable, values: dict, updating: str | None = None
) -> None:
    """Run an insert or update (of tenant `updating`); a unique credential already taken by
    another tenant raises DuplicateTenant naming it."""
    try:
        # A savepoint keeps the caller's transaction usable (PostgreSQL aborts it otherwise)
        # so the clash can be looked up and named.
        with conn.begin_nested():
            conn.execute(statement)
    except sa.exc.IntegrityError:
        for name in UNIQUE_FIELDS:
            holder = sa.select(tenants.c.id).where(tenants.c[name] == values[name])
            if conn.execute(holder.where(tenants.c.id != updating)).first():
                raise DuplicateTenant(name) from None
        raise


def insert_tenant(conn: Connection, row: TenantRow) -> None:
    """Store a new tenant; raises DuplicateTenant if its id, client_id or api_key is taken."""
    values = _values(row)
    _write_naming_clashes(conn, sa.insert(tenants).values(values), values)


def update_tenant(conn: Connection, row: TenantRow) -> None:
    """Rewrite a tenant's definition (scenario, credentials, settings). Its clock, data version
    and creation time are its history and stay as they are."""
    values = _values(row)
    kept = {"id", "created_at", "clock_offset_us", "clock_frozen_at", "data_version"}
    changes = {key: value for key, value in values.items() if key not in kept}
    changes["data_version"] = tenants.c.data_version + 1
    statement = sa.update(tenants).where(tenants.c.id == row.id).values(changes)
    _write_naming_clashes(conn, statement, values, updating=row.id)


def get_tenant(conn: Connection, tenant_id: str) -> TenantRow | None:
    """The tenant with this id, or None."""
    return _one(conn, "id", tenant_id)


def tenant_by_client_id(conn: Connection, client_id: str) -> TenantRow | None:
    """The tenant owning these OAuth client credentials, or None."""
    return _one(conn, "client_id", client_id)


def tenant_by_api_key(conn: Connection, api_key: str) -> TenantRow | None:
    """The tenant owning this API key, or None."""
    return _one(conn, "api_key", api_key)


def list_tenants(conn: Connection) -> list[TenantRow]:
    """Every tenant, oldest first (the order they were created in)."""
    query = sa.select(*COLUMNS).order_by(tenants.c.created_at, tenants.c.id)
    return [tenant_row(conn, m) for m in conn.execute(query).mappings()]


def delete_tenant(conn: Connection, tenant_id: str) -> bool:
    """Delete the tenant and, by cascade, everything of it; True when there was one."""
    return conn.execute(sa.delete(tenants).where(tenants.c.id == tenant_id)).rowcount == 1


def wipe_tenant_data(conn: Connection, tenant_id: str) -> None:
    """Delete every row of the tenant in the other tables, keeping the tenant itself and the
    rows of its definition (`DEFINITION_ROWS`: the webhook endpoints declared with it).

    Children go first so the cascades find nothing left to do. The data version is bumped,
    since every cached answer of the tenant is now wrong.
    """
    for table in TENANT_TABLES:
        delete = sa.delete(table).where(table.c.tenant_id == tenant_id)
        if table in DEFINITION_ROWS:
            delete = delete.where(sa.not_(DEFINITION_ROWS[table]))
        conn.execute(delete)
    bump_data_version(conn, tenant_id)


def set_clock(conn: Connection, tenant_id: str, offset_us: int, frozen_at: datetime | None) -> None:
    """Store the tenant's virtual clock (offset from real time; frozen instant or None).

    Bumps the data version: moving time changes what lazily computed states read as.
    """
    result = conn.execute(
        sa.update(tenants)
        .where(tenants.c.id == tenant_id)
        .values(
            clock_offset_us=offset_us,
            clock_frozen_at=frozen_at,
            data_version=tenants.c.data_version + 1,
        )
    )
    if result.rowcount != 1:
        raise UnknownTenant(tenant_id)


def bump_data_version(conn: Connection, tenant_id: str) -> int:
    """Count one more write to the tenant's data and return the new version (a cache key)."""
    version = conn.execute(
        sa.update(tenants)
        .where(tenants.c.id == tenant_id)
        .values(data_version=tenants.c.data_version + 1)
        .returning(tenants.c.data_version)
    ).scalar_one_or_none()
    if version is None:
        raise UnknownTenant(tenant_id)
    return version


def set_analytics(conn: Connection, tenant_id: str, modules: list[str]) -> None:
    conn.execute(sa.update(tenants).where(tenants.c.id == tenant_id).values(analytics=modules))
