"""Values as the text formats (JSON, CSV) spell them, checked one at a time.

Each function takes what the file says and gives back the model's value, or raises ValueError
with a message a user can act on; the format module adds where the value was.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from sandbox.categories import Category
from sandbox.money import exponent
from sandbox.scenario.model import AccountType
from sandbox.statements.model import MAX_TEXT

# Amounts up to a trillion and some: every currency's minor units then still fit the store's
# 64-bit integers.
MAX_AMOUNT_DIGITS = 15

_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_CURRENCY = re.compile(r"[A-Z]{3}")
_BIC = re.compile(r"[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# StrEnum members are their strings, so a plain string is looked up directly.
_CATEGORIES = frozenset(Category)
_ACCOUNT_TYPES = frozenset(AccountType)


def shown(value: object) -> str:
    """A value as a message quotes it: long ones cut, so a hostile value is not echoed whole."""
    written = str(value)
    return repr(written if len(written) <= 40 else written[:40] + "…")


def amount(value: Decimal, currency: str, written: str | None = None) -> Decimal:
    """The amount with exactly the currency's places; more places than it has is refused
    rather than rounded (trailing zeros are fine: 12.300 EUR is 12.30). Messages quote it as
    `written` in the file, when that differs from the Decimal's own spelling."""
    quoted = shown(value if written is None else written)
    if not value.is_finite():
        raise ValueError(f"{quoted} is not an amount")
    if value and value.adjusted() >= MAX_AMOUNT_DIGITS:
        raise ValueError(
            f"{quoted} is too large (at most {MAX_AMOUNT_DIGITS} digits before the point)"
        )
    places = exponent(currency)
    exact = value.quantize(Decimal(1).scaleb(-places))
    if exact != value:
        raise ValueError(f"{quoted} has more decimal places than {currency} has ({places})")
    return exact


def iso_date(value: str) -> date:
    """A date written YYYY-MM-DD, and one the calendar has."""
    found = _ISO_DATE.fullmatch(value)
    if not found:
        raise ValueError(f"{shown(value)} is not a date written YYYY-MM-DD")
    return calendar_date(int(found[1]), int(found[2]), int(found[3]), value)


def calendar_date(year: int, month: int, day: int, written: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"{shown(written)} is not a day of the calendar") from None


def iban(value: str) -> str:
    """The IBAN without spaces, in upper case, once its checksum and structure hold."""
    from schwifty import IBAN, exceptions  # a few hundred ms to import: only when needed

    compact = "".join(value.split()).upper()
    try:
        return IBAN(compact).compact
    except exceptions.SchwiftyException as error:
        raise ValueError(f"{shown(value)} is not a valid IBAN ({str(error).lower()})") from None


def bic(value: str) -> str:
    compact = "".join(value.split()).upper()
    if not _BIC.fullmatch(compact):
        raise ValueError(f"{shown(value)} is not a BIC (8 or 11 letters and digits)")
    return compact


def currency(value: str) -> str:
    if not _CURRENCY.fullmatch(value):
        raise ValueError(f"{shown(value)} is not a currency code (three capital letters, like EUR)")
    return value


def category(value: str) -> str:
    if value not in _CATEGORIES:
        raise ValueError(f"{shown(value)} is not a category; use one of {', '.join(Category)}")
    return value


def account_type(value: str) -> str:
    if value not in _ACCOUNT_TYPES:
        raise ValueError(
            f"{shown(value)} is not an account type; use one of {', '.join(AccountType)}"
        )
    return value


def line(value: str) -> str:
    """One printed line of a statement (a description, a name): bounded, no control characters."""
    if len(value) > MAX_TEXT:
        raise ValueError(f"is {len(value)} characters long, more than the {MAX_TEXT} allowed")
    control = _CONTROL.search(value)
    if control:
        raise ValueError(
            f"contains U+{ord(control[0]):04X}, a control or invalid character; write one line"
        )
    return value
