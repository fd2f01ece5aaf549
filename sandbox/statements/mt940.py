"""SWIFT MT940 customer statements, as German (DFÜ/DATEV, ZKA) and Polish banks export them.

One statement per account: `:20:` reference, `:25:` account, `:28C:` number, `:60F:` opening
balance, `:61:` entries each followed by its `:86:` details, `:62F:` closing balance, and a `-`
line after it. `:86:` is read in the structured ZKA form (`?00` booking text, `?20`–`?29` and
`?60`–`?63` purpose lines joined as they are, `?31` counterparty IBAN, `?32`/`?33` its name;
`~` or `<` instead of `?` as Polish banks write it, with the IBAN in `~38`) or as plain text.

Carried per account: the IBAN (or, for `BLZ/account`, the number), the currency, the period
(from the `:60F:` date to the `:62F:` date), the opening and closing balances; per entry: the
booking date, the value date, the amount, the reference (`:61:`'s customer reference, else its
bank reference after `//`; `NONREF` is none), the description, the counterparty's name and
IBAN. Not carried, so None: the account's name, BIC and type, the owner, the bank, the issue
date, an entry's category and balance after it, the counterparty's BIC (read, then dropped).

Written: UTF-8 with CRLF line ends. A description keeps its first 378 characters (14 purpose
lines of 27), a name its first 54 (two lines), a reference its first 16, and `?` (the
subfield mark) is written as `.`. Read: UTF-8, else Windows-1250 when the file has bytes that
are Polish letters there, else Windows-1252 (German exports), else ISO-8859-1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from sandbox.money import exponent, from_minor, to_minor
from sandbox.statements.model import (
    MAX_ACCOUNTS,
    MAX_ENTRIES,
    MAX_TEXT,
    Entry,
    Problem,
    Statement,
    StatementAccount,
    StatementError,
)

MEDIA_TYPE = "text/plain; charset=utf-8"
EXTENSION = ".sta"

_TAG = re.compile(r":(\d\d[A-Z]?):")
_BALANCE = re.compile(r"(?P<mark>[CD])(?P<date>\d{6})(?P<currency>[A-Z]{3})(?P<amount>\d[\d,]*)")
_ENTRY = re.compile(
    r"(?P<value>\d{6})(?P<booked>\d{4})?(?P<mark>R?[CD])[A-Z]?(?P<amount>\d[\d,]*)"
    r"(?P<type>[A-Z][A-Z0-9]{3})(?P<reference>.*?)(?://(?P<bank>.*))?"
)
_AMOUNT = re.compile(r"(?P<units>\d+)(?:,(?P<places>\d*))?")
_IBAN = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}")
_STRUCTURED = re.compile(r"(?:\d{3})?([?~<])\d\d")
_LINE = 65  # SWIFT's line width: a line this long was cut, the next one goes on with it
_PURPOSE = (*range(20, 30), *range(60, 64))  # ZKA's purpose lines, 27 characters each
_PIECE = 27
_REFERENCE = 16
# Bytes that are Polish letters in Windows-1250 (ą ł ś ż ź Ą Ł Ś Ż Ź) but symbols in
# Windows-1252: a file holding any of them is read as Polish.
_POLISH_BYTES = frozenset(b"\xb9\xb3\x9c\xbf\x9f\xa5\xa3\x8c\xaf\x8f")


@dataclass
class _Field:
    tag: str
    line: int
    lines: list[str]  # the field's text: its first line after the tag, then continuations

    def text(self) -> str:
        return "".join(self.lines)


@dataclass
class _Message:
    line: int  # where its :20: (or first field) is
    fields: list[_Field] = field(default_factory=list)


@dataclass
class _Read:
    """One statement as read, with what merging a continued statement needs to know."""

    account: StatementAccount
    continues: bool  # opened with :60M:, an intermediate balance
    continued: bool  # closed with :62M:


def parse(data: bytes) -> Statement:
    """Every statement in the file, one account each; pages of one statement (`:62M:`
    followed by `:60M:` for the same account) are joined into one."""
    text = _decode(data)
    if not text.strip():
        raise StatementError([Problem("file", "the file is empty")])
    if ":20:" not in text:
        raise StatementError(
            [Problem("file", "this is not an MT940 file: no statement starts with a :20: line")]
        )
    problems: list[Problem] = []
    messages = _messages(text, problems)
    if len(messages) > MAX_ACCOUNTS:
        problems.append(
            Problem("file", f"the file has {len(messages)} statements; at most {MAX_ACCOUNTS}")
        )
        messages = messages[:MAX_ACCOUNTS]
    read: list[_Read] = []
    for message in messages:
        made = _statement(message, problems)
        if made is None:
            continue
        if read and made.continues and read[-1].continued and _same(read[-1], made):
            read[-1] = _joined(read[-1], made)
        else:
            read.append(made)
    if problems:
        raise StatementError(problems)
    return Statement(accounts=tuple(r.account for r in read))


def render(statement: Statement) -> bytes:
    lines: list[str] = []
    for index, account in enumerate(statement.accounts, start=1):
        lines += _statement_lines(account, index, statement.issued_on)
        lines.append("-")
    return "".join(line + "\r\n" for line in lines).encode("utf-8")


# Reading


def _decode(data: bytes) -> str:
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if any(byte in _POLISH_BYTES for byte in data):
        return data.decode("cp1250", errors="replace")
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _messages(text: str, problems: list[Problem]) -> list[_Message]:
    """The file's fields, grouped per statement; a field goes on over the lines that do not
    start a new one."""
    messages: list[_Message] = []
    current: _Message | None = None
    for number, raw in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        line = _unwrapped(raw)
        if not line.strip():
            continue
        if line.strip() == "-" or line.startswith("-}"):
            current = None
            continue
        tag = _TAG.match(line)
        if tag is None:
            if current is None or not current.fields:
                problems.append(
                    Problem(
                        f"line {number}", f"expected a field such as :61:, found {_shown(line)}"
                    )
                )
            else:
                current.fields[-1].lines.append(raw)
            continue
        if current is None or (tag[1] == "20" and current.fields):
            current = _Message(line=number)
            messages.append(current)
        current.fields.append(_Field(tag[1], number, [line[tag.end() :]]))
    return messages


def _unwrapped(line: str) -> str:
    """The line without a SWIFT envelope: `{1:...}{2:...}{4:` before, `-}{5:...}` after."""
    if line.startswith("{"):
        return re.sub(r"^(\{\d:[^{}]*\})*(\{4:)?", "", line)
    return line


class _Balance(NamedTuple):
    amount: Decimal  # signed
    on: date
    currency: str
    tag: str  # 60F, 60M (continues a statement), 62F, 62M (continued)
    line: int


def _statement(message: _Message, problems: list[Problem]) -> _Read | None:
    before = len(problems)
    where = f"line {message.line}"
    tags = {f.tag: f for f in reversed(message.fields)}  # the first of each tag
    opening_field = tags.get("60F") or tags.get("60M")
    closing_field = tags.get("62F") or tags.get("62M")
    if "25" not in tags:
        problems.append(Problem(where, "the statement has no :25: account identification"))
    if opening_field is None:
        problems.append(Problem(where, "the statement has no :60F: opening balance"))
    if closing_field is None:
        problems.append(Problem(where, "the statement has no :62F: closing balance"))
    opening = _balance(opening_field, problems) if opening_field else None
    closing = _balance(closing_field, problems) if closing_field else None
    if opening and closing and opening.currency != closing.currency:
        problems.append(
            Problem(
                f"line {closing.line}",
                f":62F: currency {closing.currency} differs from the opening balance's "
                f"{opening.currency}",
            )
        )
    known = opening or closing  # one balance is enough to check the entries against
    entries = _entries(message.fields, known.currency, problems) if known else ()
    if len(problems) > before or opening is None or closing is None:
        return None
    iban, number = _account_id(tags["25"].text().strip(), opening.currency)
    if not (iban or number):
        problems.append(Problem(f"line {tags['25'].line}", ":25: account identification is empty"))
        return None
    account = StatementAccount(
        currency=opening.currency,
        entries=entries,
        iban=iban,
        number=number,
        period_from=opening.on,
        period_to=closing.on,
        opening_balance=opening.amount,
        closing_balance=closing.amount,
    )
    return _Read(account, opening.tag == "60M", closing.tag == "62M")


def _balance(balance: _Field, problems: list[Problem]) -> _Balance | None:
    where = f"line {balance.line}"
    text = balance.lines[0].strip()
    found = _BALANCE.fullmatch(text)
    if found is None:
        problems.append(
            Problem(
                where,
                f":{balance.tag}: should read C or D, date YYMMDD, currency and amount "
                f"(like C261201EUR1000,00), not {_shown(text)}",
            )
        )
        return None
    on = _date(found["date"], f":{balance.tag}: date", where, problems)
    amount = _amount(found["amount"], found["currency"], f":{balance.tag}:", where, problems)
    if on is None or amount is None:
        return None
    signed = -amount if found["mark"] == "D" else amount
    return _Balance(signed, on, found["currency"], balance.tag, balance.line)


def _entries(fields: list[_Field], currency: str, problems: list[Problem]) -> tuple[Entry, ...]:
    at = [index for index, found in enumerate(fields) if found.tag == "61"]
    if len(at) > MAX_ENTRIES:
        many = f"the statement has {len(at)} entries; at most {MAX_ENTRIES}"
        problems.append(Problem(f"line {fields[at[0]].line}", many))
        return ()
    made = []
    for index in at:
        following = fields[index + 1] if index + 1 < len(fields) else None
        details = following if following and following.tag == "86" else None
        made.append(_entry(fields[index], details, currency, problems))
    return tuple(entry for entry in made if entry is not None)


def _entry(
    entry: _Field, details: _Field | None, currency: str, problems: list[Problem]
) -> Entry | None:
    where = f"line {entry.line}"
    text = entry.lines[0].strip()  # a second line holds supplementary details, unused here
    found = _ENTRY.fullmatch(text)
    if found is None:
        problems.append(
            Problem(
                where,
                ":61: should read value date YYMMDD, booking date MMDD, C, D, RC or RD, amount, "
                f"transaction type (like NTRF) and reference, not {_shown(text)}",
            )
        )
        return None
    value_on = _date(found["value"], ":61: value date", where, problems)
    amount = _amount(found["amount"], currency, ":61:", where, problems)
    booked_on = value_on
    if value_on and found["booked"]:
        booked_on = _booking_date(found["booked"], value_on, where, problems)
    described = _details(details, problems) if details else _Details()
    if value_on is None or booked_on is None or amount is None or described is None:
        return None
    return Entry(
        booked_on=booked_on,
        value_on=value_on,
        amount=-amount if found["mark"] in ("D", "RC") else amount,
        description=described.description,
        counterparty_name=described.name,
        counterparty_iban=described.iban,
        reference=_reference(found["reference"]) or _reference(found["bank"]),
    )


@dataclass(frozen=True)
class _Details:
    description: str = ""
    name: str | None = None
    iban: str | None = None


def _details(details: _Field, problems: list[Problem]) -> _Details | None:
    joined = details.text()
    structured = _STRUCTURED.match(joined)
    if structured is None:
        description = _plain(details).strip()
        subfields: dict[int, str] = {}
    else:
        subfields = _subfields(joined, structured[1])
        purpose = "".join(subfields.get(number, "") for number in _PURPOSE)
        description = (purpose or subfields.get(0, "")).strip()
    if len(description) > MAX_TEXT:
        problems.append(
            Problem(f"line {details.line}", f":86: text is longer than {MAX_TEXT} characters")
        )
        return None
    name = (subfields.get(32, "") + subfields.get(33, "")).strip()
    iban = subfields.get(38) or subfields.get(31) or ""
    iban = iban.replace(" ", "")
    return _Details(description, name or None, iban if _IBAN.fullmatch(iban) else None)


def _subfields(text: str, mark: str) -> dict[int, str]:
    """`166?00GUTSCHRIFT?20Miete` as {0: "GUTSCHRIFT", 20: "Miete"}; the leading
    transaction code is dropped."""
    parts = re.split(re.escape(mark) + r"(\d\d)", text)
    found: dict[int, str] = {}
    for number, value in zip(parts[1::2], parts[2::2], strict=True):
        found.setdefault(int(number), value)
    return found


def _plain(details: _Field) -> str:
    """Unstructured `:86:` text: a full-width line was cut mid-word, a shorter one ended."""
    text = details.lines[0]
    width = len(details.lines[0]) + len(":86:")
    for line in details.lines[1:]:
        text += ("" if width >= _LINE else " ") + line
        width = len(line)
    return text


def _booking_date(mmdd: str, value_on: date, where: str, problems: list[Problem]) -> date | None:
    """MMDD in the year that puts it nearest the value date (a year end may lie between)."""
    month, day = int(mmdd[:2]), int(mmdd[2:])
    candidates = []
    for year in (value_on.year - 1, value_on.year, value_on.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue
    if not candidates:
        problems.append(Problem(where, f":61: booking date {mmdd} is not a date (MMDD)"))
        return None
    return min(candidates, key=lambda on: abs(on - value_on))


def _date(yymmdd: str, what: str, where: str, problems: list[Problem]) -> date | None:
    """YYMMDD; years 70 to 99 are 1970 to 1999, the others 2000 to 2069."""
    year = int(yymmdd[:2])
    try:
        return date(year + (1900 if year >= 70 else 2000), int(yymmdd[2:4]), int(yymmdd[4:]))
    except ValueError:
        problems.append(Problem(where, f"{what} {yymmdd} is not a date (YYMMDD)"))
        return None


def _amount(
    text: str, currency: str, what: str, where: str, problems: list[Problem]
) -> Decimal | None:
    found = _AMOUNT.fullmatch(text)
    if found is None or len(text) > 15:
        problems.append(
            Problem(
                where, f"{what} amount {_shown(text)} is not up to 15 digits with a decimal comma"
            )
        )
        return None
    places = found["places"] or ""
    if len(places) > exponent(currency):
        problems.append(
            Problem(
                where,
                f"{what} amount {text} has {len(places)} decimal places; {currency} has "
                f"{exponent(currency)}",
            )
        )
        return None
    return from_minor(to_minor(f"{found['units']}.{places or 0}", currency), currency)


def _reference(text: str | None) -> str | None:
    text = (text or "").strip()
    return text if text and text != "NONREF" else None


def _account_id(text: str, currency: str) -> tuple[str | None, str | None]:
    """`:25:` as (IBAN, None), or (None, the account number as printed) for `BLZ/account`;
    some banks put the currency after the IBAN."""
    compact = text.replace(" ", "").removeprefix("/")  # Polish banks write /PL61...
    if _IBAN.fullmatch(compact.removesuffix(currency)):
        return compact.removesuffix(currency), None
    return None, text or None


def _same(earlier: _Read, later: _Read) -> bool:
    return (earlier.account.iban, earlier.account.number, earlier.account.currency) == (
        later.account.iban,
        later.account.number,
        later.account.currency,
    )


def _joined(earlier: _Read, later: _Read) -> _Read:
    account = replace(
        earlier.account,
        entries=earlier.account.entries + later.account.entries,
        period_to=later.account.period_to,
        closing_balance=later.account.closing_balance,
    )
    return _Read(account, earlier.continues, later.continued)


def _shown(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:40] + "…")


# Writing


def _statement_lines(account: StatementAccount, index: int, issued_on: date | None) -> list[str]:
    currency = account.currency
    moved = sum((entry.amount for entry in account.entries), Decimal(0))
    opening, closing = account.opening_balance, account.closing_balance
    if opening is None:
        opening = (closing - moved) if closing is not None else from_minor(0, currency)
    if closing is None:
        closing = opening + moved
    first, last = _period(account, issued_on)
    lines = [
        ":20:STARTUMS",  # as German banks' exports say
        f":25:{account.iban or account.number or ''}",
        f":28C:{index:05d}/001",
        f":60F:{_balance_text(opening, first, currency)}",
    ]
    for entry in account.entries:
        lines += _entry_lines(entry, currency)
    lines.append(f":62F:{_balance_text(closing, last, currency)}")
    return lines


def _period(account: StatementAccount, issued_on: date | None) -> tuple[date, date]:
    """The balances' dates: the period, else the entries' first and last booking dates, else
    the day the statement was issued."""
    booked = [entry.booked_on for entry in account.entries]
    first = account.period_from or min(booked, default=None) or account.period_to or issued_on
    last = account.period_to or max(booked, default=None) or first
    if first is None or last is None:
        raise ValueError("an MT940 statement needs a date for its balances: a period, an entry")
    return first, last


def _balance_text(amount: Decimal, on: date, currency: str) -> str:
    mark = "D" if amount < 0 else "C"
    return f"{mark}{on:%y%m%d}{currency}{_amount_text(amount, currency)}"


def _amount_text(amount: Decimal, currency: str) -> str:
    units, _, places = f"{abs(amount):.{exponent(currency)}f}".partition(".")
    return f"{units},{places}"


def _entry_lines(entry: Entry, currency: str) -> list[str]:
    value_on = entry.value_on or entry.booked_on
    mark = "D" if entry.amount < 0 else "C"
    reference = _clean(entry.reference or "NONREF")[:_REFERENCE]
    lines = [
        f":61:{value_on:%y%m%d}{entry.booked_on:%m%d}{mark}"
        f"{_amount_text(entry.amount, currency)}NTRF{reference}"
    ]
    description = _clean(entry.description)
    name = _clean(entry.counterparty_name or "")
    pieces = [description[at : at + _PIECE] for at in range(0, len(description), _PIECE)]
    subfields = dict(zip(_PURPOSE, pieces, strict=False))
    if description:
        subfields[0] = "UEBERWEISUNG" if mark == "D" else "GUTSCHRIFT"
    if entry.counterparty_iban:
        subfields[31] = _clean(entry.counterparty_iban)
    if name:
        subfields[32], subfields[33] = name[:_PIECE], name[_PIECE : 2 * _PIECE]
    written = [f"?{number:02d}{text}" for number, text in sorted(subfields.items()) if text]
    if written:
        # ZKA transaction codes: 166 a SEPA credit transfer received, 177 one sent.
        lines.append(":86:" + ("177" if mark == "D" else "166") + written[0])
        lines += written[1:]
    return lines


def _clean(text: str) -> str:
    """Text as one line without `?`, which marks the next subfield."""
    return re.sub(r"[\x00-\x1f\x7f]", " ", text).replace("?", ".")
