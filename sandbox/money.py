"""Money as integers of the currency's minor unit: exact, fast to add, the same on every DB."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

# ISO 4217 exponents that are not 2; every other currency has cents.
_EXPONENT = {"JPY": 0, "KRW": 0, "HUF": 2, "ISK": 0, "CLP": 0, "BHD": 3, "KWD": 3, "TND": 3}


def exponent(currency: str) -> int:
    """How many decimal places the currency's minor unit has."""
    return _EXPONENT.get(currency, 2)


def to_minor(amount: Decimal | int | str, currency: str) -> int:
    """Decimal amount to minor units, rounding half to even as banks do."""
    quantum = Decimal(1).scaleb(-exponent(currency))
    return int(
        Decimal(amount).quantize(quantum, rounding=ROUND_HALF_EVEN).scaleb(exponent(currency))
    )


def from_minor(minor: int, currency: str) -> Decimal:
    """Minor units back to a Decimal with exactly the currency's places."""
    return Decimal(minor).scaleb(-exponent(currency))
