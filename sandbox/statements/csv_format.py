"""CSV statements: the sandbox's own export, and the exports of German, French and Polish
banks (docs/statement-formats.md, "CSV").

The own export is UTF-8, comma separated, one row per transaction under a header row naming
`_COLUMNS`. Per account it carries the IBAN, name and currency; per entry booked_on, value_on,
amount, description, counterparty name and IBAN, reference, category and balance_after. It
cannot carry the owner, the bank, the issue date, an account's number, BIC, type or period:
those come back None (or empty). An account without transactions is one row with only its
account columns filled. Rows with the same account_iban are one account (without an IBAN, the
same account_name), so two accounts with one IBAN come back as one.

A text cell of the export (account name, description, counterparty name, reference) that a
spreadsheet would take for a formula, because it starts with =, +, -, @, a tab or a carriage
return, is written with a leading apostrophe, which spreadsheets show as text and do not
print; so is one that starts with an apostrophe itself. Reading our own export takes one
leading apostrophe off those cells again, so a file round-trips unchanged.

Opening and closing balances are not columns. When the rows have a balance_after, the opening
balance is the first entry's balance_after minus its amount and the closing balance the last
entry's balance_after; otherwise both are None.

A bank's export is recognised by its header row, whatever lines come before it (German banks
print the account above the table: an IBAN and a currency found there are the account's), and
lines under it that state a balance ("Kontostand", "Saldo", "Solde") are skipped. The header's
names are matched without regard to case, accents or spacing around "/". Numbers may use a
decimal comma or point (the last of the two is the decimal mark, the other groups thousands,
as do spaces) and end in their currency; dates may be YYYY-MM-DD, DD.MM.YYYY, DD/MM/YYYY or
DD-MM-YYYY (two-digit years are 20YY). A row without a description takes its booking type
(Buchungstext, Typ transakcji), else "". Files listing the newest entry first are read oldest
first. Without a currency column or one named in the preamble or header ("Betrag (EUR)"), a
Polish file is in PLN and any other in EUR.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property, partial
from itertools import pairwise
from typing import TypeVar

from sandbox.money import from_minor, to_minor
from sandbox.statements import text
from sandbox.statements.model import (
    MAX_ACCOUNTS,
    MAX_ENTRIES,
    Entry,
    Problem,
    Statement,
    StatementAccount,
    StatementError,
)

_T = TypeVar("_T")

MEDIA_TYPE = "text/csv; charset=utf-8"
EXTENSION = ".csv"

_COLUMNS = (
    "account_iban", "account_name", "currency", "booked_on", "value_on", "amount",
    "description", "counterparty_name", "counterparty_iban", "reference", "category",
    "balance_after",
)  # fmt: skip

# Our text columns: a cell a spreadsheet would evaluate is written behind an apostrophe.
_TEXT_COLUMNS = ("account_name", "description", "counterparty_name", "reference")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_GUARD = "'"

# Header names as `_label` spells them, per column, in order of preference: ours first, then
# German, French and Polish banks'. "kind" is the booking's type, the description of a row
# that has none of its own.
_ALIASES: dict[str, tuple[str, ...]] = {
    "account_iban": ("account_iban", "auftragskonto", "iban auftraggeberkonto"),
    "account_name": ("account_name",),
    "currency": ("currency", "waehrung", "devise", "waluta"),
    "booked_on": (
        "booked_on", "buchungstag", "buchungsdatum", "buchung", "date operation",
        "date de l'operation", "date", "data ksiegowania", "data operacji",
    ),
    "value_on": (
        "value_on", "valutadatum", "wertstellung", "valuta", "wert", "date valeur",
        "date de valeur", "data waluty",
    ),
    "amount": (
        "amount", "betrag", "umsatz", "montant", "montant de l'operation", "kwota",
        "kwota operacji",
    ),
    "debit": ("soll", "debit", "debit euros"),
    "credit": ("haben", "credit", "credit euros"),
    "side": ("soll/haben",),  # S or H beside an unsigned amount (Volksbanken)
    "description": (
        "description", "verwendungszweck", "vorgang/verwendungszweck", "libelle",
        "detail de l'ecriture", "opis operacji", "tytul", "opis transakcji", "buchungstext",
    ),
    "kind": ("buchungstext", "umsatzart", "typ transakcji", "typ operacji"),
    "counterparty_name": (
        "counterparty_name", "beguenstigter/zahlungspflichtiger", "auftraggeber/empfaenger",
        "beguenstigter/auftraggeber", "auftraggeber/beguenstigter",
        "empfaenger/zahlungspflichtiger", "name zahlungsbeteiligter", "nadawca/odbiorca",
        "kontrahent", "dane kontrahenta",
    ),
    "counterparty_iban": (
        "counterparty_iban", "kontonummer/iban", "iban zahlungsbeteiligter", "iban",
        "numer konta", "rachunek kontrahenta", "numer rachunku kontrahenta",
    ),
    "reference": ("reference",),
    "category": ("category",),
    "balance_after": (
        "balance_after", "saldo nach buchung", "saldo", "saldo po operacji",
        "saldo po transakcji", "solde",
    ),
}  # fmt: skip
# Names only Polish banks use: such a header means a file that is not UTF-8 is Windows-1250.
_POLISH = frozenset(
    {
        "waluta", "data ksiegowania", "data operacji", "data waluty", "kwota", "kwota operacji",
        "opis operacji", "tytul", "opis transakcji", "typ transakcji", "typ operacji",
        "nadawca/odbiorca", "kontrahent", "dane kontrahenta", "numer konta",
        "rachunek kontrahenta", "numer rachunku kontrahenta", "saldo po operacji",
        "saldo po transakcji",
    }
)  # fmt: skip
_CURRENCY_LABELS = frozenset(_ALIASES["currency"])
_NEEDED = (
    "a header row naming at least the booking date (booked_on, Buchungstag, Date opération, "
    "Data operacji), the amount (amount, Betrag, Montant, Kwota, or Soll and Haben, Débit and "
    "Crédit) and the description (description, Verwendungszweck, Libellé, Opis operacji)"
)
# What the lines under a table that state a balance start with (Deutsche Bank's "Kontostand").
_BALANCE_LINES = ("kontostand", "alter kontostand", "neuer kontostand", "saldo", "solde")
_SEPARATORS = (",", ";", "\t")
_MAX_PREAMBLE = 50  # lines a bank prints above its table

_NUMBER = re.compile(
    r"(?P<sign>[+-]?)(?P<whole>[0-9]+|[0-9]{1,3}(?P<group>[ .,'])[0-9]{3}(?:(?P=group)[0-9]{3})*)"
    r"(?:(?P<mark>[.,])(?P<part>[0-9]+))?"
)
_SUFFIX = re.compile(r"\s*(?P<code>[A-Z]{3}|€|zł)$")
_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_DAY_FIRST = re.compile(r"([0-9]{1,2})([./-])([0-9]{1,2})\2([0-9]{4}|[0-9]{2})")
_IBAN_LIKE = re.compile(r"\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}\b")
_NRB = re.compile(r"[0-9]{26}")  # a Polish account number: the IBAN without its "PL"
_NRB_LIKE = re.compile(r"\b[0-9]{2}(?: ?[0-9]{4}){6}\b")
_CURRENCY_IN_NAME = re.compile(r"(?P<name>.+?)\s*\((?P<code>[a-z]{3}|€)\)")


def render(statement: Statement) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(_COLUMNS)
    for account in statement.accounts:
        held = [account.iban, _guarded(account.name), account.currency]
        if not account.entries:
            writer.writerow(held + [None] * (len(_COLUMNS) - len(held)))
        for entry in account.entries:
            writer.writerow(
                [
                    *held,
                    entry.booked_on.isoformat(),
                    entry.value_on.isoformat() if entry.value_on else None,
                    _money(entry.amount, account.currency),
                    _guarded(entry.description),
                    _guarded(entry.counterparty_name),
                    entry.counterparty_iban,
                    _guarded(entry.reference),
                    entry.category,
                    _money(entry.balance_after, account.currency),
                ]
            )
    return out.getvalue().encode()


def _guarded(value: str | None) -> str | None:
    """A text cell as a spreadsheet shows it but never evaluates it (see the module's doc)."""
    if value and (value.lstrip(" ").startswith(_FORMULA_STARTS) or value.startswith(_GUARD)):
        return _GUARD + value
    return value


def _money(value: Decimal | None, currency: str) -> str | None:
    if value is None:
        return None
    return format(from_minor(to_minor(value, currency), currency), "f")


def parse(data: bytes) -> Statement:
    if not data.strip():
        raise StatementError([Problem("file", f"is empty; a statement CSV needs {_NEEDED}")])
    if b"\x00" in data:
        raise StatementError([Problem("file", "is binary, not CSV text")])
    source = _decode(data)
    table = _table(source)
    if table is None:
        raise StatementError(
            [Problem("file", f"has no header row this sandbox knows; it needs {_NEEDED}")]
        )
    reader = _Reader(table)
    statement = reader.statement()
    if reader.problems:
        raise StatementError(reader.problems)
    return statement


def _decode(data: bytes) -> str:
    """UTF-8 (with or without its byte order mark), else the Windows code page of the header's
    language: 1250 for Polish, 1252 for the rest."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    table = _table(data.decode("cp1250", errors="replace"))
    encoding = "cp1250" if table and table.polish else "cp1252"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        name = encoding.replace("cp", "Windows-")
        raise StatementError(
            [Problem(f"line {line}", f"is neither UTF-8 nor {name} text")]
        ) from None


# --- finding the table -----------------------------------------------------------------


@dataclass
class _Table:
    source: str
    separator: str
    header_line: int
    names: list[str]  # the header's cells as written, for problems
    columns: dict[str, int]  # our column name to its position
    amount_currency: str | None  # "Betrag (EUR)"
    preamble: list[list[str]]

    @cached_property
    def ours(self) -> bool:
        """The sandbox's own export: its header, column for column."""
        return [_label(name)[0] for name in self.names] == list(_COLUMNS)

    @property
    def polish(self) -> bool:
        return any(_label(name)[0] in _POLISH for name in self.names)


class _Broken(Exception):
    """A record the csv module cannot read, and the line it starts on."""

    def __init__(self, line: int, error: csv.Error) -> None:
        super().__init__(str(error))
        self.line = line
        if "end of data" in str(error):
            self.message = "has a quote that is never closed"
        elif "expected after" in str(error):
            self.message = "has text after a closing quote; quote the whole field"
        else:
            self.message = f"is not CSV: {error}"


def _records(source: str, separator: str) -> Iterator[tuple[int, list[str]]]:
    """Each record with the line it starts on; quoted fields may span lines."""
    reader = csv.reader(io.StringIO(source, newline=""), delimiter=separator, strict=True)
    previous = 0
    try:
        for record in reader:
            yield previous + 1, record
            previous = reader.line_num
    except csv.Error as error:
        raise _Broken(previous + 1, error) from None


def _table(source: str) -> _Table | None:
    """The header row: under whichever separator recognises the most columns in it."""
    found = [table for separator in _SEPARATORS if (table := _header(source, separator))]
    return max(found, key=lambda table: len(table.columns), default=None)


def _header(source: str, separator: str) -> _Table | None:
    preamble: list[list[str]] = []
    try:
        for line, record in _records(source, separator):
            if line > _MAX_PREAMBLE:
                return None
            labels = [_label(cell) for cell in record]
            positions: dict[str, int] = {}
            for at, (name, _) in enumerate(labels):
                positions.setdefault(name, at)
            columns = {
                column: next(positions[alias] for alias in aliases if alias in positions)
                for column, aliases in _ALIASES.items()
                if any(alias in positions for alias in aliases)
            }
            money = {"amount", "debit", "credit"} & columns.keys()
            if "booked_on" in columns and money:
                hints = [code for _, code in labels if code]
                return _Table(
                    source=source,
                    separator=separator,
                    header_line=line,
                    names=[cell.strip() for cell in record],
                    columns=columns,
                    amount_currency=hints[0].upper().replace("€", "EUR") if hints else None,
                    preamble=preamble,
                )
            preamble.append(record)
    except _Broken:
        return None
    return None


def _label(cell: str) -> tuple[str, str | None]:
    """A header name as the aliases spell it (lower case, no accents, ä as ae, no spaces around
    "/", no leading "#" or trailing ":"), and the currency it names in brackets, if any."""
    folded = cell.strip().lstrip("#").rstrip(":").strip().casefold()
    for umlaut, spelt in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("’", "'"), ("ł", "l")):
        folded = folded.replace(umlaut, spelt)
    folded = "".join(
        c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c)
    )
    folded = re.sub(r"\s*/\s*", "/", " ".join(folded.split()))
    named = _CURRENCY_IN_NAME.fullmatch(folded)
    if named:
        return named["name"], named["code"]
    return folded, None


# --- reading the rows ------------------------------------------------------------------


@dataclass
class _Account:
    iban: str | None
    name: str | None
    currency: str
    line: int  # where it first appears
    entries: list[Entry] = field(default_factory=list)


class _Row:
    """One record under the header, read cell by cell; a problem names its line and column."""

    def __init__(self, table: _Table, line: int, record: list[str], problems: list[Problem]):
        self.table = table
        self.line = line
        self.problems = problems
        # Each cell's text on one line (a quoted cell may span several).
        self.cells = {
            column: " ".join(record[at].split())
            for column, at in table.columns.items()
            if at < len(record)
        }
        if table.ours:  # our export's guarded text cells, as they were before the guard
            for column in _TEXT_COLUMNS:
                self.cells[column] = self.cells.get(column, "").removeprefix(_GUARD)

    def cell(self, column: str) -> str:
        return self.cells.get(column, "")

    def where(self, column: str) -> str:
        at = self.table.columns.get(column)
        if at is None:
            return f"line {self.line}"
        return f"line {self.line}, column {self.table.names[at]}"

    def read(self, column: str, convert: Callable[[str], _T]) -> _T | None:
        value = self.cell(column)
        if not value:
            return None
        try:
            return convert(value)
        except ValueError as error:
            self.problems.append(Problem(self.where(column), str(error)))
            return None

    def empty(self, *columns: str) -> bool:
        return not any(self.cell(column) for column in columns)


class _Reader:
    def __init__(self, table: _Table) -> None:
        self.table = table
        self.problems: list[Problem] = []
        self.accounts: dict[tuple[str, str], _Account] = {}
        self.polish = table.polish
        self.preamble_iban, preamble_currency = self._preamble()
        self.currency = (
            table.amount_currency or preamble_currency or ("PLN" if self.polish else "EUR")
        )

    def statement(self) -> Statement:
        if "description" not in self.table.columns:
            self.problems.append(
                Problem(
                    f"line {self.table.header_line}",
                    "has no description column (description, Verwendungszweck, Libellé, "
                    "Opis operacji, Tytuł)",
                )
            )
        rows = 0
        try:
            for line, record in _records(self.table.source, self.table.separator):
                if line <= self.table.header_line or _aside(record):
                    continue
                rows += 1
                if rows > MAX_ENTRIES:
                    self.problems.append(
                        Problem(f"line {line}", f"is past the {MAX_ENTRIES} rows a file may have")
                    )
                    break
                self._row(_Row(self.table, line, record, self.problems))
                if len(self.accounts) > MAX_ACCOUNTS:
                    self.problems.append(
                        Problem(
                            f"line {line}", f"is past the {MAX_ACCOUNTS} accounts a file may have"
                        )
                    )
                    break
        except _Broken as broken:
            self.problems.append(Problem(f"line {broken.line}", broken.message))
        return Statement(accounts=tuple(_account(held) for held in self.accounts.values()))

    def _preamble(self) -> tuple[str | None, str | None]:
        """The account's IBAN and currency where the bank printed them above the table."""
        iban = currency = None
        for record in self.table.preamble:
            for i, cell in enumerate(record):
                candidates = _IBAN_LIKE.findall(cell.upper())
                if self.polish:
                    candidates += _NRB_LIKE.findall(cell)
                for candidate in candidates:
                    iban = iban or _valid(self._iban, candidate)
                after = [c.strip() for c in record[i + 1 :] if c.strip()]
                if after and _label(cell)[0] in _CURRENCY_LABELS:
                    currency = currency or _valid(_currency, after[0])
        return iban, currency

    def _row(self, row: _Row) -> None:
        before = len(self.problems)
        iban = row.read("account_iban", self._iban) or self.preamble_iban
        name = row.read("account_name", text.line)
        currency = row.read("currency", _currency) or self.currency
        account = self._account(row, iban, name, currency)
        if row.empty("booked_on", "amount", "debit", "credit"):
            if "account_iban" not in self.table.columns or not row.empty("description"):
                self.problems.append(
                    Problem(f"line {row.line}", "has no booking date and no amount")
                )
            return  # the row of an account without transactions
        booked_on = row.read("booked_on", _date)
        if row.empty("booked_on"):
            self.problems.append(
                Problem(row.where("booked_on"), "is empty; a row needs its booking date")
            )
        amount = self._amount(row, currency)
        description = row.read("description", text.line) or row.read("kind", text.line) or ""
        value_on = row.read("value_on", _date)
        counterparty_name = row.read("counterparty_name", text.line)
        counterparty_iban = row.read("counterparty_iban", self._iban)
        reference = row.read("reference", text.line)
        category = row.read("category", text.category)
        balance_after = row.read("balance_after", partial(_number, currency=currency))
        if len(self.problems) > before or booked_on is None or amount is None:
            return
        account.entries.append(
            Entry(
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
        )

    def _amount(self, row: _Row, currency: str) -> Decimal | None:
        """The signed amount: one column, or a debit column and a credit column (Soll and
        Haben, Débit and Crédit) whose amounts may be written with or without their sign; a
        file with both kinds (Deutsche Bank's) fills one or the other."""
        number = partial(_number, currency=currency)
        split = {"debit", "credit"} & self.table.columns.keys()
        if "amount" in self.table.columns and not (split and row.empty("amount")):
            if row.empty("amount"):
                self.problems.append(
                    Problem(row.where("amount"), "is empty; a row needs its amount")
                )
            amount = row.read("amount", number)
            if amount is None or "side" not in self.table.columns:
                return amount
            return self._sided(row, amount)
        debit, credit = row.read("debit", number), row.read("credit", number)
        if debit and credit:
            self.problems.append(
                Problem(
                    f"line {row.line}", "has both a debit and a credit amount; give one of them"
                )
            )
            return None
        if debit is None and credit is None:
            if row.empty("debit", "credit"):
                self.problems.append(
                    Problem(f"line {row.line}", "has neither a debit nor a credit amount")
                )
            return None
        return -abs(debit) if debit else abs(credit or Decimal(0))

    def _sided(self, row: _Row, amount: Decimal) -> Decimal | None:
        side = row.cell("side").upper()
        if side in ("S", "SOLL"):
            return -abs(amount)
        if side in ("H", "HABEN"):
            return abs(amount)
        self.problems.append(
            Problem(row.where("side"), f"{text.shown(side)} is neither S (Soll) nor H (Haben)")
        )
        return None

    def _account(self, row: _Row, iban: str | None, name: str | None, currency: str) -> _Account:
        key = (iban, "") if iban else ("", name or "")
        held = self.accounts.get(key)
        if held is None:
            held = self.accounts[key] = _Account(iban, name, currency, row.line)
        elif held.currency != currency:
            self.problems.append(
                Problem(
                    row.where("currency"),
                    f"is {currency}, but line {held.line} puts this account in {held.currency}",
                )
            )
        return held

    def _iban(self, value: str) -> str:
        """An IBAN; in a Polish file also the 26-digit account number it is made of."""
        if self.polish and _NRB.fullmatch(value.replace(" ", "")):
            value = "PL" + value
        return text.iban(value)


def _aside(record: list[str]) -> bool:
    """A blank line, or a balance line a bank prints under its table."""
    written = [cell for cell in record if cell.strip()]
    return not written or written[0].strip().casefold().startswith(_BALANCE_LINES)


def _account(held: _Account) -> StatementAccount:
    entries = held.entries
    newest_first = len(entries) > 1 and entries[0].booked_on > entries[-1].booked_on
    if newest_first and all(a.booked_on >= b.booked_on for a, b in pairwise(entries)):
        entries = entries[::-1]
    opening = closing = None
    if entries and entries[0].balance_after is not None:
        opening = entries[0].balance_after - entries[0].amount
    if entries and entries[-1].balance_after is not None:
        closing = entries[-1].balance_after
    return StatementAccount(
        currency=held.currency,
        entries=tuple(entries),
        iban=held.iban,
        name=held.name,
        opening_balance=opening,
        closing_balance=closing,
    )


# --- cells -----------------------------------------------------------------------------


def _number(value: str, currency: str) -> Decimal:
    written = value.replace("\u2212", "-")  # a typeset minus
    suffix = _SUFFIX.search(written)
    if suffix:
        named = {"€": "EUR", "zł": "PLN"}.get(suffix["code"], suffix["code"])
        if named != currency:
            raise ValueError(f"{text.shown(value)} is in {named}, but the row is in {currency}")
        written = written[: suffix.start()]
    found = _NUMBER.fullmatch(written)
    if not found or (found["group"] and found["group"] == found["mark"]):
        raise ValueError(f"{text.shown(value)} is not an amount like -1234.56 or -1.234,56")
    whole = found["whole"].replace(found["group"] or "", "")
    part = f".{found['part']}" if found["part"] else ""
    return text.amount(Decimal(f"{found['sign']}{whole}{part}"), currency, written=value)


def _date(value: str) -> date:
    iso = _ISO.fullmatch(value)
    if iso:
        return text.calendar_date(int(iso[1]), int(iso[2]), int(iso[3]), value)
    day_first = _DAY_FIRST.fullmatch(value)
    if day_first:
        year = int(day_first[4]) + (2000 if len(day_first[4]) == 2 else 0)
        return text.calendar_date(year, int(day_first[3]), int(day_first[1]), value)
    raise ValueError(f"{text.shown(value)} is not a date like 2026-03-31 or 31.03.2026")


def _currency(value: str) -> str:
    return text.currency(value.upper())


def _valid(convert: Callable[[str], str], value: str) -> str | None:
    try:
        return convert(value)
    except ValueError:
        return None
