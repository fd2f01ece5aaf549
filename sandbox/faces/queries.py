"""What a face refuses about a request's query string, and the opaque cursors its listings
hand out.

A cursor is base64url of a small JSON list: the listing's kind, then the position the domain
returned (`sandbox.domain.transactions.Position`, a last id). Kinds keep a users cursor from
being passed to transactions. The domain never sees a cursor, only positions.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from datetime import date
from typing import Any

import orjson

from sandbox.domain.errors import SandboxError
from sandbox.domain.transactions import Position

MAX_CURSOR_LENGTH = 200
_MAX_ID = 2**63


class BadQuery(SandboxError):
    """A listing asked in a way that cannot be answered; `details.parameter` says which part."""

    code = "invalid_parameter"

    def __init__(self, parameter: str, problem: str, **details: object) -> None:
        super().__init__(
            f"`{parameter}` {problem}",
            details={"parameter": parameter, "message": problem, **details},
        )


class BadCursor(BadQuery):
    code = "invalid_cursor"

    def __init__(self) -> None:
        super().__init__("cursor", "is not one this API gave out; pass next_cursor back unchanged")


def encode(kind: str, *values: Any) -> str:
    return base64.urlsafe_b64encode(orjson.dumps([kind, *values])).rstrip(b"=").decode()


def decode(cursor: str, kind: str, *readers: Callable[[Any], Any]) -> list[Any]:
    """The values a cursor of `kind` holds, each read by its reader (which raises ValueError or
    TypeError for a value no cursor of ours holds); BadCursor for anything else."""
    if not cursor or len(cursor) > MAX_CURSOR_LENGTH:
        raise BadCursor()
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        given, *values = orjson.loads(raw)
        if given != kind or len(values) != len(readers):
            raise ValueError(given)
        return [read(value) for read, value in zip(readers, values, strict=True)]
    except (binascii.Error, ValueError, TypeError):
        raise BadCursor() from None


def row_id(value: Any) -> int:
    if type(value) is not int or not 0 < value < _MAX_ID:
        raise ValueError(value)
    return value


def encode_position(position: Position) -> str:
    return encode("tx", position.booked_on.isoformat(), position.id)


def decode_position(cursor: str) -> Position:
    booked_on, last_id = decode(cursor, "tx", date.fromisoformat, row_id)
    return Position(booked_on, last_id)


def encode_last_id(kind: str, last_id: int) -> str:
    """The cursor of a listing that pages by id (users, webhook events): the last id served."""
    return encode(kind, last_id)


def decode_last_id(kind: str, cursor: str) -> int:
    return decode(cursor, kind, row_id)[0]


def encode_user_cursor(last_id: int) -> str:
    return encode_last_id("users", last_id)


def decode_user_cursor(cursor: str) -> int:
    return decode_last_id("users", cursor)
