"""A statement read back from the words of a PDF the sandbox rendered (`pdf_words.py`), line
by line as `pdf_layout.py` wrote them: the band's bank name and BIC, label and value lines,
account headings, and table rows whose columns are found from the table header on each page,
so the same layout shifted a little still reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sandbox.money import exponent
from sandbox.statements import pdf_layout as layout
from sandbox.statements.model import (
    MAX_ACCOUNTS,
    MAX_ENTRIES,
    MAX_TEXT,
    Bank,
    Entry,
    Owner,
    Problem,
    Statement,
    StatementAccount,
    StatementError,
)
from sandbox.statements.pdf_words import Document, Line, Run


def statement(document: Document) -> Statement:
    """The statement the document's pages show; StatementError lists every problem found."""
    return _Reader().statement(document)


HEADING = re.compile(r"Account (\d+) of (\d+)( \(continued\))?")
FOOTER = re.compile(r"Page \d+ of \d+")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
AMOUNT = re.compile(r"-?\d{1,3}(?:,\d{3})*(?:\.(\d+))?")
MAX_DIGITS = 18
HOLDER_LABELS = {layout.HOLDER, layout.ADDRESS, layout.ISSUED}
ACCOUNT_LABELS = {
    layout.NAME,
    layout.IBAN,
    layout.NUMBER,
    layout.BIC,
    layout.TYPE,
    layout.CURRENCY,
    layout.PERIOD,
    layout.OPENING,
    layout.CLOSING,
}
DETAIL_LABELS = {layout.PAYER, layout.PAYEE, layout.COUNTERPARTY_IBAN, layout.REFERENCE}
COLUMN_SLACK = 8.0  # points a column's text may stand off its header
DETAIL_INDENT = layout.DETAIL_X - layout.DESCRIPTION_X


@dataclass(slots=True)
class _RawEntry:
    page: int
    booked: str
    valued: str | None
    amount: str | None
    balance: str | None
    description: list[str]
    details: list[tuple[str, list[str]]] = field(default_factory=list)


@dataclass(slots=True)
class _RawAccount:
    page: int
    fields: dict[str, list[str]] = field(default_factory=dict)
    entries: list[_RawEntry] = field(default_factory=list)


@dataclass(slots=True)
class _Key:
    """The last label line read: a line with a value alone under it continues it."""

    fields: dict[str, list[str]]
    label: str
    x: float


class _Reader:
    """Reads the lines of every page in order, as the layout wrote them, collecting every
    problem on the way."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.bank = Bank()
        self.holder: dict[str, list[str]] = {}
        self.accounts: list[_RawAccount] = []

    def statement(self, document: Document) -> Statement:
        for number, lines in enumerate(document.pages, start=1):
            self._page(number, lines)
        if not self.accounts and not self.problems:
            self.problems.append(
                Problem("file", "no account found: a statement lists each under 'Account 1 of N'")
            )
        if len(self.accounts) > MAX_ACCOUNTS:
            self.problems.append(
                Problem("file", f"the statement has more than {MAX_ACCOUNTS} accounts")
            )
            raise StatementError(self.problems)
        total = sum(len(account.entries) for account in self.accounts)
        if total > MAX_ENTRIES:
            self.problems.append(
                Problem("file", f"the statement has more than {MAX_ENTRIES} entries ({total})")
            )
            raise StatementError(self.problems)
        accounts = [self._account(number, raw) for number, raw in enumerate(self.accounts, 1)]
        owner = Owner(
            name=self._single(self.holder, layout.HOLDER, "page 1"),
            address=tuple(
                self._text(line, "page 1", "an address line")
                for line in self.holder.get(layout.ADDRESS, ())
            ),
        )
        issued = self._single(self.holder, layout.ISSUED, "page 1")
        issued_on = self._date(issued, "page 1", "the issue date") if issued else None
        if self.problems:
            raise StatementError(self.problems)
        return Statement(
            accounts=tuple(a for a in accounts if a),
            owner=owner,
            bank=self.bank,
            issued_on=issued_on,
        )

    def _page(self, number: int, lines: tuple[Line, ...]) -> None:
        where = f"page {number}"
        title = next(
            (i for i, line in enumerate(lines) if any(r.text == layout.TITLE for r in line.runs)),
            None,
        )
        if title is None:
            self.problems.append(
                Problem(where, f"no '{layout.TITLE}' title: not a statement the sandbox renders")
            )
            return
        if number == 1:
            name = " ".join(run.text for line in lines[:title] for run in line.runs)
            bics = [r.text[4:] for r in lines[title].runs if r.text.startswith("BIC ")]
            self.bank = Bank(
                name=self._text(name, where, "the bank's name") or None,
                bic=bics[0] if bics else None,
            )
        columns: tuple[Run, ...] | None = None
        key: _Key | None = None
        body = lines[title + 1 :]
        if body and len(body[-1].runs) == 1 and FOOTER.fullmatch(body[-1].runs[0].text):
            body = body[:-1]
        for line in body:
            texts = [run.text for run in line.runs]
            # In a table, a heading stands where the dates do: a description can read the same.
            aside = columns is None or abs(line.runs[0].x0 - columns[0].x0) <= COLUMN_SLACK
            heading = HEADING.fullmatch(texts[0]) if len(texts) == 1 and aside else None
            if columns is None and texts == [layout.NO_ENTRIES]:
                continue
            if heading and not heading.group(3):
                self.accounts.append(_RawAccount(number))
                columns, key = None, None
            elif heading:
                if not self.accounts:
                    self.problems.append(Problem(where, "an account continues, but none began"))
                columns, key = None, None
            elif texts == list(layout.COLUMNS):
                columns = line.runs
            elif columns is not None:
                self._row(where, number, line, columns)
            elif len(texts) == 2 and texts[0] in HOLDER_LABELS | ACCOUNT_LABELS:
                fields = self._fields_for(texts[0])
                fields.setdefault(texts[0], []).append(texts[1])
                key = _Key(fields, texts[0], line.runs[1].x0)
            elif key and len(texts) == 1 and abs(line.runs[0].x0 - key.x) <= COLUMN_SLACK:
                key.fields[key.label].append(texts[0])
            else:
                self.problems.append(Problem(where, f"unexpected text '{_short(texts)}'"))

    def _fields_for(self, label: str) -> dict[str, list[str]]:
        if label in HOLDER_LABELS or not self.accounts:
            return self.holder
        return self.accounts[-1].fields

    def _row(self, where: str, page: int, line: Line, columns: tuple[Run, ...]) -> None:
        booked, valued, description, amount, balance = columns
        cells: dict[str, str] = {}
        for run in line.runs:
            if abs(run.x1 - amount.x1) <= COLUMN_SLACK:
                column = "amount"
            elif abs(run.x1 - balance.x1) <= COLUMN_SLACK:
                column = "balance"
            elif abs(run.x0 - booked.x0) <= COLUMN_SLACK:
                column = "booked"
            elif abs(run.x0 - valued.x0) <= COLUMN_SLACK:
                column = "valued"
            elif abs(run.x0 - description.x0) <= COLUMN_SLACK:
                column = "description"
            elif abs(run.x0 - description.x0 - DETAIL_INDENT) <= COLUMN_SLACK:
                column = "detail"
            else:
                self.problems.append(Problem(where, f"'{run.text[:80]}' is in no column"))
                return
            if column in cells:
                self.problems.append(
                    Problem(
                        where, f"two texts in one column: '{_short([r.text for r in line.runs])}'"
                    )
                )
                return
            cells[column] = run.text
        entries = self.accounts[-1].entries if self.accounts else None
        if entries is None:
            self.problems.append(Problem(where, "a table row outside any account"))
        elif "booked" in cells and "detail" not in cells:
            entries.append(
                _RawEntry(
                    page=page,
                    booked=cells["booked"],
                    valued=cells.get("valued"),
                    amount=cells.get("amount"),
                    balance=cells.get("balance"),
                    description=[cells.get("description", "")],
                )
            )
        elif not entries or cells.keys() - {"description", "detail"}:
            self.problems.append(
                Problem(where, f"a row without a booking date: '{_short(list(cells.values()))}'")
            )
        elif cells.keys() == {"description", "detail"} and cells["description"] in DETAIL_LABELS:
            entries[-1].details.append((cells["description"], [cells["detail"]]))
        elif cells.keys() == {"description"} and not entries[-1].details:
            entries[-1].description.append(cells["description"])
        elif cells.keys() == {"detail"} and entries[-1].details:
            entries[-1].details[-1][1].append(cells["detail"])
        else:
            self.problems.append(
                Problem(where, f"a line of an entry out of place: '{_short(list(cells.values()))}'")
            )

    def _account(self, number: int, raw: _RawAccount) -> StatementAccount | None:
        where = f"page {raw.page}"
        fields = raw.fields
        currency = self._single(fields, layout.CURRENCY, where)
        if currency is None or not re.fullmatch(r"[A-Z]{3}", currency):
            self.problems.append(Problem(where, f"account {number} has no currency like EUR"))
            return None
        period_from, period_to = self._period(self._single(fields, layout.PERIOD, where), where)
        iban = self._single(fields, layout.IBAN, where)
        balances = [
            self._balance(self._single(fields, label, where), currency, where, label.lower())
            for label in (layout.OPENING, layout.CLOSING)
        ]
        entries = [
            self._entry(raw_entry, index, currency)
            for index, raw_entry in enumerate(raw.entries, start=1)
        ]
        return StatementAccount(
            currency=currency,
            entries=tuple(entry for entry in entries if entry),
            iban=iban.replace(" ", "") if iban else None,
            number=self._single(fields, layout.NUMBER, where),
            bic=self._single(fields, layout.BIC, where),
            name=self._single(fields, layout.NAME, where),
            type=self._single(fields, layout.TYPE, where),
            period_from=period_from,
            period_to=period_to,
            opening_balance=balances[0],
            closing_balance=balances[1],
        )

    def _entry(self, raw: _RawEntry, index: int, currency: str) -> Entry | None:
        where = f"page {raw.page}, entry {index}"
        booked = self._date(raw.booked, where, "the booking date")
        valued = self._date(raw.valued, where, "the value date") if raw.valued else None
        amount = self._amount(raw.amount, currency, where, "the amount") if raw.amount else None
        if raw.amount is None:
            self.problems.append(Problem(where, "the entry has no amount"))
        balance = self._amount(raw.balance, currency, where, "the balance") if raw.balance else None
        details = {label: "".join(chunks) for label, chunks in raw.details}
        description = self._text("".join(raw.description), where, "the description")
        name = details.get(layout.PAYER) or details.get(layout.PAYEE)
        iban = details.get(layout.COUNTERPARTY_IBAN)
        if booked is None or amount is None:
            return None
        return Entry(
            booked_on=booked,
            amount=amount,
            description=description,
            value_on=valued,
            counterparty_name=self._text(name, where, "the counterparty's name") if name else None,
            counterparty_iban=iban.replace(" ", "") if iban else None,
            reference=self._text(details.get(layout.REFERENCE), where, "the reference") or None,
            balance_after=balance,
        )

    def _single(self, fields: dict[str, list[str]], label: str, where: str) -> str | None:
        values = fields.get(label)
        if not values:
            return None
        if len(values) > 1:
            self.problems.append(Problem(where, f"'{label}' is printed {len(values)} times"))
        return self._text(values[0], where, f"'{label}'")

    def _text(self, text: str | None, where: str, what: str) -> str:
        if text and len(text) > MAX_TEXT:
            self.problems.append(Problem(where, f"{what} is longer than {MAX_TEXT} characters"))
        return text or ""

    def _date(self, text: str, where: str, what: str) -> date | None:
        try:
            if DATE.fullmatch(text):
                return date.fromisoformat(text)
        except ValueError:
            pass
        self.problems.append(Problem(where, f"{what} '{text[:40]}' is not a date like 2026-01-31"))
        return None

    def _period(self, text: str | None, where: str) -> tuple[date | None, date | None]:
        if text is None:
            return None, None
        parts = re.fullmatch(r"(?:(\S+) to (\S+))|(?:from (\S+))|(?:to (\S+))", text)
        if parts is None:
            self.problems.append(
                Problem(where, f"the period '{text[:80]}' is not like 2026-01-01 to 2026-01-31")
            )
            return None, None
        start, end = parts.group(1) or parts.group(3), parts.group(2) or parts.group(4)
        return (
            self._date(start, where, "the period's start") if start else None,
            self._date(end, where, "the period's end") if end else None,
        )

    def _balance(self, text: str | None, currency: str, where: str, what: str) -> Decimal | None:
        if text is None:
            return None
        amount, _, code = text.rpartition(" ")
        if code != currency:
            self.problems.append(Problem(where, f"the {what} '{text[:40]}' is not in {currency}"))
            return None
        return self._amount(amount, currency, where, f"the {what}")

    def _amount(self, text: str, currency: str, where: str, what: str) -> Decimal | None:
        match = AMOUNT.fullmatch(text)
        if match is None or sum(c.isdigit() for c in text) > MAX_DIGITS:
            self.problems.append(
                Problem(where, f"{what} '{text[:40]}' is not an amount like -1,234.56")
            )
            return None
        places, allowed = len(match.group(1) or ""), exponent(currency)
        if places > allowed:
            self.problems.append(
                Problem(where, f"{what} {text} has {places} decimals, {currency} has {allowed}")
            )
            return None
        return Decimal(text.replace(",", "")).quantize(Decimal(1).scaleb(-allowed))


def _short(texts: list[str]) -> str:
    text = " ".join(texts)
    return text if len(text) <= 80 else text[:79] + "…"
