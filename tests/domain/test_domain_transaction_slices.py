"""A user's transactions by offset (the listing Powens' API pages by `limit` and `offset`): the
same rows in the same order as the keyset pages, every filter, the scope's accounts and first
and last dates, and what the user sets on a transaction."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sandbox.domain import accounts, connections, tenants, transactions, users
from sandbox.domain.errors import BadFilter
from sandbox.domain.records import User
from sandbox.domain.transactions import TransactionQuery, TransactionSearch
from sandbox.errors import InvalidInput, NotFound
from sandbox.scenario import load_scenario_text

FROZEN = "extends: default\nname: frozen\nclock: {start: 2026-01-15T09:00:00Z, frozen: true}\n"


@pytest.fixture
def tenant(platform):
    return tenants.create_tenant(platform.db, load_scenario_text(FROZEN), "frozen")


def connect(
    platform, tenant, user="u1", persona="good", bank="rheinwert-bank", activate=None
) -> tuple[User, int]:
    with platform.db.begin() as conn:
        holder = users.user_for(conn, tenant, user)
        bank_login_id, _ = connections.establish(
            conn, tenant, user=holder, bank=tenant.scenario.bank(bank),
            persona=tenant.scenario.persona(bank, persona), account_type=None, activate=activate,
        )  # fmt: skip
    return holder, bank_login_id


def every(platform, tenant, search: TransactionSearch) -> list:
    return transactions.slice_of_transactions(platform.db, tenant, search, 0, 100_000).transactions


def keyset(platform, tenant, user: User) -> list:
    query = TransactionQuery(external_user_id=user.external_id)
    return transactions.page_of_transactions(platform.db, tenant, query, None, 100_000).transactions


@pytest.fixture
def carded(platform, tenant):
    """A user with a current account and a credit card, and another user beside them."""
    connect(platform, tenant, "other")
    return connect(platform, tenant, "u1", persona="credit-card")


def test_a_slice_is_the_keyset_listing_cut_at_the_offset(platform, tenant, carded):
    holder, _ = carded
    listed = keyset(platform, tenant, holder)
    assert len(listed) > 100
    search = TransactionSearch(user_id=holder.id)
    page = transactions.slice_of_transactions(platform.db, tenant, search, 40, 30)
    assert page.transactions == listed[40:70] and page.more
    last = transactions.slice_of_transactions(platform.db, tenant, search, len(listed) - 5, 30)
    assert last.transactions == listed[-5:] and not last.more
    assert page.first_date == min(t.booked_on for t in listed)
    assert page.last_date == max(t.booked_on for t in listed)
    assert {t.user_id for t in listed} == {holder.id}
    assert set(page.accounts) == {t.account_id for t in listed}


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(offset=st.integers(0, 400), limit=st.integers(1, 120))
def test_any_offset_and_limit_cut_the_same_listing(platform, tenant, carded, offset, limit):
    holder, _ = carded
    search = TransactionSearch(user_id=holder.id)
    listed = every(platform, tenant, search)
    page = transactions.slice_of_transactions(platform.db, tenant, search, offset, limit)
    assert page.transactions == listed[offset : offset + limit]
    assert page.more == (offset + limit < len(listed))


def test_an_account_or_a_bank_login_narrows_the_listing(platform, tenant, carded):
    holder, login = carded
    listed = keyset(platform, tenant, holder)
    card = next(a for a in accounts.accounts_of_user(platform.db, tenant, holder.id)
                if a.account.type == "credit_card").account  # fmt: skip
    of_card = every(platform, tenant, TransactionSearch(user_id=holder.id, account_id=card.id))
    assert of_card == [t for t in listed if t.account_id == card.id] != []
    of_login = every(platform, tenant, TransactionSearch(user_id=holder.id, bank_login_id=login))
    assert of_login == listed
    span = transactions.slice_of_transactions(
        platform.db, tenant, TransactionSearch(user_id=holder.id, account_id=card.id), 0, 1
    )
    assert span.first_date == min(t.booked_on for t in of_card)
    assert list(span.accounts) == [card.id]


def test_another_users_account_or_bank_login_is_not_found(platform, tenant, carded):
    holder, login = carded
    other = users.get_user(platform.db, tenant, "other")
    card = accounts.accounts_of_user(platform.db, tenant, holder.id)[0].account
    for search in (
        TransactionSearch(user_id=other.id, account_id=card.id),
        TransactionSearch(user_id=other.id, bank_login_id=login),
        TransactionSearch(user_id=holder.id, bank_login_id=10**9),
    ):
        with pytest.raises(NotFound):
            transactions.slice_of_transactions(platform.db, tenant, search, 0, 10)


def test_without_a_shared_account_nothing_is_listed_and_the_slice_says_so(platform, tenant):
    holder, _ = connect(platform, tenant, persona="credit-card", activate=set())
    search = TransactionSearch(user_id=holder.id)
    page = transactions.slice_of_transactions(platform.db, tenant, search, 0, 10)
    assert not page.any_enabled and page.transactions == [] and page.first_date is None
    [disabled, _] = page.accounts.values()
    with pytest.raises(NotFound):
        transactions.slice_of_transactions(
            platform.db, tenant, TransactionSearch(user_id=holder.id, account_id=disabled.id), 0, 1
        )
    shown = transactions.slice_of_transactions(
        platform.db,
        tenant,
        TransactionSearch(user_id=holder.id, account_id=disabled.id, include_disabled=True),
        0,
        1,
    )
    assert not shown.any_enabled
    accounts.activate_account(platform.db, tenant, disabled.id)
    shared = transactions.slice_of_transactions(platform.db, tenant, search, 0, 1)
    assert shared.any_enabled and shared.transactions != []


def test_dates_bound_the_booking_or_the_users_application_date(platform, tenant, carded):
    holder, _ = carded
    listed = keyset(platform, tenant, holder)
    day = listed[10].booked_on
    on_day = [t for t in listed if t.booked_on == day]
    window = {"date_from": day, "date_to": day}
    assert every(platform, tenant, TransactionSearch(user_id=holder.id, **window)) == on_day
    moved = listed[-1]
    transactions.annotate_transaction(
        platform.db, tenant, holder.id, moved.id, {"application_date": day}
    )
    applied = every(platform, tenant, TransactionSearch(user_id=holder.id, **window))
    assert {t.id for t in applied} == {t.id for t in on_day} | {moved.id}
    booked = every(
        platform, tenant, TransactionSearch(user_id=holder.id, by_application_date=False, **window)
    )
    assert [t.id for t in booked] == [t.id for t in on_day]
    later = every(platform, tenant, TransactionSearch(user_id=holder.id, date_from=day))
    assert moved.id in {t.id for t in later}
    assert all(t.booked_on >= day or t.id == moved.id for t in later)


def test_amount_filters_take_major_units_of_the_scopes_currency(platform, tenant, carded):
    holder, _ = carded
    listed = keyset(platform, tenant, holder)
    one = listed[3]
    value = one.amount
    found = every(platform, tenant, TransactionSearch(user_id=holder.id, amounts=(value,)))
    assert one in found and {t.amount_minor for t in found} == {one.amount_minor}
    both = every(platform, tenant, TransactionSearch(user_id=holder.id, amounts=(value, -value)))
    assert {t.amount_minor for t in both} <= {one.amount_minor, -one.amount_minor}
    finer = every(
        platform, tenant, TransactionSearch(user_id=holder.id, amounts=(Decimal("0.001"),))
    )
    assert finer == []
    bounded = every(
        platform,
        tenant,
        TransactionSearch(user_id=holder.id, min_amount=Decimal("-20"), max_amount=Decimal("-5")),
    )
    assert bounded == [t for t in listed if -2000 <= t.amount_minor <= -500]
    credits = every(platform, tenant, TransactionSearch(user_id=holder.id, income=True))
    debits = every(platform, tenant, TransactionSearch(user_id=holder.id, income=False))
    assert credits == [t for t in listed if t.amount_minor > 0] != []
    assert debits == [t for t in listed if t.amount_minor < 0] != []


def test_amounts_across_currencies_of_different_places_are_refused(platform):
    scenario = load_scenario_text(
        FROZEN.replace("name: frozen", "name: yen")
        + "personas:\n  - login: yen\n    bank: '*'\n    accounts:\n"
        "      - {id: eur, type: checking, opened: 2020-01-15, opening_balance: 100}\n"
        "      - {id: jpy, type: checking, currency: JPY, opened: 2020-01-15, "
        "opening_balance: 100000}\n"
    )
    tenant = tenants.create_tenant(platform.db, scenario, "yen")
    holder, _ = connect(platform, tenant, persona="yen")
    with pytest.raises(BadFilter):
        every(platform, tenant, TransactionSearch(user_id=holder.id, min_amount=Decimal(1)))
    [_, yen] = transactions.slice_of_transactions(
        platform.db, tenant, TransactionSearch(user_id=holder.id), 0, 1
    ).accounts.values()
    some = every(platform, tenant, TransactionSearch(user_id=holder.id, account_id=yen.id))
    exact = every(
        platform,
        tenant,
        TransactionSearch(user_id=holder.id, account_id=yen.id, amounts=(some[0].amount,)),
    )
    assert some[0] in exact


def test_wording_and_search_find_the_bank_text_the_users_wording_amounts_and_days(
    platform, tenant, carded
):
    holder, _ = carded
    listed = keyset(platform, tenant, holder)
    one = listed[5]
    word = one.counterparty_name.split()[0].upper()
    found = every(platform, tenant, TransactionSearch(user_id=holder.id, wording=word))
    assert one in found
    assert all(word.lower() in f"{t.description} {t.counterparty_name}".lower() for t in found)
    transactions.annotate_transaction(
        platform.db, tenant, holder.id, listed[7].id, {"wording": "Zebra 100% _x_"}
    )
    for text in ("zebra", "100%", "_x_"):
        assert [
            t.id for t in every(platform, tenant, TransactionSearch(holder.id, wording=text))
        ] == [listed[7].id]
    by_amount = every(platform, tenant, TransactionSearch(holder.id, search=str(abs(one.amount))))
    assert one in by_amount
    by_day = every(platform, tenant, TransactionSearch(holder.id, search=one.booked_on.isoformat()))
    assert one in by_day and all(
        t.booked_on == one.booked_on or one.booked_on.isoformat() in t.description for t in by_day
    )
    by_kind = every(platform, tenant, TransactionSearch(holder.id, search="groceries"))
    assert [t.id for t in by_kind] == [t.id for t in listed if t.category == "groceries"] != []


def test_imports_after_a_time_and_deleted_ones(platform, tenant, carded):
    holder, login = carded
    before = keyset(platform, tenant, holder)
    moment = tenant.now()
    tenant = tenants.save_clock(platform.db, tenant, tenant.clock.advanced(timedelta(days=20)))
    connections.refresh(platform.db, tenant, login)
    after = keyset(platform, tenant, holder)
    new = every(platform, tenant, TransactionSearch(holder.id, imported_after=moment))
    assert new == [t for t in after if t.id not in {b.id for b in before}] != []
    assert every(platform, tenant, TransactionSearch(holder.id, only_deleted=True)) == []


def test_notes_are_the_users_and_none_forgets_one(platform, tenant, carded):
    holder, _ = carded
    one = keyset(platform, tenant, holder)[0]
    noted, account = transactions.annotate_transaction(
        platform.db,
        tenant,
        holder.id,
        one.id,
        {"wording": "Lunch", "comment": "with Ana", "active": False,
         "application_date": date(2026, 1, 1)},
    )  # fmt: skip
    assert account.id == one.account_id
    assert noted.annotations == {
        "wording": "Lunch", "comment": "with Ana", "active": False, "application_date": "2026-01-01"
    }  # fmt: skip
    forgot, _ = transactions.annotate_transaction(
        platform.db, tenant, holder.id, one.id, {"comment": None, "application_date": None}
    )
    assert forgot.annotations == {"wording": "Lunch", "active": False}
    assert transactions.transaction_of_user(platform.db, tenant, holder.id, one.id)[0] == forgot
    other = users.get_user(platform.db, tenant, "other")
    with pytest.raises(NotFound):
        transactions.transaction_of_user(platform.db, tenant, other.id, one.id)
    with pytest.raises(NotFound):
        transactions.annotate_transaction(platform.db, tenant, other.id, one.id, {"comment": "x"})
    with pytest.raises(InvalidInput):
        transactions.annotate_transaction(platform.db, tenant, holder.id, one.id, {"value": 1})
