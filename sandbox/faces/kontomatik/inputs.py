"""Query parameters of the Kontomatik face, read by name; a problem is their 400
`InvalidParameter` naming the parameter."""

from __future__ import annotations

import re

from starlette.requests import Request

from sandbox.domain.errors import InvalidInput

MAX_TEXT = 200
_COUNTRY = re.compile(r"[a-z]{2}|all")


class Params:
    def __init__(self, request: Request, *known: str) -> None:
        self.params = request.query_params
        for name in dict.fromkeys(self.params.keys()):
            if name not in (*known, "apiKey"):
                raise InvalidInput(f"unknown parameter {name[:MAX_TEXT]!r}")
            if len(self.params.getlist(name)) > 1:
                raise InvalidInput(f"parameter {name!r} is given more than once")

    def text(self, name: str) -> str | None:
        value = self.params.get(name)
        if value is not None and not (1 <= len(value) <= MAX_TEXT and "\x00" not in value):
            raise InvalidInput(f"parameter {name!r} must be 1 to {MAX_TEXT} characters")
        return value

    def required(self, name: str) -> str:
        value = self.text(name)
        if value is None:
            raise InvalidInput(f"parameter {name!r} is required")
        return value

    def country(self, name: str) -> str | None:
        value = self.params.get(name)
        if value is not None and not _COUNTRY.fullmatch(value.lower()):
            raise InvalidInput(f"parameter {name!r} must be a two-letter country code or all")
        return None if value is None else value.lower()
