"""Powens' authentication and users (authentication.yml, users.yml): tokens for new and
existing users, temporary codes and their exchange, logout, and the user itself."""

from __future__ import annotations

from datetime import timedelta

from starlette.requests import Request
from starlette.responses import Response

from sandbox.domain.credentials import Kind
from sandbox.faces.powens import inputs
from sandbox.faces.powens.caller import access, bearer, client, platform_of, tenant_of, user_of_code
from sandbox.faces.powens.errors import InvalidValue, PowensJSON
from sandbox.faces.powens.render import user_json

# Powens' lifetimes: a temporary token and its user, and a temporary code.
TEMPORARY = timedelta(minutes=30)
CODE_TTL = timedelta(minutes=30)
CODE_TYPES = {"singleAccess": "single", "requestAccess": "standard"}
MAX_USERS_PAGE = 1000


def _token(access_token: str) -> PowensJSON:
    return PowensJSON({"access_token": access_token, "token_type": "Bearer"})


async def init(request: Request) -> Response:
    """A new user and its token: permanent with the client's credentials, else temporary."""
    given = await inputs.fields(request)
    tenant = client(request, given, required=given.text("client_secret") is not None)
    platform = platform_of(request)
    if tenant is None:
        tenant = tenant_of(request)
        user, issued = platform.callers.new_user(tenant, temporary_for=TEMPORARY)
        kind, expires_in = "temporary", int(TEMPORARY.total_seconds())
    else:
        user, issued = platform.callers.new_user(tenant)
        kind, expires_in = "permanent", None
    return PowensJSON(
        {"auth_token": issued.secret, "type": kind, "id_user": user.id, "expires_in": expires_in}
    )


async def code(request: Request) -> Response:
    """A temporary code for the token's user, to hand to a browser (the webview)."""
    caller = access(request)
    if caller.user is None:
        raise InvalidValue("Authorization", "a code is made for a user's token")
    kind = inputs.query(request).text("type") or "requestAccess"
    if kind not in CODE_TYPES:
        raise InvalidValue("type", "singleAccess or requestAccess")
    platform = platform_of(request)
    issued = platform.callers.issue(caller.tenant, Kind.AUTH_CODE, caller.user, CODE_TTL)
    return PowensJSON(
        {
            "code": issued.secret,
            "type": "temporary",
            "access": CODE_TYPES[kind],
            "expires_in": int(CODE_TTL.total_seconds()),
        }
    )


async def exchange(request: Request) -> Response:
    """A temporary code for a permanent token of its user; a code is good for one exchange."""
    given = await inputs.fields(request)
    tenant = client(request, given)
    assert tenant is not None
    code_ = given.text("code", required=True)
    grant = given.text("grant_type")
    if grant not in (None, "authorization_code"):
        raise InvalidValue("grant_type", "authorization_code")
    platform = platform_of(request)
    user = user_of_code(platform, tenant, code_ or "")
    _, issued = platform.callers.permanent_token(tenant, user)
    return _token(issued.secret)


async def renew(request: Request) -> Response:
    """A new permanent token for an existing user (a new user when `id_user` is left out);
    `revoke_previous` forgets the user's other tokens."""
    given = await inputs.fields(request)
    tenant = client(request, given)
    assert tenant is not None
    grant = given.text("grant_type")
    if grant not in (None, "client_credentials"):
        raise InvalidValue("grant_type", "client_credentials")
    platform = platform_of(request)
    user_id = given.number("id_user")
    if user_id is None:
        user, issued = platform.callers.new_user(tenant)
    else:
        user, issued = platform.callers.permanent_token(
            tenant, platform.users.by_id(tenant, user_id)
        )
    if given.boolean("revoke_previous", default=False):
        platform.callers.revoke_others(user, Kind.USER_TOKEN, keep=issued.secret)
    return _token(issued.secret)


async def revoke(request: Request) -> Response:
    """Logs the presented token out."""
    caller = access(request)
    if caller.user is None:
        raise InvalidValue("Authorization", "only a user's token is revoked")
    platform_of(request).callers.revoke(Kind.USER_TOKEN, bearer(request))
    return Response(status_code=204)


async def get_user(request: Request) -> Response:
    caller = access(request)
    return PowensJSON(user_json(caller.user_named(request)))


async def delete_user(request: Request) -> Response:
    """Deletes the user with everything it has."""
    caller = access(request)
    user = caller.user_named(request)
    platform_of(request).users.delete_by_id(caller.tenant, user.id)
    return Response(status_code=204)


async def list_users(request: Request) -> Response:
    """Every user of the domain, for the configuration token."""
    caller = access(request)
    if caller.user is not None:
        raise InvalidValue("Authorization", "listing users needs the configuration token")
    given = inputs.query(request)
    limit = min(given.number("limit") or MAX_USERS_PAGE, MAX_USERS_PAGE)
    after = given.number("offset_id") or 0
    users = platform_of(request).users.page(caller.tenant, after, limit)
    return PowensJSON({"users": [user_json(user) for user in users], "total": len(users)})
