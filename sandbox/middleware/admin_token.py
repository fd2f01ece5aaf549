"""The control API's admin token: with `SANDBOX_ADMIN_TOKEN` set, every request needs exactly
one `Authorization: Bearer <token>` header. Two headers are refused rather than one picked: a
proxy in front may read the other one. The scheme is matched in any case (RFC 9110 says it is
case-insensitive) and the token in constant time."""

from __future__ import annotations

import hmac

from starlette.types import ASGIApp, Receive, Scope, Send

from sandbox.errors import Unauthorized
from sandbox.middleware.scope import Answer, only_header, refuse


class AdminToken:
    def __init__(self, app: ASGIApp, token: str | None, answer: Answer) -> None:
        self.app, self.answer = app, answer
        self.expected = None if token is None else token.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.expected is not None and scope["type"] == "http":
            error = self._problem(only_header(scope, b"authorization"))
            if error is not None:
                await refuse(self.answer, error, scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _problem(self, authorization: bytes | None) -> Unauthorized | None:
        assert self.expected is not None
        if authorization is None:
            return Unauthorized("send exactly one Authorization header")
        scheme, _, given = authorization.strip().partition(b" ")
        matches = hmac.compare_digest(given.strip(), self.expected)
        if scheme.lower() == b"bearer" and matches:
            return None
        return Unauthorized("the control API needs `Authorization: Bearer <admin token>`")
