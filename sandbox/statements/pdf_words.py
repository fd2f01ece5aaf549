"""The words of a PDF and where they stand, read with pdfminer.six: every character with its
position, grouped into lines (by baseline) and runs (characters that touch). A gap between
two runs is what separates a label from its value or one column from the next, so a page is
read by positions and never by guessed spaces.

pdfminer.six gives each drawn character exactly (spaces too, since they are glyphs); pypdf's
text extraction adds spaces and line breaks of its own, which would make a description's
spaces ambiguous.
"""

from __future__ import annotations

import io
import re
import zlib
from dataclasses import dataclass
from itertools import islice
from typing import NoReturn

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LTChar, LTPage
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1
from pdfminer.utils import decode_text

from sandbox.statements.model import Problem, StatementError

MAX_PAGES = 5_000  # a statement of MAX_ENTRIES entries needs about 2,500
# What the file's compressed streams may inflate to, all together: a statement of MAX_PAGES
# pages needs about 60 MB; a "zip bomb" of a few MB could need gigabytes.
MAX_INFLATED = 128 * 1024 * 1024
_STREAM = re.compile(rb"stream\r?\n")
RUN_GAP = 1.5  # points between two characters that belong to different runs
LINE_SLACK = 2.5  # points two baselines of one line may differ by (label and value sizes)


@dataclass(frozen=True, slots=True)
class Run:
    x0: float
    x1: float
    text: str


@dataclass(frozen=True, slots=True)
class Line:
    top: float  # from the page's top edge, as the layout places it
    runs: tuple[Run, ...]


@dataclass(frozen=True, slots=True)
class Document:
    pages: tuple[tuple[Line, ...], ...]
    info: dict[str, str]  # the document information dictionary: Producer, CreationDate, ...
    # Every character in drawing order, pages separated by form feeds: what the sandbox's
    # digest covers.
    text: str


def _check_inflated_size(data: bytes) -> None:
    """Refuse a file whose deflated streams would inflate past MAX_INFLATED, before pdfminer
    inflates any of them whole: each stream is inflated here in bounded steps and dropped."""
    left = MAX_INFLATED
    for found in _STREAM.finditer(data):
        end = data.find(b"endstream", found.end())
        inflater = zlib.decompressobj()
        chunk = data[found.end() : end if end >= 0 else len(data)]
        try:
            while chunk and left >= 0:
                left -= len(inflater.decompress(chunk, 1024 * 1024))
                chunk = inflater.unconsumed_tail
        except zlib.error:
            continue  # not deflated, or damaged: pdfminer judges it
        if left < 0:
            _refuse(
                "file",
                f"the PDF's compressed streams inflate to more than {MAX_INFLATED // 2**20} MB",
            )


def read(data: bytes) -> Document:
    """The document's lines, runs and information; a file that is not a readable, unencrypted
    PDF with text raises StatementError saying why."""
    if not data.strip():
        _refuse("file", "the file is empty")
    if b"%PDF-" not in data[:1024]:
        _refuse("file", "the file is not a PDF (it does not start with %PDF-)")
    _check_inflated_size(data)
    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
    except (PDFEncryptionError, PDFPasswordIncorrect):
        _refuse("file", _ENCRYPTED)
    # pdfminer raises many kinds of errors on a damaged file (syntax, missing objects, bad
    # streams, deep recursion); every one means the same thing to the user.
    except Exception as error:
        _refuse("file", f"the PDF cannot be read ({_reason(error)})")
    if document.encryption is not None:
        _refuse("file", _ENCRYPTED)
    pages: list[tuple[Line, ...]] = []
    texts: list[str] = []
    manager = PDFResourceManager()
    device = PDFPageAggregator(manager, laparams=None)
    interpreter = PDFPageInterpreter(manager, device)
    try:
        # Walking the page tree is cheap; reading the pages is not, so count them first.
        found = list(islice(PDFPage.create_pages(document), MAX_PAGES + 1))
        info = _info(document)
    except Exception as error:  # the page tree or the information itself is damaged
        _refuse("file", f"the PDF cannot be read ({_reason(error)})")
    if len(found) > MAX_PAGES:
        _refuse("file", f"the PDF has more than {MAX_PAGES} pages")
    for number, page in enumerate(found, start=1):
        try:
            interpreter.process_page(page)
        except Exception as error:  # as above: any damage inside the page's content
            _refuse(f"page {number}", f"the page cannot be read ({_reason(error)})")
        layout: LTPage = device.get_result()
        characters = [item for item in layout if isinstance(item, LTChar)]
        texts.append("".join(character.get_text() for character in characters))
        pages.append(_lines(characters, layout.height))
    if not pages:
        _refuse("file", "the PDF has no pages")
    if not any(texts):
        _refuse("file", "the PDF has no text (a scanned statement cannot be read)")
    return Document(pages=tuple(pages), info=info, text="\f".join(texts))


_ENCRYPTED = "the PDF is encrypted; upload the statement as the bank gave it, without a password"


def _refuse(where: str, message: str) -> NoReturn:
    raise StatementError([Problem(where, message)])


def _reason(error: Exception) -> str:
    text = str(error).strip()
    return f"{type(error).__name__}: {text[:200]}" if text else type(error).__name__


def _info(document: PDFDocument) -> dict[str, str]:
    """The information dictionaries' text entries, the newest winning (pdfminer lists the
    newest first; an incremental update adds one)."""
    info: dict[str, str] = {}
    for entries in reversed(document.info):
        for key, value in entries.items():
            value = resolve1(value)
            if isinstance(value, bytes):
                info[str(key)] = decode_text(value)
            elif isinstance(value, str):
                info[str(key)] = value
    return info


def _lines(characters: list[LTChar], height: float) -> tuple[Line, ...]:
    """Characters grouped into lines top to bottom, each line's into runs left to right."""
    rows: list[list[LTChar]] = []
    for character in sorted(characters, key=lambda c: -c.y0):
        if rows and rows[-1][0].y0 - character.y0 <= LINE_SLACK:
            rows[-1].append(character)
        else:
            rows.append([character])
    lines = []
    for row in rows:
        runs: list[Run] = []
        members: list[LTChar] = []
        for character in sorted(row, key=lambda c: c.x0):
            if members and character.x0 - members[-1].x1 > RUN_GAP:
                runs.append(_run(members))
                members = []
            members.append(character)
        runs.append(_run(members))
        lines.append(Line(top=height - max(c.y0 for c in row), runs=tuple(runs)))
    return tuple(lines)


def _run(members: list[LTChar]) -> Run:
    return Run(members[0].x0, members[-1].x1, "".join(c.get_text() for c in members))
