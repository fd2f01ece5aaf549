"""The Origin check of the control API: a page on another site open in the developer's browser
must not create tenants, move clocks or reset them. A browser names the page's origin in
`Origin` on every cross-site request it lets a page make (a "simple" POST too), so:

- no `Origin`: not a browser page's request (curl, a test suite, a same-origin GET), allowed;
- `null` (a sandboxed frame, a `file:` page, a redirect across sites): refused;
- an http(s) origin whose host is the request's `Host`, a loopback name or an allowed host
  (`hosts.py`), any port: allowed; any other: refused (403).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from sandbox.errors import OriginNotAllowed
from sandbox.middleware.hosts import REMEMBERED, AllowedHosts, hostname
from sandbox.middleware.scope import Answer, header, refuse, shown


class OriginCheck:
    """Refuses requests under `paths` that a page of another site sends."""

    def __init__(
        self, app: ASGIApp, paths: tuple[str, ...], hosts: AllowedHosts, answer: Answer
    ) -> None:
        self.app, self.paths, self.hosts, self.answer = app, paths, hosts, answer
        self._seen: set[bytes] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(self.paths):
            origin = header(scope, b"origin")
            if origin and origin not in self._seen and not self._allowed(origin, scope):
                error = OriginNotAllowed(
                    f"requests from pages of {shown(origin)} are refused: the control API "
                    "answers pages of the sandbox itself, of localhost and of "
                    "SANDBOX_ALLOWED_HOSTS only",
                    details={"origin": shown(origin)},
                )
                await refuse(self.answer, error, scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _allowed(self, origin: bytes, scope: Scope) -> bool:
        scheme, separator, authority = origin.lower().partition(b"://")
        if scheme not in (b"http", b"https") or not separator or b"/" in authority:
            return False  # `null` included
        if authority == header(scope, b"host").lower():
            return True  # same origin
        name = hostname(authority)
        if name is None or not self.hosts.allows(name):
            return False
        if len(self._seen) < REMEMBERED:
            self._seen.add(origin)
        return True
