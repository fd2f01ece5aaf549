"""Who is calling a Powens domain: the domain names the tenant (`demo`, `demo.biapi.pro` and
`demo-sandbox.biapi.pro` all name tenant `demo`); a user's token (`Authorization: Bearer`)
names the user; the client id and secret or the configuration token name the tenant's own
backend."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from starlette.requests import Request

from sandbox.domain.credentials import Caller, Kind
from sandbox.domain.errors import BadCredentials, NotFound
from sandbox.domain.face_keys import POWENS, same
from sandbox.domain.platform import Platform
from sandbox.domain.records import User
from sandbox.domain.tenants import Tenant
from sandbox.faces.paths import ID
from sandbox.faces.powens.errors import InvalidValue
from sandbox.faces.powens.inputs import Fields

HOSTS = (".biapi.pro",)
MAX_DOMAIN = 253
MAX_URL = 2048
MAX_STATE = 512  # a client's `state`, carried back on a callback


def platform_of(request: Request) -> Platform:
    return request.app.state.platform


def address_of(request: Request) -> str | None:
    return request.client.host if request.client else None


def tenant_id_of_domain(domain: str) -> str:
    """`demo`, `demo.biapi.pro`, `demo-sandbox.biapi.pro`, `https://demo.biapi.pro/2.0` → `demo`."""
    name = domain.strip().lower()
    name = name.removeprefix("https://").removeprefix("http://").split("/")[0].split(":")[0]
    for host in HOSTS:
        name = name.removesuffix(host)
    return name.removesuffix("-sandbox")


def tenant_of(request: Request) -> Tenant:
    """The tenant the URL's domain names; an unknown domain is a 404."""
    domain = request.path_params["domain"]
    if len(domain) > MAX_DOMAIN or "\x00" in domain:
        raise NotFound("no such domain", details={"domain": domain[:64]})
    return platform_of(request).tenants.get(tenant_id_of_domain(domain))


def bearer(request: Request) -> str:
    headers = request.headers.getlist("authorization")
    if len(headers) != 1:
        raise BadCredentials("send one `Authorization: Bearer <token>` header")
    scheme, _, token = headers[0].strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise BadCredentials("send one `Authorization: Bearer <token>` header")
    return token.strip()


@dataclass(frozen=True)
class Access:
    """A request's caller on a domain: a user (by their token) or the tenant's backend (by its
    configuration token), which may act on any of its users."""

    tenant: Tenant
    user: User | None
    token: str
    # A temporary user's token expires on the tenant's clock; None: a permanent one.
    expires_at: datetime | None = None

    def user_named(self, request: Request, name: str = "user_id") -> User:
        """The user the path names: `me` is the token's own; a number must be the token's
        own, or any user of the tenant for the configuration token."""
        raw = request.path_params.get(name, "me")
        platform = platform_of(request)
        if raw == "me":
            if self.user is None:
                raise InvalidValue("user_id", "`me` needs a user's token")
            return self.user
        if not ID.fullmatch(raw):
            raise NotFound(f"no user {raw[:64]!r}", details={"id_user": raw[:64]})
        if self.user is not None:
            if int(raw) != self.user.id:
                raise NotFound(f"no user {raw}", details={"id_user": raw})
            return self.user
        return platform.users.by_id(self.tenant, int(raw))


def access(request: Request) -> Access:
    """A user's token or the configuration token, for this domain; 401 otherwise."""
    tenant = tenant_of(request)
    token = bearer(request)
    platform = platform_of(request)
    address = address_of(request)
    try:
        caller: Caller = platform.callers.resolve(Kind.USER_TOKEN, token, address=address)
    except BadCredentials:
        try:
            platform.callers.face_config_token(tenant, POWENS, token, address)
        except BadCredentials:
            raise BadCredentials("the token is not valid (unknown, expired or revoked)") from None
        return Access(tenant, None, token)
    if caller.tenant.id != tenant.id or caller.user is None:
        raise BadCredentials("the token is not valid on this domain")
    return Access(tenant, caller.user, token, caller.expires_at)


def client(request: Request, given: Fields, *, required: bool = True) -> Tenant | None:
    """The tenant, when the request carries this domain's `client_id` and `client_secret`
    (in the body, or HTTP Basic); None when it carries neither and they are optional."""
    tenant = tenant_of(request)
    client_id = given.text("client_id")
    secret = given.text("client_secret")
    if client_id is None and secret is None and not required:
        return None
    if client_id is None or secret is None:
        raise BadCredentials("send this domain's client_id and client_secret")
    platform = platform_of(request)
    return platform.callers.face_client(
        tenant, POWENS, client_id, secret, address_of(request)
    ).tenant


def user_of_code(platform: Platform, tenant: Tenant, code: str, name: str = "code") -> User:
    """The user a temporary code (from `GET /auth/token/code`) was made for, spending it: a
    code is good once. `name` is the parameter that carried it, for the error."""
    try:
        caller = platform.callers.resolve(Kind.AUTH_CODE, code)
    except BadCredentials:
        raise InvalidValue(name, "unknown, expired or already used") from None
    if caller.tenant.id != tenant.id or caller.user is None:
        raise InvalidValue(name, "unknown, expired or already used")
    return caller.user


def check_client_id(platform: Platform, tenant: Tenant, client_id: str) -> None:
    """InvalidValue unless this is the domain's Powens client id."""
    if not same(client_id, platform.callers.face_keys(tenant, POWENS).client_id):
        raise InvalidValue("client_id", f"not the client id of domain {tenant.id}")


def redirect_uri_of(platform: Platform, tenant: Tenant, given: Fields) -> str:
    """`redirect_uri`: given, a URL without a query (Powens' rule), registered for the domain."""
    redirect_uri = given.text("redirect_uri", required=True, max_length=MAX_URL) or ""
    try:
        has_query = bool(urlsplit(redirect_uri).query)
    except ValueError:
        raise InvalidValue("redirect_uri", "not a URL") from None
    if has_query:
        raise InvalidValue("redirect_uri", "Powens refuses a redirect URI with a query string")
    platform.flows.check_redirect_uri(tenant, redirect_uri)
    return redirect_uri
