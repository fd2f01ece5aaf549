"""Webhook endpoint rows: where a tenant's events go, in which format, which of them.

Plain functions over a Connection, so the caller decides the transaction. Deleting an endpoint
drops its pending deliveries in the same statement group: an event is never sent to an endpoint
the tenant no longer has, and what was delivered or failed stays listed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sandbox.store.schema import webhook_deliveries, webhook_endpoints


@dataclass(frozen=True)
class EndpointRow:
    id: int
    tenant_id: str
    url: str
    secret: str
    format: str
    events: tuple[str, ...] | None
    declared: bool
    created_at: datetime

    def __repr__(self) -> str:
        # Keep the secret out of logs and tracebacks.
        return f"EndpointRow(id={self.id}, tenant_id={self.tenant_id!r}, format={self.format!r})"


def _row(mapping: sa.RowMapping) -> EndpointRow:
    events = mapping["events"]
    return EndpointRow(
        id=mapping["id"],
        tenant_id=mapping["tenant_id"],
        url=mapping["url"],
        secret=mapping["secret"],
        format=mapping["format"],
        events=None if events is None else tuple(events),
        declared=bool(mapping["declared"]),
        created_at=mapping["created_at"],
    )


def insert_endpoint(
    conn: Connection,
    *,
    tenant_id: str,
    url: str,
    secret: str,
    format: str,
    events: Iterable[str] | None,
    declared: bool,
    created_at: datetime,
) -> EndpointRow:
    values = {
        "tenant_id": tenant_id,
        "url": url,
        "secret": secret,
        "format": format,
        "events": None if events is None else list(events),
        "declared": declared,
        "created_at": created_at,
    }
    insert = sa.insert(webhook_endpoints).values(values).returning(webhook_endpoints)
    return _row(conn.execute(insert).mappings().one())


def list_endpoints(conn: Connection, tenant_id: str) -> list[EndpointRow]:
    """The tenant's endpoints, oldest first."""
    query = (
        sa.select(webhook_endpoints)
        .where(webhook_endpoints.c.tenant_id == tenant_id)
        .order_by(webhook_endpoints.c.id)
    )
    return [_row(mapping) for mapping in conn.execute(query).mappings()]


def count_endpoints(conn: Connection, tenant_id: str) -> int:
    query = sa.select(sa.func.count()).where(webhook_endpoints.c.tenant_id == tenant_id)
    return conn.execute(query).scalar_one()


def delete_endpoint(conn: Connection, tenant_id: str, endpoint_id: int) -> bool:
    """Delete the tenant's endpoint and drop its pending deliveries; False when it has none
    with this id. Its delivered and failed deliveries stay, no longer naming it."""
    conn.execute(
        sa.delete(webhook_deliveries).where(
            webhook_deliveries.c.tenant_id == tenant_id,
            webhook_deliveries.c.endpoint_id == endpoint_id,
            webhook_deliveries.c.status == "pending",
        )
    )
    deleted = conn.execute(
        sa.delete(webhook_endpoints).where(
            webhook_endpoints.c.tenant_id == tenant_id, webhook_endpoints.c.id == endpoint_id
        )
    )
    return deleted.rowcount == 1


def oldest_urls(conn: Connection, tenant_ids: Iterable[str] | None = None) -> dict[str, str]:
    """Each tenant's oldest endpoint URL (of these tenants, or of all), in one query."""
    oldest = sa.select(sa.func.min(webhook_endpoints.c.id)).group_by(webhook_endpoints.c.tenant_id)
    if tenant_ids is not None:
        oldest = oldest.where(webhook_endpoints.c.tenant_id.in_(list(tenant_ids)))
    query = sa.select(webhook_endpoints.c.tenant_id, webhook_endpoints.c.url).where(
        webhook_endpoints.c.id.in_(oldest)
    )
    return {row.tenant_id: row.url for row in conn.execute(query)}
