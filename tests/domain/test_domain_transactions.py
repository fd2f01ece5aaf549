"""Transaction pages: keyset positions that survive syncs, amount bounds in minor units."""

from datetime import timedelta
from decimal import Decimal

import pytest

from sandbox.domain import connections, tenants, transactions, users
from sandbox.domain.records import Transaction
from sandbox.domain.transactions import TransactionQuery
from sandbox.errors import NotFound
from sandbox.scenario import load_scenario_text

FROZEN = "extends: default\nname: frozen\nclock: {start: 2026-01-15T09:00:00Z, frozen: true}\n"


@pytest.fixture
def tenant(platform):
    return tenants.create_tenant(platform.db, load_scenario_text(FROZEN), "frozen")


def connect(platform, tenant, user="u1", bank="rheinwert-bank", persona="good") -> int:
    with platform.db.begin() as conn:
        bank_login_id, _ = connections.establish(
            conn, tenant, user=users.user_for(conn, tenant, user),
            bank=tenant.scenario.bank(bank), persona=tenant.scenario.persona(bank, persona),
            account_type=None, activate=None,
        )  # fmt: skip
    return bank_login_id


ALL = TransactionQuery()


def walk(platform, tenant, query=ALL, limit=25) -> list[list[Transaction]]:
    pages, after = [], None
    while True:
        page = transactions.page_of_transactions(platform.db, tenant, query, after, limit)
        pages.append(page.transactions)
        if page.next is None:
            return pages
        after = page.next


def test_pages_are_newest_first_and_cover_every_row_once(platform, tenant):
    connect(platform, tenant, persona="credit-card")
    pages = walk(platform, tenant, limit=25)
    flat = [t for page in pages for t in page]
    assert len({t.id for t in flat}) == len(flat) > 50
    assert [(t.booked_on, t.id) for t in flat] == sorted(
        ((t.booked_on, t.id) for t in flat), reverse=True
    )
    assert all(len(page) == 25 for page in pages[:-1])


def test_tenant_wide_pages_merge_every_users_rows_newest_first(platform, tenant):
    connect(platform, tenant, user="u1", persona="credit-card")
    connect(platform, tenant, user="u2", persona="good")
    mine = {
        user: [t for page in walk(platform, tenant, TransactionQuery(external_user_id=user))
               for t in page]
        for user in ("u1", "u2")
    }  # fmt: skip
    every = [t for page in walk(platform, tenant, limit=30) for t in page]
    assert every == sorted(mine["u1"] + mine["u2"], key=lambda t: (t.booked_on, t.id), reverse=True)
    assert {t.user_id for t in every[:30]} == {t.user_id for t in every}  # interleaved


def test_rows_a_sync_adds_between_pages_neither_repeat_nor_shift_older_ones(platform, tenant):
    login = connect(platform, tenant)
    before = transactions.page_of_transactions(platform.db, tenant, ALL, None, 20).transactions
    first = transactions.page_of_transactions(platform.db, tenant, ALL, None, 10)
    tenant = tenants.save_clock(platform.db, tenant, tenant.clock.advanced(timedelta(days=40)))
    _, result = connections.refresh(platform.db, tenant, login)
    assert result.new_transactions > 0
    second = transactions.page_of_transactions(platform.db, tenant, ALL, first.next, 10)
    assert first.transactions + second.transactions == before
    newest = transactions.page_of_transactions(platform.db, tenant, ALL, None, 10).transactions
    assert newest[0].booked_on > before[0].booked_on


def test_amount_bounds_round_inwards_to_the_currencys_places(platform, tenant):
    connect(platform, tenant)
    every = [t for page in walk(platform, tenant, limit=500) for t in page]
    query = TransactionQuery(min_amount=Decimal("-20.005"), max_amount=Decimal("-5.001"))
    bounded = [t for page in walk(platform, tenant, query, limit=500) for t in page]
    assert bounded == [t for t in every if -2000 <= t.amount_minor <= -501]


def test_named_filters_must_be_the_tenants(platform, tenant):
    connect(platform, tenant)
    for query in (
        TransactionQuery(external_user_id="nobody"),
        TransactionQuery(account_id=10**9),
        TransactionQuery(bank_login_id=10**9),
    ):
        with pytest.raises(NotFound):
            transactions.page_of_transactions(platform.db, tenant, query, None, 10)
