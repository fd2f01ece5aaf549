"""The risk score: features, tiers, percentile, and the directions it must move in."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from analytics_cases import (
    TODAY,
    Book,
    freelancer,
    gambler,
    irregular,
    ledgers,
    overdrawn,
    pensioner,
    salaried,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox.analytics.ledger import Categories, Ledger, LedgerEntry
from sandbox.analytics.score import Features, NoData, Score, score
from sandbox.categories import Category

PROPERTY = settings(max_examples=60, deadline=None)

# docs/analytics.md: the score's upper bound of each tier
BANDS = (("A", 0.10), ("B", 0.25), ("C", 0.50), ("D", 1.01))


def _scored(book: Book) -> Score:
    result = score(book.ledger(), book.categories)
    assert isinstance(result, Score)
    return result


def test_a_salaried_person_with_savings_is_tier_a():
    result = _scored(salaried())
    assert (result.tier, result.currency) == ("A", "EUR")
    assert result.features == Features(
        months_of_history=24,  # 721 days since 25 March 2024
        income_regularity=1.0,
        monthly_income=3_000_41,
        monthly_outflow=result.features.monthly_outflow,
        income_coverage=round(3_000_41 / result.features.monthly_outflow, 4),
        liquid_balance=2_480_00 + 7_200_00,
        buffer_months=6.0,  # far more, shown at the cap
        overdrawn_days_90d=0,
        gambling_share=0.0,
        debt_collection_payments_180d=0,
        income_trend=0.0001,  # the interest
    )


def test_a_pensioner_is_tier_a_in_zloty():
    result = _scored(pensioner())
    assert (result.tier, result.currency, result.features.income_regularity) == ("A", "PLN", 1.0)


def test_a_freelancer_without_salary_is_not_regular_but_covered():
    result = _scored(freelancer())
    assert result.features.income_regularity == 0.0
    assert result.features.income_trend == 1.0  # 7,750.00 against 2,300.00 the 90 days before
    assert result.tier == "A"


def test_a_gambler_is_tier_d_and_riskier_than_the_same_person_without_gambling():
    book = gambler()
    result = _scored(book)
    # 26 Friday bets of 180.00 against six salaries of 2,200.00 in 180 days
    assert result.features.gambling_share == round(26 * 180_00 / (6 * 2_200_00), 4)
    assert result.tier == "D"
    for id, category in book.categories.items():
        if category == Category.GAMBLING:
            book.categories[id] = Category.SHOPPING
    assert _scored(book).score < result.score


def test_someone_always_overdrawn_with_a_debt_collector_is_tier_d():
    result = _scored(overdrawn())
    assert result.features.overdrawn_days_90d == 90
    assert result.features.debt_collection_payments_180d == 6
    assert (result.features.liquid_balance, result.features.buffer_months) == (-1_250_00, 0.0)
    assert result.tier == "D"
    assert result.score > 0.9


def test_odd_jobs_without_a_regular_income_are_tier_c():
    result = _scored(irregular())
    assert result.features.income_regularity == 0.0
    assert result.features.monthly_income == 33_667  # 1,010.00 ÷ 3
    assert result.tier == "C"


def test_no_entry_and_less_than_60_days_of_history_give_no_score():
    book = Book()
    account = book.account(0)
    assert score(book.ledger(), book.categories) == NoData("there is no entry to score")
    book.add(account, TODAY - timedelta(days=58), 100_00, Category.SALARY)
    assert score(book.ledger(), book.categories) == NoData(
        "the history covers 59 days; a score needs at least 60"
    )
    book.add(account, TODAY - timedelta(days=59), 100_00, Category.SALARY)
    assert isinstance(score(book.ledger(), book.categories), Score)


def test_the_main_currency_is_the_one_with_the_most_entries():
    book = salaried()
    zloty = book.account(0, currency="PLN")
    for day in range(10):
        book.add(zloty, date(2026, 1, 1) + timedelta(days=day), -5_00, Category.GAMBLING)
    result = _scored(book)
    assert (result.currency, result.features.gambling_share) == ("EUR", 0.0)


def _beta_2_10_cdf(x: float) -> float:
    return 1 - (1 - x) ** 11 - 11 * x * (1 - x) ** 10


@PROPERTY
@given(ledgers(days=500))
def test_the_score_is_deterministic_bounded_banded_and_placed_in_the_reference(drawn):
    ledger, categories = drawn
    result = score(ledger, categories)
    assert score(ledger, dict(categories)) == result
    if isinstance(result, NoData):
        return
    assert 0 <= result.score <= 1
    assert result.tier == next(tier for tier, bound in BANDS if result.score < bound)
    assert result.percentile == round(_beta_2_10_cdf(result.score), 4)


def _with(ledger: Ledger, entries: list[LedgerEntry], lowered: dict[int, int]) -> Ledger:
    return replace(
        ledger,
        entries=tuple(sorted(entries, key=lambda e: (e.booked_on, e.id))),
        accounts=tuple(
            replace(a, balance_minor=a.balance_minor - lowered.get(a.id, 0))
            for a in ledger.accounts
        ),
    )


def _risk(ledger: Ledger, categories: Categories) -> float | None:
    result = score(ledger, categories)
    return None if isinstance(result, NoData) else result.score


@PROPERTY
@given(ledgers(days=500), st.data())
def test_calling_outgoings_gambling_never_lowers_the_risk(drawn, data):
    """Any outgoing but a debt collector's, which counts against the user on its own."""
    ledger, categories = drawn
    debits = [
        e.id
        for e in ledger.entries
        if e.amount_minor < 0 and categories[e.id] != Category.DEBT_COLLECTION
    ]
    chosen = data.draw(st.lists(st.sampled_from(debits), max_size=5)) if debits else []
    relabelled = {**categories, **dict.fromkeys(chosen, Category.GAMBLING)}
    before, after = _risk(ledger, categories), _risk(ledger, relabelled)
    assert (before is None) == (after is None)
    assert before is None or after >= before


@PROPERTY
@given(ledgers(days=500), st.data())
def test_gambling_money_away_never_lowers_the_risk(drawn, data):
    ledger, categories = drawn
    before = score(ledger, categories)
    if isinstance(before, NoData):
        return
    account = data.draw(
        st.sampled_from([a for a in ledger.accounts if a.currency == before.currency])
    )
    first = next(e.booked_on for e in ledger.entries if e.currency == before.currency)
    day = data.draw(st.dates(min_value=first, max_value=ledger.today))
    amount = data.draw(st.integers(1, 1_000_000))
    bet = LedgerEntry(10_000, account.id, day, -amount, account.currency, "Bet365")
    after = _risk(
        _with(ledger, [*ledger.entries, bet], {account.id: amount}),
        {**categories, 10_000: Category.GAMBLING},
    )
    assert after >= before.score


@PROPERTY
@given(ledgers(days=500), st.data())
def test_more_overdrawn_days_never_lower_the_risk(drawn, data):
    ledger, categories = drawn
    before = score(ledger, categories)
    if isinstance(before, NoData):
        return
    account = data.draw(
        st.sampled_from([a for a in ledger.accounts if a.currency == before.currency])
    )
    lower = data.draw(st.integers(1, 5_000_000))
    after = _risk(_with(ledger, list(ledger.entries), {account.id: lower}), categories)
    assert after >= before.score
