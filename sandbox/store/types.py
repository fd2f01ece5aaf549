"""Column types that behave the same on SQLite and PostgreSQL.

SQLite has no time zones and PostgreSQL hands back datetimes in the session's zone; the domain
compares instants from virtual clocks, so every datetime goes in as UTC and comes out aware UTC.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect


class UTCDateTime(sa.TypeDecorator[datetime]):
    """An instant: aware datetimes in, aware UTC datetimes out, on every database.

    Naive datetimes are refused: a naive value is a bug (someone read a local clock), and
    guessing its zone would silently shift consents and sync windows by hours.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} given; pass an aware UTC instant")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            # Stored as naive UTC text, so string order is time order and indexes stay usable.
            return value.replace(tzinfo=None)
        return value

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], Any] | None:
        """On SQLite, the text SQLAlchemy's DATETIME would store (`YYYY-MM-DD HH:MM:SS.ffffff`),
        written by `isoformat` in one C call: an import binds hundreds of datetimes, and the
        dialect's own formatting builds a dict for each."""
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)

        def process(value: datetime | None) -> str | None:
            naive = self.process_bind_param(value, dialect)
            return None if naive is None else naive.isoformat(" ", "microseconds")

        return process

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
