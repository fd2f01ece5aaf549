"""Powens' webhook auth providers (`/webhooks/auth`, docs.powens.com "Webhooks"; reference/powens.md
§8), for the domain's configuration token: an `hmac_signature` provider is a webhook signing key
of the tenant (`domain/webhook_keys.py`), and the newest signs every delivery to the tenant's
`powens` endpoints (`webhooks.py`) instead of the user's token. `type` and `name` come in the
body (JSON or a form) or, as some clients send them, in the query.

    POST   /webhooks/auth       {"type": "hmac_signature", "name": …}
                                → {"id", "type", "name", "config": {"secret_key"}}
    GET    /webhooks/auth       → {"authproviders": [...]}, oldest first
    GET    /webhooks/auth/{id}  → one
    DELETE /webhooks/auth/{id}  → 204

Powens' other provider type (an OAuth2 client-credentials server) is not emulated: a 400.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from sandbox.domain.errors import Forbidden, NotFound
from sandbox.domain.webhook_keys import SigningKey
from sandbox.faces.paths import path_id
from sandbox.faces.powens import inputs
from sandbox.faces.powens.caller import Access, access, platform_of
from sandbox.faces.powens.errors import InvalidValue, PowensJSON
from sandbox.faces.routing import resource

TYPES = ("hmac_signature",)
MAX_NAME = 255


def provider_json(key: SigningKey) -> dict[str, Any]:
    return {"id": key.id, "type": key.type, "name": key.name, "config": {"secret_key": key.secret}}


def _configuration(request: Request) -> Access:
    """The domain's configuration token; a user's token may not manage these (403)."""
    caller = access(request)
    if caller.user is not None:
        raise Forbidden("webhook auth providers are managed with the configuration token")
    return caller


def _one(request: Request, caller: Access) -> SigningKey:
    key_id = path_id(request, "auth_id", "webhook auth provider")
    keys = platform_of(request).webhook_endpoints.signing_keys(caller.tenant)
    found = next((key for key in keys if key.id == key_id), None)
    if found is None:
        raise NotFound(f"no webhook auth provider {key_id}", details={"id": key_id})
    return found


async def create(request: Request) -> Response:
    caller = _configuration(request)
    given = await inputs.fields(request)
    kind = given.text("type", required=True, max_length=64)
    if kind not in TYPES:
        raise InvalidValue("type", "hmac_signature (the one provider type the sandbox emulates)")
    name = given.text("name", required=True, max_length=MAX_NAME)
    assert kind is not None and name is not None
    key = platform_of(request).webhook_endpoints.add_signing_key(caller.tenant, kind, name)
    return PowensJSON(provider_json(key))


async def list_providers(request: Request) -> Response:
    caller = _configuration(request)
    keys = platform_of(request).webhook_endpoints.signing_keys(caller.tenant)
    return PowensJSON({"authproviders": [provider_json(key) for key in keys]})


async def get_provider(request: Request) -> Response:
    caller = _configuration(request)
    return PowensJSON(provider_json(_one(request, caller)))


async def delete_provider(request: Request) -> Response:
    caller = _configuration(request)
    key = _one(request, caller)
    platform_of(request).webhook_endpoints.delete_signing_key(caller.tenant, key.id)
    return Response(status_code=204)


ROUTES: list[BaseRoute] = [
    resource("/webhooks/auth", get=list_providers, post=create),
    resource("/webhooks/auth/{auth_id}", get=get_provider, delete=delete_provider),
]
