"""Hypothesis strategies for statements as the sandbox renders them: what every format's
round trip (render, then parse) must give back.

Text is what bank statements print: letters of the languages the default scenario's banks
speak (German, French, Polish), digits, spaces and common punctuation, one line, no leading or
trailing space. Amounts are non-zero with the currency's places.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import strategies as st

from sandbox.money import from_minor
from sandbox.statements.model import Bank, Entry, Owner, Statement, StatementAccount

CURRENCIES = ("EUR", "PLN", "GBP", "CHF", "CZK")
ALPHABET = (
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    "äöüÄÖÜßéèêàçÉłŁąęśćńóżźŻŚ"
    " -/.,:+'()&"
)
IBANS = (
    "DE89370400440532013000",
    "FR1420041010050500013M02606",
    "PL61109010140000071219812874",
    "GB29NWBK60161331926819",
    "CH9300762011623852957",
)
BICS = ("COBADEFFXXX", "BNPAFRPPXXX", "WBKPPLPPXXX", "NWBKGB2LXXX", None)


def line(min_size: int = 1, max_size: int = 60) -> st.SearchStrategy[str]:
    """One line of printed text: no leading, trailing or doubled space."""
    words = st.text(alphabet=ALPHABET.replace(" ", ""), min_size=1, max_size=min(max_size, 20))
    return (
        st.lists(words, min_size=1, max_size=6)
        .map(" ".join)
        .filter(lambda text: min_size <= len(text) <= max_size)
    )


@st.composite
def entries(draw: st.DrawFn, currency: str, start: date, end: date) -> tuple[Entry, ...]:
    days = (end - start).days
    count = draw(st.integers(min_value=0, max_value=25))
    booked = sorted(start + timedelta(days=draw(st.integers(0, days))) for _ in range(count))
    made = []
    for index, booked_on in enumerate(booked):
        minor = draw(st.integers(min_value=1, max_value=5_000_000))
        sign = draw(st.sampled_from((-1, 1)))
        lag = draw(st.integers(min_value=0, max_value=3))
        named = draw(st.booleans())
        made.append(
            Entry(
                booked_on=booked_on,
                value_on=booked_on - timedelta(days=lag),
                amount=from_minor(sign * minor, currency),
                description=draw(line(1, 100)),
                counterparty_name=draw(line(2, 40)) if named else None,
                counterparty_iban=draw(st.sampled_from(IBANS)) if named else None,
                reference=f"{booked_on:%Y%m}-{index + 1:04d}",
            )
        )
    return tuple(made)


@st.composite
def accounts(draw: st.DrawFn) -> StatementAccount:
    currency = draw(st.sampled_from(CURRENCIES))
    start = draw(st.dates(min_value=date(2015, 1, 1), max_value=date(2026, 6, 1)))
    end = start + timedelta(days=draw(st.integers(min_value=0, max_value=120)))
    made = draw(entries(currency, start, end))
    opening = from_minor(draw(st.integers(-500_000, 10_000_000)), currency)
    closing = opening + sum((entry.amount for entry in made), Decimal(0))
    balance = opening
    chained = []
    for entry in made:
        balance += entry.amount
        chained.append(_with_balance(entry, balance))
    return StatementAccount(
        currency=currency,
        entries=tuple(chained),
        iban=draw(st.sampled_from(IBANS)),
        bic=draw(st.sampled_from(BICS)),
        name=draw(line(3, 40)),
        type="checking",
        period_from=start,
        period_to=end,
        opening_balance=opening,
        closing_balance=closing,
    )


def _with_balance(entry: Entry, balance: Decimal) -> Entry:
    return Entry(
        booked_on=entry.booked_on,
        amount=entry.amount,
        description=entry.description,
        value_on=entry.value_on,
        counterparty_name=entry.counterparty_name,
        counterparty_iban=entry.counterparty_iban,
        reference=entry.reference,
        category=entry.category,
        balance_after=balance,
    )


@st.composite
def statements(draw: st.DrawFn, max_accounts: int = 3) -> Statement:
    """A statement of one to `max_accounts` accounts, balances that chain, an owner and a bank."""
    return Statement(
        accounts=tuple(draw(st.lists(accounts(), min_size=1, max_size=max_accounts))),
        owner=Owner(
            name=draw(line(3, 40)),
            address=(draw(line(3, 40)), draw(line(3, 40))),
        ),
        bank=Bank(name=draw(line(3, 40)), bic=None, colour="#1d4e89"),
    )


def carried(entry: Entry) -> tuple[object, ...]:
    """What every format carries of an entry, for comparing a round trip."""
    return (
        entry.booked_on,
        entry.value_on,
        entry.amount,
        entry.description,
        entry.counterparty_name,
        entry.counterparty_iban,
        entry.reference,
    )
