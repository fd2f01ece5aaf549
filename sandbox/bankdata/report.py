"""The JSON that `bank-sandbox generate` prints: a persona's bank data over a date window.

Decimals become strings with the currency's places ("12.30") and dates ISO strings, so the
output is exact and byte-identical on every machine. A long window shows a transient rich
progress bar on stderr; rich is imported only then.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date
from typing import Any

from sandbox.bankdata import truth
from sandbox.bankdata.dates import month_of
from sandbox.bankdata.plans import Plan, book
from sandbox.bankdata.records import BankAccount, BankTransaction
from sandbox.money import from_minor
from sandbox.scenario.model import ANY_BANK, Bank, Persona, Scenario

PROGRESS_MONTHS = 24  # shorter windows finish before a bar would be worth drawing


def generate_report(
    scenario: Scenario,
    login: str,
    bank_id: str | None,
    start: date,
    end: date,
    progress: bool = True,
) -> dict[str, Any]:
    """Everything the persona's bank shows between `start` and `end`, JSON-ready.

    Each account carries its balance before `start` as "opening_balance" and after `end` as
    "closing_balance" (so closing = opening + the amounts listed); the balance the account was
    opened with is "account_opening_balance"."""
    persona, bank = _find(scenario, login, bank_id)
    found = book(scenario, persona, bank)
    window_months = max(0, month_of(end) - month_of(start) + 1)
    out_accounts = []
    show = progress and window_months > PROGRESS_MONTHS
    with _progress(show, window_months * len(found.plans)) as advance:
        for account_id, account in found.accounts.items():
            plan = found.plans[account_id]
            listed: list[dict[str, Any]] = []
            for month in range(month_of(start), month_of(end) + 1):
                first, last = max(start, _first_of(month)), min(end, _last_of(month))
                listed.extend(_transaction(t) for t in truth.window(plan, first, last))
                advance()
            out_accounts.append(
                {
                    **_account(account),
                    "opening_balance": _money(truth.balance_minor(plan, _day_before(start)), plan),
                    "closing_balance": _money(truth.balance_minor(plan, end), plan),
                    "transactions": listed,
                }
            )
    return {
        "persona": persona.login,
        "bank": {"id": bank.id, "name": bank.name, "country": bank.country},
        "owner": {k: _json(v) for k, v in asdict(found.owner).items()},
        "from": start.isoformat(),
        "to": end.isoformat(),
        "accounts": out_accounts,
    }


def _find(scenario: Scenario, login: str, bank_id: str | None) -> tuple[Persona, Bank]:
    """The persona and the bank, or a LookupError that says what is missing."""
    if bank_id is not None:
        try:
            bank = scenario.bank(bank_id)
        except KeyError:
            known = ", ".join(b.id for b in scenario.banks)
            raise LookupError(f"no bank {bank_id!r} in the scenario (banks: {known})") from None
        persona = scenario.persona(bank_id, login)
        if persona is None:
            raise LookupError(f"no persona {login!r} at bank {bank_id!r}")
        return persona, bank
    matches = [p for p in scenario.personas if p.login == login]
    if not matches:
        known = ", ".join(sorted({p.login for p in scenario.personas})) or "none"
        raise LookupError(f"no persona {login!r} in the scenario (personas: {known})")
    declared = [p for p in matches if p.bank != ANY_BANK]
    if len(declared) > 1:
        banks = ", ".join(p.bank for p in declared)
        raise LookupError(f"persona {login!r} exists at several banks ({banks}): give the bank")
    if not declared:
        raise LookupError(f'persona {login!r} connects to any bank (bank: "*"): give the bank')
    return declared[0], scenario.bank(declared[0].bank)


@contextmanager
def _progress(show: bool, total: int) -> Iterator[Any]:
    if not show:
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("generating bank data", total=total)
        yield lambda: bar.advance(task)


def _account(account: BankAccount) -> dict[str, Any]:
    data = {k: _json(v) for k, v in asdict(account).items()}
    data["account_opening_balance"] = data.pop("opening_balance")
    return data


def _transaction(t: BankTransaction) -> dict[str, Any]:
    return {
        "ref": t.ref,
        "booked_on": t.booked_on.isoformat(),
        "value_on": t.value_on.isoformat(),
        "amount": str(t.amount),
        "currency": t.currency,
        "counterparty_name": t.counterparty_name,
        "counterparty_iban": t.counterparty_iban,
        "description": t.description,
        "category": t.category,
        "balance_after": str(t.balance_after),
    }


def _json(value: object) -> object:
    """Dates as ISO strings; Decimals and enums as their plain text."""
    if value is None or type(value) in (str, int, bool):
        return value
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _money(minor: int, plan: Plan) -> str:
    return str(from_minor(minor, plan.currency))


def _first_of(month: int) -> date:
    return date(month // 12, month % 12 + 1, 1)


def _last_of(month: int) -> date:
    following = _first_of(month + 1)
    return date.fromordinal(following.toordinal() - 1)


def _day_before(day: date) -> date:
    return date.fromordinal(day.toordinal() - 1)
