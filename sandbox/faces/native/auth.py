"""Who is calling `/api/v1`: HTTP Basic `client_id:client_secret` or `Authorization: Bearer
<api_key>`, read from the header here and resolved by the platform's callers service."""

from __future__ import annotations

import base64
import binascii

from starlette.requests import Request

from sandbox.domain.credentials import Kind
from sandbox.domain.errors import Unauthorized
from sandbox.domain.platform import Platform
from sandbox.domain.tenants import Tenant

# Sent with every 401: the two schemes a client may answer with.
CHALLENGE = 'Basic realm="bank-sandbox", Bearer realm="bank-sandbox"'
HOW = "send HTTP Basic client_id:client_secret or `Authorization: Bearer <api_key>`"


class NoCredentials(Unauthorized):
    code = "unauthorized"


def tenant_of(request: Request) -> Tenant:
    """The tenant whose credentials the request carries; Unauthorized otherwise."""
    headers = request.headers.getlist("authorization")
    if not headers:
        raise NoCredentials(f"no credentials: {HOW}")
    if len(headers) > 1:
        raise NoCredentials(f"more than one Authorization header: {HOW}")
    platform: Platform = request.app.state.platform
    address = request.client.host if request.client else None
    scheme, _, value = headers[0].strip().partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer" and value:
        return platform.callers.resolve(Kind.API_KEY, value, address=address).tenant
    if scheme.lower() == "basic" and value:
        client_id, secret = _basic(value)
        caller = platform.callers.resolve(
            Kind.CLIENT_SECRET, secret, client_id=client_id, address=address
        )
        return caller.tenant
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
