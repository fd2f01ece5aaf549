"""How big money looks in each currency: a scale against the euro and "nice" rounding.

Profiles describe amounts in euro cents; `factor` turns them into the account currency's minor
units, so rent in PLN looks like PLN rent and a JPY amount has no decimals (sandbox/money.py).
Rates are rough on purpose: plausibility, not a market feed.
"""

from __future__ import annotations

from sandbox.money import exponent

# Units of the currency for one euro.
# fmt: off
_PER_EURO = {
    "EUR": 1.0, "PLN": 4.3, "GBP": 0.85, "CHF": 0.95, "SEK": 11.0, "NOK": 11.5, "DKK": 7.45,
    "CZK": 25.0, "HUF": 390.0, "RON": 5.0, "BGN": 1.96, "USD": 1.1, "CAD": 1.5, "AUD": 1.65,
    "NZD": 1.8, "JPY": 160.0, "CNY": 7.8, "ISK": 150.0, "TRY": 35.0, "UAH": 45.0, "INR": 90.0,
    "BRL": 6.0, "MXN": 19.0, "ZAR": 20.0, "SGD": 1.45, "HKD": 8.5, "KRW": 1450.0, "ILS": 4.0,
    "AED": 4.0, "SAR": 4.1, "CLP": 1000.0, "BHD": 0.41, "KWD": 0.34, "TND": 3.4, "RSD": 117.0,
}
# fmt: on
# Literal powers of ten: `10.0 ** n` would go through the platform's libm.
_PLACES = {0: 0.01, 1: 0.1, 2: 1.0, 3: 10.0}


def factor(currency: str) -> float:
    """Multiply euro cents by this to get the currency's minor units."""
    return _PER_EURO.get(currency, 1.0) * _PLACES.get(exponent(currency), 1.0)


def nice(minor: int, currency: str, step: float) -> int:
    """Round to a multiple of `step` euro-equivalent units, as rents and cash amounts are."""
    quantum = max(1, round(step * 100 * factor(currency)))
    # A round number in the currency's own terms: 1, 2, 5 times a power of ten.
    magnitude = 1
    while magnitude * 10 <= quantum:
        magnitude *= 10
    quantum = next(q * magnitude for q in (1, 2, 5, 10) if q * magnitude >= quantum)
    return max(quantum, (minor + quantum // 2) // quantum * quantum)


def price(minor: int, currency: str) -> int:
    """A shop price: whole units minus one minor unit (9.99) where the currency has decimals."""
    places = exponent(currency)
    if places == 0:
        return nice(minor, currency, 1)
    unit = 10**places
    return max(unit, (minor + unit // 2) // unit * unit) - 1
