"""Where every piece of text on a rendered PDF statement goes, in points from the page's top
left corner: the renderer draws these pages and the reader finds the same words by the same
labels and column positions.

One A4 page per account at least, each page under the bank's coloured band; per account its
details as label and value lines, then a table of entries whose header repeats on every page
it runs onto. An entry never splits across pages. A description too wide for its column wraps
into chunks that keep every character (a break falls after a space, or inside a word too long
for a line), so joining the chunks gives the text back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sandbox.money import exponent
from sandbox.statements.model import Entry, Statement, StatementAccount

PAGE_WIDTH = 595.28
PAGE_HEIGHT = 841.89
MARGIN = 40.0
BAND_HEIGHT = 72.0
BODY_TOP = 100.0
BODY_BOTTOM = 795.0

LABEL_X = MARGIN
VALUE_X = 150.0
KEY_LINE = 13.0

BOOKED_X = MARGIN
VALUED_X = 100.0
DESCRIPTION_X = 158.0
DESCRIPTION_RIGHT = 380.0
DETAIL_X = DESCRIPTION_X + 28.0  # a counterparty's or reference's value under the description
AMOUNT_RIGHT = 468.0
BALANCE_RIGHT = PAGE_WIDTH - MARGIN
ROW_LINE = 10.0
ROW_GAP = 5.0

TITLE = "Account statement"
NO_ENTRIES = "No entries in this period."
COLUMNS = ("Booking date", "Value date", "Description", "Amount", "Balance")

# Labels of the detail lines, in the order they are printed.
HOLDER, ADDRESS, ISSUED = "Account holder", "Address", "Issued on"
NAME, IBAN, NUMBER, BIC, TYPE, CURRENCY, PERIOD, OPENING, CLOSING = (
    "Name",
    "IBAN",
    "Account number",
    "BIC",
    "Type",
    "Currency",
    "Period",
    "Opening balance",
    "Closing balance",
)
# Labels of an entry's lines under its description (the counterparty is "From" on money in).
PAYER, PAYEE, COUNTERPARTY_IBAN, REFERENCE = "From", "To", "IBAN", "Ref"

BLACK = (20, 20, 20)
GREY = (110, 110, 110)
RULE = (200, 200, 200)
HEADER_FILL = (232, 235, 240)
DEFAULT_COLOUR = "#1d4e89"

Measure = Callable[[str, float, bool], float]  # the width of a text at a size, bold or not


@dataclass(frozen=True, slots=True)
class Text:
    x: float  # left edge
    y: float  # baseline
    text: str
    size: float
    bold: bool = False
    colour: tuple[int, int, int] = BLACK


@dataclass(frozen=True, slots=True)
class Box:
    x: float
    y: float
    width: float
    height: float
    colour: tuple[int, int, int]


@dataclass(slots=True)
class Page:
    texts: list[Text] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)


def format_amount(amount: Decimal, currency: str) -> str:
    """-1,234.56: grouped thousands, exactly the currency's places."""
    return f"{amount:,.{exponent(currency)}f}"


def format_date(day: date) -> str:
    return day.isoformat()


def group_iban(iban: str) -> str:
    """PL61 1090 1014 …: an IBAN as printed, in groups of four."""
    return " ".join(iban[start : start + 4] for start in range(0, len(iban), 4))


def format_period(start: date | None, end: date | None) -> str | None:
    if start and end:
        return f"{format_date(start)} to {format_date(end)}"
    if start:
        return f"from {format_date(start)}"
    if end:
        return f"to {format_date(end)}"
    return None


def heading(number: int, count: int, continued: bool) -> str:
    return f"Account {number} of {count}" + (" (continued)" if continued else "")


def footer(number: int, count: int) -> str:
    return f"Page {number} of {count}"


def lay_out(statement: Statement, measure: Measure) -> list[Page]:
    """Every page of the statement, each with its text and boxes in drawing order."""
    pages: list[Page] = []
    count = len(statement.accounts)
    for number, account in enumerate(statement.accounts, start=1):
        page = _new_page(statement, measure)
        pages.append(page)
        y = _holder_block(page, statement) if number == 1 else BODY_TOP
        y = _account_block(page, account, heading(number, count, False), y)
        if not account.entries:
            page.texts.append(Text(MARGIN, y + 6, NO_ENTRIES, 8, colour=GREY))
            continue
        y = _table_header(page, y, measure)
        for entry in account.entries:
            lines = _entry_lines(entry, account.currency, measure)
            height = len(lines) * ROW_LINE + ROW_GAP
            if y + height > BODY_BOTTOM:
                page = _new_page(statement, measure)
                pages.append(page)
                page.texts.append(Text(MARGIN, BODY_TOP, heading(number, count, True), 11, True))
                y = _table_header(page, BODY_TOP + 12, measure)
            for index, line in enumerate(lines):
                baseline = y + ROW_LINE * (index + 1) - 2
                page.texts.extend(
                    Text(x, baseline, text, size, False, colour) for x, text, size, colour in line
                )
            y += height
            page.boxes.append(Box(MARGIN, y - ROW_GAP / 2, BALANCE_RIGHT - MARGIN, 0.3, RULE))
    for number, page in enumerate(pages, start=1):
        text = footer(number, len(pages))
        page.texts.append(
            Text(BALANCE_RIGHT - measure(text, 7, False), PAGE_HEIGHT - 24, text, 7, colour=GREY)
        )
    return pages


def band_colour(colour: str | None) -> tuple[int, int, int]:
    """The bank's colour as RGB; a colour that is not #rrggbb falls back to a neutral blue."""
    text = colour if colour and len(colour) == 7 and colour.startswith("#") else DEFAULT_COLOUR
    try:
        return (int(text[1:3], 16), int(text[3:5], 16), int(text[5:7], 16))
    except ValueError:
        return band_colour(DEFAULT_COLOUR)


def _new_page(statement: Statement, measure: Measure) -> Page:
    """A page with the band: the bank's name, its BIC and the title, readable on its colour."""
    colour = band_colour(statement.bank.colour)
    light = (colour[0] * 299 + colour[1] * 587 + colour[2] * 114) / 1000 > 150
    ink = BLACK if light else (255, 255, 255)
    page = Page(boxes=[Box(0, 0, PAGE_WIDTH, BAND_HEIGHT, colour)])
    if statement.bank.name:
        size = 16.0
        while size > 7 and measure(statement.bank.name, size, True) > PAGE_WIDTH - 2 * MARGIN:
            size -= 1
        page.texts.append(Text(MARGIN, 30, statement.bank.name, size, True, ink))
    if statement.bank.bic:
        page.texts.append(Text(MARGIN, 54, f"BIC {statement.bank.bic}", 9, colour=ink))
    width = measure(TITLE, 11, True)
    page.texts.append(Text(BALANCE_RIGHT - width, 54, TITLE, 11, True, ink))
    return page


def _holder_block(page: Page, statement: Statement) -> float:
    """The account holder, their address and the issue date, on the first page only."""
    y = BODY_TOP
    pairs: list[tuple[str, str]] = []
    if statement.owner.name:
        pairs.append((HOLDER, statement.owner.name))
    pairs.extend(
        (ADDRESS if i == 0 else "", text) for i, text in enumerate(statement.owner.address)
    )
    if statement.issued_on:
        pairs.append((ISSUED, format_date(statement.issued_on)))
    for label, value in pairs:
        _key_line(page, label, value, y)
        y += KEY_LINE
    return y + 14 if pairs else y


def _account_block(page: Page, account: StatementAccount, title: str, y: float) -> float:
    page.texts.append(Text(MARGIN, y, title, 11, True))
    y += 16
    currency = account.currency
    pairs = [
        (NAME, account.name),
        (IBAN, group_iban(account.iban) if account.iban else None),
        (NUMBER, account.number),
        (BIC, account.bic),
        (TYPE, account.type),
        (CURRENCY, currency),
        (PERIOD, format_period(account.period_from, account.period_to)),
    ]
    for label, balance in ((OPENING, account.opening_balance), (CLOSING, account.closing_balance)):
        if balance is not None:
            pairs.append((label, f"{format_amount(balance, currency)} {currency}"))
    for label, value in pairs:
        if value:
            _key_line(page, label, value, y)
            y += KEY_LINE
    return y + 10


def _key_line(page: Page, label: str, value: str, y: float) -> None:
    if label:
        page.texts.append(Text(LABEL_X, y, label, 8, colour=GREY))
    page.texts.append(Text(VALUE_X, y, value, 9))


def _table_header(page: Page, y: float, measure: Measure) -> float:
    page.boxes.append(Box(MARGIN, y, BALANCE_RIGHT - MARGIN, 16, HEADER_FILL))
    booked, valued, description, amount, balance = COLUMNS
    baseline = y + 11
    for x, text in ((BOOKED_X, booked), (VALUED_X, valued), (DESCRIPTION_X, description)):
        page.texts.append(Text(x, baseline, text, 8, True))
    for right, text in ((AMOUNT_RIGHT, amount), (BALANCE_RIGHT, balance)):
        page.texts.append(Text(right - measure(text, 8, True), baseline, text, 8, True))
    return y + 18


Cell = tuple[float, str, float, tuple[int, int, int]]  # x, text, size, colour


def _entry_lines(entry: Entry, currency: str, measure: Measure) -> list[list[Cell]]:
    """An entry's lines: dates, the description's first chunk, amount and balance, then the
    rest of the description, then its counterparty and reference under labels."""
    chunks = wrap(entry.description, DESCRIPTION_RIGHT - DESCRIPTION_X, 8, measure)
    first: list[Cell] = [(BOOKED_X, format_date(entry.booked_on), 8, BLACK)]
    if entry.value_on:
        first.append((VALUED_X, format_date(entry.value_on), 8, BLACK))
    if chunks[0]:
        first.append((DESCRIPTION_X, chunks[0], 8, BLACK))
    amount = format_amount(entry.amount, currency)
    first.append((AMOUNT_RIGHT - measure(amount, 8, False), amount, 8, BLACK))
    if entry.balance_after is not None:
        balance = format_amount(entry.balance_after, currency)
        first.append((BALANCE_RIGHT - measure(balance, 8, False), balance, 8, BLACK))
    lines = [first] + [[(DESCRIPTION_X, chunk, 8, BLACK)] for chunk in chunks[1:]]
    details = (
        (PAYER if entry.amount > 0 else PAYEE, entry.counterparty_name),
        (
            COUNTERPARTY_IBAN,
            group_iban(entry.counterparty_iban) if entry.counterparty_iban else None,
        ),
        (REFERENCE, entry.reference),
    )
    for label, value in details:
        if value:
            parts = wrap(value, DESCRIPTION_RIGHT - DETAIL_X, 7.5, measure)
            lines.append([(DESCRIPTION_X, label, 7, GREY), (DETAIL_X, parts[0], 7.5, GREY)])
            lines.extend([(DETAIL_X, part, 7.5, GREY)] for part in parts[1:])
    return lines


def wrap(text: str, width: float, size: float, measure: Measure) -> list[str]:
    """Chunks of `text` no wider than `width` whose concatenation is `text`: each break falls
    after the last space that fits, or inside a word that alone is too wide."""
    widths = [measure(character, size, False) for character in text]
    chunks: list[str] = []
    start = 0
    while start < len(text):
        end, used = start, 0.0
        while end < len(text) and used + widths[end] <= width:
            used += widths[end]
            end += 1
        if end < len(text):
            space = text.rfind(" ", start + 1, end)
            end = space + 1 if space > start else max(end, start + 1)
        chunks.append(text[start:end])
        start = end
    return chunks or [""]
