"""How fast bank truth is generated (a plain script, not a test: `python bench/bankdata_speed.py`).

Prints
1. transactions per second for 1,000,000 transactions generated through the public
   `transactions()` over ten-year windows of many accounts (target: >= 200,000/s on one core,
   so 1,000,000 in <= 5 s), owners, IBANs and merchant pools built beforehand;
2. the cost of generating month 1 against month 120 of ten-year accounts, each month generated
   cold (the per-month calendar cache cleared first; no earlier month generated), as the ratio
   of medians (target: <= 2).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import date
from decimal import Decimal

from targets import record

from sandbox.bankdata import accounts, transactions
from sandbox.bankdata.dates import month_days
from sandbox.scenario.model import AccountSpec, AccountType, Bank, Persona, Profile, Scenario

OPENED = date(2016, 1, 1)
TEN_YEARS = (OPENED, date(2025, 12, 31))
MONTH_1 = (date(2016, 1, 1), date(2016, 1, 31))
MONTH_120 = (date(2025, 12, 1), date(2025, 12, 31))
MIX = [
    (Profile.SALARIED, AccountType.CHECKING),
    (Profile.STUDENT, AccountType.CHECKING),
    (Profile.FREELANCER, AccountType.CHECKING),
    (Profile.RETIRED, AccountType.CHECKING),
    (Profile.SMALL_BUSINESS, AccountType.CHECKING),
    (Profile.CARD_SPENDER, AccountType.CREDIT_CARD),
    (Profile.SAVER, AccountType.SAVINGS),
]
COUNTRIES = [("DE", "EUR"), ("FR", "EUR"), ("PL", "PLN"), ("GB", "GBP"), ("IT", "EUR")]


def scenario(personas: int) -> Scenario:
    """Personas at banks of several countries, each with one account of every profile."""
    banks = [Bank(id=f"bank-{c.lower()}", name=f"Bank {c}", country=c) for c, _ in COUNTRIES]
    people = []
    for n in range(personas):
        country, currency = COUNTRIES[n % len(COUNTRIES)]
        specs = [
            AccountSpec(
                id=f"{profile.value}",
                type=kind,
                profile=profile,
                currency=currency,
                opened=OPENED,
                opening_balance=Decimal("1000"),
            )
            for profile, kind in MIX
        ]
        people.append(Persona(login=f"p{n}", bank=f"bank-{country.lower()}", accounts=specs))
    return Scenario(seed=2026, banks=banks, personas=people)


def throughput(world: Scenario, wanted: int) -> None:
    started = time.perf_counter()
    pairs = [(p, world.bank(p.bank)) for p in world.personas]
    for persona, bank in pairs:
        accounts(world, persona, bank)  # owners, IBANs, merchant pools: once per persona
    setup = time.perf_counter() - started

    generated = 0
    started = time.perf_counter()
    for persona, bank in pairs:
        for spec in persona.accounts:
            generated += len(transactions(world, persona, bank, spec.id, *TEN_YEARS))
        if generated >= wanted:
            break
    elapsed = time.perf_counter() - started
    print(f"setup (owners, IBANs, pools) for {len(pairs)} personas: {setup:.2f} s")
    rate = generated / elapsed
    print(f"generated {generated:,} transactions in {elapsed:.2f} s: {rate:,.0f} transactions/s")
    what = "bank data generation, one core"
    record("bankdata", 4, what, f"{rate:,.0f} tx/s", ">= 200,000 tx/s", rate >= 200_000)


def month_ratio(world: Scenario, trials: int) -> None:
    pairs = [(p, world.bank(p.bank)) for p in world.personas][:trials]
    first: list[float] = []
    last: list[float] = []
    for persona, bank in pairs:
        accounts(world, persona, bank)
        for spec in persona.accounts:
            for window, costs in ((MONTH_1, first), (MONTH_120, last)):
                month_days.cache_clear()  # cold: no calendar left over from another month
                started = time.perf_counter()
                transactions(world, persona, bank, spec.id, *window)
                costs.append(time.perf_counter() - started)
    one, hundred_twenty = statistics.median(first), statistics.median(last)
    ratio = hundred_twenty / one
    print(
        f"month 1: {one * 1e6:,.0f} µs, month 120: {hundred_twenty * 1e6:,.0f} µs "
        f"(medians of {len(first)} cold months): ratio {ratio:.2f}"
    )
    what = "month 120 vs month 1 of a 10-year account"
    record("months", 6, what, f"{ratio:.2f} x", "<= 2 x", ratio <= 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transactions", type=int, default=1_000_000)
    parser.add_argument("--trials", type=int, default=60, help="personas timed for the ratio")
    args = parser.parse_args()
    os.sched_setaffinity(0, {0})  # one core, as the target says
    # About 3,100 transactions per account over ten years, seven accounts per persona.
    world = scenario(personas=max(args.trials, args.transactions // 20_000 + 1))
    throughput(world, args.transactions)
    month_ratio(world, args.trials)


if __name__ == "__main__":
    main()
