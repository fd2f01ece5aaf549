"""Ids in a URL's path, read the same way by every face: a value no record can have is a 404
straight away, named in `details`, never a 400 or a 500."""

from __future__ import annotations

import re

from starlette.requests import Request

from sandbox.domain.errors import NotFound

MAX_SHOWN = 200
# ASCII digits only (str.isdigit() also takes "²"), no leading zero, below 2**63.
ID = re.compile(r"[1-9][0-9]{0,17}")


def path_id(request: Request, name: str, what: str) -> int:
    """A numeric id from the path; anything else names nothing, so it is a 404."""
    raw = request.path_params[name]
    if not ID.fullmatch(raw):
        raise NotFound(f"no {what} {raw[:MAX_SHOWN]!r}", details={name: raw[:MAX_SHOWN]})
    return int(raw)


def path_text(request: Request, name: str, what: str, max_length: int = 128) -> str:
    """A name from the path; one no record can have (too long, NUL) is a 404 straight away."""
    raw = request.path_params[name]
    if len(raw) > max_length or "\x00" in raw:
        raise NotFound(f"no {what} with this id", details={name: raw[:MAX_SHOWN]})
    return raw
