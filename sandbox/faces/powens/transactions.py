"""Powens' bank transactions (bank-transactions.yml): a user's transactions (of one account,
of one connection), newest first, paged by `limit` and `offset` with `_links` to the pages
around, filtered as Powens filters them; one transaction, and the user's own wording,
application date, comment and `active` flag on it.

Where Powens' documentation and spec differ, both spellings are taken: `min_date` and
`max_date` as a date, `YYYY-MM`, `YYYY` or an ISO date-time (`2024-01-01T00:00:00.000Z`, read
in UTC), `value` as `12.5`, `12.5|-12.5` or `±12.5`. A user without an enabled account gets the
documented 409 `noAccount` (the spec says 400)."""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.requests import Request
from starlette.responses import Response

from sandbox.domain.records import Account, Transaction
from sandbox.domain.tenants import Tenant
from sandbox.domain.transactions import MAX_AMOUNT, TransactionSearch, TransactionSlice
from sandbox.faces.kept import cached, not_kept
from sandbox.faces.paths import path_id
from sandbox.faces.powens import inputs, types
from sandbox.faces.powens.accounts import held_json, money
from sandbox.faces.powens.caller import access, platform_of
from sandbox.faces.powens.errors import InvalidValue, NoAccount, PowensJSON
from sandbox.faces.powens.render import stamp
from sandbox.faces.routing import resource

# Powens' documented maximum; a listing that names no limit gets it (the spec makes `limit`
# optional), one over it is refused rather than cut short without a word.
MAX_LIMIT = 1000
DEFAULT_LIMIT = MAX_LIMIT
MAX_OFFSET = 10**9
FILTERS = ("application_date", "date")
EXPANDS = ("account",)  # others (`attachments`, `categories`, `documents`) add nothing here

_YEAR = re.compile(r"\d{4}")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)?", re.I
)
_NUMBER = re.compile(r"\d{1,15}(\.\d{1,9})?")
_SIGNS = {"": (1,), "+": (1,), "-": (-1,), "±": (1, -1), "+-": (1, -1)}

# An import stamps all its transactions with one time, and a page holds few days: each is
# written once (strftime was the largest cost of a page).
_stamp = lru_cache(maxsize=1024)(stamp)
_day = lru_cache(maxsize=4096)(date.isoformat)


# --- rendering ------------------------------------------------------------------------------


def transaction_json(transaction: Transaction, account: Account) -> dict[str, Any]:
    """One transaction as Powens' `Transaction`: the bank's own text as `original_wording`,
    its counterparty (or the text) as `simplified_wording`, and what the user set over them
    (`wording`, `application_date`, `comment`, `active`). `account` is the transaction's own:
    its type and card number say whether a card payment is deferred and which card paid."""
    notes = transaction.annotations or {}
    booked = _day(transaction.booked_on)
    value_on = _day(transaction.value_on) if transaction.value_on else None
    kind = types.transaction_type(transaction.category, account.type)
    simplified = transaction.counterparty_name or transaction.description
    value = money(transaction.amount_minor, transaction.currency)
    imported = _stamp(transaction.imported_at)
    return {
        "id": transaction.id,
        "id_account": transaction.account_id,
        "application_date": notes.get("application_date", booked),
        "date": booked,
        "datetime": None,
        "vdate": value_on,
        "vdatetime": None,
        "rdate": value_on or booked,
        "rdatetime": None,
        "bdate": booked,
        "bdatetime": None,
        "value": value,
        "gross_value": value,
        "original_value": None,
        "original_gross_value": None,
        "original_currency": None,
        "commission": None,
        "commission_currency": None,
        "type": kind,
        "original_wording": transaction.description,
        "simplified_wording": simplified,
        "stemmed_wording": simplified,
        "wording": notes.get("wording", simplified),
        "categories": [],
        "id_category": None,
        "date_scraped": imported,
        "coming": transaction.status == "pending",
        "active": notes.get("active", True),
        "id_cluster": None,
        "comment": notes.get("comment"),
        "last_update": imported,
        "deleted": None,
        "country": None,
        "card": account.masked_pan if kind in types.CARD_TYPES else None,
        "counterparty": _counterparty(transaction),
    }


def _counterparty(transaction: Transaction) -> dict[str, Any] | None:
    if transaction.counterparty_name is None and transaction.counterparty_iban is None:
        return None
    iban = transaction.counterparty_iban
    return {
        "label": transaction.counterparty_name,
        "account_scheme_name": "iban" if iban else None,
        "account_identification": iban,
        # Who is paid is the creditor; who pays, the debtor.
        "type": "creditor" if transaction.amount_minor < 0 else "debtor",
    }


def _applied_on(transaction: Transaction) -> str:
    return (transaction.annotations or {}).get("application_date") or _day(transaction.booked_on)


# --- reading the query ----------------------------------------------------------------------


def _integer(given: inputs.Fields, name: str, default: int, low: int, high: int) -> int:
    raw = given.text(name)
    if raw is None:
        return default
    raw = raw.strip()
    if not raw.isascii() or not raw.isdigit() or not low <= int(raw) <= high:
        raise InvalidValue(name, f"an integer from {low} to {high}")
    return int(raw)


def calendar_bound(given: inputs.Fields, name: str, *, end: bool) -> date | None:
    """A date, `YYYY-MM` or `YYYY` (the period's first day, or its last for an `end`), or a
    date-time (its day in UTC)."""
    raw = given.text(name)
    if raw is None:
        return None
    raw = raw.strip()
    try:
        if _YEAR.fullmatch(raw):
            return date(int(raw), 12, 31) if end else date(int(raw), 1, 1)
        if found := _MONTH.fullmatch(raw):
            year, month = int(found[1]), int(found[2])
            return date(year, month, monthrange(year, month)[1] if end else 1)
        if _DAY.fullmatch(raw):
            return date.fromisoformat(raw)
        if _DATETIME.fullmatch(raw):
            return _moment(raw).date()
    except (ValueError, OverflowError):
        pass
    raise InvalidValue(name, "a date (YYYY-MM-DD, YYYY-MM, YYYY) or an ISO 8601 date-time")


def _moment(raw: str) -> datetime:
    """A date-time in UTC; one without an offset is UTC already, as Powens writes them."""
    moment = datetime.fromisoformat(raw.upper().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _instant(given: inputs.Fields, name: str) -> datetime | None:
    """A date-time (`YYYY-MM-DD HH:MM:SS` in UTC, or ISO 8601), or a date (its midnight UTC)."""
    raw = given.text(name)
    if raw is None:
        return None
    raw = raw.strip()
    try:
        if _DAY.fullmatch(raw):
            return datetime.combine(date.fromisoformat(raw), time(), tzinfo=UTC)
        if _DATETIME.fullmatch(raw):
            return _moment(raw)
    except (ValueError, OverflowError):
        pass
    raise InvalidValue(name, "a date-time (YYYY-MM-DD HH:MM:SS, or ISO 8601) or a date")


def _amount(given: inputs.Fields, name: str) -> Decimal | None:
    raw = given.text(name)
    if raw is None:
        return None
    return _decimal(raw.strip(), name)


def _decimal(raw: str, name: str) -> Decimal:
    sign = -1 if raw[:1] == "-" else 1
    digits = raw[1:] if raw[:1] in ("+", "-") else raw
    if not _NUMBER.fullmatch(digits):
        raise InvalidValue(name, "a number such as 12.50 or -12.50")
    try:
        number = Decimal(digits) * sign
    except InvalidOperation:
        raise InvalidValue(name, "a number such as 12.50 or -12.50") from None
    if abs(number) >= MAX_AMOUNT:
        raise InvalidValue(name, "a number below 10^15")
    return number


def _values(given: inputs.Fields) -> tuple[Decimal, ...] | None:
    """`value`: amounts separated by `|`, each may start with `±` for both signs."""
    raw = given.text("value")
    if raw is None:
        return None
    amounts: list[Decimal] = []
    for part in raw.split("|"):
        part = part.strip()
        sign = next((s for s in ("±", "+-", "+", "-") if part.startswith(s)), "")
        number = _decimal(part[len(sign) :].strip(), "value")
        amounts.extend(number * factor for factor in _SIGNS[sign])
    return tuple(dict.fromkeys(amounts))


def _expand(given: inputs.Fields) -> set[str]:
    raw = given.text("expand") or ""
    return {part.strip() for part in raw.split(",") if part.strip()} & set(EXPANDS)


def _search(request: Request, user_id: int, given: inputs.Fields) -> TransactionSearch:
    """The listing the path and the query ask for."""
    chosen = given.text("filter") or "application_date"
    if chosen not in FILTERS:
        raise InvalidValue("filter", "application_date or date")
    account_id = login_id = None
    if "account_id" in request.path_params:
        account_id = path_id(request, "account_id", "account")
    if "connection_id" in request.path_params:
        login_id = path_id(request, "connection_id", "connection")
    deleted = given.boolean("deleted")
    return TransactionSearch(
        user_id=user_id,
        account_id=account_id,
        bank_login_id=login_id,
        include_disabled=bool(given.boolean("all", default=False)),
        date_from=calendar_bound(given, "min_date", end=False),
        date_to=calendar_bound(given, "max_date", end=True),
        by_application_date=chosen == "application_date",
        imported_after=_instant(given, "last_update"),
        income=given.boolean("income"),
        min_amount=_amount(given, "min_value"),
        max_amount=_amount(given, "max_value"),
        amounts=_values(given),
        wording=given.text("wording"),
        search=given.text("search"),
        only_deleted=deleted is True,
    )


# --- handlers -------------------------------------------------------------------------------


@cached
async def list_transactions(request: Request) -> Response:
    """`GET /users/{user_id}/transactions`, and the same of one account
    (`/accounts/{account_id}/transactions`) or one connection
    (`/connections/{connection_id}/transactions`). Kept while the data holds, unless the token
    expires on the clock or the dates fell back to the tenant's today."""
    caller = access(request)
    if caller.expires_at is not None:
        not_kept(request)
    user = caller.user_named(request)
    given = inputs.query(request)
    limit = _integer(given, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    offset = _integer(given, "offset", 0, 0, MAX_OFFSET)
    search = _search(request, user.id, given)
    expand = _expand(given)
    platform = platform_of(request)
    found = platform.transactions.slice(caller.tenant, search, offset, limit)
    if not found.any_enabled:
        raise NoAccount("the user has no enabled account: enable one (`disabled: false`) first")
    if found.first_date is None:  # the envelope's dates fall back to the tenant's today
        not_kept(request)
    rendered = [transaction_json(t, found.accounts[t.account_id]) for t in found.transactions]
    if "account" in expand:
        accounts = _accounts_json(request, caller.tenant, user.id)
        for body, transaction in zip(rendered, found.transactions, strict=True):
            body["account"] = accounts.get(transaction.account_id)
    return PowensJSON(
        {
            "transactions": rendered,
            **_dates(found, search, caller.tenant),
            "_links": _links(request, offset, limit, found.more),
        }
    )


def _accounts_json(request: Request, tenant: Tenant, user_id: int) -> dict[int, dict[str, Any]]:
    held = platform_of(request).accounts.of_user(
        tenant, user_id, include_disabled=True, include_deleted=True
    )
    return {each.account.id: held_json(request, tenant, each) for each in held}


def _dates(found: TransactionSlice, search: TransactionSearch, tenant: Tenant) -> dict[str, str]:
    """The listing's first and last booking dates, and the first and last dates of this page
    by the date the listing filters on (Powens' spec requires all four): a listing with no
    transaction at all has its bounds instead, else the tenant's today."""
    first, last = found.first_date, found.last_date
    if first is None or last is None:
        today = tenant.now().date()
        first, last = search.date_from or today, search.date_to or today
    if found.transactions:
        if search.by_application_date:
            shown = [_applied_on(t) for t in found.transactions]
        else:
            shown = [t.booked_on.isoformat() for t in found.transactions]
        low, high = min(shown), max(shown)
    else:
        low = (search.date_from or first).isoformat()
        high = (search.date_to or last).isoformat()
    return {
        "first_date": first.isoformat(),
        "last_date": last.isoformat(),
        "result_min_date": low,
        "result_max_date": high,
    }


def _links(request: Request, offset: int, limit: int, more: bool) -> dict[str, Any]:
    """This page and those around it, on the URL the request came by, with its query."""
    given = parse_qsl(request.url.query, keep_blank_values=True)
    names = {name for name, _ in given}
    tail = [(name, "") for name in ("limit", "offset") if name not in names]

    def href(at: int) -> dict[str, str]:
        values = {"limit": str(limit), "offset": str(at)}
        query = [(name, values.get(name, value)) for name, value in given + tail]
        return {"href": str(request.url.replace(query=urlencode(query)))}

    return {
        "self": href(offset),
        "prev": href(max(0, offset - limit)) if offset > 0 else None,
        "next": href(offset + limit) if more else None,
    }


async def get_transaction(request: Request) -> Response:
    caller = access(request)
    user = caller.user_named(request)
    transaction_id = path_id(request, "transaction_id", "transaction")
    platform = platform_of(request)
    transaction, account = platform.transactions.of_user(caller.tenant, user.id, transaction_id)
    return PowensJSON(_one(request, caller.tenant, user.id, transaction, account))


async def update_transaction(request: Request) -> Response:
    """The user's own `wording`, `application_date`, `comment` and `active` flag (an empty
    wording or comment forgets it); `id_category` and `categories` are taken and left."""
    caller = access(request)
    user = caller.user_named(request)
    transaction_id = path_id(request, "transaction_id", "transaction")
    given = await inputs.body(request)
    changes: dict[str, Any] = {}
    for name in ("wording", "comment"):
        if name in given:
            changes[name] = (given.text(name) or "").strip() or None
    if "application_date" in given:
        raw = given.text("application_date")
        if raw is not None and not _DAY.fullmatch(raw.strip()):
            raise InvalidValue("application_date", "a date (YYYY-MM-DD)")
        try:
            changes["application_date"] = date.fromisoformat(raw.strip()) if raw else None
        except ValueError:
            raise InvalidValue("application_date", "a date (YYYY-MM-DD)") from None
    if "active" in given:
        active = given.boolean("active")
        if active is None:
            raise InvalidValue("active", "expected true or false")
        changes["active"] = active
    platform = platform_of(request)
    if changes:
        transaction, account = platform.transactions.annotate(
            caller.tenant, user.id, transaction_id, changes
        )
    else:
        transaction, account = platform.transactions.of_user(caller.tenant, user.id, transaction_id)
    return PowensJSON(_one(request, caller.tenant, user.id, transaction, account))


def _one(
    request: Request, tenant: Tenant, user_id: int, transaction: Transaction, account: Account
) -> dict[str, Any]:
    body = transaction_json(transaction, account)
    if "account" in _expand(inputs.query(request)):
        body["account"] = _accounts_json(request, tenant, user_id).get(account.id)
    return body


ROUTES = [
    resource("/users/{user_id}/transactions", get=list_transactions),
    resource("/users/{user_id}/accounts/{account_id}/transactions", get=list_transactions),
    resource("/users/{user_id}/connections/{connection_id}/transactions", get=list_transactions),
    resource(
        "/users/{user_id}/transactions/{transaction_id}",
        get=get_transaction,
        post=update_transaction,
    ),
]
