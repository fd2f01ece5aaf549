"""Reading an ASGI scope without building a Request, and answering one that a check refuses:
the middleware runs on every request."""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

from sandbox.errors import SandboxError

# How a check answers a request it refuses, in the format of the face the request was meant
# for: given by whoever installs the check, since middleware imports no face.
Answer = Callable[[Scope, SandboxError], ASGIApp]


def header(scope: Scope, name: bytes) -> bytes:
    """The first value of header `name` (lower-case bytes), or b"" when it is absent."""
    for key, value in scope["headers"]:
        if key == name:
            return value
    return b""


def only_header(scope: Scope, name: bytes) -> bytes | None:
    """The value of header `name` when it is sent once, b"" when it is absent, and None when
    it is sent twice or more: which one counts would be a guess (a proxy may pick another)."""
    found = None
    for key, value in scope["headers"]:
        if key == name:
            if found is not None:
                return None
            found = value
    return b"" if found is None else found


async def refuse(
    answer: Answer, error: SandboxError, scope: Scope, receive: Receive, send: Send
) -> None:
    await answer(scope, error)(scope, receive, send)


def shown(value: bytes, limit: int = 100) -> str:
    """A header value as an error may quote it: decoded, and cut short."""
    text = value.decode("latin-1")
    return text if len(text) <= limit else text[: limit - 3] + "..."
