"""PDF bank statements: rendered as a bank prints them, read back by the positions of their
words, and checked the way Kontomatik's PDF anti-tampering verifications check an upload.

Rendered with fpdf2 (pure Python, small, embeds a subset of a TrueType font so Polish,
German and French letters print; reportlab would do too but brings C extensions and more
than a statement needs). Read with pdfminer.six (`pdf_words.py` says why) into the statement
(`pdf_reading.py`). The layout,
fixed columns under labelled detail lines, is `pdf_layout.py`.

Carried: the bank's name and BIC, the account holder's name and address, the issue date; per
account its name, IBAN or number, BIC, type, currency, period, opening and closing balances;
per entry its booking and value dates, amount, description, counterparty name and IBAN,
reference and balance after. Not carried (None after parsing): an entry's category, the
bank's colour (it is only painted). Text comes back exactly, except characters the shipped
font cannot print (scripts other than Latin, control characters): they print, and come back,
as U+FFFD.

Only statements laid out as the sandbox renders them can be read (small shifts of the
columns are tolerated); any other PDF is refused saying what is missing.

Findings (the file is read all the same; the caller decides):
- `balance_mismatch`: an account's opening balance plus its entries is not its closing one;
- `balances_do_not_chain`: an entry's balance after is not the one before plus its amount;
- `modified_after_rendering`: the file carries the sandbox's digest, but its producer is not
  the sandbox's, its modification date is not its creation date, or its text no longer
  matches the digest (SHA-256 of every character in drawing order, in the info key
  /SandboxDigest);
- `not_rendered_by_sandbox`: the file has no digest at all, so it was made elsewhere and
  nothing says whether it was changed. Kept apart from the previous one because it says
  something different: not "changed", but "cannot be vouched for".
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.output import OutputProducer, PDFInfo
from fpdf.syntax import PDFString

from sandbox.statements import pdf_layout as layout
from sandbox.statements.model import Finding, Statement
from sandbox.statements.pdf_reading import statement as read_statement
from sandbox.statements.pdf_words import Document, read

MEDIA_TYPE = "application/pdf"
EXTENSION = ".pdf"

PRODUCER = "bank-sandbox statements"
DIGEST_KEY = "SandboxDigest"
FONTS = Path(__file__).parent / "fonts"
FONT = "DejaVuSansCondensed"


def render(statement: Statement) -> bytes:
    """The statement as a PDF, the same bytes for the same statement: its creation date is the
    statement's issue date (or its last period day), never the clock."""
    pdf = _StatementPDF(unit="pt", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font(FONT, "", FONTS / f"{FONT}.ttf")
    pdf.add_font(FONT, "B", FONTS / f"{FONT}-Bold.ttf")
    created = _created_on(statement)
    pdf.set_creation_date(datetime(created.year, created.month, created.day, tzinfo=UTC))
    pdf.set_producer(PRODUCER)
    pdf.set_title(layout.TITLE)
    if statement.bank.name:
        pdf.set_author(statement.bank.name)

    @cache
    def measure(text: str, size: float, bold: bool) -> float:
        pdf.set_font(FONT, "B" if bold else "", size)
        return pdf.get_string_width(_printable(text))

    pages = layout.lay_out(statement, measure)
    for page in pages:
        pdf.add_page()
        for box in page.boxes:
            pdf.set_fill_color(*box.colour)
            pdf.rect(box.x, box.y, box.width, box.height, style="F")
        for text in page.texts:
            pdf.set_font(FONT, "B" if text.bold else "", text.size)
            pdf.set_text_color(*text.colour)
            pdf.text(text.x, text.y, _printable(text.text))
    drawn = "\f".join("".join(_printable(text.text) for text in page.texts) for page in pages)
    pdf.digest = _digest(drawn)
    return bytes(pdf.output(output_producer_class=_SandboxOutput))


def parse(data: bytes) -> Statement:
    """The statement a PDF the sandbox rendered shows, with the findings of its checks."""
    document = read(data)
    statement = read_statement(document)
    return replace(statement, findings=tuple(_findings(statement, document)))


class _StatementPDF(FPDF):
    digest = ""


class _SandboxOutput(OutputProducer):
    """fpdf2's writer, with a modification date equal to the creation date and the digest in
    the document information (fpdf2 has no public way to add an info key)."""

    def _add_info(self) -> PDFInfo:
        info = super()._add_info()
        info.mod_date = info.creation_date  # type: ignore[attr-defined]
        info.sandbox_digest = PDFString(self.fpdf.digest, encrypt=True)  # type: ignore[attr-defined]
        return info


def _printable(text: str) -> str:
    """The text with each character the fonts cannot print (controls, scripts other than
    Latin) as U+FFFD, one for one: a reader sees that something was there, and the digest
    covers what is on the page."""
    glyphs = _glyphs()
    return "".join(c if ord(c) in glyphs else "\ufffd" for c in text)


@cache
def _glyphs() -> frozenset[int]:
    """The characters the shipped fonts have (the regular and the bold cover the same)."""
    return frozenset(TTFont(FONTS / f"{FONT}.ttf")["cmap"].getBestCmap())


def _created_on(statement: Statement) -> date:
    ends = [account.period_to for account in statement.accounts if account.period_to]
    booked = [entry.booked_on for account in statement.accounts for entry in account.entries]
    return statement.issued_on or max(ends, default=None) or max(booked, default=date(2000, 1, 1))


def _digest(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


# Findings -----------------------------------------------------------------------------------


def _findings(statement: Statement, document: Document) -> list[Finding]:
    findings: list[Finding] = []
    for number, account in enumerate(statement.accounts, start=1):
        where = f"account {account.iban or account.number or number}"
        currency = account.currency
        opening, closing = account.opening_balance, account.closing_balance
        if opening is not None and closing is not None:
            total = opening + sum((entry.amount for entry in account.entries), Decimal(0))
            if total != closing:
                findings.append(
                    Finding(
                        "balance_mismatch",
                        f"the opening balance {_money(opening, currency)} plus the entries makes "
                        f"{_money(total, currency)}, but the closing balance is "
                        f"{_money(closing, currency)}",
                        where,
                    )
                )
        before = opening
        for index, entry in enumerate(account.entries, start=1):
            after = entry.balance_after
            if before is not None and after is not None and before + entry.amount != after:
                findings.append(
                    Finding(
                        "balances_do_not_chain",
                        f"entry {index} (booked {entry.booked_on}, "
                        f"{_money(entry.amount, currency)}) leaves a balance of "
                        f"{_money(after, currency)}, but the balance before it plus its amount "
                        f"is {_money(before + entry.amount, currency)}",
                        f"{where}, entry {index}",
                    )
                )
            before = after
    return findings + _provenance(document)


def _provenance(document: Document) -> list[Finding]:
    """Whether the file is as the sandbox rendered it: its producer, dates and digest."""
    info = document.info
    producer = info.get("Producer")
    digest = info.get(DIGEST_KEY)
    if digest is None:
        return [
            Finding(
                "not_rendered_by_sandbox",
                f"the PDF carries no digest of the sandbox's renderer (its producer is "
                f"'{producer or 'not named'}'): it was made elsewhere, and nothing says whether "
                "it was changed",
            )
        ]
    findings = []
    if producer != PRODUCER:
        findings.append(
            _modified(
                f"its producer is '{producer or 'not named'}', not the sandbox's '{PRODUCER}'"
            )
        )
    created, modified = info.get("CreationDate"), info.get("ModDate")
    if modified is not None and modified != created:
        findings.append(_modified(f"it was modified ({modified}) after it was created ({created})"))
    if digest != _digest(document.text):
        findings.append(
            _modified("its text does not match the digest the sandbox wrote when it rendered it")
        )
    return findings


def _modified(message: str) -> Finding:
    return Finding("modified_after_rendering", message, "file")


def _money(amount: Decimal, currency: str) -> str:
    return f"{layout.format_amount(amount, currency)} {currency}"
