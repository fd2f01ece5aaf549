"""The JSON APIs take JSON bodies only. A browser page on any site may POST `text/plain`,
`multipart/form-data` or `application/x-www-form-urlencoded` anywhere without asking (a
"simple" request), so a body under another media type is refused (415) instead of being parsed
as JSON whatever its label. A request without a body needs no Content-Type."""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Receive, Scope, Send

from sandbox.errors import UnsupportedMediaType
from sandbox.middleware.scope import Answer, refuse, shown

ACCEPTED = ["application/json", "application/*+json"]
# Methods whose requests carry no body a route reads.
BODYLESS = frozenset({"GET", "HEAD", "OPTIONS"})


def is_json(content_type: bytes) -> bool:
    """`application/json` or `application/<something>+json`, with any parameters."""
    media = content_type.partition(b";")[0].strip().lower()
    return media == b"application/json" or (
        media.startswith(b"application/") and media.endswith(b"+json")
    )


class JsonBodies:
    """Refuses, under `paths`, a request that declares a media type other than JSON, or sends
    a body without declaring one; paths matching `files` (statement uploads, which need a
    bearer key no cross-site page can send) take any media type."""

    def __init__(
        self,
        app: ASGIApp,
        paths: tuple[str, ...],
        answer: Answer,
        files: re.Pattern[str] | None = None,
    ) -> None:
        self.app, self.paths, self.answer, self.files = app, paths, answer, files

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] not in BODYLESS
            and scope["path"].startswith(self.paths)
            and not (self.files is not None and self.files.fullmatch(scope["path"]))
        ):
            error = _problem(scope)
            if error is not None:
                await refuse(self.answer, error, scope, receive, send)
                return
        await self.app(scope, receive, send)


def _problem(scope: Scope) -> UnsupportedMediaType | None:
    content_type = length = chunked = None
    for key, value in scope["headers"]:
        if key == b"content-type":
            content_type = value
        elif key == b"content-length":
            length = value
        elif key == b"transfer-encoding":
            chunked = value
    if content_type is not None:
        if is_json(content_type):
            return None
        given = shown(content_type)
        message = f"send the body as JSON (Content-Type: application/json), not {given!r}"
    elif chunked is not None or (length is not None and length.strip() not in (b"", b"0")):
        given, message = None, "a body needs Content-Type: application/json"
    else:
        return None
    return UnsupportedMediaType(message, details={"content_type": given, "accepted": ACCEPTED})
