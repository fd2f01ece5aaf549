"""Transactions as the data APIs page through them: newest first, filtered, from a position
that keeps pages stable while syncs add rows.

The position is the (booking date, id) of the last row served, so a page never repeats or skips
a row whatever arrives in between (the keyset pagination Stripe and GoCardless use); each face
encodes it as its own cursor. Only the tenant's own rows are ever read: every query starts from
the tenant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import NamedTuple

from sqlalchemy.engine import Connection

from sandbox.domain.accounts import find_account
from sandbox.domain.bank_logins import find_bank_login
from sandbox.domain.errors import BadFilter
from sandbox.domain.records import Transaction
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
