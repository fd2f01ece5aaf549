"""Transactions as the data APIs page through them: newest first, filtered, from a position
that keeps pages stable while syncs add rows.

The position is the (booking date, id) of the last row served, so a page never repeats or skips
a row whatever arrives in between (the keyset pagination Stripe and GoCardless use); each face
encodes it as its own cursor. Only the tenant's own rows are ever read: every query starts from
the tenant.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import NamedTuple

from sqlalchemy.engine import Connection

from sandbox.domain.accounts import find_account
from sandbox.domain.bank_logins import find_bank_login
from sandbox.domain.errors import BadFilter, InvalidInput, NotFound
from sandbox.domain.records import Account, Transaction
from sandbox.domain.tenants import Tenant
from sandbox.domain.users import find_user
from sandbox.money import exponent
from sandbox.store import accounts as account_rows
from sandbox.store import transactions as rows
from sandbox.store.database import Database


@dataclass(frozen=True)
class TransactionQuery:
    """What to list; every field left None does not filter."""

    external_user_id: str | None = None
    account_id: int | None = None
    bank_login_id: int | None = None
    booked_from: date | None = None
    booked_to: date | None = None
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    text: str | None = None
    origin: str | None = None  # bank or manual


class Position(NamedTuple):
    """Where a page ended: the last row's booking date and id."""

    booked_on: date
    id: int


@dataclass(frozen=True)
class TransactionPage:
    transactions: list[Transaction]
    next: Position | None  # None on the last page


def page_of_transactions(
    db: Database, tenant: Tenant, query: TransactionQuery, after: Position | None, limit: int
) -> TransactionPage:
    """Up to `limit` transactions after `after`; a user, account or bank login named in the
    query but not the tenant's is a 404."""
    with db.connect() as conn:
        where = _filter(conn, tenant, query)
        found = rows.page_of_transactions(conn, tenant.id, where, after, limit + 1)
    page = [Transaction.from_row(row) for row in found[:limit]]
    more = len(found) > limit
    last = page[-1] if more else None
    return TransactionPage(page, None if last is None else Position(last.booked_on, last.id))


def _filter(conn: Connection, tenant: Tenant, query: TransactionQuery) -> rows.TransactionFilter:
    user_id = None
    if query.external_user_id is not None:
        user_id = find_user(conn, tenant, query.external_user_id).id
    # An account or bank login belongs to one user: naming that user too lets the listing read
    # the user's newest-first index (an account's own transactions have none).
    account_ids: tuple[int, ...] | None = None
    if query.account_id is not None:
        account = find_account(conn, tenant, query.account_id)
        account_ids = (account.id,)
        user_id = account.user_id if user_id is None else user_id
    if query.bank_login_id is not None:
        login = find_bank_login(conn, tenant, query.bank_login_id)
        user_id = login.user_id if user_id is None else user_id
        # Deleted accounts too: their transactions stay listed, as in an unfiltered listing.
        of_login = tuple(
            row["id"] for row in account_rows.accounts_of_login(conn, query.bank_login_id)
        )
        account_ids = of_login if account_ids is None else tuple(set(account_ids) & set(of_login))
    min_minor = max_minor = None
    if query.min_amount is not None or query.max_amount is not None:
        bound = "min_amount" if query.min_amount is not None else "max_amount"
        places = _places_in_scope(conn, tenant, user_id, account_ids, bound)
        if query.min_amount is not None:
            min_minor = _minor(query.min_amount, places, ROUND_CEILING)
        if query.max_amount is not None:
            max_minor = _minor(query.max_amount, places, ROUND_FLOOR)
    return rows.TransactionFilter(
        user_id=user_id,
        account_ids=account_ids,
        booked_from=query.booked_from,
        booked_to=query.booked_to,
        min_amount_minor=min_minor,
        max_amount_minor=max_minor,
        text=query.text,
        origin=query.origin,
    )


def _places_in_scope(
    conn: Connection,
    tenant: Tenant,
    user_id: int | None,
    account_ids: tuple[int, ...] | None,
    bound: str,
) -> int:
    """The decimal places of the currencies the listing covers. Amounts are stored in minor
    units, so one bound can only be compared across currencies with the same places (EUR and
    USD, not EUR and JPY); a mix asks the caller to narrow the listing."""
    currencies = account_rows.currencies_in_scope(conn, tenant.id, user_id, account_ids)
    places = {exponent(currency) for currency in currencies}
    if len(places) > 1:
        raise BadFilter(
            bound,
            "compares amounts of currencies with different decimal places; "
            "narrow the listing with account_id",
            currencies=currencies,
        )
    return places.pop() if places else 2


def _minor(amount: Decimal, places: int, rounding: str) -> int:
    return int(amount.quantize(Decimal(1).scaleb(-places), rounding=rounding).scaleb(places))


# --- a user's transactions by offset (Powens' listing) --------------------------------------

# What a user may set on a transaction: a wording of their own, the date they file it under,
# a comment, and whether it counts in analyses (`active`).
TRANSACTION_NOTES = ("wording", "application_date", "comment", "active")


@dataclass(frozen=True)
class TransactionSearch:
    """One user's transactions as a listing by offset asks for them; every filter left None
    does not filter. `account_id` and `bank_login_id` narrow the listing to one of the user's
    accounts or bank logins (another user's is a 404); a disabled account is a 404 too unless
    `include_disabled`. Dates bound the booking date, or with `by_application_date` the date
    the user files the transaction under (their `application_date`, else the booking date).
    Amounts are in major units (`Decimal("-12.50")`)."""

    user_id: int
    account_id: int | None = None
    bank_login_id: int | None = None
    include_disabled: bool = False
    date_from: date | None = None
    date_to: date | None = None
    by_application_date: bool = True
    imported_after: datetime | None = None
    income: bool | None = None
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    amounts: tuple[Decimal, ...] | None = None
    wording: str | None = None
    search: str | None = None
    only_deleted: bool = False  # transactions the bank no longer shows: the platform keeps none


@dataclass(frozen=True)
class TransactionSlice:
    """A page of a listing by offset: the rows, whether more follow, the accounts of the
    listing's scope (by id: what the rows are rendered with), and the first and last booking
    dates of the scope's transactions (None when it has none)."""

    transactions: list[Transaction]
    more: bool
    accounts: dict[int, Account]
    first_date: date | None
    last_date: date | None

    @property
    def any_enabled(self) -> bool:
        """Whether the scope holds an account the user shares: a listing without one has
        nothing it could ever show."""
        return any(not account.disabled for account in self.accounts.values())


def slice_of_transactions(
    db: Database, tenant: Tenant, search: TransactionSearch, offset: int, limit: int
) -> TransactionSlice:
    """Up to `limit` of the user's transactions after the first `offset`, newest first: one
    query for the user's accounts, one for the page, one for the first and last dates (none
    but the first when the scope has no enabled account)."""
    with db.connect() as conn:
        accounts = {
            row["id"]: Account.from_row(row)
            for row in account_rows.list_accounts(
                conn, tenant.id, user_id=search.user_id, include_deleted=True
            )
        }
        scope = _scope(conn, tenant, search, accounts)
        in_scope = accounts if scope is None else {i: accounts[i] for i in scope}
        if not any(not account.disabled for account in in_scope.values()):
            return TransactionSlice([], False, in_scope, None, None)
        where = _search_filter(search, scope, in_scope)
        found = rows.slice_of_transactions(conn, tenant.id, where, offset, limit + 1)
        first, last = rows.booking_span(conn, tenant.id, search.user_id, scope)
    page = [Transaction.from_row(row) for row in found[:limit]]
    return TransactionSlice(page, len(found) > limit, in_scope, first, last)


def _scope(
    conn: Connection, tenant: Tenant, search: TransactionSearch, accounts: dict[int, Account]
) -> tuple[int, ...] | None:
    """The account ids the listing is narrowed to (None: every account of the user)."""
    scope: tuple[int, ...] | None = None
    if search.account_id is not None:
        account = accounts.get(search.account_id)
        if account is None or (account.disabled and not search.include_disabled):
            raise NotFound(
                f"no account {search.account_id}", details={"account_id": search.account_id}
            )
        scope = (account.id,)
    if search.bank_login_id is not None:
        login = find_bank_login(conn, tenant, search.bank_login_id)
        if login.user_id != search.user_id:
            raise NotFound(
                f"no bank login {search.bank_login_id}",
                details={"bank_login_id": search.bank_login_id},
            )
        of_login = tuple(i for i, a in accounts.items() if a.bank_login_id == login.id)
        scope = of_login if scope is None else tuple(set(scope) & set(of_login))
    return scope


def _search_filter(
    search: TransactionSearch, scope: tuple[int, ...] | None, accounts: dict[int, Account]
) -> rows.TransactionFilter:
    currencies = sorted({account.currency for account in accounts.values()})

    def minor(amount: Decimal, bound: str, rounding: str) -> int:
        return _minor(amount, _places_of(currencies, bound), rounding)

    dates = {"applied_from": None, "applied_to": None, "booked_from": None, "booked_to": None}
    prefix = "applied" if search.by_application_date else "booked"
    dates[f"{prefix}_from"], dates[f"{prefix}_to"] = search.date_from, search.date_to
    amounts = None
    if search.amounts is not None:
        amounts = tuple(_exact_minor(a, _places_of(currencies, "value")) for a in search.amounts)
        amounts = tuple(a for a in amounts if a is not None)
    search_text, search_amounts, search_date = None, (), None
    if search.search:
        search_text = search.search
        number = _number(search.search)
        if number is not None:
            exact = _exact_minor(number, _places_of(currencies, "search"))
            search_amounts = () if exact is None else (exact, -exact)
        search_date = _day(search.search)
    return rows.TransactionFilter(
        user_id=search.user_id,
        account_ids=scope,
        min_amount_minor=None
        if search.min_amount is None
        else minor(search.min_amount, "min_value", ROUND_CEILING),
        max_amount_minor=None
        if search.max_amount is None
        else minor(search.max_amount, "max_value", ROUND_FLOOR),
        amounts_minor=amounts,
        income=search.income,
        imported_after=search.imported_after,
        wording=search.wording,
        search_text=search_text,
        search_amounts_minor=search_amounts,
        search_date=search_date,
        nothing=search.only_deleted,
        **dates,
    )


def _places_of(currencies: list[str], bound: str) -> int:
    """The decimal places the scope's currencies share (see `_places_in_scope`)."""
    places = {exponent(currency) for currency in currencies}
    if len(places) > 1:
        raise BadFilter(
            bound,
            "compares amounts of currencies with different decimal places; "
            "narrow the listing to one account",
            currencies=currencies,
        )
    return places.pop() if places else 2


def _exact_minor(amount: Decimal, places: int) -> int | None:
    """The amount in minor units, or None when it has more places than the currency (no
    transaction can be worth it)."""
    scaled = amount.scaleb(places)
    return int(scaled) if scaled == scaled.to_integral_value() else None


def _number(text: str) -> Decimal | None:
    try:
        number = Decimal(text.strip())
    except ArithmeticError:
        return None
    return abs(number) if number.is_finite() and abs(number) < MAX_AMOUNT else None


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


# Amounts beyond this are no amount a bank holds (and would not fit the minor-unit column).
MAX_AMOUNT = Decimal(10) ** 15


def transactions_of_account(db: Database, tenant: Tenant, account_id: int) -> list[Transaction]:
    """Every transaction of one of the tenant's accounts, newest first, in one read."""
    with db.connect() as conn:
        account = find_account(conn, tenant, account_id)
        found = rows.entries_of_account(conn, account.id, None, None)
    return [Transaction.from_row(row) for row in reversed(found)]


def transaction_of_user(
    db: Database, tenant: Tenant, user_id: int, transaction_id: int
) -> tuple[Transaction, Account]:
    """One of the user's transactions with its account; another user's is a 404."""
    with db.connect() as conn:
        transaction = _transaction_of_user(conn, tenant, user_id, transaction_id)
        return transaction, find_account(conn, tenant, transaction.account_id)


def annotate_transaction(
    db: Database,
    tenant: Tenant,
    user_id: int,
    transaction_id: int,
    changes: Mapping[str, object],
) -> tuple[Transaction, Account]:
    """Set what the user says about one of their transactions (`TRANSACTION_NOTES`; a date
    as a `date`); a value of None forgets what was set."""
    unknown = sorted(set(changes) - set(TRANSACTION_NOTES))
    if unknown:
        raise InvalidInput(f"no transaction note {unknown[0]!r}", details={"field": unknown[0]})
    given = {
        name: value.isoformat() if isinstance(value, date) else value
        for name, value in changes.items()
    }
    with db.begin() as conn:
        transaction = _transaction_of_user(conn, tenant, user_id, transaction_id)
        notes = {**(transaction.annotations or {}), **given}
        notes = {name: value for name, value in notes.items() if value is not None}
        rows.update_transaction(conn, transaction.id, annotations=notes or None)
        updated = _transaction_of_user(conn, tenant, user_id, transaction_id)
        return updated, find_account(conn, tenant, updated.account_id)


def _transaction_of_user(
    conn: Connection, tenant: Tenant, user_id: int, transaction_id: int
) -> Transaction:
    row = rows.transaction_by_id(conn, tenant.id, transaction_id)
    if row is None or row["user_id"] != user_id:
        raise NotFound(
            f"no transaction {transaction_id}", details={"transaction_id": transaction_id}
        )
    return Transaction.from_row(row)
