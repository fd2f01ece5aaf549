"""Query strings and path ids of `/api/v1`, read by name and type.

Every problem is a 400 naming the parameter. Unknown and repeated parameters are refused too:
a misspelt filter (`acount_id=`) would otherwise widen a listing without anyone noticing.
The patterns here are the ones `openapi.yaml` documents, so a request the spec forbids
is refused and one it allows is read.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from starlette.requests import Request

from sandbox.faces.paths import ID
from sandbox.faces.queries import BadQuery

MAX_PAGE_SIZE = 500
MAX_TEXT_LENGTH = 200

_WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
COUNTRY = re.compile(r"[A-Za-z]{2}")
BIC = re.compile(r"[A-Za-z0-9]{8}([A-Za-z0-9]{3})?")
# Signed, at most 15 integer digits and 3 decimals (the most any currency's minor unit has).
_AMOUNT = re.compile(r"-?[0-9]{1,15}(\.[0-9]{1,3})?")


class LimitTooLarge(BadQuery):
    code = "limit_too_large"


class Query:
    """The query string of one request; `known` are the names the route takes."""

    def __init__(self, request: Request, *known: str) -> None:
        self.params = request.query_params
        for name in dict.fromkeys(self.params.keys()):
            if name not in known:
                takes = f"takes {', '.join(known)}" if known else "takes no query parameters"
                raise BadQuery(name, f"is unknown: this route {takes}")
            if len(self.params.getlist(name)) > 1:
                raise BadQuery(name, "is given more than once")

    def text(self, name: str, max_length: int = MAX_TEXT_LENGTH) -> str | None:
        value = self.params.get(name)
        if value is not None and not 1 <= len(value) <= max_length:
            raise BadQuery(name, f"must be 1 to {max_length} characters long")
        if value is not None and "\x00" in value:
            raise BadQuery(name, "must not contain NUL characters")
        return value

    def cursor(self) -> str | None:
        """The opaque cursor, judged whole by whoever decodes it."""
        return self.params.get("cursor")

    def matching(self, name: str, pattern: re.Pattern[str], expected: str) -> str | None:
        value = self.params.get(name)
        if value is not None and not pattern.fullmatch(value):
            raise BadQuery(name, f"must be {expected}", given=value[:MAX_TEXT_LENGTH])
        return value

    def id(self, name: str) -> int | None:
        value = self.matching(name, ID, "a positive whole number")
        return None if value is None else int(value)

    def limit(self, default: int) -> int:
        value = self.matching("limit", _WHOLE_NUMBER, f"a whole number from 1 to {MAX_PAGE_SIZE}")
        limit = default if value is None else int(value)
        if limit < 1:
            raise BadQuery("limit", f"must be a whole number from 1 to {MAX_PAGE_SIZE}")
        if limit > MAX_PAGE_SIZE:
            raise LimitTooLarge(
                "limit", f"is at most {MAX_PAGE_SIZE}", maximum=MAX_PAGE_SIZE, given=limit
            )
        return limit

    def date(self, name: str) -> date | None:
        value = self.matching(name, _DATE, "a date as YYYY-MM-DD")
        if value is None:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise BadQuery(name, "is not a calendar date", given=value) from None

    def amount(self, name: str) -> Decimal | None:
        value = self.matching(name, _AMOUNT, "a decimal amount such as -12.50")
        return None if value is None else Decimal(value)

    def boolean(self, name: str, default: bool) -> bool:
        value = self.params.get(name)
        if value is None:
            return default
        if value not in ("true", "false"):
            raise BadQuery(name, "must be true or false", given=value[:MAX_TEXT_LENGTH])
        return value == "true"

    def choice(self, name: str, allowed: tuple[str, ...]) -> str | None:
        """One value from `allowed`."""
        value = self.params.get(name)
        if value is not None and value not in allowed:
            raise BadQuery(name, f"must be one of {', '.join(allowed)}", allowed=list(allowed))
        return value

    def choices(self, name: str, allowed: tuple[str, ...]) -> list[str] | None:
        """A comma-separated list of values from `allowed`."""
        value = self.params.get(name)
        if value is None:
            return None
        chosen = value.split(",")
        unknown = [item for item in chosen if item not in allowed]
        if unknown:
            raise BadQuery(
                name,
                f"has values it does not know: {', '.join(unknown)[:MAX_TEXT_LENGTH]}",
                allowed=list(allowed),
            )
        return chosen
