"""A tenant's webhook endpoints, as the control API lists, adds and deletes them."""

from __future__ import annotations

from collections.abc import Iterable

from sandbox.domain import webhook_endpoints, webhook_keys
from sandbox.domain.tenants import Tenant
from sandbox.domain.webhook_endpoints import Endpoint
from sandbox.domain.webhook_keys import SigningKey
from sandbox.store.database import Database


class WebhookEndpoints:
    def __init__(self, db: Database) -> None:
        self._db = db

    def list(self, tenant: Tenant) -> list[Endpoint]:
        """Oldest first, with their secrets (a test needs them to verify signatures)."""
        return webhook_endpoints.list_endpoints(self._db, tenant.id)

    def add(
        self,
        tenant: Tenant,
        url: str,
        *,
        secret: str | None = None,
        format: str | None = None,
        events: Iterable[str] | None = None,
    ) -> Endpoint:
        """A new endpoint for the events emitted from now on: `format` defaults to `native`,
        `events` to every event, the secret is generated unless given. An unknown format or
        event is InvalidInput naming the field; a tenant that has as many endpoints as it may
        is TooManyEndpoints."""
        spec = webhook_endpoints.checked(url, secret, format, events)
        return webhook_endpoints.add_endpoint(self._db, tenant.id, spec)

    def delete(self, tenant: Tenant, endpoint_id: int) -> None:
        """Its pending deliveries are dropped; NotFound unless the tenant has it."""
        webhook_endpoints.delete_endpoint(self._db, tenant.id, endpoint_id)

    def oldest_urls(self, tenants: Iterable[Tenant] | None = None) -> dict[str, str]:
        """The URL of each tenant's oldest endpoint, by tenant id (tenants without one are
        left out), for these tenants or every tenant."""
        ids = None if tenants is None else [tenant.id for tenant in tenants]
        return webhook_endpoints.oldest_urls(self._db, ids)

    # --- Keys the tenant has its webhooks signed with (webhook_keys.py) ---------------------

    def signing_keys(self, tenant: Tenant) -> list[SigningKey]:
        """Oldest first; the newest signs the deliveries of a keyed format."""
        return webhook_keys.list_keys(self._db, tenant.id)

    def add_signing_key(self, tenant: Tenant, type: str, name: str) -> SigningKey:
        """A new key, its secret generated; InvalidInput for an unknown type or a bad name,
        Conflict when the tenant has as many as it may."""
        return webhook_keys.add_key(self._db, tenant.id, type, name)

    def delete_signing_key(self, tenant: Tenant, key_id: int) -> None:
        """NotFound unless the tenant has it."""
        webhook_keys.delete_key(self._db, tenant.id, key_id)
