"""Opaque paging cursors of the JSON faces: base64url of the JSON list `[kind, last id]`.

The domain pages by a neutral position (the id of the last row served); a face turns it into a
string the client passes back unchanged. The kind keeps one listing's cursor out of another's,
so a users cursor given to the webhook listing is refused instead of read as a position.
"""

from __future__ import annotations

import base64
import binascii

import orjson

from sandbox.domain.transactions import BadCursor

MAX_CURSOR_LENGTH = 200


def encode_cursor(kind: str, last_id: int) -> str:
    return base64.urlsafe_b64encode(orjson.dumps([kind, last_id])).rstrip(b"=").decode()


def decode_cursor(kind: str, cursor: str) -> int:
    """The id an `encode_cursor(kind, …)` cursor holds; BadCursor for anything else."""
    if not cursor or len(cursor) > MAX_CURSOR_LENGTH:
        raise BadCursor()
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        given_kind, last_id = orjson.loads(raw)
    except (binascii.Error, ValueError, TypeError):
        raise BadCursor() from None
    if given_kind != kind or type(last_id) is not int or not 0 < last_id < 2**63:
        raise BadCursor()
    return last_id
