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

A permanent user token is the one exception to "random": `ut_` + a random nonce + `.` + the
HMAC-SHA256 of the nonce under the installation's secret key (`sandbox/secret_key.py`, never in
the database). The nonce is stored with the token's hash, so the webhook worker can rebuild the
token a Powens-style webhook is authenticated with (`delivery_token`), while a leaked database
still holds nothing that passes as a token. A sign-in flow's provider session is derived the
same way (`numbered_session`), so the flow can show its session again without keeping it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import lru_cache

from sqlalchemy.engine import Connection

from sandbox.domain import users
from sandbox.domain.errors import BadCredentials, IpNotAllowed
from sandbox.domain.records import User
from sandbox.domain.tenants import Tenant, tenant_from_row
from sandbox.store import credentials as rows
from sandbox.store import snapshots as snapshot_rows
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


def permanent_token(key: str, nonce: str) -> str:
    """The permanent user token a nonce stands for under the installation's key."""
    mac = hmac.new(key.encode(), nonce.encode(), hashlib.sha256).digest()
    return f"{_PREFIX[Kind.USER_TOKEN]}{nonce}.{base64.urlsafe_b64encode(mac).decode().rstrip('=')}"


def issue(
    db: Database,
    tenant: Tenant,
    kind: Kind,
    user: User | None,
    ttl: timedelta | None = None,
    key: str | None = None,
) -> Issued:
    """A new user token, single-use code or provider session; `ttl` on the tenant's clock.
    `key`: the installation's secret key, which a permanent user token is derived from."""
    with db.begin() as conn:
        return issue_in(conn, tenant, kind, user, ttl, key)


def issue_in(
    conn: Connection,
    tenant: Tenant,
    kind: Kind,
    user: User | None,
    ttl: timedelta | None = None,
    key: str | None = None,
) -> Issued:
    """`issue`, in the caller's transaction."""
    if kind not in _PREFIX:
        raise ValueError(f"{kind} is not issued by the platform")
    nonce = None
    if kind is Kind.USER_TOKEN and ttl is None and user is not None and key is not None:
        nonce = secrets.token_urlsafe(18)
        secret = permanent_token(key, nonce)
    else:
        secret = _PREFIX[kind] + secrets.token_urlsafe(32)
    now = tenant.now()
    expires_at = None if ttl is None else now + ttl
    rows.insert_credential(
        conn,
        tenant_id=tenant.id,
        user_id=None if user is None else user.id,
        kind=kind.value,
        secret_hash=digest(secret),
        nonce=nonce,
        created_at=now,
        expires_at=expires_at,
    )
    signature = signature_of(tenant, secret) if kind is Kind.PROVIDER_SESSION else None
    return Issued(secret, expires_at, signature)


def numbered_session(key: str, nonce: str) -> str:
    """The ten-digit provider session a nonce stands for under the installation's key."""
    mac = hmac.new(key.encode(), b"provider-session:" + nonce.encode(), hashlib.sha256).digest()
    return str(int.from_bytes(mac[:8], "big") % (9 * 10**9) + 10**9)


def issue_numbered(
    conn: Connection, tenant: Tenant, user_id: int, ttl: timedelta, key: str | None = None
) -> tuple[Issued, int]:
    """A provider session whose secret is ten digits, as Kontomatik's session ids look (the
    signature is what keeps it private), and its credential's id, in the caller's transaction.
    With the installation's `key`, the digits derive from a random nonce kept beside their hash
    (`numbered_session`), so the platform can give the same session again without storing it."""
    while True:
        if key is None:
            nonce, secret = None, str(secrets.randbelow(9 * 10**9) + 10**9)
        else:
            nonce = secrets.token_urlsafe(12)
            secret = numbered_session(key, nonce)
        if rows.credential_by_hash(conn, Kind.PROVIDER_SESSION.value, digest(secret)) is None:
            break
    now = tenant.now()
    row = rows.insert_credential(
        conn,
        tenant_id=tenant.id,
        user_id=user_id,
        kind=Kind.PROVIDER_SESSION.value,
        secret_hash=digest(secret),
        nonce=nonce,
        created_at=now,
        expires_at=now + ttl,
    )
    return Issued(secret, now + ttl, signature_of(tenant, secret)), row["id"]


def new_user_with_token(
    db: Database, tenant: Tenant, key: str | None, temporary_for: timedelta | None
) -> tuple[User, Issued]:
    """A new user known by its number and its first token, in one transaction: a permanent
    user is announced with its token already there to authenticate the announcement."""
    with db.begin() as conn:
        user = users.insert_numbered(conn, tenant, temporary_for, announced=False)
        issued = issue_in(conn, tenant, Kind.USER_TOKEN, user, temporary_for, key)
        if temporary_for is None:
            users.announce(conn, tenant, user)
    return user, issued


def permanent_token_for(
    db: Database, tenant: Tenant, key: str | None, user: User
) -> tuple[User, Issued]:
    """A new permanent token for the user, who is kept for good if it was temporary (and only
    then announced), in one transaction."""
    with db.begin() as conn:
        kept = users.keep(conn, user)
        issued = issue_in(conn, tenant, Kind.USER_TOKEN, kept, None, key)
        if user.expires_at is not None:
            users.announce(conn, tenant, kept)
    return kept, issued


def delivery_token(
    conn: Connection, tenant_id: str, external_user_id: str | None, nonce: str | None, key: str
) -> str | None:
    """The user token a webhook about this user is authenticated with at this attempt: the
    permanent token the user held when the event was emitted (`nonce`), unless it has been
    revoked since, in which case the user's newest permanent token now; for a user deleted
    since, the one held at the event (the deletion took it along, it revoked nothing). None
    when the user holds no permanent token (a temporary user, one made by the native API)."""
    held = None if nonce is None else permanent_token(key, nonce)
    if held is not None and _exists(conn, held):
        return held
    found = None
    if external_user_id is not None:
        found = user_rows.user_by_external_id(conn, tenant_id, external_user_id)
    if found is None:
        return held
    newest = snapshot_rows.newest_token_nonce(conn, found["id"])
    token = None if newest is None else permanent_token(key, newest)
    # A token rebuilt under another key than it was made with matches nothing: none is sent.
    return token if token is not None and _exists(conn, token) else None


def _exists(conn: Connection, token: str) -> bool:
    return rows.credential_by_hash(conn, Kind.USER_TOKEN.value, digest(token)) is not None


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
