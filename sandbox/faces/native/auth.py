"""Who is calling `/api/v1`: HTTP Basic `client_id:client_secret` or `Authorization: Bearer
<api_key>`, read from the header here and checked by the domain (`sandbox.domain.clients`)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Hashable

from starlette.requests import Request

from sandbox.domain import clients
from sandbox.domain.tenants import Tenant
from sandbox.errors import Unauthorized
from sandbox.store.database import Database

# Sent with every 401: the two schemes a client may answer with.
CHALLENGE = 'Basic realm="bank-sandbox", Bearer realm="bank-sandbox"'
HOW = "send HTTP Basic client_id:client_secret or `Authorization: Bearer <api_key>`"


class NoCredentials(Unauthorized):
    code = "unauthorized"


class KnownCallers:
    """Credentials already checked, with the tenant they name, kept while the database's data
    version holds: a tenant (its keys, scenario, clock) changes only by a committed write."""

    LIMIT = 1024

    def __init__(self, db: Database) -> None:
        self.db = db
        self._known: dict[str, tuple[Hashable, Tenant]] = {}

    def tenant(self, header: str, check: Callable[[], Tenant]) -> Tenant:
        version = self.db.data_version()  # before the check: a later write is a miss
        known = self._known.get(header)
        if known is not None and known[0] == version:
            return known[1]
        tenant = check()
        if len(self._known) >= self.LIMIT:
            self._known.clear()
        self._known[header] = (version, tenant)
        return tenant


def tenant_of(request: Request) -> Tenant:
    """The tenant whose credentials the request carries; Unauthorized otherwise."""
    known: KnownCallers = request.app.state.known_callers
    headers = request.headers.getlist("authorization")
    if not headers:
        raise NoCredentials(f"no credentials: {HOW}")
    if len(headers) > 1:
        raise NoCredentials(f"more than one Authorization header: {HOW}")
    return known.tenant(headers[0], lambda: _check(known.db, headers[0]))


def _check(db: Database, header: str) -> Tenant:
    scheme, _, value = header.strip().partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer" and value:
        return clients.by_api_key(db, value)
    if scheme.lower() == "basic" and value:
        client_id, secret = _basic(value)
        return clients.by_client_credentials(db, client_id, secret)
    raise NoCredentials(f"unsupported Authorization header: {HOW}")


def _basic(value: str) -> tuple[str, str]:
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise NoCredentials(f"the Basic credentials are not valid base64: {HOW}") from None
    client_id, colon, secret = decoded.partition(":")
    if not colon or not client_id:
        raise NoCredentials(f"the Basic credentials are not client_id:client_secret: {HOW}")
    return client_id, secret
