"""A tenant's credentials on a provider face: what an integration written for that provider
holds (Powens: a numeric `client_id`, a `client_secret`, and the admin console's configuration
token). A scenario may give them (`tenants[].powens`); any it leaves out are derived from the
tenant's own client secret, so they are the same on every start and on every machine, and a
tenant made through the control API has them without saying so."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from sandbox.domain.tenants import Tenant

POWENS = "powens"
KONTOMATIK = "kontomatik"


@dataclass(frozen=True)
class FaceKeys:
    client_id: str
    client_secret: str
    config_token: str


def _derived(tenant: Tenant, face: str, what: str) -> str:
    key = tenant.client_secret.encode()
    return hmac.new(key, f"{face}:{tenant.id}:{what}".encode(), hashlib.sha256).hexdigest()


def powens_keys(tenant: Tenant) -> FaceKeys:
    """The tenant's Powens client id (8 digits, no leading zero), secret and config token."""
    spec = next((t.powens for t in tenant.scenario.tenants if t.id == tenant.id), None)
    number = 10_000_000 + int(_derived(tenant, POWENS, "client_id")[:15], 16) % 90_000_000
    return FaceKeys(
        client_id=(spec and spec.client_id) or str(number),
        client_secret=(spec and spec.client_secret) or _derived(tenant, POWENS, "secret")[:32],
        config_token=(spec and spec.config_token) or _derived(tenant, POWENS, "config")[:40],
    )


@dataclass(frozen=True)
class KontomatikKeys:
    client: str
    api_keys: tuple[str, ...]


def kontomatik_keys(tenant: Tenant) -> KontomatikKeys:
    """The tenant's Kontomatik client name and API keys: the scenario's, else `<id>-test`
    and one key derived from the tenant."""
    spec = next((t.kontomatik for t in tenant.scenario.tenants if t.id == tenant.id), None)
    keys = tuple(spec.api_keys) if spec and spec.api_keys else ()
    return KontomatikKeys(
        client=(spec and spec.client) or f"{tenant.id.lower().replace('_', '-')}-test",
        api_keys=keys or (_derived(tenant, KONTOMATIK, "api_key")[:40],),
    )


def same(given: str, expected: str) -> bool:
    """Constant-time comparison of two secrets."""
    return hmac.compare_digest(given.encode(), expected.encode())
