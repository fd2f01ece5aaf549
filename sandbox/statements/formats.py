"""The statement formats by name, as the upload and export routes name them."""

from __future__ import annotations

import importlib
from types import ModuleType

from sandbox.statements.model import Problem, Statement, StatementError

# Format name → the module under sandbox/statements that reads and writes it.
MODULES = {
    "json": "json_format",
    "csv": "csv_format",
    "mt940": "mt940",
    "camt053": "camt053",
    "pdf": "pdf",
}
NAMES = tuple(MODULES)


def module(name: str) -> ModuleType:
    """The format's module (`parse`, `render`, `MEDIA_TYPE`, `EXTENSION`)."""
    return importlib.import_module(f"sandbox.statements.{MODULES[name]}")


def by_file_name(file_name: str) -> str | None:
    """The format a file's name says (by its extension), or None."""
    lowered = file_name.lower()
    for name in NAMES:
        if lowered.endswith(module(name).EXTENSION):
            return name
    if lowered.endswith((".sta", ".mt940", ".940")):
        return "mt940"
    if lowered.endswith(".xml"):
        return "camt053"
    return None


def parse(name: str, data: bytes) -> Statement:
    """Raises StatementError for a file the format cannot read, an empty one included."""
    if not data:
        raise StatementError([Problem("file", "the file is empty")])
    return module(name).parse(data)


def render(name: str, statement: Statement) -> bytes:
    return module(name).render(statement)
