"""Powens' vocabularies for accounts and transactions, as tables from the platform's words:
the account types of `GET /account_types` (bank-account-types.yml), the platform's account
types as Powens' `type` and `id_type`, the kinds of the bank's transactions as Powens'
transaction `type` (bank-transactions.yml `TransactionType`), and currencies as Powens' object
`{id, name, symbol, precision}` (bank-accounts.yml `Currency`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sandbox.domain.banks import AccountType
from sandbox.money import exponent


@dataclass(frozen=True)
class PowensAccountType:
    id: int
    name: str
    is_invest: bool
    display_name: str  # in French, as Powens' own
    display_name_p: str

    def json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "id_parent": None,
            "is_invest": self.is_invest,
            "display_name": self.display_name,
            "display_name_p": self.display_name_p,
        }


# Every name of the spec's `BankAccountTypeName`. The ids are the sandbox's (Powens' differ
# between domains and are not published); `checking` is 2 as in Powens' documented examples.
ACCOUNT_TYPES: tuple[PowensAccountType, ...] = (
    PowensAccountType(1, "unknown", False, "Inconnu", "Inconnus"),
    PowensAccountType(2, "checking", False, "Compte courant", "Comptes courants"),
    PowensAccountType(3, "savings", False, "Livret", "Livrets"),
    PowensAccountType(4, "deposit", False, "Compte à terme", "Comptes à terme"),
    PowensAccountType(5, "loan", False, "Prêt", "Prêts"),
    PowensAccountType(6, "market", True, "Compte titres", "Comptes titres"),
    PowensAccountType(7, "joint", False, "Compte joint", "Comptes joints"),
    PowensAccountType(8, "card", False, "Carte", "Cartes"),
    PowensAccountType(9, "lifeinsurance", True, "Assurance-vie", "Assurances-vie"),
    PowensAccountType(10, "pee", True, "PEE", "PEE"),
    PowensAccountType(11, "perco", True, "PERCO", "PERCO"),
    PowensAccountType(12, "article83", True, "Article 83", "Articles 83"),
    PowensAccountType(13, "rsp", True, "Réserve spéciale de participation", "RSP"),
    PowensAccountType(14, "pea", True, "PEA", "PEA"),
    PowensAccountType(15, "capitalisation", True, "Contrat de capitalisation", "Contrats"),
    PowensAccountType(16, "perp", True, "PERP", "PERP"),
    PowensAccountType(17, "madelin", True, "Contrat Madelin", "Contrats Madelin"),
    PowensAccountType(18, "per", True, "PER", "PER"),
    PowensAccountType(19, "real_estate", True, "Immobilier", "Immobilier"),
    PowensAccountType(20, "crowdlending", True, "Crowdlending", "Crowdlending"),
)
ACCOUNT_TYPE_BY_NAME = {kind.name: kind for kind in ACCOUNT_TYPES}
ACCOUNT_TYPE_BY_ID = {kind.id: kind for kind in ACCOUNT_TYPES}

# The platform's account types as Powens names them.
POWENS_ACCOUNT_TYPE: dict[str, PowensAccountType] = {
    AccountType.CHECKING.value: ACCOUNT_TYPE_BY_NAME["checking"],
    AccountType.SAVINGS.value: ACCOUNT_TYPE_BY_NAME["savings"],
    AccountType.CREDIT_CARD.value: ACCOUNT_TYPE_BY_NAME["card"],
    AccountType.LOAN.value: ACCOUNT_TYPE_BY_NAME["loan"],
    AccountType.DEPOSIT.value: ACCOUNT_TYPE_BY_NAME["deposit"],
    AccountType.INVESTMENT.value: ACCOUNT_TYPE_BY_NAME["market"],
}
UNKNOWN_TYPE = ACCOUNT_TYPE_BY_NAME["unknown"]

# Powens' account types (bank-accounts.yml `BankAccountTypeName`, and the French savings books
# integrators meet in Powens' sandbox) → the scenario's, for `account_types`.
INVESTMENTS = "market pea pee per perco perp lifeinsurance capitalisation madelin article83 rsp"
ACCOUNT_TYPE_OF_POWENS: dict[str, str | None] = {
    "checking": "checking",
    "joint": "checking",
    "savings": "savings",
    "livret_a": "savings",
    "ldds": "savings",
    "csl": "savings",
    "card": "credit_card",
    "loan": "loan",
    "deposit": "deposit",
    **dict.fromkeys([*INVESTMENTS.split(), "crowdlending", "real_estate"], "investment"),
    "unknown": None,
}


def account_type(platform_type: str) -> PowensAccountType:
    return POWENS_ACCOUNT_TYPE.get(platform_type, UNKNOWN_TYPE)


# The kind of each of the fake banks' transactions (its category) as Powens' transaction type:
# card payments, cash from a machine, the bank's own fees and interest, loan instalments,
# direct debits (`order`) and transfers. Unknown kinds are `unknown`.
TRANSACTION_TYPE: dict[str, str] = {
    "card": "card",
    "groceries": "card",
    "cash": "withdrawal",
    "fees": "bank",
    "interest": "bank",
    "loan": "loan_payment",
    "subscriptions": "order",
    "utilities": "order",
    "insurance": "order",
    "tax": "order",
    "salary": "transfer",
    "pension": "transfer",
    "payroll": "transfer",
    "income": "transfer",
    "suppliers": "transfer",
    "rent": "transfer",
    "education": "transfer",
    "donation": "transfer",
    "transfer": "transfer",
}
# A card payment on a card account is debited at the month's end: Powens' deferred card.
CARD_ACCOUNT = AccountType.CREDIT_CARD.value
CARD_TYPES = ("card", "deferred_card")


def transaction_type(category: str | None, account_type_: str) -> str:
    kind = TRANSACTION_TYPE.get(category or "", "unknown")
    if kind == "card" and account_type_ == CARD_ACCOUNT:
        return "deferred_card"
    return kind


# Names and symbols of the currencies banks commonly hold; any other is named by its code.
CURRENCY_NAMES: dict[str, tuple[str, str]] = {
    "EUR": ("Euro", "€"),
    "USD": ("US Dollar", "$"),
    "GBP": ("Pound Sterling", "£"),
    "CHF": ("Swiss Franc", "CHF"),
    "PLN": ("Złoty", "zł"),
    "SEK": ("Swedish Krona", "kr"),
    "NOK": ("Norwegian Krone", "kr"),
    "DKK": ("Danish Krone", "kr."),
    "CZK": ("Czech Koruna", "Kč"),
    "HUF": ("Forint", "Ft"),
    "RON": ("Romanian Leu", "lei"),
    "BGN": ("Bulgarian Lev", "лв"),
    "ISK": ("Iceland Krona", "kr"),
    "JPY": ("Yen", "¥"),
    "KRW": ("Won", "₩"),
    "CLP": ("Chilean Peso", "$"),
    "BHD": ("Bahraini Dinar", "BD"),
    "KWD": ("Kuwaiti Dinar", "KD"),
    "TND": ("Tunisian Dinar", "DT"),
    "CAD": ("Canadian Dollar", "$"),
    "AUD": ("Australian Dollar", "$"),
}
_CURRENCIES: dict[str, dict[str, Any]] = {}


def currency_json(code: str) -> dict[str, Any]:
    """Powens' currency object; `precision` is the currency's decimal places."""
    found = _CURRENCIES.get(code)
    if found is None:
        name, symbol = CURRENCY_NAMES.get(code, (code, code))
        found = {"id": code, "name": name, "symbol": symbol, "precision": exponent(code)}
        _CURRENCIES[code] = found
    return dict(found)
