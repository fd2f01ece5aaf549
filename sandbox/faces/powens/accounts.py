"""Powens' bank accounts and account types (bank-accounts.yml, bank-account-types.yml): a
user's accounts with their balances per currency, one account, its update (enabling it,
which imports its data; disabling it, which drops its transactions; the user's own name,
display, bookmark and usage), and the list of account types.

Accounts found through the API arrive disabled (GDPR): without `?all` a listing leaves the
disabled and the vanished ones out, and reading or updating a disabled or vanished one is a
404 (Powens' documentation enables with `POST /users/me/accounts/{id}?all`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from sandbox.domain.accounts import HeldAccount
from sandbox.domain.errors import NotFound
from sandbox.domain.records import Account
from sandbox.domain.tenants import Tenant
from sandbox.faces.paths import path_id
from sandbox.faces.powens import inputs, types
from sandbox.faces.powens.caller import access, platform_of, tenant_of
from sandbox.faces.powens.errors import InvalidValue, PowensJSON
from sandbox.faces.powens.render import stamp
from sandbox.faces.routing import resource
from sandbox.money import exponent

USAGES = ("PRIV", "ORGA", "ASSO")
DEFAULT_USAGE = "PRIV"
MAX_NAME = 255


def money(minor: int | None, currency: str) -> int | float | None:
    """An amount in major units as a JSON number with the currency's places: an integer for a
    currency without decimals (1200 yen), else the float nearest the decimal (-12.5 euros)."""
    if minor is None:
        return None
    places = exponent(currency)
    return minor if places == 0 else minor / 10**places


def _number(amount: Decimal, currency: str) -> int | float:
    return int(amount) if exponent(currency) == 0 else float(amount)


def account_json(account: Account, *, id_source: int | None, bic: str | None) -> dict[str, Any]:
    """One account as Powens' `BankAccount`: the bank's name, type and number, with what the
    user set over them (`name`, `display`, `bookmarked`, `usage`). `id_source` is the source
    of its connection the data came through, `bic` the bank's. A disabled account has no
    balance; `disabled` and `deleted` are the times it stopped being shared and vanished."""
    notes = account.annotations or {}
    kind = types.account_type(account.type)
    enabled = not account.disabled
    return {
        "id": account.id,
        "id_connection": account.bank_login_id,
        "id_user": account.user_id,
        "id_source": id_source,
        "id_parent": None,
        "number": _number_of(account),
        "original_name": account.name,
        "name": notes.get("name") or account.name,
        "balance": money(account.balance_minor, account.currency) if enabled else None,
        # The fake banks book every transaction at once: nothing is ever coming.
        "coming": money(0, account.currency) if enabled else None,
        "display": notes.get("display", True),
        "bookmarked": notes.get("bookmarked", False),
        "last_update": stamp(account.last_update),
        "deleted": stamp(account.deleted_at),
        "disabled": stamp(account.disabled_since),
        "iban": account.iban,
        "bic": bic,
        "currency": types.currency_json(account.currency),
        "type": kind.name,
        "id_type": kind.id,
        "usage": notes.get("usage", DEFAULT_USAGE),
        "original_usage": DEFAULT_USAGE,
        "ownership": "owner",
        "company_name": None,
        "error": None,
        "loan": None,
    }


def _number_of(account: Account) -> str | None:
    """The account's number: a card's masked number, else the national part of its IBAN."""
    if account.masked_pan:
        return account.masked_pan
    return account.iban[4:] if account.iban else None


def held_json(request: Request, tenant: Tenant, held: HeldAccount) -> dict[str, Any]:
    bic = None
    if held.bank_id is not None:
        bic = platform_of(request).banks.get(tenant, held.bank_id).bic
    return account_json(held.account, id_source=held.source_id, bic=bic)


def balances(accounts: list[Account]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Totals per currency of the accounts shared, still at the bank and displayed (Powens
    leaves hidden accounts out of its totals); never summed across currencies."""
    totals: dict[str, Decimal] = {}
    for account in accounts:
        counted = (
            not account.disabled
            and account.deleted_at is None
            and (account.annotations or {}).get("display", True)
        )
        if counted:
            total = totals.get(account.currency, Decimal(0))
            totals[account.currency] = total + (account.balance or 0)
    balance = {code: _number(total, code) for code, total in totals.items()}
    coming = {code: _number(Decimal(0), code) for code in totals}
    return balance, coming


def _show_all(request: Request) -> bool:
    return bool(inputs.query(request).boolean("all", default=False))


async def list_accounts(request: Request) -> Response:
    """`GET /users/{user_id}/accounts` and `/users/{user_id}/connections/{id}/accounts`."""
    caller = access(request)
    user = caller.user_named(request)
    show_all = _show_all(request)
    login_id = None
    if "connection_id" in request.path_params:
        login_id = path_id(request, "connection_id", "connection")
    found = platform_of(request).accounts.of_user(
        caller.tenant,
        user.id,
        bank_login_id=login_id,
        include_disabled=show_all,
        include_deleted=show_all,
    )
    balance, coming = balances([held.account for held in found])
    return PowensJSON(
        {
            "accounts": [held_json(request, caller.tenant, held) for held in found],
            "balances": balance,
            "coming_balances": coming,
        }
    )


async def get_account(request: Request) -> Response:
    caller = access(request)
    user = caller.user_named(request)
    show_all = _show_all(request)
    account_id = path_id(request, "account_id", "account")
    held = platform_of(request).accounts.held(
        caller.tenant, user.id, account_id, include_disabled=show_all, include_deleted=show_all
    )
    return PowensJSON(held_json(request, caller.tenant, held))


async def update_account(request: Request) -> Response:
    """`POST` or `PUT`: `disabled: false` enables the account and imports its data, `true`
    disables it and drops its transactions; `name`, `display`, `bookmarked` and `usage` are
    the user's own (an empty `name` gives the bank's back)."""
    caller = access(request)
    user = caller.user_named(request)
    given = await inputs.fields(request)
    show_all = bool(given.boolean("all", default=False))
    account_id = path_id(request, "account_id", "account")
    disabled = given.boolean("disabled")
    changes = _notes(given)
    platform = platform_of(request)
    tenant = caller.tenant
    platform.accounts.held(
        tenant, user.id, account_id, include_disabled=show_all, include_deleted=show_all
    )
    if disabled is False:
        platform.accounts.activate(tenant, account_id)
    elif disabled is True:
        platform.accounts.deactivate(tenant, account_id)
    if changes:
        platform.accounts.annotate(tenant, user.id, account_id, changes)
    held = platform.accounts.held(
        tenant, user.id, account_id, include_disabled=True, include_deleted=True
    )
    return PowensJSON(held_json(request, tenant, held))


def _notes(given: inputs.Fields) -> dict[str, Any]:
    """What the body sets of the user's own view of the account."""
    changes: dict[str, Any] = {}
    if "name" in given:
        name = given.text("name", max_length=MAX_NAME)
        changes["name"] = (name or "").strip() or None
    for flag in ("display", "bookmarked"):
        if flag in given:
            value = given.boolean(flag)
            if value is None:
                raise InvalidValue(flag, "expected true or false")
            changes[flag] = value
    if "usage" in given:
        usage = given.text("usage")
        if usage is not None and usage not in USAGES:
            raise InvalidValue("usage", "one of " + ", ".join(USAGES))
        changes["usage"] = usage
    return changes


async def list_account_types(request: Request) -> Response:
    """Every account type (no authentication, as Powens' spec has none)."""
    tenant_of(request)
    return PowensJSON({"accounttypes": [kind.json() for kind in types.ACCOUNT_TYPES]})


async def get_account_type(request: Request) -> Response:
    tenant_of(request)
    type_id = path_id(request, "type_id", "account type")
    kind = types.ACCOUNT_TYPE_BY_ID.get(type_id)
    if kind is None:
        raise NotFound(f"no account type {type_id}", details={"type_id": type_id})
    return PowensJSON(kind.json())


ROUTES = [
    resource("/users/{user_id}/accounts", get=list_accounts),
    resource("/users/{user_id}/connections/{connection_id}/accounts", get=list_accounts),
    resource(
        "/users/{user_id}/accounts/{account_id}",
        get=get_account,
        post=update_account,
        put=update_account,
    ),
    resource("/account_types", get=list_account_types),
    resource("/account_types/{type_id}", get=get_account_type),
]
