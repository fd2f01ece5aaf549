"""One structured log line per request, tied together by a request id.

The id comes from the client's `X-Request-Id` when it is sane, or is made here, and is sent back
in `X-Request-Id`. The line holds the method, the path (never the query string or any header, so
no credential can leak into a log), the status and how long it took. A path segment that grants
access by itself, the session id of the hosted pages, is logged as its name (`SECRET_SEGMENTS`).

The line is written on every request, so it is built as one string and handed to the stream in
one `write` call: the logging module's record, formatter, handler and lock cost a third of a
kept read's throughput, and `datetime.isoformat` per line was a tenth of the rest.
"""

from __future__ import annotations

import itertools
import logging
import re
import secrets
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from json.encoder import encode_basestring
from typing import TextIO

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox.clock import monotonic, system_ms
from sandbox.middleware.scope import header

_SANE_ID = re.compile(rb"^[A-Za-z0-9._:-]{1,128}$")
# Made ids: 32 hex digits, a random half per process and a counted half, unique without asking
# the OS for randomness on every request.
_PROCESS = secrets.token_hex(8)
_COUNT = itertools.count(1)

# Paths whose segment holds a connect or management session id, which lets whoever has it act in
# that session: the hosted pages `/connect/{session_id}/…` and the bank app's
# `/bank/{bank_id}/app/{session_id}/…`. Matched on the raw path, so a 404, 405 or slash
# redirect under these prefixes is redacted too, not only a path that reached its route.
SECRET_SEGMENTS = re.compile(r"^(/connect/|/bank/[^/]+/app/)[^/]+", re.DOTALL)
_SECRET_PREFIXES = ("/connect/", "/bank/")


def made_request_id() -> bytes:
    return f"{_PROCESS}{next(_COUNT):016x}".encode()


def logged_path(path: str) -> str:
    """The path as the log shows it: a session id becomes `{session_id}`."""
    if path.startswith(_SECRET_PREFIXES):
        return SECRET_SEGMENTS.sub(r"\1{session_id}", path, count=1)
    return path


class Stamps:
    """The `at` field, ISO 8601 in UTC to the millisecond: the text up to the second is made once
    per second, so a line only formats its milliseconds."""

    __slots__ = ("kept",)

    def __init__(self) -> None:
        self.kept: tuple[int, str] = (-1, "")  # one value, so second and text never disagree

    def at(self, epoch_ms: int) -> str:
        second, milli = divmod(epoch_ms, 1000)
        kept_second, prefix = self.kept
        if second != kept_second:
            instant = datetime.fromtimestamp(second, UTC).replace(tzinfo=None)
            prefix = instant.isoformat(timespec="seconds")
            self.kept = (second, prefix)
        return f"{prefix}.{milli:03d}+00:00"


def request_line(
    at: str, request_id: str, method: str, path: str, status: int, seconds: float
) -> str:
    """One JSON object and a line break. The request id is sane by construction (`_SANE_ID` or
    made here); method and path may hold any character, so they go through the JSON encoder."""
    return (
        f'{{"at":"{at}","request_id":"{request_id}","method":{encode_basestring(method)},'
        f'"path":{encode_basestring(logged_path(path))},"status":{status},'
        f'"ms":{seconds * 1000:.2f}}}\n'
    )


class _Output:
    """Where request lines go: None until `configure_logging` turns them on."""

    write: Callable[[str], object] | None = None


_output = _Output()
_stamps = Stamps()


class RequestLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = header(scope, b"x-request-id")
        request_id = given if given and _SANE_ID.match(given) else made_request_id()
        text_id = request_id.decode()
        scope.setdefault("state", {})["request_id"] = text_id
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
            write = _output.write
            if write is not None:
                took = monotonic() - started
                at = _stamps.at(system_ms())
                line = request_line(at, text_id, scope["method"], scope["path"], status, took)
                # A closed or broken stderr never fails a request, and there is nowhere to say
                # so. (A try costs nothing here; contextlib.suppress would, on every request.)
                try:  # noqa: SIM105
                    write(line)
                except (OSError, ValueError):
                    pass


def configure_logging(level: str = "info", stream: TextIO | None = None) -> None:
    """Request lines, and webhook attempt lines (`sandbox.webhooks`), go to `stream` (stderr
    unless given) as bare JSON, one per line; a level above info turns them off."""
    stream = sys.stderr if stream is None else stream
    webhooks = logging.getLogger("sandbox.webhooks")
    webhooks.setLevel(level.upper())
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    webhooks.handlers[:] = [handler]
    webhooks.propagate = False
    _output.write = stream.write if webhooks.isEnabledFor(logging.INFO) else None
