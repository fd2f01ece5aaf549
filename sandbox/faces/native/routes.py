"""The native data API, `/api/v1`: the sandbox's own JSON face.

Each handler authenticates the tenant, reads its parameters, calls the domain and renders the
answer; rules live in the domain (DESIGN rule 1). Every route is in `openapi.native.yaml`.
"""

from __future__ import annotations

from typing import Any, get_args

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp

from sandbox.domain import accounts, bank_logins, connections, sessions, transactions, users
from sandbox.domain.platform import Platform
from sandbox.domain.records import ConnectSession
from sandbox.domain.tenants import Tenant
from sandbox.errors import NotFound
from sandbox.faces.json import JSONResponse, bank_login_json, read_model
from sandbox.faces.native import render, renewal
from sandbox.faces.native.auth import KnownCallers, tenant_of
from sandbox.faces.native.bodies import AccountTypeName, NewConnectSession, NewManagementSession
from sandbox.faces.native.cache import ReadCache, ServeKept, cached
from sandbox.faces.native.errors import EXCEPTION_HANDLERS
from sandbox.faces.native.params import (
    BIC,
    COUNTRY,
    Query,
    decode_user_cursor,
    encode_user_cursor,
    path_id,
    path_text,
)
from sandbox.faces.routing import resource
from sandbox.scenario.model import Bank

USERS_PAGE = 100
TRANSACTIONS_PAGE = 50
ACCOUNT_TYPES: tuple[str, ...] = get_args(AccountTypeName)


def _platform(request: Request) -> Platform:
    return request.app.state.platform


def _caller(request: Request, *parameters: str) -> tuple[Tenant, Query]:
    """Who calls (401 first, before anything about the request is judged), and the query."""
    tenant = tenant_of(request)
    return tenant, Query(request, *parameters)


def _hosted_url(request: Request, session: ConnectSession) -> str:
    """The hosted UI's link, on the host and scheme the client reached us by."""
    return f"{request.base_url}connect/{session.id}"


# --- sessions -------------------------------------------------------------------------------


async def create_connect_session(request: Request) -> Response:
    tenant, _ = _caller(request)
    body = await read_model(request, NewConnectSession)
    options: dict[str, Any] = {
        "multiple": body.multiple,
        "language": body.language,
        "account_types": body.account_types,
        "bank_id": body.bank_id,
    }
    session = sessions.create_session(
        _platform(request).db,
        tenant,
        kind="connect",
        external_user_id=body.user_id,
        redirect_uri=body.redirect_uri,
        state=body.state,
        options={key: value for key, value in options.items() if value is not None},
    )
    return JSONResponse(render.session_json(session, _hosted_url(request, session)), 201)


async def create_management_session(request: Request) -> Response:
    tenant, _ = _caller(request)
    body = await read_model(request, NewManagementSession)
    options = {} if body.add_bank_login is None else {"add_bank_login": body.add_bank_login}
    session = sessions.create_session(
        _platform(request).db,
        tenant,
        kind="management",
        external_user_id=body.user_id,
        redirect_uri=body.redirect_uri,
        state=body.state,
        options=options,
    )
    return JSONResponse(render.session_json(session, _hosted_url(request, session)), 201)


# --- banks ----------------------------------------------------------------------------------


@cached
async def list_banks(request: Request) -> Response:
    tenant, query = _caller(request, "name", "country", "bic", "account_types")
    name = query.text("name")
    country = query.matching("country", COUNTRY, "a two-letter country code such as DE")
    bic = query.matching("bic", BIC, "a BIC of 8 or 11 letters and digits")
    account_types = query.choices("account_types", ACCOUNT_TYPES)
    found = [
        bank
        for bank in tenant.scenario.banks
        if (name is None or name.casefold() in bank.name.casefold())
        and (country is None or bank.country == country.upper())
        and (bic is None or _same_bic(bank, bic))
        and (account_types is None or set(account_types) <= set(bank.account_types))
    ]
    return JSONResponse({"banks": [render.bank_json(bank) for bank in found]})


def _same_bic(bank: Bank, bic: str) -> bool:
    """An 8-character BIC names the institution, whichever branch the 11-character one adds."""
    own = (bank.bic or "").upper()
    return own == bic.upper() or (len(bic) == 8 and own[:8] == bic.upper())


@cached
async def get_bank(request: Request) -> Response:
    tenant, _ = _caller(request)
    bank_id = request.path_params["bank_id"]
    try:
        bank = tenant.scenario.bank(bank_id)
    except KeyError:
        raise NotFound(f"no bank {bank_id!r}", details={"bank_id": bank_id}) from None
    return JSONResponse(render.bank_json(bank))


# --- users ----------------------------------------------------------------------------------


@cached
async def list_users(request: Request) -> Response:
    tenant, query = _caller(request, "limit", "cursor")
    limit = query.limit(USERS_PAGE)
    cursor = query.cursor()
    after = 0 if cursor is None else decode_user_cursor(cursor)
    db = _platform(request).db
    found = users.list_users(db, tenant, after, limit + 1)
    page = found[:limit]
    counts = accounts.bank_login_counts(db, tenant, [user.id for user in page])
    return JSONResponse(
        {
            "users": [render.user_json(user, counts.get(user.id, 0)) for user in page],
            "next_cursor": encode_user_cursor(page[-1].id) if len(found) > limit else None,
        }
    )


@cached
async def get_user(request: Request) -> Response:
    tenant, _ = _caller(request)
    db = _platform(request).db
    user = users.get_user(db, tenant, path_text(request, "user_id", "user"))
    count = accounts.bank_login_counts(db, tenant, [user.id]).get(user.id, 0)
    return JSONResponse(render.user_json(user, count))


async def delete_user(request: Request) -> Response:
    tenant, _ = _caller(request)
    users.delete_user(_platform(request).db, tenant, path_text(request, "user_id", "user"))
    return Response(status_code=204)


async def list_user_bank_logins(request: Request) -> Response:
    tenant, _ = _caller(request)
    db = _platform(request).db
    user = users.get_user(db, tenant, path_text(request, "user_id", "user"))
    found = bank_logins.list_bank_logins(db, tenant, user.id)
    return JSONResponse({"bank_logins": [bank_login_json(login) for login in found]})


# --- bank logins ----------------------------------------------------------------------------


async def get_bank_login(request: Request) -> Response:
    tenant, _ = _caller(request)
    bank_login_id = path_id(request, "bank_login_id", "bank login")
    login = bank_logins.get_bank_login(_platform(request).db, tenant, bank_login_id)
    return JSONResponse(bank_login_json(login))


async def delete_bank_login(request: Request) -> Response:
    tenant, _ = _caller(request)
    bank_login_id = path_id(request, "bank_login_id", "bank login")
    bank_logins.delete_bank_login(_platform(request).db, tenant, bank_login_id)
    return Response(status_code=204)


async def refresh_bank_login(request: Request) -> Response:
    """Sync now, without the user: 409 while the user must act or when the bank refuses, 429
    over the bank's daily count of unattended syncs."""
    tenant, _ = _caller(request)
    bank_login_id = path_id(request, "bank_login_id", "bank login")
    login, result = connections.refresh(_platform(request).db, tenant, bank_login_id)
    return JSONResponse(
        {
            "bank_login": bank_login_json(login),
            "new_accounts": result.new_accounts,
            "new_transactions": result.new_transactions,
        }
    )


# --- accounts and transactions --------------------------------------------------------------


@cached
async def list_accounts(request: Request) -> Response:
    tenant, query = _caller(request, "user_id", "bank_login_id", "include_deleted")
    found = accounts.list_accounts(
        _platform(request).db,
        tenant,
        external_user_id=query.text("user_id", max_length=128),
        bank_login_id=query.id("bank_login_id"),
        include_deleted=query.boolean("include_deleted", default=False),
    )
    return JSONResponse({"accounts": [render.account_json(owned) for owned in found]})


@cached
async def get_account(request: Request) -> Response:
    tenant, _ = _caller(request)
    account_id = path_id(request, "account_id", "account")
    owned = accounts.get_account(_platform(request).db, tenant, account_id)
    return JSONResponse(render.account_json(owned))


async def activate_account(request: Request) -> Response:
    """The user shares the account: its balance and history are imported at once."""
    tenant, _ = _caller(request)
    account_id = path_id(request, "account_id", "account")
    owned = accounts.activate_account(_platform(request).db, tenant, account_id)
    return JSONResponse(render.account_json(owned))


async def deactivate_account(request: Request) -> Response:
    """The user stops sharing the account: its balance and transactions are deleted."""
    tenant, _ = _caller(request)
    account_id = path_id(request, "account_id", "account")
    owned = accounts.deactivate_account(_platform(request).db, tenant, account_id)
    return JSONResponse(render.account_json(owned))


@cached
async def list_transactions(request: Request) -> Response:
    tenant, query = _caller(
        request,
        *("user_id", "account_id", "bank_login_id", "from", "to"),
        *("min_amount", "max_amount", "q", "limit", "cursor"),
    )
    wanted = transactions.TransactionQuery(
        external_user_id=query.text("user_id", max_length=128),
        account_id=query.id("account_id"),
        bank_login_id=query.id("bank_login_id"),
        booked_from=query.date("from"),
        booked_to=query.date("to"),
        min_amount=query.amount("min_amount"),
        max_amount=query.amount("max_amount"),
        text=query.text("q"),
    )
    limit = query.limit(TRANSACTIONS_PAGE)
    page = transactions.page_of_transactions(
        _platform(request).db, tenant, wanted, query.cursor(), limit
    )
    return JSONResponse(
        {
            "transactions": [render.transaction_json(t) for t in page.transactions],
            "next_cursor": page.next_cursor,
        }
    )


def native_app(platform: Platform) -> ASGIApp:
    routes = [
        resource("/connect-sessions", post=create_connect_session),
        resource("/management-sessions", post=create_management_session),
        resource("/banks", get=list_banks),
        resource("/banks/{bank_id}", get=get_bank),
        resource("/users", get=list_users),
        resource("/users/{user_id}", get=get_user, delete=delete_user),
        resource("/users/{user_id}/bank-logins", get=list_user_bank_logins),
        resource("/bank-logins/{bank_login_id}", get=get_bank_login, delete=delete_bank_login),
        resource("/bank-logins/{bank_login_id}/refresh", post=refresh_bank_login),
        resource("/bank-logins/{bank_login_id}/renew", post=renewal.renew_bank_login),
        resource("/bank-logins/{bank_login_id}/extend-history", post=renewal.extend_history),
        resource("/accounts", get=list_accounts),
        resource("/accounts/{account_id}", get=get_account),
        resource("/accounts/{account_id}/activate", post=activate_account),
        resource("/accounts/{account_id}/deactivate", post=deactivate_account),
        resource("/transactions", get=list_transactions),
    ]
    app = Starlette(routes=routes, exception_handlers=EXCEPTION_HANDLERS)
    app.state.platform = platform
    app.state.known_callers = KnownCallers(platform.db)
    cache_bytes = platform.settings.read_cache_mb * 1024 * 1024
    if not cache_bytes:
        return app
    return ServeKept(app, ReadCache(platform.db.data_version, cache_bytes))
