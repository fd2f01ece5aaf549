"""Banks as every face sees them, and the one rule that says whether a bank matches a search.

The bank itself is the scenario's model; faces name it through this module so that they depend
on the domain's vocabulary, not on where a scenario is parsed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from sandbox.scenario.model import (
    AccountType,
    AuthMechanism,
    Bank,
    ScaApproach,
    ScaMethod,
    ScaMethodKind,
    Source,
    SourceKind,
)

__all__ = [
    "COUNTRY_NAMES",
    "AccountType",
    "AuthMechanism",
    "Bank",
    "ScaApproach",
    "ScaMethod",
    "ScaMethodKind",
    "Source",
    "SourceKind",
    "country_name",
    "fold",
    "matches",
    "same_bic",
]

COUNTRY_NAMES = {
    "AT": "Austria",
    "BE": "Belgium",
    "CH": "Switzerland",
    "CZ": "Czechia",
    "DE": "Germany",
    "DK": "Denmark",
    "ES": "Spain",
    "FI": "Finland",
    "FR": "France",
    "GB": "United Kingdom",
    "IE": "Ireland",
    "IT": "Italy",
    "LU": "Luxembourg",
    "NL": "Netherlands",
    "NO": "Norway",
    "PL": "Poland",
    "PT": "Portugal",
    "SE": "Sweden",
}


def country_name(code: object) -> str:
    return COUNTRY_NAMES.get(str(code), str(code))


def fold(text: str) -> str:
    """Text compared without case or accents ("Wiślany" ~ "wislany"), as the hosted UI's
    script filters the list while the user types."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def same_bic(bank: Bank, bic: str) -> bool:
    """An 8-character BIC names the institution, whichever branch the 11-character one adds."""
    own = (bank.bic or "").upper()
    return own == bic.upper() or (len(bic) == 8 and own[:8] == bic.upper())


def matches(
    bank: Bank,
    *,
    text: str | None = None,
    country: str | None = None,
    bic: str | None = None,
    account_types: Iterable[str] | None = None,
) -> bool:
    """Every word of `text` in the bank's name or its country's name (without case or
    accents), the country code, the BIC, and every account type asked for offered."""
    if country and bank.country != country.upper():
        return False
    if bic and not same_bic(bank, bic):
        return False
    if account_types and not set(account_types) <= set(bank.account_types):
        return False
    if text:
        name = fold(f"{bank.name} {country_name(bank.country)}")
        return all(word in name for word in fold(text).split())
    return True
