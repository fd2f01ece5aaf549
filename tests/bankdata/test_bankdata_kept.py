"""Kept months: an import reads the same values whether a month is generated or kept."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sandbox.bankdata import balance_at, kept, transactions, transactions_minor
from sandbox.bankdata.truth import clear_caches
from sandbox.money import to_minor
from sandbox.scenario.model import Profile

days = st.dates(min_value=date(2015, 1, 1), max_value=date(2027, 12, 31))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**40), profile=st.sampled_from(list(Profile)), start=days,
    length=st.integers(0, 200), again=days,
)  # fmt: skip
def test_a_kept_month_reads_as_a_generated_one(scenario_of, seed, profile, start, length, again):
    scenario = scenario_of(seed=seed, profile=profile, opened=date(2015, 6, 1))
    persona, bank = scenario.personas[0], scenario.banks[0]
    end = start + timedelta(days=length)
    clear_caches()
    transactions_minor(scenario, persona, bank, "main", again, again + timedelta(days=40))
    balance_at(scenario, persona, bank, "main", again)
    kept_rows = transactions_minor(scenario, persona, bank, "main", start, end)
    kept_balance = balance_at(scenario, persona, bank, "main", end)
    generated = transactions(scenario, persona, bank, "main", start, end)
    assert kept_rows == [
        (t.ref, t.booked_on, t.value_on, to_minor(t.amount, t.currency), t.currency,
         t.counterparty_name, t.counterparty_iban, t.description, t.category,
         to_minor(t.balance_after, t.currency))
        for t in generated
    ]  # fmt: skip
    clear_caches()
    assert balance_at(scenario, persona, bank, "main", end) == kept_balance


def test_a_window_handed_out_does_not_change_what_is_kept(scenario_of):
    scenario = scenario_of()
    persona, bank = scenario.personas[0], scenario.banks[0]
    window = (date(2025, 1, 1), date(2025, 3, 31))
    first = transactions_minor(scenario, persona, bank, "main", *window)
    expected = list(first)
    first.clear()
    assert transactions_minor(scenario, persona, bank, "main", *window) == expected


def test_no_more_than_the_limit_is_kept(scenario_of, monkeypatch):
    monkeypatch.setattr(kept, "MAX_KEPT", 500)
    clear_caches()
    scenario = scenario_of()
    persona, bank = scenario.personas[0], scenario.banks[0]
    for year in range(2016, 2026):
        transactions_minor(scenario, persona, bank, "main", date(year, 1, 1), date(year, 12, 31))
    held = sum(weight for _, _, weight in kept._KEPT.values())
    assert 0 < held <= 500
    assert held == kept._size
    # What was dropped is generated again, the same.
    assert transactions_minor(
        scenario, persona, bank, "main", date(2016, 1, 1), date(2016, 1, 31)
    ) == [
        t
        for t in transactions_minor(
            scenario, persona, bank, "main", date(2016, 1, 1), date(2016, 2, 28)
        )
        if t[1].month == 1
    ]
