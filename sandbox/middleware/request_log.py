"""One structured log line per request, tied together by a request id.

The id comes from the client's `X-Request-Id` when it is sane, or is made here, and is sent back
in `X-Request-Id`. The line holds the method, the path (never the query string or any header, so
no credential can leak into a log), the status and how long it took.
"""

from __future__ import annotations

import itertools
import logging
import re
import secrets

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox.clock import monotonic, system_now
from sandbox.middleware.scope import header

log = logging.getLogger("sandbox.requests")
_SANE_ID = re.compile(rb"^[A-Za-z0-9._:-]{1,128}$")
# Made ids: 32 hex digits, a random half per process and a counted half, unique without asking
# the OS for randomness on every request.
_PROCESS = secrets.token_hex(8)
_COUNT = itertools.count(1)


def made_request_id() -> bytes:
    return f"{_PROCESS}{next(_COUNT):016x}".encode()


class RequestLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = header(scope, b"x-request-id")
        request_id = given if given and _SANE_ID.match(given) else made_request_id()
        scope.setdefault("state", {})["request_id"] = request_id.decode()
        started, status = monotonic(), 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id)]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if log.isEnabledFor(logging.INFO):
                line = {
                    "at": system_now().isoformat(timespec="milliseconds"),
                    "request_id": request_id.decode(),
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "ms": round((monotonic() - started) * 1000, 2),
                }
                log.info(orjson.dumps(line).decode())


def configure_logging(level: str = "info") -> None:
    """Request lines, and webhook attempt lines (`sandbox.webhooks`), go to stderr as bare
    JSON, one per line."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    for logger in (log, logging.getLogger("sandbox.webhooks")):
        logger.handlers[:] = [handler]
        logger.setLevel(level.upper())
        logger.propagate = False
