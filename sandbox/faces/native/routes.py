"""The native data API, `/api/v1`: the sandbox's own JSON face.

Each handler authenticates the tenant, reads its parameters, calls the domain and renders the
answer; rules live in the domain (DESIGN rule 1). Every route is in `openapi.yaml`.
"""

from __future__ import annotations

from typing import Any, get_args

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp

from sandbox.domain.platform import Platform
from sandbox.domain.records import ConnectSession
from sandbox.domain.tenants import Tenant
from sandbox.domain.transactions import TransactionQuery
from sandbox.faces.json import JSONResponse, bank_login_json, read_model
from sandbox.faces.kept import ReadCache, ServeKept, cached
from sandbox.faces.native import analytics, callback, imports, manual, render, renewal
from sandbox.faces.native.auth import tenant_of
from sandbox.faces.native.bodies import AccountTypeName, NewConnectSession, NewManagementSession
from sandbox.faces.native.errors import EXCEPTION_HANDLERS
from sandbox.faces.native.params import BIC, COUNTRY, Query
from sandbox.faces.paths import path_id, path_text
from sandbox.faces.queries import (
    decode_position,
    decode_user_cursor,
    encode_position,
    encode_user_cursor,
)
from sandbox.faces.routing import resource

USERS_PAGE = 100
TRANSACTIONS_PAGE = 50
ACCOUNT_TYPES: tuple[str, ...] = get_args(AccountTypeName)
ORIGINS = ("bank", "manual")


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
    session = _platform(request).flows.open_connect(
        tenant,
        face=callback.FACE,
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
    session = _platform(request).flows.open_connect(
        tenant,
        kind="management",
        face=callback.FACE,
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
    found = _platform(request).banks.search(
        tenant, text=name, country=country, bic=bic, account_types=account_types
    )
    return JSONResponse({"banks": [render.bank_json(bank) for bank in found]})


@cached
async def get_bank(request: Request) -> Response:
    tenant, _ = _caller(request)
    bank = _platform(request).banks.get(tenant, request.path_params["bank_id"])
    return JSONResponse(render.bank_json(bank))


# --- users ----------------------------------------------------------------------------------


@cached
async def list_users(request: Request) -> Response:
    tenant, query = _caller(request, "limit", "cursor")
    limit = query.limit(USERS_PAGE)
    cursor = query.cursor()
    after = 0 if cursor is None else decode_user_cursor(cursor)
    platform = _platform(request)
    found = platform.users.page(tenant, after, limit + 1)
    page = found[:limit]
    counts = platform.users.bank_login_counts(tenant, [user.id for user in page])
    return JSONResponse(
        {
            "users": [render.user_json(user, counts.get(user.id, 0)) for user in page],
            "next_cursor": encode_user_cursor(page[-1].id) if len(found) > limit else None,
        }
    )


@cached
async def get_user(request: Request) -> Response:
    tenant, _ = _caller(request)
    platform = _platform(request)
    user = platform.users.get(tenant, path_text(request, "user_id", "user"))
    count = platform.users.bank_login_counts(tenant, [user.id]).get(user.id, 0)
    return JSONResponse(render.user_json(user, count))


async def delete_user(request: Request) -> Response:
    tenant, _ = _caller(request)
    _platform(request).users.delete(tenant, path_text(request, "user_id", "user"))
    return Response(status_code=204)


async def list_user_bank_logins(request: Request) -> Response:
    tenant, _ = _caller(request)
    platform = _platform(request)
    user = platform.users.get(tenant, path_text(request, "user_id", "user"))
    found = platform.bank_logins.of_user(tenant, user.id)
    return JSONResponse({"bank_logins": [bank_login_json(login) for login in found]})


# --- bank logins ----------------------------------------------------------------------------


async def get_bank_login(request: Request) -> Response:
    tenant, _ = _caller(request)
    bank_login_id = path_id(request, "bank_login_id", "bank login")
    login = _platform(request).bank_logins.get(tenant, bank_login_id)
    return JSONResponse(bank_login_json(login))


async def delete_bank_login(request: Request) -> Response:
    tenant, _ = _caller(request)
    bank_login_id = path_id(request, "bank_login_id", "bank login")
    _platform(request).bank_logins.delete(tenant, bank_login_id)
    return Response(status_code=204)


async def refresh_bank_login(request: Request) -> Response:
    """Sync now, without the user: 409 while the user must act or when the bank refuses, 429
    over the bank's daily count of unattended syncs."""
    tenant, _ = _caller(request)
    bank_login_id = path_id(request, "bank_login_id", "bank login")
    login, result = _platform(request).bank_logins.refresh(tenant, bank_login_id)
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
    tenant, query = _caller(request, "user_id", "bank_login_id", "include_deleted", "origin")
    found = _platform(request).accounts.list(
        tenant,
        external_user_id=query.text("user_id", max_length=128),
        bank_login_id=query.id("bank_login_id"),
        include_deleted=query.boolean("include_deleted", default=False),
        origin=query.choice("origin", ORIGINS),
    )
    return JSONResponse({"accounts": [render.account_json(owned) for owned in found]})


@cached
async def get_account(request: Request) -> Response:
    tenant, _ = _caller(request)
    account_id = path_id(request, "account_id", "account")
    owned = _platform(request).accounts.get(tenant, account_id)
    return JSONResponse(render.account_json(owned))


async def activate_account(request: Request) -> Response:
    """The user shares the account: its balance and history are imported at once."""
    tenant, _ = _caller(request)
    account_id = path_id(request, "account_id", "account")
    owned = _platform(request).accounts.activate(tenant, account_id)
    return JSONResponse(render.account_json(owned))


async def deactivate_account(request: Request) -> Response:
    """The user stops sharing the account: its balance and transactions are deleted."""
    tenant, _ = _caller(request)
    account_id = path_id(request, "account_id", "account")
    owned = _platform(request).accounts.deactivate(tenant, account_id)
    return JSONResponse(render.account_json(owned))


@cached
async def list_transactions(request: Request) -> Response:
    tenant, query = _caller(
        request,
        *("user_id", "account_id", "bank_login_id", "from", "to"),
        *("min_amount", "max_amount", "q", "origin", "limit", "cursor"),
    )
    wanted = TransactionQuery(
        external_user_id=query.text("user_id", max_length=128),
        account_id=query.id("account_id"),
        bank_login_id=query.id("bank_login_id"),
        booked_from=query.date("from"),
        booked_to=query.date("to"),
        min_amount=query.amount("min_amount"),
        max_amount=query.amount("max_amount"),
        text=query.text("q"),
        origin=query.choice("origin", ORIGINS),
    )
    limit = query.limit(TRANSACTIONS_PAGE)
    cursor = query.cursor()
    after = None if cursor is None else decode_position(cursor)
    platform = _platform(request)
    page = platform.transactions.page(tenant, wanted, after, limit)
    categories = await run_in_threadpool(
        platform.analytics.categories_of, tenant, page.transactions
    )
    return JSONResponse(
        {
            "transactions": [
                render.transaction_json(t, categories[t.id]) for t in page.transactions
            ],
            "next_cursor": None if page.next is None else encode_position(page.next),
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
        resource("/users/{user_id}/uploads", get=manual.list_uploads, post=manual.upload_statement),
        resource("/users/{user_id}/analytics/{module}", get=analytics.get_analytics),
        resource("/uploads/{upload_id}", get=manual.get_upload, delete=manual.delete_upload),
        resource("/bank-logins/{bank_login_id}", get=get_bank_login, delete=delete_bank_login),
        resource("/bank-logins/{bank_login_id}/refresh", post=refresh_bank_login),
        resource("/bank-logins/{bank_login_id}/renew", post=renewal.renew_bank_login),
        resource("/bank-logins/{bank_login_id}/extend-history", post=renewal.extend_history),
        resource("/bank-logins/{bank_login_id}/imports", get=imports.list_bank_login_imports),
        resource("/imports/{import_id}", get=imports.get_import),
        resource("/accounts", get=list_accounts),
        resource("/accounts/{account_id}", get=get_account, delete=manual.delete_account),
        resource("/accounts/{account_id}/transactions", post=manual.add_transaction),
        resource("/accounts/{account_id}/statement", get=manual.get_statement),
        resource("/accounts/{account_id}/activate", post=activate_account),
        resource("/accounts/{account_id}/deactivate", post=deactivate_account),
        resource("/transactions", get=list_transactions),
        resource(
            "/transactions/{transaction_id}",
            get=manual.get_transaction,
            patch=manual.change_transaction,
            delete=manual.delete_transaction,
        ),
    ]
    app = Starlette(routes=routes, exception_handlers=EXCEPTION_HANDLERS)
    app.state.platform = platform
    cache_bytes = platform.settings.read_cache_mb * 1024 * 1024
    if not cache_bytes:
        return app
    return ServeKept(app, ReadCache(platform.data_version_this_turn, cache_bytes))
