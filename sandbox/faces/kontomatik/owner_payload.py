"""The Owner Upload payload (`POST /v1/owner`), read into the sandbox's statement model.

Kontomatik does not publish the payload's schema, so the sandbox's is Kontomatik's own element
names as camelCase JSON (README, "Kontomatik face"): an integrator can send back, as JSON,
what `data.xml` gave it. Every problem is listed with its JSON path; unknown keys are problems,
so a misspelt one is not dropped. Elements Kontomatik writes that the statement model has no
room for (`kind`, `status`, `labels`, an owner's documents…) are read and checked as text, but
not kept.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from sandbox.statements import text
from sandbox.statements.model import (
    MAX_ACCOUNTS,
    MAX_ENTRIES,
    MAX_PROBLEMS,
    Bank,
    Entry,
    Owner,
    Problem,
    Statement,
    StatementAccount,
)

MAX_ID = 200  # characters of an ownerExternalId, as the XML endpoints take it
MAX_OWNERS = 10
MAX_LABELS = 20
OWNER_KINDS = ("OWNER", "CO_OWNER")

# Read and kept.
_TOP_KEYS = ("ownerExternalId", "institution", "owners", "accounts")
_OWNER_KEYS = ("name", "address", "kind")
_ACCOUNT_KEYS = ("name", "friendlyName", "iban", "number", "currencyName", "currencyBalance",
                 "moneyTransactions")  # fmt: skip
_TRANSACTION_KEYS = ("transactionOn", "bookedOn", "currencyAmount", "currencyBalance", "title",
                     "party", "partyIban")  # fmt: skip
# Read, checked as text, not kept: the statement model has no room for them.
_OWNER_TEXT = (
    "polishPesel", "phone", "email", "citizenship", "nationality", "personalDocumentType",
    "personalDocumentNumber", "birthDate", "birthPlace",
)  # fmt: skip
_ACCOUNT_TEXT = ("currencyFundsAvailable", "activeSinceAtLeast")
_ACCOUNT_OTHER = ("directDebit", "owners")  # an object and a list, as data.xml has them
_TRANSACTION_TEXT = ("kind", "status", "variableSymbol", "constantSymbol")

_T = TypeVar("_T")


@dataclass(frozen=True)
class Payload:
    owner_external_id: str
    statement: Statement


class PayloadError(Exception):
    """The payload cannot be stored: every problem, each with its JSON path."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{p.where}: {p.message}" for p in problems[:3]))
        self.problems = problems[:MAX_PROBLEMS]


def read(data: bytes) -> Payload:
    """The payload, or PayloadError listing every problem."""
    try:
        document = json.loads(
            data.decode("utf-8-sig"), parse_float=Decimal, parse_int=Decimal, parse_constant=Decimal
        )
    except UnicodeDecodeError:
        raise PayloadError([Problem("$", "the body is not UTF-8 text")]) from None
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise PayloadError([Problem(where, f"is not valid JSON: {error.msg}")]) from None
    except RecursionError:
        raise PayloadError([Problem("$", "nests deeper than an Owner Upload does")]) from None
    reader = _Reader()
    payload = reader.payload(document)
    if reader.problems or payload is None:
        raise PayloadError(reader.problems or [Problem("$", "is not an Owner Upload")])
    return payload


class _Reader:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def problem(self, where: str, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(where, message))

    def payload(self, document: Any) -> Payload | None:
        top = self.object(document, "$", _TOP_KEYS)
        if top is None:
            return None
        external = self.value(top, "$", "ownerExternalId", _owner_id, required=True)
        institution = self.value(top, "$", "institution", _line)
        owners = [
            owner
            for index, item in enumerate(self.list(top, "$", "owners", MAX_OWNERS))
            if (owner := self.owner(item, f"$.owners[{index}]")) is not None
        ]
        accounts = [
            account
            for index, item in enumerate(self.list(top, "$", "accounts", MAX_ACCOUNTS, True))
            if (account := self.account(item, f"$.accounts[{index}]")) is not None
        ]
        if external is None or self.problems:
            return None
        holders = [owner for kind, owner in owners if kind == "OWNER"]
        co_owners = tuple(owner for kind, owner in owners if kind == "CO_OWNER")
        if len(holders) > 1:
            self.problem("$.owners", "names more than one OWNER; the others are CO_OWNER")
            return None
        holder = holders[0] if holders else Owner()
        owner = Owner(name=holder.name, address=holder.address, co_owners=co_owners)
        statement = Statement(accounts=tuple(accounts), owner=owner, bank=Bank(name=institution))
        return Payload(external, statement)

    def owner(self, item: Any, where: str) -> tuple[str, Owner] | None:
        found = self.object(item, where, (*_OWNER_KEYS, *_OWNER_TEXT))
        if found is None:
            return None
        name = self.value(found, where, "name", _line, required=True)
        address = self.value(found, where, "address", _line)
        kind = self.value(found, where, "kind", _owner_kind) or "OWNER"
        for key in _OWNER_TEXT:
            self.value(found, where, key, _line)
        return kind, Owner(name=name, address=(address,) if address else ())

    def account(self, item: Any, where: str) -> StatementAccount | None:
        found = self.object(item, where, (*_ACCOUNT_KEYS, *_ACCOUNT_TEXT, *_ACCOUNT_OTHER))
        if found is None:
            return None
        currency = self.value(found, where, "currencyName", text.currency, required=True)
        amount = _amount(currency)
        name = self.value(found, where, "name", _line)
        friendly = self.value(found, where, "friendlyName", _line)
        iban = self.value(found, where, "iban", text.iban)
        number = self.value(found, where, "number", _line)
        balance = self.value(found, where, "currencyBalance", amount)
        self.value(found, where, "currencyFundsAvailable", amount)
        self.value(found, where, "activeSinceAtLeast", text.iso_date)
        entries = [
            entry
            for index, one in enumerate(self.list(found, where, "moneyTransactions", MAX_ENTRIES))
            if (entry := self.transaction(one, f"{where}.moneyTransactions[{index}]", amount))
            is not None
        ]
        if currency is None:
            return None
        return StatementAccount(
            currency=currency,
            entries=_oldest_first(entries),
            iban=iban,
            number=number,
            name=name or friendly,
            closing_balance=balance,
        )

    def transaction(self, item: Any, where: str, amount: Callable[[Any], Decimal]) -> Entry | None:
        found = self.object(item, where, (*_TRANSACTION_KEYS, *_TRANSACTION_TEXT, "labels"))
        if found is None:
            return None
        booked = self.value(found, where, "bookedOn", text.iso_date)
        made = self.value(found, where, "transactionOn", text.iso_date)
        value = self.value(found, where, "currencyAmount", amount, required=True)
        balance = self.value(found, where, "currencyBalance", amount)
        title = self.value(found, where, "title", _line) or ""
        party = self.value(found, where, "party", _line)
        party_iban = self.value(found, where, "partyIban", text.iban)
        for key in _TRANSACTION_TEXT:
            self.value(found, where, key, _line)
        for index, label in enumerate(self.list(found, where, "labels", MAX_LABELS)):
            self.check(label, f"{where}.labels[{index}]", _line)
        if booked is None and made is None:
            self.problem(where, "needs bookedOn (or transactionOn)")
            return None
        if value is None:
            return None
        return Entry(
            booked_on=booked or made,  # type: ignore[arg-type]  # one is set, as checked above
            amount=value,
            description=title,
            value_on=made,
            counterparty_name=party,
            counterparty_iban=party_iban,
            balance_after=balance,
        )

    # --- the parts ---------------------------------------------------------------------

    def object(self, item: Any, where: str, keys: tuple[str, ...]) -> dict[str, Any] | None:
        if not isinstance(item, dict):
            self.problem(where, f"is {_kind(item)}, not an object")
            return None
        for key in item:
            if key not in keys:
                self.problem(f"{where}.{text.shown(key)[1:-1]}", "is not a key this object has")
        return item

    def list(
        self, parent: dict[str, Any], where: str, key: str, most: int, required: bool = False
    ) -> list[Any]:
        value = parent.get(key)
        if value is None:
            if required:
                self.problem(f"{where}.{key}", "is required")
            return []
        if not isinstance(value, list):
            self.problem(f"{where}.{key}", f"is {_kind(value)}, not a list")
            return []
        if required and not value:
            self.problem(f"{where}.{key}", "is empty; give at least one")
        if len(value) > most:
            self.problem(f"{where}.{key}", f"has {len(value)} items, more than the {most} allowed")
            return []
        return value

    def value(
        self,
        parent: dict[str, Any],
        where: str,
        key: str,
        check: Callable[[Any], _T],
        required: bool = False,
    ) -> _T | None:
        value = parent.get(key)
        if value is None:
            if required:
                self.problem(f"{where}.{key}", "is required")
            return None
        return self.check(value, f"{where}.{key}", check)

    def check(self, value: Any, where: str, check: Callable[[Any], _T]) -> _T | None:
        try:
            return check(value)
        except ValueError as error:
            self.problem(where, str(error))
            return None


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"is {_kind(value)}, not a string")
    return value


def _line(value: Any) -> str:
    return text.line(_string(value))


def _owner_id(value: Any) -> str:
    found = _string(value)
    if not 1 <= len(found) <= MAX_ID or "\x00" in found:
        raise ValueError(f"must be 1 to {MAX_ID} characters")
    return found


def _owner_kind(value: Any) -> str:
    if value not in OWNER_KINDS:
        raise ValueError(f"is {text.shown(value)}; use one of {', '.join(OWNER_KINDS)}")
    return value


def _amount(currency: str | None) -> Callable[[Any], Decimal]:
    """Amounts as Kontomatik writes them ("-20.00"), or JSON numbers; with the currency's
    places when the currency is known."""

    def checked(value: Any) -> Decimal:
        if isinstance(value, str):
            try:
                value = Decimal(value.strip())
            except ArithmeticError:
                raise ValueError(f'{text.shown(value)} is not an amount like "-20.00"') from None
        if not isinstance(value, Decimal):
            raise ValueError(f"is {_kind(value)}, not an amount")
        if not value.is_finite():
            raise ValueError(f"{text.shown(value)} is not an amount")
        return value if currency is None else text.amount(value, currency)

    return checked


def _oldest_first(entries: list[Entry]) -> tuple[Entry, ...]:
    """data.xml lists an account's transactions newest first; a statement reads oldest first
    (each balance after the one before), so a list that runs backwards is turned round."""
    if len(entries) > 1 and entries[0].booked_on > entries[-1].booked_on:
        entries = entries[::-1]
    return tuple(sorted(entries, key=lambda entry: entry.booked_on))


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, Decimal):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__
