"""What a Powens request carries: a body as JSON or as a form (Powens takes both, and clients
send both), and query parameters, read with Powens' rules: a flag such as `all` counts when
present even without a value, and a boolean may be `true`, `1` or `false`, `0`."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.datastructures import QueryParams
from starlette.requests import Request

from sandbox.faces.paths import ID
from sandbox.faces.powens.errors import InvalidValue, MissingParameter

MAX_TEXT = 1024
TRUE = {"true", "1", "yes", "on"}
FALSE = {"false", "0", "no", "off"}


class Fields:
    """Named values from a body or a query, each read by the type it must have."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def __contains__(self, name: str) -> bool:
        return name in self.values

    def names(self) -> list[str]:
        return list(self.values)

    def text(self, name: str, *, required: bool = False, max_length: int = MAX_TEXT) -> str | None:
        value = self.values.get(name)
        if value is None or value == "":
            if required:
                raise MissingParameter(name)
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise InvalidValue(name, "expected a string")
        value = str(value)
        if len(value) > max_length or "\x00" in value:
            raise InvalidValue(name, f"at most {max_length} characters, no NUL")
        return value

    def number(self, name: str, *, required: bool = False) -> int | None:
        """A positive id: a JSON integer or digits in a string."""
        value = self.values.get(name)
        if value is None or value == "":
            if required:
                raise MissingParameter(name)
            return None
        if isinstance(value, bool):
            raise InvalidValue(name, "expected an integer")
        if isinstance(value, int):
            value = str(value)
        if not isinstance(value, str) or not ID.fullmatch(value):
            raise InvalidValue(name, "expected a positive integer")
        return int(value)

    def boolean(self, name: str, *, default: bool | None = None) -> bool | None:
        """`true`/`false` as JSON or text (`1`/`0` too); a flag given without a value is true."""
        if name not in self.values:
            return default
        value = self.values[name]
        if isinstance(value, bool):
            return value
        if value is None:
            return default
        text = str(value).strip().lower()
        if text == "" or text in TRUE:
            return True
        if text in FALSE:
            return False
        raise InvalidValue(name, "expected true or false")


def query(request: Request) -> Fields:
    """The query string; a name given twice keeps its last value, as Powens does."""
    params: QueryParams = request.query_params
    return Fields({name: params.getlist(name)[-1] for name in params})


async def body(request: Request) -> Fields:
    """The body as JSON (an object) or a form; an empty body is no fields."""
    raw = await request.body()
    if not raw.strip():
        return Fields({})
    media = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.form(max_files=0, max_fields=200)
        return Fields({name: form.getlist(name)[-1] for name in form})
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise InvalidValue("body", f"not valid JSON ({error})") from None
    if not isinstance(data, dict):
        raise InvalidValue("body", "expected a JSON object")
    return Fields(data)


async def fields(request: Request) -> Fields:
    """Query and body together (Powens reads parameters from either); the body wins."""
    found = query(request).values
    if request.method not in ("GET", "HEAD", "DELETE"):
        found = {**found, **(await body(request)).values}
    return Fields(found)
