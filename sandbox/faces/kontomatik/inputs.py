"""Parameters of the Kontomatik face, read by name from the query or, for a command, from the
form-encoded body (Kontomatik's commands are form POSTs; a parameter in the query is taken
too, as an older client sends it). A problem is a 400 naming the parameter: `InvalidParameter`,
or the exception Kontomatik has for it (`InvalidSince`)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date

from starlette.datastructures import FormData
from starlette.requests import Request

from sandbox.domain.errors import InvalidInput
from sandbox.faces.kontomatik.errors import Named

MAX_TEXT = 200
MAX_FIELDS = 32
_COUNTRY = re.compile(r"[a-z]{2}|all")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class Params:
    def __init__(self, request: Request, *known: str, form: FormData | None = None) -> None:
        values: dict[str, list[str]] = {}
        sources: list[Sequence[tuple[str, object]]] = [request.query_params.multi_items()]
        if form is not None:
            sources.append(form.multi_items())
        for items in sources:
            for name, value in items:
                if not isinstance(value, str):
                    raise InvalidInput(f"parameter {name[:MAX_TEXT]!r} must be text, not a file")
                values.setdefault(name, []).append(value)
        for name, given in values.items():
            if name not in (*known, "apiKey"):
                raise InvalidInput(f"unknown parameter {name[:MAX_TEXT]!r}")
            if len(given) > 1:
                raise InvalidInput(f"parameter {name!r} is given more than once")
        self.params: Mapping[str, str] = {name: given[0] for name, given in values.items()}

    @classmethod
    async def of_form(cls, request: Request, *known: str) -> Params:
        """The query and the form body of a command's POST."""
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type and media_type not in FORM_TYPES:
            raise InvalidInput(
                f"send the parameters form-encoded ({FORM_TYPES[0]}), not {media_type[:64]}"
            )
        form = None
        if media_type:
            form = await request.form(max_files=0, max_fields=MAX_FIELDS)
        return cls(request, *known, form=form)

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

    def since(self, name: str = "since") -> date | None:
        """A `YYYY-MM-DD` day; Kontomatik's `InvalidSince` otherwise."""
        value = self.params.get(name)
        if value is None:
            return None
        try:
            if not _DATE.fullmatch(value):
                raise ValueError(value)
            return date.fromisoformat(value)
        except ValueError:
            raise Named("InvalidSince", f"{name} must be a day as YYYY-MM-DD") from None

    def boolean(self, name: str) -> bool:
        value = self.params.get(name)
        if value is None:
            return False
        if value.lower() not in ("true", "false"):
            raise InvalidInput(f"parameter {name!r} must be true or false")
        return value.lower() == "true"
