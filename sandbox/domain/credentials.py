"""Callers are credentials of a kind (DESIGN rule 7): one resolve turns any of them into the
tenant, and the user for a user-scoped one, or a domain error.

Kinds:
- `client_secret` and `api_key`: the tenant's own, on its row, readable through the control API
  because tests fetch them there;
- `user_token`: a user's access token, permanent or expiring on the tenant's virtual clock
  (Powens' permanent and temporary user tokens);
- `auth_code`: a single-use code exchanged for something else (an OAuth-style code);
- `provider_session`: a session id with a signature the caller must present alongside it
  (Kontomatik's `sessionId` + `sessionIdSignature`).

Issued secrets are random, shown once, and stored as their SHA-256 (a hash is enough for
256-bit random secrets, and a leaked database gives nothing to replay). Every comparison of a
secret is constant-time. The tenant's allowed IP ranges are checked on every resolve.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import lru_cache

from sandbox.domain.errors import BadCredentials, IpNotAllowed
from sandbox.domain.records import User
from sandbox.domain.tenants import Tenant, tenant_from_row
from sandbox.store import credentials as rows
from sandbox.store import tenants as tenant_rows
from sandbox.store import users as user_rows
from sandbox.store.database import Database


class Kind(StrEnum):
    CLIENT_SECRET = "client_secret"
    API_KEY = "api_key"
    USER_TOKEN = "user_token"
    AUTH_CODE = "auth_code"
    PROVIDER_SESSION = "provider_session"


# What an issued secret starts with: a reader of a log or a config sees what it is.
_PREFIX = {Kind.USER_TOKEN: "ut_", Kind.AUTH_CODE: "ac_", Kind.PROVIDER_SESSION: "ps_"}


@dataclass(frozen=True)
class Caller:
    tenant: Tenant
    user: User | None = None
    # When the credential stops being valid, on the tenant's clock; None: it does not expire.
    expires_at: datetime | None = None


@dataclass(frozen=True)
class Issued:
    """A new credential: `secret` is shown this once; `signature` only for provider sessions."""

    secret: str
    expires_at: datetime | None
    signature: str | None = None


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def signature_of(tenant: Tenant, secret: str) -> str:
    """What a provider session's holder presents with it: keyed by the tenant's client secret,
    so only the platform could have made it."""
    key = tenant.client_secret.encode()
    return hmac.new(key, secret.encode(), hashlib.sha256).hexdigest()


def issue(
    db: Database, tenant: Tenant, kind: Kind, user: User | None, ttl: timedelta | None = None
) -> Issued:
    """A new user token, single-use code or provider session; `ttl` on the tenant's clock."""
    if kind not in _PREFIX:
        raise ValueError(f"{kind} is not issued by the platform")
    secret = _PREFIX[kind] + secrets.token_urlsafe(32)
    now = tenant.now()
    expires_at = None if ttl is None else now + ttl
    with db.begin() as conn:
        rows.insert_credential(
            conn,
            tenant_id=tenant.id,
            user_id=None if user is None else user.id,
            kind=kind.value,
            secret_hash=digest(secret),
            created_at=now,
            expires_at=expires_at,
        )
    signature = signature_of(tenant, secret) if kind is Kind.PROVIDER_SESSION else None
    return Issued(secret, expires_at, signature)


def resolve_issued(
    db: Database, kind: Kind, secret: str, *, signature: str | None = None
) -> Caller:
    """The tenant and user an issued credential belongs to. An expired one, a used code, or a
    provider session without its signature are refused like an unknown one: a caller learns
    only that it must get a new credential."""
    refused = BadCredentials(f"the {kind.value.replace('_', ' ')} is not valid")
    with db.begin() as conn:
        row = rows.credential_by_hash(conn, kind.value, digest(secret))
        if row is None:
            raise refused
        tenant = tenant_from_row(tenant_rows.get_tenant(conn, row["tenant_id"]))
        now = tenant.now()
        if row["expires_at"] is not None and now >= row["expires_at"]:
            raise refused
        if kind is Kind.PROVIDER_SESSION and not hmac.compare_digest(
            (signature or "").encode(), signature_of(tenant, secret).encode()
        ):
            raise refused
        if kind is Kind.AUTH_CODE and not rows.use_credential(conn, row["id"], now):
            raise refused
        user = None
        if row["user_id"] is not None:
            found = user_rows.user_by_id(conn, tenant.id, row["user_id"])
            user = None if found is None else User.from_row(found)
            if user is None or user.gone_at(now):
                raise refused
    return Caller(tenant, user, row["expires_at"])


def revoke(db: Database, kind: Kind, secret: str) -> bool:
    """Forget an issued credential; False when there was none."""
    with db.begin() as conn:
        return rows.delete_credential(conn, kind.value, digest(secret))


def revoke_others(db: Database, user: User, kind: Kind, keep: str | None = None) -> int:
    """Forget every credential of a kind the user holds but `keep`."""
    with db.begin() as conn:
        return rows.delete_user_credentials(
            conn, user.id, kind.value, None if keep is None else digest(keep)
        )


def check_address(tenant: Tenant, address: str | None) -> None:
    """IpNotAllowed unless `address` is in one of the tenant's allowed ranges. Loopback is
    allowed when the list is empty; an address that is no IP (an in-process client, a Unix
    socket) never came over a network and counts as loopback."""
    if not _allowed(tuple(tenant.allowed_ips), address):
        raise IpNotAllowed(
            f"requests from {address} are not allowed for this client; "
            "add the address to the tenant's allowed_ips",
            details={"address": address, "allowed_ips": tenant.allowed_ips},
        )


@lru_cache(maxsize=4096)
def _allowed(ranges: tuple[str, ...], address: str | None) -> bool:
    try:
        ip = ipaddress.ip_address((address or "").split("%")[0])
    except ValueError:
        return True
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if not ranges:
        return ip.is_loopback
    return any(ip in ipaddress.ip_network(cidr, strict=False) for cidr in ranges)
