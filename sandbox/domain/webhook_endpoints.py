"""Webhook endpoints: where a tenant's events go (URL and secret), in which format, and which of
them (an event filter, or every event).

Endpoints are declared with the tenant (the scenario's `tenants[].webhook`, one native endpoint
for every event, and `tenants[].webhooks`; or `webhook_url` when the control API creates the
tenant) or added later through the control API. Declared ones are part of the tenant's
definition: a reset keeps them and drops the added ones, and a restart on a changed scenario
replaces only those whose declaration changed, so an undelivered event to an unchanged endpoint
is still sent.

A format is written and signed by the face that owns it, behind `Renderer`; the domain knows the
formats by name only (`sandbox/subscriptions.py`).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from sqlalchemy.engine import Connection

from sandbox.clock import system_now
from sandbox.domain.errors import NotFound, TooManyEndpoints, UnknownEvent, UnknownFormat
from sandbox.store import webhook_endpoints as rows
from sandbox.store.database import Database
from sandbox.store.webhook_endpoints import EndpointRow
from sandbox.subscriptions import (
    DEFAULT_FORMAT,
    EVENT_TYPES,
    FORMATS,
    MAX_ENDPOINTS,
    events_of,
    unknown_events,
)

if TYPE_CHECKING:
    from sandbox.domain.events import Event
    from sandbox.scenario.model import Tenant as TenantSpec


@dataclass(frozen=True)
class Signing:
    """What one attempt of a delivery is signed with, read when the attempt is made: the
    endpoint's secret and URL, the attempt's real time, and for a `keyed` format the event's
    user's permanent token (`credentials.delivery_token`) and the tenant's newest webhook
    signing key (`webhook_keys.py`), each None when there is none."""

    secret: str
    url: str
    at: datetime  # real time, UTC
    user_token: str | None = None
    signing_key: str | None = None

    @property
    def timestamp(self) -> int:
        """The attempt's time in Unix seconds."""
        return int(self.at.timestamp())

    def __repr__(self) -> str:
        # Keep the secrets (and a URL's token) out of logs and tracebacks.
        return f"Signing(at={self.at.isoformat()})"


class Renderer(Protocol):
    """How one format writes and signs an event: implemented by the face that owns the format,
    registered under the format's name by `sandbox/app.py`. `body` depends on the event alone,
    so every attempt of a delivery sends the same bytes; a format whose body shows the data as
    it was at the event also implements `snapshots.Snapshotter`, and its body is written then.
    `keyed`: the worker reads the user's token and the tenant's signing key for `headers`."""

    content_type: str
    keyed: bool

    def body(self, event: Event) -> bytes: ...

    def headers(self, signing: Signing, event: Event, body: bytes) -> dict[str, str]:
        """The headers that sign or authenticate `body` at this attempt."""
        ...


Renderers = Mapping[str, Renderer]


@dataclass(frozen=True)
class EndpointSpec:
    """An endpoint as declared or asked for; `events` None takes every event."""

    url: str
    secret: str
    format: str = DEFAULT_FORMAT
    events: tuple[str, ...] | None = None

    def __repr__(self) -> str:
        return f"EndpointSpec(url=…, format={self.format!r}, events={self.events!r})"


@dataclass(frozen=True)
class Endpoint:
    id: int
    url: str
    secret: str
    format: str
    events: tuple[str, ...] | None
    declared: bool
    created_at: datetime  # real time

    @classmethod
    def from_row(cls, row: EndpointRow) -> Endpoint:
        return cls(
            row.id, row.url, row.secret, row.format, row.events, row.declared, row.created_at
        )

    def spec(self) -> EndpointSpec:
        return EndpointSpec(self.url, self.secret, self.format, self.events)

    def __repr__(self) -> str:
        # Keep the secret (and a URL's token) out of logs and tracebacks.
        return f"Endpoint(id={self.id}, format={self.format!r}, events={self.events!r})"


def declared_in(spec: TenantSpec) -> list[EndpointSpec]:
    """The endpoints a tenant's definition declares, `webhook` first."""
    declared = [EndpointSpec(spec.webhook.url, spec.webhook.secret)] if spec.webhook else []
    for hook in spec.webhooks:
        events = None if hook.events is None else tuple(hook.events)
        declared.append(EndpointSpec(hook.url, hook.secret, hook.format, events))
    return declared


def declare(conn: Connection, tenant_id: str, wanted: Iterable[EndpointSpec]) -> None:
    """Make the tenant's declared endpoints the ones `wanted`: an endpoint declared the same way
    as before is kept with its id and its pending deliveries, one no longer declared is deleted,
    a new one added. Endpoints added through the control API are left alone."""
    kept = [row for row in rows.list_endpoints(conn, tenant_id) if row.declared]
    for spec in wanted:
        same = next((row for row in kept if Endpoint.from_row(row).spec() == spec), None)
        if same is not None:
            kept.remove(same)
        else:
            _insert(conn, tenant_id, spec, declared=True)
    for gone in kept:
        rows.delete_endpoint(conn, tenant_id, gone.id)


def _insert(conn: Connection, tenant_id: str, spec: EndpointSpec, *, declared: bool) -> Endpoint:
    row = rows.insert_endpoint(
        conn,
        tenant_id=tenant_id,
        url=spec.url,
        secret=spec.secret,
        format=spec.format,
        events=spec.events,
        declared=declared,
        created_at=system_now(),
    )
    return Endpoint.from_row(row)


def checked(
    url: str, secret: str | None, format: str | None, events: Iterable[str] | None
) -> EndpointSpec:
    """An endpoint asked for through the control API, with the secret generated unless given;
    an unknown format or event name is InvalidInput naming the field. The URL and the secret's
    length are the face's to check, with the rule every registered URL follows."""
    format = DEFAULT_FORMAT if format is None else format
    if format not in FORMATS:
        raise UnknownFormat(format, FORMATS)
    names = None if events is None else tuple(dict.fromkeys(events))
    if names is not None and (unknown := unknown_events(list(names))):
        raise UnknownEvent(unknown[0], EVENT_TYPES, field="events")
    # A format that has words for only some events (Powens') takes no other.
    taken = events_of(format)
    if names is not None and (wordless := [name for name in names if name not in taken]):
        raise UnknownEvent(wordless[0], taken, field="events")
    return EndpointSpec(url, secret or secrets.token_hex(16), format, names)


def add_endpoint(db: Database, tenant_id: str, spec: EndpointSpec) -> Endpoint:
    """A new endpoint; it takes the events emitted from now on."""
    with db.begin() as conn:
        if rows.count_endpoints(conn, tenant_id) >= MAX_ENDPOINTS:
            raise TooManyEndpoints(MAX_ENDPOINTS)
        return _insert(conn, tenant_id, spec, declared=False)


def list_endpoints(db: Database, tenant_id: str) -> list[Endpoint]:
    """The tenant's endpoints, oldest first."""
    with db.connect() as conn:
        return [Endpoint.from_row(row) for row in rows.list_endpoints(conn, tenant_id)]


def delete_endpoint(db: Database, tenant_id: str, endpoint_id: int) -> None:
    """Delete the endpoint, declared or added; its pending deliveries are dropped with it."""
    with db.begin() as conn:
        if not rows.delete_endpoint(conn, tenant_id, endpoint_id):
            raise NotFound(
                f"no webhook endpoint {endpoint_id}", details={"endpoint_id": endpoint_id}
            )


def oldest_urls(db: Database, tenant_ids: Iterable[str] | None = None) -> dict[str, str]:
    """The URL of each tenant's oldest endpoint (of these tenants, or of every tenant)."""
    with db.connect() as conn:
        return rows.oldest_urls(conn, tenant_ids)
