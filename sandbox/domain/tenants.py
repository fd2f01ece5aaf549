"""Tenants: the platform's clients, each with its own copy of a scenario, its data and its clock.

A scenario's `tenants:` are created when the server starts (and kept across restarts so a demo
survives); parallel test runs create throw-away tenants through the control API. The webhook
endpoints a tenant is declared with are written with it (`domain/webhook_endpoints.py`).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from sandbox.clock import Clock, system_now
from sandbox.domain.webhook_endpoints import declare, declared_in
from sandbox.errors import Conflict, NotFound
from sandbox.scenario.model import Scenario
from sandbox.scenario.model import Tenant as TenantSpec
from sandbox.store import tenants as rows
from sandbox.store.database import Database
from sandbox.store.tenants import DuplicateTenant, TenantRow


@dataclass(frozen=True)
class Tenant:
    id: str
    name: str
    scenario_name: str
    scenario: Scenario
    client_id: str
    client_secret: str
    api_key: str
    allowed_ips: list[str]
    redirect_uris: list[str]
    branding: dict
    clock: Clock
    created_at: datetime
    # The analytics modules it has on (AnalyticsModule values).
    analytics: frozenset[str] = frozenset()

    def now(self) -> datetime:
        return self.clock.now()


@dataclass(frozen=True)
class TenantOptions:
    """What a caller may choose for a new tenant; everything left None is generated. A
    `webhook_url` declares one native endpoint taking every event."""

    tenant_id: str | None = None
    name: str | None = None
    redirect_uris: list[str] | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = None


@lru_cache(maxsize=64)
def _scenario_from_json(text: str) -> Scenario:
    return Scenario.model_validate_json(text)


def tenant_from_row(row: TenantRow) -> Tenant:
    return Tenant(
        id=row.id,
        name=row.name,
        scenario_name=row.scenario_name,
        scenario=_scenario_from_json(row.scenario_json),
        client_id=row.client_id,
        client_secret=row.client_secret,
        api_key=row.api_key,
        allowed_ips=list(row.allowed_ips),
        redirect_uris=list(row.redirect_uris),
        branding=dict(row.branding),
        clock=Clock(
            offset=timedelta(microseconds=row.clock_offset_us), frozen_at=row.clock_frozen_at
        ),
        created_at=row.created_at,
        analytics=frozenset(row.analytics),
    )


def _start_clock(scenario: Scenario) -> Clock:
    return Clock.starting_at(scenario.clock.start, frozen=scenario.clock.frozen)


def _offset_us(clock: Clock) -> int:
    return clock.offset // timedelta(microseconds=1)


def _row(
    scenario: Scenario, scenario_name: str, spec: TenantSpec, clock: Clock, created_at: datetime
) -> TenantRow:
    return TenantRow(
        id=spec.id,
        name=spec.name,
        scenario_name=scenario_name,
        scenario_json=scenario.model_dump_json(),
        client_id=spec.client_id,
        client_secret=spec.client_secret,
        api_key=spec.api_key,
        allowed_ips=list(spec.allowed_ips),
        redirect_uris=list(spec.redirect_uris),
        branding=spec.branding.model_dump(),
        clock_offset_us=_offset_us(clock),
        clock_frozen_at=clock.frozen_at,
        data_version=0,
        created_at=created_at,
        analytics=tuple(dict.fromkeys(spec.analytics)),
    )


def ensure_scenario_tenants(db: Database, scenario: Scenario, scenario_name: str) -> list[Tenant]:
    """Create the scenario's declared tenants that do not exist yet; keep the others' data and
    clock but give them the scenario as it is now (the file may have changed since), declared
    webhook endpoints included."""
    with db.begin() as conn:
        for spec in scenario.tenants:
            existing = rows.get_tenant(conn, spec.id)
            if existing is None:
                clock = _start_clock(scenario)
                rows.insert_tenant(conn, _row(scenario, scenario_name, spec, clock, system_now()))
            else:
                clock = tenant_from_row(existing).clock
                rows.update_tenant(
                    conn, _row(scenario, scenario_name, spec, clock, existing.created_at)
                )
            declare(conn, spec.id, declared_in(spec))
        return [tenant_from_row(rows.get_tenant(conn, spec.id)) for spec in scenario.tenants]


def create_tenant(
    db: Database, scenario: Scenario, scenario_name: str, options: TenantOptions = TenantOptions()
) -> Tenant:
    """A fresh isolated tenant on `scenario`, with new credentials unless given."""
    template = scenario.tenants[0] if scenario.tenants else None
    token = secrets.token_hex(6)
    spec = TenantSpec(
        id=options.tenant_id or f"t_{token}",
        name=options.name or f"Test tenant {token}",
        client_id=f"client_{token}",
        client_secret=secrets.token_urlsafe(24),
        api_key=f"sk_sandbox_{secrets.token_urlsafe(24)}",
        allowed_ips=template.allowed_ips if template else ["127.0.0.1/32", "::1/128"],
        redirect_uris=options.redirect_uris
        if options.redirect_uris is not None
        else (template.redirect_uris if template else []),
        webhook=(
            {"url": options.webhook_url, "secret": options.webhook_secret or secrets.token_hex(16)}
            if options.webhook_url
            else None
        ),
        branding=template.branding if template else {},
        **({"analytics": template.analytics} if template else {}),
    )
    row = _row(scenario, scenario_name, spec, _start_clock(scenario), system_now())
    try:
        with db.begin() as conn:
            rows.insert_tenant(conn, row)
            declare(conn, spec.id, declared_in(spec))
    except DuplicateTenant as error:
        field = "tenant_id" if error.field == "id" else error.field
        raise Conflict(
            f"another tenant already has this {field}", details={"field": field}
        ) from None
    return get_tenant(db, spec.id)


def get_tenant(db: Database, tenant_id: str) -> Tenant:
    with db.connect() as conn:
        row = rows.get_tenant(conn, tenant_id)
    if row is None:
        raise NotFound(f"no tenant {tenant_id!r}", details={"tenant_id": tenant_id})
    return tenant_from_row(row)


def list_tenants(db: Database) -> list[Tenant]:
    with db.connect() as conn:
        return [tenant_from_row(row) for row in rows.list_tenants(conn)]


def delete_tenant(db: Database, tenant_id: str) -> None:
    with db.begin() as conn:
        if not rows.delete_tenant(conn, tenant_id):
            raise NotFound(f"no tenant {tenant_id!r}", details={"tenant_id": tenant_id})


def reset_tenant(db: Database, tenant_id: str) -> Tenant:
    """Forget everything the tenant did and put its clock back to the scenario's start. The
    webhook endpoints it was declared with stay; those added since go."""
    tenant = get_tenant(db, tenant_id)
    clock = _start_clock(tenant.scenario)
    with db.begin() as conn:
        rows.wipe_tenant_data(conn, tenant_id)
        rows.set_clock(conn, tenant_id, _offset_us(clock), clock.frozen_at)
        rows.bump_data_version(conn, tenant_id)
    return get_tenant(db, tenant_id)


def save_clock(db: Database, tenant: Tenant, clock: Clock) -> Tenant:
    with db.begin() as conn:
        rows.set_clock(conn, tenant.id, _offset_us(clock), clock.frozen_at)
        rows.bump_data_version(conn, tenant.id)
    return get_tenant(db, tenant.id)


def set_analytics(db: Database, tenant: Tenant, modules: Iterable[str]) -> Tenant:
    """Turn the tenant's analytics modules on (those named) and off (the others)."""
    with db.begin() as conn:
        rows.set_analytics(conn, tenant.id, list(dict.fromkeys(modules)))
        rows.bump_data_version(conn, tenant.id)
    return get_tenant(db, tenant.id)
