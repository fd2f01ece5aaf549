"""Clients: which tenant a request of the data APIs comes from.

A tenant proves itself with its client credentials (HTTP Basic `client_id:client_secret`) or
its API key (`Authorization: Bearer`). Secrets are compared in constant time, and an unknown
client id costs the same comparison as a wrong secret, so timing tells nothing.
"""

from __future__ import annotations

import hmac

from sandbox.domain.errors import BadCredentials
from sandbox.domain.tenants import Tenant, tenant_from_row
from sandbox.store import tenants as rows
from sandbox.store.database import Database

# Compared against when no tenant has the client id, so both failures take the same time.
_NOBODY = "no-tenant-has-this-secret"


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def by_client_credentials(db: Database, client_id: str, client_secret: str) -> Tenant:
    """The tenant whose client id and secret these are."""
    with db.connect() as conn:
        row = rows.tenant_by_client_id(conn, client_id)
    matches = _same(client_secret, row.client_secret if row else _NOBODY)
    if row is None or not matches:
        raise BadCredentials("the client id and secret do not match any client")
    return tenant_from_row(row)


def by_api_key(db: Database, api_key: str) -> Tenant:
    """The tenant whose API key this is."""
    with db.connect() as conn:
        row = rows.tenant_by_api_key(conn, api_key)
    if row is None or not _same(api_key, row.api_key):
        raise BadCredentials("the API key does not match any client")
    return tenant_from_row(row)
