"""Who calls the Kontomatik face: the tenant holding the `X-Api-Key` (Kontomatik's header; the
legacy `apiKey` query parameter too), from an address in the tenant's allowed IPs."""

from __future__ import annotations

from starlette.requests import Request

from sandbox.domain.errors import IpNotAllowed, Unauthorized
from sandbox.domain.platform import Platform
from sandbox.domain.tenants import Tenant
from sandbox.faces.kontomatik.errors import NotKnown


def _platform(request: Request) -> Platform:
    return request.app.state.platform


def tenant_of(request: Request) -> Tenant:
    """NotKnown (their 401 reply, naming the masked key and address) for a missing or wrong
    key, or an address outside the tenant's allowed IPs."""
    keys = request.headers.getlist("x-api-key") or request.query_params.getlist("apiKey")
    address = request.client.host if request.client else None
    key = keys[0] if len(keys) == 1 else ""
    if not key:
        raise NotKnown(key, address)
    try:
        tenant = _platform(request).callers.tenant_of_kontomatik_key(key, address=address)
    except (Unauthorized, IpNotAllowed):  # Kontomatik answers both with the same 401
        raise NotKnown(key, address) from None
    request.state.tenant = tenant  # an error reply from here on names the client, as theirs
    return tenant
