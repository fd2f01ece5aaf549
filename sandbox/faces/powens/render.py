"""Powens' spellings shared by every resource: date-times as `YYYY-MM-DD HH:MM:SS` (UTC, no
offset, as Powens' spec's pattern wants), dates as `YYYY-MM-DD`."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sandbox.domain.records import User


def stamp(value: datetime | None) -> str | None:
    """A time as Powens writes it: UTC, to the second, no offset; None stays null."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%d %H:%M:%S")


def day(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.astimezone(UTC).date() if value.tzinfo else value.date()
    return value.isoformat()


def user_json(user: User) -> dict[str, Any]:
    return {"id": user.id, "signin": stamp(user.created_at)}
