"""The sandbox's own JSON statement (docs/statement-formats.md, "JSON").

It carries every field of the model: the owner (name, address lines), the bank (name, BIC,
colour), the issue date, and per account its IBAN, number, BIC, name, type, currency, period,
opening and closing balances, and per entry booked_on, value_on, amount, description,
counterparty name and IBAN, reference, category and balance_after. It does not carry
`Statement.findings`: those are what a parser finds checking a file, not part of the file.

Amounts are written as strings with exactly the currency's places and read from strings or
JSON numbers, always as Decimal. Unknown keys are problems, so a misspelt key is not dropped.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from sandbox.money import from_minor, to_minor
from sandbox.statements import text
from sandbox.statements.model import (
    MAX_ACCOUNTS,
    MAX_ENTRIES,
    Bank,
    Entry,
    Owner,
    Problem,
    Statement,
    StatementAccount,
    StatementError,
)

MEDIA_TYPE = "application/json"
EXTENSION = ".json"

# The shape nests six deep: the statement, accounts, an account, transactions, a transaction,
# its counterparty. Deeper input is refused before the parser recurses into it.
_MAX_DEPTH = 6
_MAX_ADDRESS_LINES = 6

_STATEMENT_KEYS = ("owner", "bank", "issued_on", "accounts")
_OWNER_KEYS = ("name", "address")
_BANK_KEYS = ("name", "bic", "colour")
_ACCOUNT_KEYS = (
    "iban", "number", "bic", "name", "type", "currency", "period",
    "opening_balance", "closing_balance", "transactions",
)  # fmt: skip
_PERIOD_KEYS = ("from", "to")
_ENTRY_KEYS = (
    "booked_on", "value_on", "amount", "description", "counterparty", "reference", "category",
    "balance_after",
)  # fmt: skip
_COUNTERPARTY_KEYS = ("name", "iban")

_AMOUNT = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
# A string (possibly unterminated) or a bracket: what the depth check has to tell apart.
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]', re.DOTALL)

_T = TypeVar("_T")


def parse(data: bytes) -> Statement:
    document = _load(data)
    reader = _Reader()
    statement = reader.statement(document)
    if reader.problems or statement is None:
        raise StatementError(reader.problems or [Problem("$", "is not a statement")])
    return statement


def render(statement: Statement) -> bytes:
    document = {
        "owner": {"name": statement.owner.name, "address": list(statement.owner.address)},
        "bank": {
            "name": statement.bank.name,
            "bic": statement.bank.bic,
            "colour": statement.bank.colour,
        },
        "issued_on": _day(statement.issued_on),
        "accounts": [_account_document(account) for account in statement.accounts],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()


def _account_document(account: StatementAccount) -> dict[str, Any]:
    currency = account.currency
    period = None
    if account.period_from or account.period_to:
        period = {"from": _day(account.period_from), "to": _day(account.period_to)}
    return {
        "iban": account.iban,
        "number": account.number,
        "bic": account.bic,
        "name": account.name,
        "type": account.type,
        "currency": currency,
        "period": period,
        "opening_balance": _money(account.opening_balance, currency),
        "closing_balance": _money(account.closing_balance, currency),
        "transactions": [_entry_document(entry, currency) for entry in account.entries],
    }


def _entry_document(entry: Entry, currency: str) -> dict[str, Any]:
    counterparty = None
    if entry.counterparty_name or entry.counterparty_iban:
        counterparty = {"name": entry.counterparty_name, "iban": entry.counterparty_iban}
    return {
        "booked_on": _day(entry.booked_on),
        "value_on": _day(entry.value_on),
        "amount": _money(entry.amount, currency),
        "description": entry.description,
        "counterparty": counterparty,
        "reference": entry.reference,
        "category": entry.category,
        "balance_after": _money(entry.balance_after, currency),
    }


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _money(value: Decimal | None, currency: str) -> str | None:
    if value is None:
        return None
    return format(from_minor(to_minor(value, currency), currency), "f")


# --- reading ---------------------------------------------------------------------------


class _Object(dict[str, Any]):
    """A JSON object that remembers the keys it had more than once (the last one wins in
    `json`, which would otherwise hide the first silently)."""

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__(pairs)
        self.repeated: list[str] = []
        if len(self) < len(pairs):
            counts = Counter(key for key, _ in pairs)
            self.repeated = sorted(key for key, count in counts.items() if count > 1)


def _load(data: bytes) -> Any:
    if not data.strip():
        raise StatementError([Problem("file", "is empty; a JSON statement is an object")])
    try:
        source = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise StatementError([Problem(f"line {line}", "is not UTF-8 text")]) from None
    _check_depth(source)
    try:
        return json.loads(
            source,
            parse_float=Decimal,
            parse_int=Decimal,  # also spares int()'s limit on very long digit strings
            parse_constant=Decimal,  # NaN and Infinity, refused as amounts later
            object_pairs_hook=_Object,
        )
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise StatementError([Problem(where, f"is not valid JSON: {error.msg}")]) from None


def _check_depth(source: str) -> None:
    depth = 0
    for token in _TOKEN.finditer(source):
        bracket = token[0]
        if bracket in "[{":
            depth += 1
            if depth > _MAX_DEPTH:
                start = token.start()
                line = source.count("\n", 0, start) + 1
                column = start - source.rfind("\n", 0, start)
                raise StatementError(
                    [
                        Problem(
                            f"line {line}, column {column}",
                            f"nests deeper than a statement does ({_MAX_DEPTH} levels)",
                        )
                    ]
                )
        elif bracket in "]}":
            depth -= 1


class _Reader:
    """Walks the parsed document, collecting a problem per bad value with its JSON path."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def statement(self, document: Any) -> Statement | None:
        found = self._object(document, "$", _STATEMENT_KEYS)
        if found is None:
            return None
        accounts = self._list(found.get("accounts"), "$.accounts", MAX_ACCOUNTS, "accounts")
        if accounts is None and found.get("accounts") is None:
            self.problems.append(Problem("$.accounts", "is missing"))
        elif accounts == []:
            self.problems.append(Problem("$.accounts", "lists no accounts"))
        entries = sum(
            len(account["transactions"])
            for account in accounts or []
            if isinstance(account, dict) and isinstance(account.get("transactions"), list)
        )
        if entries > MAX_ENTRIES:
            self.problems.append(
                Problem("$.accounts", f"has {entries} transactions in all, more than {MAX_ENTRIES}")
            )
            return None
        read = [self._account(value, f"$.accounts[{i}]") for i, value in enumerate(accounts or [])]
        return Statement(
            accounts=tuple(account for account in read if account is not None),
            owner=self._owner(found.get("owner"), "$.owner"),
            bank=self._bank(found.get("bank"), "$.bank"),
            issued_on=self._field(found, "issued_on", "$", _string(text.iso_date)),
        )

    def _owner(self, value: Any, path: str) -> Owner:
        found = self._object(value, path, _OWNER_KEYS) if value is not None else None
        if found is None:
            return Owner()
        lines = self._list(found.get("address"), f"{path}.address", _MAX_ADDRESS_LINES, "lines")
        address = [
            self._value(line, f"{path}.address[{i}]", _string(text.line))
            for i, line in enumerate(lines or [])
        ]
        return Owner(
            name=self._field(found, "name", path, _string(text.line)),
            address=tuple(line for line in address if line is not None),
        )

    def _bank(self, value: Any, path: str) -> Bank:
        found = self._object(value, path, _BANK_KEYS) if value is not None else None
        if found is None:
            return Bank()
        return Bank(
            name=self._field(found, "name", path, _string(text.line)),
            bic=self._field(found, "bic", path, _string(text.bic)),
            colour=self._field(found, "colour", path, _string(_colour)),
        )

    def _account(self, value: Any, path: str) -> StatementAccount | None:
        found = self._object(value, path, _ACCOUNT_KEYS)
        if found is None:
            return None
        iban = self._field(found, "iban", path, _string(text.iban))
        number = self._field(found, "number", path, _string(text.line))
        bic = self._field(found, "bic", path, _string(text.bic))
        name = self._field(found, "name", path, _string(text.line))
        kind = self._field(found, "type", path, _string(text.account_type))
        currency = self._field(found, "currency", path, _string(text.currency), required=True)
        period_from, period_to = self._period(found.get("period"), f"{path}.period")
        money = _amount(currency)
        opening = self._field(found, "opening_balance", path, money)
        closing = self._field(found, "closing_balance", path, money)
        transactions = self._list(
            found.get("transactions"), f"{path}.transactions", MAX_ENTRIES, "transactions"
        )
        entries = [
            self._entry(entry, f"{path}.transactions[{i}]", money)
            for i, entry in enumerate(transactions or [])
        ]
        if currency is None:
            return None
        return StatementAccount(
            currency=currency,
            entries=tuple(entry for entry in entries if entry is not None),
            iban=iban,
            number=number,
            bic=bic,
            name=name,
            type=kind,
            period_from=period_from,
            period_to=period_to,
            opening_balance=opening,
            closing_balance=closing,
        )

    def _period(self, value: Any, path: str) -> tuple[date | None, date | None]:
        found = self._object(value, path, _PERIOD_KEYS) if value is not None else None
        if found is None:
            return None, None
        start = self._field(found, "from", path, _string(text.iso_date))
        end = self._field(found, "to", path, _string(text.iso_date))
        if start and end and start > end:
            self.problems.append(Problem(path, f"ends ({end}) before it starts ({start})"))
        return start, end

    def _entry(self, value: Any, path: str, money: Callable[[Any], Decimal]) -> Entry | None:
        found = self._object(value, path, _ENTRY_KEYS)
        if found is None:
            return None
        counterparty = found.get("counterparty")
        party = None
        if counterparty is not None:
            party = self._object(counterparty, f"{path}.counterparty", _COUNTERPARTY_KEYS)
        party_path = f"{path}.counterparty"
        booked_on = self._field(found, "booked_on", path, _string(text.iso_date), required=True)
        amount = self._field(found, "amount", path, money, required=True)
        description = self._field(found, "description", path, _string(text.line), required=True)
        value_on = self._field(found, "value_on", path, _string(text.iso_date))
        counterparty_name = self._field(party or {}, "name", party_path, _string(text.line))
        counterparty_iban = self._field(party or {}, "iban", party_path, _string(text.iban))
        reference = self._field(found, "reference", path, _string(text.line))
        category = self._field(found, "category", path, _string(text.category))
        balance_after = self._field(found, "balance_after", path, money)
        if booked_on is None or amount is None or description is None:
            return None
        return Entry(
            booked_on=booked_on,
            amount=amount,
            description=description,
            value_on=value_on,
            counterparty_name=counterparty_name,
            counterparty_iban=counterparty_iban,
            reference=reference,
            category=category,
            balance_after=balance_after,
        )

    def _object(self, value: Any, path: str, keys: tuple[str, ...]) -> _Object | None:
        if not isinstance(value, _Object):
            self.problems.append(Problem(path, f"is {_kind(value)}, not an object"))
            return None
        for key in value:
            if key not in keys:
                self.problems.append(
                    Problem(f"{path}.{key}", f"is not a key here; use {', '.join(keys)}")
                )
        for key in value.repeated:
            self.problems.append(Problem(f"{path}.{key}", "is given more than once"))
        return value

    def _list(self, value: Any, path: str, limit: int, what: str) -> list[Any] | None:
        if value is None:
            return None
        if not isinstance(value, list):
            self.problems.append(Problem(path, f"is {_kind(value)}, not an array"))
            return None
        if len(value) > limit:
            self.problems.append(Problem(path, f"has {len(value)} {what}, more than {limit}"))
            return None
        return value

    def _field(
        self,
        found: dict[str, Any],
        key: str,
        path: str,
        convert: Callable[[Any], _T],
        required: bool = False,
    ) -> _T | None:
        if found.get(key) is None:
            if required:
                self.problems.append(Problem(f"{path}.{key}", "is missing"))
            return None
        return self._value(found[key], f"{path}.{key}", convert)

    def _value(self, value: Any, path: str, convert: Callable[[Any], _T]) -> _T | None:
        try:
            return convert(value)
        except ValueError as error:
            self.problems.append(Problem(path, str(error)))
            return None


def _string(convert: Callable[[str], _T]) -> Callable[[Any], _T]:
    def checked(value: Any) -> _T:
        if not isinstance(value, str):
            raise ValueError(f"is {_kind(value)}, not a string")
        return convert(value)

    return checked


def _amount(currency: str | None) -> Callable[[Any], Decimal]:
    """Amounts of an account in `currency`; without a valid currency their places cannot be
    checked, so only their form is (the currency's own problem is reported already)."""

    def checked(value: Any) -> Decimal:
        if isinstance(value, str):
            if not _AMOUNT.fullmatch(value):
                raise ValueError(f'{text.shown(value)} is not an amount like "-12.30"')
            value = Decimal(value)
        if not isinstance(value, Decimal):
            raise ValueError(f"is {_kind(value)}, not an amount")
        if currency is None:
            return value
        return text.amount(value, currency)

    return checked


def _colour(value: str) -> str:
    if not _COLOUR.fullmatch(value):
        raise ValueError(f'{text.shown(value)} is not a colour like "#1d4e89"')
    return value


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, Decimal):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return "null"
