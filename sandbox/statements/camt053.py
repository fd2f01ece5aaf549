"""ISO 20022 camt.053 bank-to-customer statements (XML), as European banks export them.

Read: any version from camt.053.001.02 to .13, by local names, so a field that moved (`BIC`
and `BICFI`, `Sts` as text and `Sts/Cd`, `Cdtr/Nm` and `Cdtr/Pty/Nm`) reads either way.
Written: camt.053.001.08, indented UTF-8 with an XML declaration, its `MsgId` a hash of the
content. Only booked entries (`Sts` BOOK) are entries; pending (PDNG), information (INFO) and
future (FUTR) ones are skipped, as they are not yet on the account.

Carried: the issue date (`GrpHdr/CreDtTm`); per account its IBAN (or `Othr/Id` as the number),
currency, name, BIC (its servicer's), period (`FrToDt`, else the opening and closing balances'
dates), opening (OPBD, else PRCD) and closing (CLBD) balances; per entry the booking and value
dates, the amount (signed by `CdtDbtInd`), the reference (`AcctSvcrRef`), the description
(`RmtInf/Ustrd`, else `AddtlNtryInf`), the counterparty's name and IBAN (the creditor of a
debit, the debtor of a credit). The owner (name and address lines) and the bank (name and BIC)
are read from the first statement that has them. Not carried, so None: the account's type, an
entry's category and balance after it.

A file is parsed only through defusedxml with DTDs, entities and external references
forbidden: a file with a DTD (and so any entity bomb or external entity) is refused whole.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from xml.etree.ElementTree import Element, ParseError, SubElement, indent, tostring
from xml.parsers.expat import ErrorString

from defusedxml import DefusedXmlException, DTDForbidden
from defusedxml.ElementTree import fromstring

from sandbox.money import exponent, from_minor, to_minor
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

MEDIA_TYPE = "application/xml; charset=utf-8"
EXTENSION = ".xml"

NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"
_READ_NAMESPACE = re.compile(r"\{urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.(\d\d)\}")
_VERSIONS = range(2, 14)
_AMOUNT = re.compile(r"(?P<units>\d+)(?:\.(?P<places>\d*))?")
_DAY = re.compile(r"\d{4}-\d\d-\d\d(?:T\d\d:\d\d:\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:\d\d)?")
_USTRD = 140  # characters of one Ustrd: a full one was cut, the next goes on with it
_SIGNS = {"CRDT": 1, "DBIT": -1}
_SKIPPED = {"PDNG", "INFO", "FUTR"}


def parse(data: bytes) -> Statement:
    root = _document(data)
    version = _READ_NAMESPACE.match(root.tag)
    if _local(root.tag) != "Document" or not version or int(version[1]) not in _VERSIONS:
        raise StatementError(
            [
                Problem(
                    f"element {_local(root.tag)}",
                    "this is not a camt.053 statement: the root should be a Document in a "
                    "camt.053.001.02 to camt.053.001.13 namespace",
                )
            ]
        )
    problems: list[Problem] = []
    report = _first(root, "BkToCstmrStmt")
    if report is None:
        raise StatementError([Problem("element Document", "the file has no BkToCstmrStmt")])
    issued_on = _day(report, "GrpHdr/CreDtTm", "", problems)
    found = _children(report, "Stmt")
    if not found:
        problems.append(Problem("element BkToCstmrStmt", "the file has no statement (Stmt)"))
    if len(found) > MAX_ACCOUNTS:
        problems.append(
            Problem("file", f"the file has {len(found)} statements; at most {MAX_ACCOUNTS}")
        )
        found = found[:MAX_ACCOUNTS]
    accounts = []
    owners, banks = [], []
    for index, element in enumerate(found, start=1):
        place = f"Stmt[{index}]"
        account = _account(element, place, problems)
        if account is not None:
            accounts.append(account)
        owners.append(_owner(element, place, problems))
        banks.append(_bank(element, place, problems))
    if problems:
        raise StatementError(problems)
    return Statement(
        accounts=tuple(accounts),
        owner=next((owner for owner in owners if owner != Owner()), Owner()),
        bank=next((bank for bank in banks if bank != Bank()), Bank()),
        issued_on=issued_on,
    )


def render(statement: Statement) -> bytes:
    root = Element("Document", xmlns=NAMESPACE)
    report = SubElement(root, "BkToCstmrStmt")
    header = SubElement(report, "GrpHdr")
    message_id = SubElement(header, "MsgId")
    issued_on = _issued_on(statement)
    if issued_on is not None:
        _leaf(header, "CreDtTm", f"{issued_on}T00:00:00")
    ids = [_write_statement(report, account, statement) for account in statement.accounts]
    indent(root, "  ")
    digest = hashlib.sha256(tostring(root, encoding="unicode").encode()).hexdigest()
    message_id.text = "CAMT053-" + digest[:24].upper()
    for index, statement_id in enumerate(ids, start=1):
        statement_id.text = f"{message_id.text}-{index}"
    body = tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'.encode()


# Reading


def _document(data: bytes) -> Element:
    try:
        return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DTDForbidden as error:
        named = f" (it names {error.sysid})" if error.sysid else ""
        message = (
            f"the file has a document type declaration (<!DOCTYPE {error.name}>){named}: "
            "DTDs are refused, so no entity is expanded and nothing is fetched"
        )
        raise StatementError([Problem("file", message)]) from None
    except DefusedXmlException as error:
        message = f"the file uses entities or external references, which are refused: {error}"
        raise StatementError([Problem("file", message)]) from None
    except ParseError as error:
        line, column = error.position
        message = f"this is not well-formed XML: {ErrorString(error.code)}"
        raise StatementError([Problem(f"line {line}, column {column + 1}", message)]) from None


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _children(element: Element | None, name: str) -> list[Element]:
    if element is None:
        return []
    return [child for child in element if _local(child.tag) == name]


def _first(element: Element | None, path: str) -> Element | None:
    for name in path.split("/"):
        found = _children(element, name)
        element = found[0] if found else None
    return element


def _text(element: Element | None, path: str) -> str | None:
    found = _first(element, path)
    text = (found.text or "").strip() if found is not None else ""
    return text or None


def _at(place: str, path: str) -> str:
    return f"element {place}/{path}" if place else f"element {path}"


def _bounded(element: Element | None, path: str, place: str, problems: list[Problem]) -> str | None:
    """The text at `path`, if there is one no longer than the model holds."""
    text = _text(element, path)
    if text is not None and len(text) > MAX_TEXT:
        problems.append(Problem(_at(place, path), f"the text is longer than {MAX_TEXT} characters"))
        return None
    return text


def _day(element: Element | None, paths: str, place: str, problems: list[Problem]) -> date | None:
    """The first of `paths` (`|` between them) there is, an ISODate or ISODateTime."""
    for path in paths.split("|"):
        text = _text(element, path)
        if text is None:
            continue
        try:
            if not _DAY.fullmatch(text):
                raise ValueError(text)
            return datetime.fromisoformat(text).date() if "T" in text else date.fromisoformat(text)
        except ValueError:
            problems.append(Problem(_at(place, path), f"{_shown(text)} is not a date (YYYY-MM-DD)"))
            return None
    return None


def _money(element: Element, place: str, currency: str, problems: list[Problem]) -> Decimal | None:
    """`Amt` signed by `CdtDbtInd`, in the account's currency with its places."""
    before = len(problems)
    amount = _first(element, "Amt")
    text = (amount.text or "").strip() if amount is not None else ""
    found = _AMOUNT.fullmatch(text)
    places = (found["places"] or "") if found else ""
    if amount is None or not text:
        problems.append(Problem(_at(place, "Amt"), "there is no amount"))
    elif found is None or len(text) > 19:
        problems.append(Problem(_at(place, "Amt"), f"{_shown(text)} is not an amount like 1234.56"))
    elif amount.get("Ccy") != currency:
        problems.append(
            Problem(
                _at(place, "Amt"),
                f"the amount is in {amount.get('Ccy') or 'no currency (Ccy)'}; "
                f"the account is in {currency}",
            )
        )
    elif len(places) > exponent(currency):
        problems.append(
            Problem(
                _at(place, "Amt"),
                f"{text} has {len(places)} decimal places; {currency} has {exponent(currency)}",
            )
        )
    indicator = _text(element, "CdtDbtInd")
    if indicator not in _SIGNS:
        shown = f"is {_shown(indicator)}" if indicator else "is missing"
        problems.append(Problem(_at(place, "CdtDbtInd"), f"CdtDbtInd {shown}; it is CRDT or DBIT"))
    if len(problems) > before or found is None or indicator is None:
        return None
    magnitude = from_minor(to_minor(f"{found['units']}.{places or 0}", currency), currency)
    return _SIGNS[indicator] * magnitude


def _account(stmt: Element, place: str, problems: list[Problem]) -> StatementAccount | None:
    before = len(problems)
    account = _first(stmt, "Acct")
    if account is None:
        problems.append(Problem(f"element {place}", "the statement has no account (Acct)"))
        return None
    here = f"{place}/Acct"
    iban = _text(account, "Id/IBAN")
    number = None if iban else _bounded(account, "Id/Othr/Id", here, problems)
    if not (iban or number):
        problems.append(Problem(_at(here, "Id"), "the account has neither an IBAN nor an Othr/Id"))
    currency = _currency(stmt, here, problems)
    if currency is None:
        return None
    balances = _balances(stmt, place, currency, problems)
    entries = _entries(stmt, place, currency, problems)
    period_from = _day(stmt, "FrToDt/FrDtTm", place, problems)
    period_to = _day(stmt, "FrToDt/ToDtTm", place, problems)
    name = _bounded(account, "Nm", here, problems)
    if len(problems) > before:
        return None
    return StatementAccount(
        currency=currency,
        entries=entries,
        iban=iban,
        number=number,
        bic=_bic(account),
        name=name,
        period_from=period_from or balances.opened_on,
        period_to=period_to or balances.closed_on,
        opening_balance=balances.opening,
        closing_balance=balances.closing,
    )


def _bic(account: Element) -> str | None:
    return _text(account, "Svcr/FinInstnId/BICFI") or _text(account, "Svcr/FinInstnId/BIC")


def _currency(stmt: Element, here: str, problems: list[Problem]) -> str | None:
    """The account's `Ccy`, else the currency of its first balance or entry."""
    currency = _text(_first(stmt, "Acct"), "Ccy")
    if currency is None:
        amounts = (_first(stmt, "Bal/Amt"), _first(stmt, "Ntry/Amt"))
        currency = next((a.get("Ccy") for a in amounts if a is not None and a.get("Ccy")), None)
    if currency is None:
        problems.append(
            Problem(_at(here, "Ccy"), "no currency: neither the account nor an amount has one")
        )
    elif not re.fullmatch(r"[A-Z]{3}", currency):
        problems.append(
            Problem(_at(here, "Ccy"), f"{_shown(currency)} is not a currency code like EUR")
        )
        return None
    return currency


@dataclass(frozen=True)
class _Balances:
    opening: Decimal | None = None
    closing: Decimal | None = None
    opened_on: date | None = None
    closed_on: date | None = None


def _balances(stmt: Element, place: str, currency: str, problems: list[Problem]) -> _Balances:
    """The opening (OPBD, else the previous day's closing PRCD) and closing (CLBD) balances;
    other kinds (available, interim...) are not the statement's."""
    read: dict[str, tuple[Decimal | None, date | None]] = {}
    for index, balance in enumerate(_children(stmt, "Bal"), start=1):
        code = _text(balance, "Tp/CdOrPrtry/Cd")
        if code not in ("OPBD", "PRCD", "CLBD") or code in read:
            continue
        here = f"{place}/Bal[{index}]"
        read[code] = (
            _money(balance, here, currency, problems),
            _day(balance, "Dt/Dt|Dt/DtTm", here, problems),
        )
    opening, opened_on = read.get("OPBD") or read.get("PRCD") or (None, None)
    if "OPBD" not in read and opened_on is not None:
        opened_on += timedelta(days=1)
    closing, closed_on = read.get("CLBD", (None, None))
    return _Balances(opening, closing, opened_on, closed_on)


def _entries(
    stmt: Element, place: str, currency: str, problems: list[Problem]
) -> tuple[Entry, ...]:
    found = [
        (index, element, _text(element, "Sts/Cd") or _text(element, "Sts"))
        for index, element in enumerate(_children(stmt, "Ntry"), start=1)
    ]
    booked = sum(status == "BOOK" for _, _, status in found)
    if booked > MAX_ENTRIES:
        many = f"the statement has {booked} booked entries; at most {MAX_ENTRIES}"
        problems.append(Problem(f"element {place}", many))
        return ()
    made = []
    for index, element, status in found:
        here = f"{place}/Ntry[{index}]"
        if status == "BOOK":
            made.append(_entry(element, here, currency, problems))
        elif status not in _SKIPPED:
            shown = f"is {_shown(status)}" if status else "is missing"
            problems.append(
                Problem(_at(here, "Sts"), f"the status {shown}; it is BOOK, PDNG, INFO or FUTR")
            )
    return tuple(entry for entry in made if entry is not None)


def _entry(element: Element, here: str, currency: str, problems: list[Problem]) -> Entry | None:
    before = len(problems)
    amount = _money(element, here, currency, problems)
    booked_on = _day(element, "BookgDt/Dt|BookgDt/DtTm", here, problems)
    if booked_on is None and len(problems) == before:
        problems.append(Problem(_at(here, "BookgDt"), "a booked entry needs its booking date"))
    value_on = _day(element, "ValDt/Dt|ValDt/DtTm", here, problems)
    reference = _bounded(element, "AcctSvcrRef", here, problems)
    details = [tx for part in _children(element, "NtryDtls") for tx in _children(part, "TxDtls")]
    pieces = [
        line.text or "" for tx in details for line in _children(_first(tx, "RmtInf"), "Ustrd")
    ]
    description = _joined(pieces).strip() or _text(element, "AddtlNtryInf") or ""
    if len(description) > MAX_TEXT:
        problems.append(
            Problem(
                _at(here, "NtryDtls/TxDtls/RmtInf/Ustrd"),
                f"the text is longer than {MAX_TEXT} characters",
            )
        )
    name = iban = None
    if len(details) == 1 and amount is not None:
        # The other side: whom a debit paid, who paid a credit.
        side = "Cdtr" if amount < 0 else "Dbtr"
        parties = _first(details[0], "RltdPties")
        where = f"{here}/NtryDtls/TxDtls/RltdPties"
        name = _bounded(parties, f"{side}/Nm", where, problems) or _bounded(
            parties, f"{side}/Pty/Nm", where, problems
        )
        iban = _text(parties, f"{side}Acct/Id/IBAN")
    if len(problems) > before or amount is None or booked_on is None:
        return None
    return Entry(
        booked_on=booked_on,
        amount=amount,
        description=description,
        value_on=value_on,
        counterparty_name=name,
        counterparty_iban=iban,
        reference=reference,
    )


def _joined(pieces: list[str]) -> str:
    """Ustrd lines as one text: a full line was cut mid-word, a shorter one ended a line."""
    text = ""
    for index, piece in enumerate(pieces):
        cut = index == 0 or len(pieces[index - 1]) >= _USTRD
        text += piece if cut else " " + piece
    return text


def _owner(stmt: Element, place: str, problems: list[Problem]) -> Owner:
    owner = _first(stmt, "Acct/Ownr")
    if owner is None:
        return Owner()
    here = f"{place}/Acct/Ownr"
    name = _bounded(owner, "Nm", here, problems)
    address = _first(owner, "PstlAdr")
    lines = [(line.text or "").strip() for line in _children(address, "AdrLine")]
    if not lines:
        lines = [
            " ".join(filter(None, (_text(address, "StrtNm"), _text(address, "BldgNb")))),
            " ".join(filter(None, (_text(address, "PstCd"), _text(address, "TwnNm")))),
            _text(address, "Ctry") or "",
        ]
    if any(len(line) > MAX_TEXT for line in lines):
        problems.append(
            Problem(_at(here, "PstlAdr"), f"an address line is longer than {MAX_TEXT} characters")
        )
    return Owner(name=name, address=tuple(line for line in lines if line))


def _bank(stmt: Element, place: str, problems: list[Problem]) -> Bank:
    servicer = _first(stmt, "Acct/Svcr")
    if servicer is None:
        return Bank()
    name = _bounded(servicer, "FinInstnId/Nm", f"{place}/Acct/Svcr", problems)
    return Bank(name=name, bic=_bic(_first(stmt, "Acct")))


def _shown(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:40] + "…")


# Writing


def _issued_on(statement: Statement) -> date | None:
    """When the file was made: the statement's issue date, else the last day it covers."""
    days = [
        day
        for account in statement.accounts
        for day in (account.period_to, *(entry.booked_on for entry in account.entries))
        if day is not None
    ]
    return statement.issued_on or max(days, default=None)


def _leaf(parent: Element, tag: str, text: str, **attributes: str) -> Element:
    element = SubElement(parent, tag, attributes)
    element.text = _clean(text)
    return element


def _clean(text: str) -> str:
    """What XML 1.0 can hold: control characters become spaces."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", " ", text)


def _write_statement(report: Element, account: StatementAccount, statement: Statement) -> Element:
    """One `Stmt`; returns its `Id`, filled in once the message's id is known."""
    stmt = SubElement(report, "Stmt")
    statement_id = SubElement(stmt, "Id")
    if account.period_from and account.period_to:
        period = SubElement(stmt, "FrToDt")
        _leaf(period, "FrDtTm", f"{account.period_from}T00:00:00")
        _leaf(period, "ToDtTm", f"{account.period_to}T23:59:59")
    _write_account(SubElement(stmt, "Acct"), account, statement)
    first, last = _period(account)
    if account.opening_balance is not None:
        _write_balance(stmt, "OPBD", account.opening_balance, account.currency, first)
    if account.closing_balance is not None:
        _write_balance(stmt, "CLBD", account.closing_balance, account.currency, last)
    for entry in account.entries:
        _write_entry(SubElement(stmt, "Ntry"), entry, account.currency)
    return statement_id


def _write_account(element: Element, account: StatementAccount, statement: Statement) -> None:
    identification = SubElement(element, "Id")
    if account.iban:
        _leaf(identification, "IBAN", account.iban)
    else:
        _leaf(SubElement(identification, "Othr"), "Id", account.number or "")
    _leaf(element, "Ccy", account.currency)
    if account.name:
        _leaf(element, "Nm", account.name)
    owner = statement.owner
    if owner.name or owner.address:
        holder = SubElement(element, "Ownr")
        if owner.name:
            _leaf(holder, "Nm", owner.name)
        if owner.address:
            address = SubElement(holder, "PstlAdr")
            for line in owner.address:
                _leaf(address, "AdrLine", line)
    bic = account.bic or statement.bank.bic
    if bic or statement.bank.name:
        institution = SubElement(SubElement(element, "Svcr"), "FinInstnId")
        if bic:
            _leaf(institution, "BICFI", bic)
        if statement.bank.name:
            _leaf(institution, "Nm", statement.bank.name)


def _period(account: StatementAccount) -> tuple[date | None, date | None]:
    """The balances' dates: the period, else the entries' first and last booking dates."""
    booked = [entry.booked_on for entry in account.entries]
    first = account.period_from or min(booked, default=None) or account.period_to
    return first, account.period_to or max(booked, default=None) or first


def _write_balance(
    stmt: Element, code: str, amount: Decimal, currency: str, on: date | None
) -> None:
    balance = SubElement(stmt, "Bal")
    _leaf(SubElement(SubElement(balance, "Tp"), "CdOrPrtry"), "Cd", code)
    _write_amount(balance, amount, currency)
    if on is not None:
        _leaf(SubElement(balance, "Dt"), "Dt", on.isoformat())


def _write_amount(parent: Element, amount: Decimal, currency: str) -> None:
    _leaf(parent, "Amt", f"{abs(amount):.{exponent(currency)}f}", Ccy=currency)
    _leaf(parent, "CdtDbtInd", "DBIT" if amount < 0 else "CRDT")


def _write_entry(element: Element, entry: Entry, currency: str) -> None:
    _write_amount(element, entry.amount, currency)
    _leaf(SubElement(element, "Sts"), "Cd", "BOOK")
    _leaf(SubElement(element, "BookgDt"), "Dt", entry.booked_on.isoformat())
    if entry.value_on:
        _leaf(SubElement(element, "ValDt"), "Dt", entry.value_on.isoformat())
    if entry.reference:
        _leaf(element, "AcctSvcrRef", entry.reference)
    # ISO bank transaction codes: a SEPA credit transfer received (RCDT) or issued (ICDT).
    domain = SubElement(SubElement(element, "BkTxCd"), "Domn")
    _leaf(domain, "Cd", "PMNT")
    family = SubElement(domain, "Fmly")
    _leaf(family, "Cd", "ICDT" if entry.amount < 0 else "RCDT")
    _leaf(family, "SubFmlyCd", "ESCT")
    named = entry.counterparty_name or entry.counterparty_iban
    if not (named or entry.description):
        return
    details = SubElement(SubElement(element, "NtryDtls"), "TxDtls")
    if named:
        parties = SubElement(details, "RltdPties")
        side = "Cdtr" if entry.amount < 0 else "Dbtr"
        if entry.counterparty_name:
            _leaf(SubElement(SubElement(parties, side), "Pty"), "Nm", entry.counterparty_name)
        if entry.counterparty_iban:
            _leaf(
                SubElement(SubElement(parties, f"{side}Acct"), "Id"),
                "IBAN",
                entry.counterparty_iban,
            )
    if entry.description:
        remittance = SubElement(details, "RmtInf")
        text = entry.description
        for at in range(0, len(text), _USTRD):
            _leaf(remittance, "Ustrd", text[at : at + _USTRD])
