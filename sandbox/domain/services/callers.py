"""Who is calling: credentials of a kind (`sandbox.domain.credentials`) resolved to the tenant,
and the user for a user-scoped one, with the tenant's allowed IP ranges checked.

The tenant's own secrets are kept with the tenant they name while the database's data version
holds: a tenant (its keys, scenario, clock) changes only by a committed write, so a kept answer
is never stale, and a busy API checks each caller's secret once per write instead of per
request. Issued credentials are read each time: they expire on a clock that runs.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import timedelta

from sandbox.domain import clients, credentials, tenants
from sandbox.domain.credentials import Caller, Issued, Kind
from sandbox.domain.errors import BadCredentials
from sandbox.domain.face_keys import POWENS, FaceKeys, kontomatik_keys, powens_keys, same
from sandbox.domain.records import User
from sandbox.domain.tenants import Tenant
from sandbox.store.database import Database

# Each provider face's keys of a tenant (`domain/face_keys.py`).
FACE_KEYS = {POWENS: powens_keys}


class Callers:
    LIMIT = 1024

    def __init__(self, db: Database, secret_key: str | None = None) -> None:
        """`secret_key`: the installation's, which permanent user tokens derive from."""
        self._db = db
        self._key = secret_key
        self._known: dict[tuple[str, str, str], tuple[Hashable, Tenant]] = {}

    def resolve(
        self,
        kind: Kind,
        secret: str,
        *,
        client_id: str | None = None,
        signature: str | None = None,
        address: str | None = None,
    ) -> Caller:
        """The caller these credentials name, from `address` (the peer's IP); BadCredentials
        or IpNotAllowed otherwise. `client_id` goes with a client secret, `signature` with a
        provider session."""
        if kind is Kind.API_KEY:
            caller = Caller(
                self._kept(("api_key", secret, ""), lambda: clients.by_api_key(self._db, secret))
            )
        elif kind is Kind.CLIENT_SECRET:
            client = client_id or ""
            caller = Caller(
                self._kept(
                    ("client", client, secret),
                    lambda: clients.by_client_credentials(self._db, client, secret),
                )
            )
        else:
            caller = credentials.resolve_issued(self._db, kind, secret, signature=signature)
        credentials.check_address(caller.tenant, address)
        return caller

    def issue(
        self, tenant: Tenant, kind: Kind, user: User | None = None, ttl: timedelta | None = None
    ) -> Issued:
        """A new user token, single-use code or provider session; its secret is shown once."""
        return credentials.issue(self._db, tenant, kind, user, ttl, self._key)

    def new_user(
        self, tenant: Tenant, *, temporary_for: timedelta | None = None
    ) -> tuple[User, Issued]:
        """A new user known by its number, with its first user token (expiring with a
        temporary user), made together: a permanent user is announced with its token there."""
        return credentials.new_user_with_token(self._db, tenant, self._key, temporary_for)

    def permanent_token(self, tenant: Tenant, user: User) -> tuple[User, Issued]:
        """A new permanent token for the user, kept for good (and announced) if temporary."""
        return credentials.permanent_token_for(self._db, tenant, self._key, user)

    def revoke(self, kind: Kind, secret: str) -> bool:
        """Forget an issued credential (a user token logged out); False when there was none."""
        return credentials.revoke(self._db, kind, secret)

    def revoke_others(self, user: User, kind: Kind, keep: str | None = None) -> int:
        """Forget every credential of this kind the user holds but `keep`."""
        return credentials.revoke_others(self._db, user, kind, keep)

    def face_keys(self, tenant: Tenant, face: str) -> FaceKeys:
        return FACE_KEYS[face](tenant)

    def face_client(
        self, tenant: Tenant, face: str, client_id: str, secret: str, address: str | None
    ) -> Caller:
        """The tenant, when these are its client id and secret on `face`."""
        keys = self.face_keys(tenant, face)
        if not (same(client_id, keys.client_id) & same(secret, keys.client_secret)):
            raise BadCredentials("the client id and secret do not match this domain's client")
        credentials.check_address(tenant, address)
        return Caller(tenant)

    def face_config_token(
        self, tenant: Tenant, face: str, token: str, address: str | None
    ) -> Caller:
        """The tenant, when this is its configuration (admin) token on `face`."""
        if not same(token, self.face_keys(tenant, face).config_token):
            raise BadCredentials("the token is not this domain's configuration token")
        credentials.check_address(tenant, address)
        return Caller(tenant)

    def tenant_of_kontomatik_key(self, api_key: str, *, address: str | None) -> Tenant:
        """The tenant holding this Kontomatik API key, called from `address`: BadCredentials
        for a key no tenant holds, IpNotAllowed for an address outside its allowed ranges."""

        def find() -> Tenant:
            for tenant in tenants.list_tenants(self._db):
                if any(same(api_key, key) for key in kontomatik_keys(tenant).api_keys):
                    return tenant
            raise BadCredentials("the API key does not match any client")

        tenant = self._kept(("kontomatik", api_key, ""), find)
        credentials.check_address(tenant, address)
        return tenant

    def tenant_of_kontomatik_client(self, client: str) -> Tenant | None:
        """The tenant whose Kontomatik client name this is (the widget's `client`: public, it
        names a tenant and proves nothing)."""
        for tenant in tenants.list_tenants(self._db):
            if client == kontomatik_keys(tenant).client:
                return tenant
        return None

    def tenant_of_face_client(self, face: str, client_id: str) -> Tenant | None:
        """The tenant whose client id on `face` this is (a webview that names no domain)."""
        for tenant in tenants.list_tenants(self._db):
            if same(client_id, self.face_keys(tenant, face).client_id):
                return tenant
        return None

    def _kept(self, key: tuple[str, str, str], check: Callable[[], Tenant]) -> Tenant:
        version = self._db.data_version()  # before the check: a later write is a miss
        known = self._known.get(key)
        if known is not None and known[0] == version:
            return known[1]
        tenant = check()
        if len(self._known) >= self.LIMIT:
            self._known.clear()
        self._known[key] = (version, tenant)
        return tenant
