"""Reading an ASGI scope without building a Request: the middleware runs on every request."""

from __future__ import annotations

from starlette.types import Scope


def header(scope: Scope, name: bytes) -> bytes:
    """The first value of header `name` (lower-case bytes), or b"" when it is absent."""
    for key, value in scope["headers"]:
        if key == name:
            return value
    return b""
