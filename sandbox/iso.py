"""How the sandbox writes an instant or a day: ISO 8601, with its UTC offset for an instant.

One function, because every event payload, every face's JSON and every stored summary spells
times the same way, and None (a time not yet known) stays null.
"""

from __future__ import annotations

from datetime import date, datetime


def iso(value: date | datetime | None) -> str | None:
    """A time (or date) as ISO 8601 with its UTC offset; None stays null."""
    return None if value is None else value.isoformat()
