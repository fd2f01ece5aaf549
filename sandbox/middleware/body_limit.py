"""An explicit limit on request bodies: past it the face answers 413 in its own format."""

from __future__ import annotations

import re
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox.errors import TooLarge
from sandbox.middleware.scope import header


@dataclass(frozen=True)
class Wider:
    """A larger limit for the paths matching `paths` (file uploads), named by its setting."""

    paths: re.Pattern[str]
    max_bytes: int
    setting: str


class BodyLimit:
    """Counts body bytes as they arrive; a face reading too many gets a TooLarge error, which its
    own exception handler renders (so the 413 speaks that face's wire format)."""

    def __init__(self, app: ASGIApp, max_bytes: int, wider: Wider | None = None) -> None:
        self.app, self.max_bytes, self.wider = app, max_bytes, wider

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = header(scope, b"content-length")
        limit, setting, seen = self.max_bytes, "SANDBOX_MAX_BODY_BYTES", 0
        if self.wider is not None and self.wider.paths.fullmatch(scope["path"]):
            limit, setting = self.wider.max_bytes, self.wider.setting

        def too_large() -> TooLarge:
            return TooLarge(
                f"the request body is larger than the limit of {limit} bytes ({setting})",
                details={"limit_bytes": limit, "setting": setting},
            )

        async def counted() -> Message:
            nonlocal seen
            if declared.isdigit() and int(declared) > limit:
                raise too_large()
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise too_large()
            return message

        await self.app(scope, counted, send)
