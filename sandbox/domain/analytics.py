"""The analytics modules a tenant has on, run over one user's data: whatever was imported is
open to the modules the tenant enabled.

A module reads the user's enabled, not deleted accounts, bank and manual alike, and their
transactions up to the tenant's today (`sandbox/analytics/ledger.py`): what a statement shows,
never the generator's own labels. A manual transaction's category set by the client wins over
the inferred one.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.engine import Connection

from sandbox.analytics.cashflow import MAX_MONTHS, MonthFlow, cashflow
from sandbox.analytics.categories import categorise
from sandbox.analytics.income import income
from sandbox.analytics.ledger import Categories, Ledger, LedgerAccount, LedgerEntry
from sandbox.analytics.recurring import recurring
from sandbox.analytics.score import NoData as ScoreNoData
from sandbox.analytics.score import Score, score
from sandbox.categories import Category
from sandbox.domain.errors import ModuleNotEnabled, NoData
from sandbox.domain.records import Account, Transaction
from sandbox.domain.tenants import Tenant, set_analytics
from sandbox.domain.users import find_user
from sandbox.errors import InvalidInput, NotFound
from sandbox.scenario.model import AnalyticsModule
from sandbox.store import accounts as account_rows
from sandbox.store import transactions as transaction_rows
from sandbox.store.database import Database

MODULES = tuple(module.value for module in AnalyticsModule)
_KEPT = 64


def check_enabled(tenant: Tenant, module: str) -> None:
    if module not in tenant.analytics:
        raise ModuleNotEnabled(
            f"the analytics module {module!r} is not enabled for this tenant",
            details={"module": module, "enabled": sorted(tenant.analytics)},
        )


def ledger_of(conn: Connection, tenant: Tenant, user_id: int) -> tuple[Ledger, dict[int, str]]:
    """The user's ledger, and the categories the client set on manual transactions."""
    today = tenant.now().date()
    accounts = [
        Account.from_row(row)
        for row in account_rows.list_accounts(conn, tenant.id, user_id=user_id)
        if not row["disabled"]
    ]
    rows = transaction_rows.ledger_rows(
        conn, tenant.id, user_id, [account.id for account in accounts], today
    )
    set_by_client = {
        row.id: row.category for row in rows if row.origin == "manual" and row.category
    }
    entries = tuple(
        LedgerEntry(
            row.id,
            row.account_id,
            row.booked_on,
            row.amount_minor,
            row.currency,
            row.description,
            row.counterparty_name,
            row.counterparty_iban,
        )
        for row in rows
    )
    ledger = Ledger(
        accounts=tuple(
            LedgerAccount(
                account.id,
                account.currency,
                account.type,
                account.balance_minor or 0,
                account.iban,
                account.name,
            )
            for account in accounts
        ),
        entries=entries,
        today=today,
    )
    return ledger, set_by_client


class Categorised:
    """The categories of each user's ledger, kept while the database's data version holds:
    listing pages of transactions asks for them page after page. Worker threads share it."""

    def __init__(self) -> None:
        self._kept: OrderedDict[tuple[str, int], tuple[Hashable, Categories]] = OrderedDict()
        self._lock = threading.Lock()

    def of_user(
        self, conn: Connection, tenant: Tenant, user_id: int, version: Hashable
    ) -> Categories:
        key, stamp = (tenant.id, user_id), (version, tenant.now().date())
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None and kept[0] == stamp:
                self._kept.move_to_end(key)
                return kept[1]
        ledger, set_by_client = ledger_of(conn, tenant, user_id)
        found = categorise_with(ledger, set_by_client)
        with self._lock:
            self._kept[key] = (stamp, found)
            if len(self._kept) > _KEPT:
                self._kept.popitem(last=False)
        return found


def categorise_with(ledger: Ledger, set_by_client: dict[int, str]) -> Categories:
    """What the categoriser infers, with what the client set on manual transactions on top."""
    found = categorise(ledger)
    found.update({entry_id: Category(name) for entry_id, name in set_by_client.items()})
    return found


def categories_of(
    db: Database, kept: Categorised, tenant: Tenant, transactions: Iterable[Transaction]
) -> dict[int, str | None]:
    """The category each transaction shows: None while the tenant has `categories` off."""
    listed = list(transactions)
    if AnalyticsModule.CATEGORIES.value not in tenant.analytics:
        return dict.fromkeys((t.id for t in listed), None)
    shown: dict[int, str | None] = {}
    version = db.data_version()
    with db.connect() as conn:
        for user_id in dict.fromkeys(t.user_id for t in listed):
            found = kept.of_user(conn, tenant, user_id, version)
            for transaction in listed:
                if transaction.user_id == user_id:
                    category = found.get(transaction.id)
                    shown[transaction.id] = None if category is None else category.value
    return shown


def run(
    db: Database,
    tenant: Tenant,
    external_user_id: str,
    module: str,
    start: date | None,
    end: date | None,
) -> Any:
    """The module's result for the user (`sandbox/analytics/<module>.py`)."""
    if module not in MODULES:
        raise NotFound(
            f"no analytics module {module!r}", details={"module": module, "modules": list(MODULES)}
        )
    check_enabled(tenant, module)
    if start is not None and end is not None and start > end:
        raise InvalidInput("`from` is after `to`", details={"from": str(start), "to": str(end)})
    with db.connect() as conn:
        user = find_user(conn, tenant, external_user_id)
        ledger, set_by_client = ledger_of(conn, tenant, user.id)
    categories = categorise_with(ledger, set_by_client)
    return _modules()[module](ledger, categories, start, end)


def _modules() -> dict[str, Any]:
    return {
        "categories": _categories,
        "income": lambda ledger, categories, start, end: income(ledger, categories),
        "recurring": lambda ledger, categories, start, end: recurring(ledger, categories),
        "cashflow": _cashflow,
        "score": _score,
    }


@dataclass(frozen=True)
class CategorisedEntries:
    """The `categories` module's answer: each entry of the period with its category."""

    entries: tuple[tuple[LedgerEntry, Category], ...]


def _categories(
    ledger: Ledger, categories: Categories, start: date | None, end: date | None
) -> CategorisedEntries:
    first, last = start or date.min, end or ledger.today
    return CategorisedEntries(
        tuple(
            (entry, categories[entry.id])
            for entry in ledger.entries
            if first <= entry.booked_on <= last
        )
    )


def _cashflow(
    ledger: Ledger, categories: Categories, start: date | None, end: date | None
) -> tuple[MonthFlow, ...]:
    """From `start` (default: the first entry; a year ago with none) to `end` (default and at
    most: today)."""
    first = start or (ledger.entries[0].booked_on if ledger.entries else ledger.today)
    last = min(end or ledger.today, ledger.today)
    if first > last:
        raise InvalidInput(
            "`from` is after today", details={"from": str(first), "today": str(ledger.today)}
        )
    if (last.year - first.year) * 12 + last.month - first.month >= MAX_MONTHS:
        raise InvalidInput(
            f"a cash flow covers at most {MAX_MONTHS} months", details={"from": str(first)}
        )
    return cashflow(ledger, categories, first, last)


def _score(ledger: Ledger, categories: Categories, start: date | None, end: date | None) -> Score:
    found = score(ledger, categories)
    if isinstance(found, ScoreNoData):
        raise NoData(found.reason, details={"module": "score"})
    return found


def set_modules(db: Database, tenant: Tenant, modules: Iterable[str]) -> Tenant:
    chosen = list(dict.fromkeys(modules))
    unknown = [name for name in chosen if name not in MODULES]
    if unknown:
        raise InvalidInput(
            f"no analytics module {', '.join(unknown)}", details={"modules": list(MODULES)}
        )
    return set_analytics(db, tenant, chosen)
