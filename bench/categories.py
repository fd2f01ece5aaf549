"""How often the categoriser agrees with the generator's truth (a plain script, not a test:
`python bench/categories.py`).

For each persona of the default scenario (a magic persona, valid at every bank, at one bank
each, taken in turn, so every country's wording is seen), the bank truth of the last 365 days
before the scenario's clock for each of its accounts becomes one Ledger built only from what a
statement shows; `categorise` is compared with each transaction's truth `label`.

Prints per persona the transactions and the agreement, the total, and the commonest
disagreements (truth -> inferred). Target: at least 95 % of all transactions agree. Also
times `categorise` on 20,000 of these entries as one ledger (target: well under 100 ms).
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from targets import record

from sandbox.analytics.categories import categorise
from sandbox.analytics.ledger import Ledger, LedgerAccount, LedgerEntry
from sandbox.bankdata import accounts, balance_at, owner, transactions
from sandbox.bankdata.records import BankTransaction
from sandbox.money import to_minor
from sandbox.scenario import load_scenario
from sandbox.scenario.model import ANY_BANK, Bank, Persona, Scenario

TARGET = 0.95
DAYS = 365
TIMED = 20_000


def ledger(
    world: Scenario, persona: Persona, bank: Bank, today: date
) -> tuple[Ledger, dict[int, str]]:
    """The persona's ledger at `bank` from public fields only, and the truth by entry id."""
    start = today - timedelta(days=DAYS - 1)
    ledger_accounts: list[LedgerAccount] = []
    rows: list[tuple[int, BankTransaction]] = []
    for number, account in enumerate(accounts(world, persona, bank), 1):
        balance = balance_at(world, persona, bank, account.account_id, today)
        ledger_accounts.append(
            LedgerAccount(
                id=number,
                currency=account.currency,
                type=account.type.value,
                balance_minor=to_minor(balance, account.currency),
                iban=account.iban,
                name=account.name,
            )
        )
        found = transactions(world, persona, bank, account.account_id, start, today)
        rows.extend((number, t) for t in found)
    rows.sort(key=lambda row: row[1].booked_on)
    entries = tuple(
        LedgerEntry(
            id=n,
            account_id=number,
            booked_on=t.booked_on,
            amount_minor=to_minor(t.amount, t.currency),
            currency=t.currency,
            description=t.description,
            counterparty_name=t.counterparty_name,
            counterparty_iban=t.counterparty_iban,
        )
        for n, (number, t) in enumerate(rows, 1)
    )
    truth = {n: t.label for n, (_, t) in enumerate(rows, 1)}
    name = owner(world, persona, bank).name
    return Ledger(tuple(ledger_accounts), entries, today, name), truth


def agreement(world: Scenario, today: date) -> tuple[float, list[Ledger]]:
    print(f"{'persona':<28} {'bank':<20} {'transactions':>12} {'agree':>8}")
    confusion: Counter[tuple[str, str]] = Counter()
    total = agreed = 0
    books: list[Ledger] = []
    magic = 0
    for persona in world.personas:
        if persona.bank == ANY_BANK:
            bank = world.banks[magic % len(world.banks)]
            magic += 1
        else:
            bank = world.bank(persona.bank)
        book, truth = ledger(world, persona, bank, today)
        inferred = categorise(book)
        same = sum(inferred[n] == label for n, label in truth.items())
        confusion.update((label, inferred[n]) for n, label in truth.items() if inferred[n] != label)
        total += len(truth)
        agreed += same
        share = same / len(truth) if truth else 1.0
        print(f"{persona.login:<28} {bank.id:<20} {len(truth):>12,} {share:>8.1%}")
        books.append(book)
    rate = agreed / total
    print(f"{'total':<49} {total:>12,} {rate:>8.1%}")
    print("\ncommonest disagreements (truth -> inferred):")
    for (label, inferred_as), count in confusion.most_common(12):
        print(f"  {label:>16} -> {inferred_as:<16} {count:>6,}")
    if not confusion:
        print("  none")
    return rate, books


def speed(books: list[Ledger]) -> float:
    """Milliseconds to categorise TIMED entries: every persona's ledger as one, its accounts
    and entries numbered anew, repeated when short of TIMED."""
    accounts: list[LedgerAccount] = []
    entries: list[LedgerEntry] = []
    while len(entries) < TIMED:
        for book in books:
            first = len(accounts)
            accounts.extend(replace(a, id=first + a.id) for a in book.accounts)
            entries.extend(
                replace(e, id=len(entries) + n, account_id=first + e.account_id)
                for n, e in enumerate(book.entries, 1)
            )
    entries.sort(key=lambda e: e.booked_on)
    grown = replace(books[0], accounts=tuple(accounts), entries=tuple(entries[:TIMED]))
    timings = []
    for _ in range(5):
        started = time.process_time()
        categorise(grown)
        timings.append(time.process_time() - started)
    best = min(timings) * 1000
    print(f"\ncategorising {TIMED:,} entries of every persona: {best:.1f} ms of CPU (best of 5)")
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--today", type=date.fromisoformat, help="default: the scenario's clock")
    args = parser.parse_args()
    world = load_scenario("default")
    start = world.clock.start or datetime.now(UTC)  # `start: now` is the real time
    today = args.today or start.date()
    rate, books = agreement(world, today)
    what = "categories agree with the truth, last 365 days"
    record("categories", 17, what, f"{rate:.1%}", ">= 95 %", rate >= TARGET)
    ms = speed(books)
    record(
        "categorise speed", 17, "categorise 20,000 entries", f"{ms:.0f} ms", "< 100 ms", ms < 100
    )


if __name__ == "__main__":
    main()
