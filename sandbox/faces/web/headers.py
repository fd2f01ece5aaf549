"""Security headers of every hosted page, bank page, status answer and static file.

Scripts only come from our own origin (`connect.js` is a static file), nothing may frame a page,
and no URL (the session id is in it) leaks through `Referer`. The one exception to framing: the
pages of a flow a face opened for an embedding page (Kontomatik's SignIn Widget) may be framed
by that page's origin, and by nothing else: a handler that read such a flow sets
`request.state.frame_origin` (`allow_framing`), and the answer then says `frame-ancestors
<origin>` and no `X-Frame-Options` (which cannot name an origin). The pages carry small inline
styles (the tenant's and the bank's colours in a `<style>` block and in `style` attributes), so
a page's policy allows exactly those, by hash, and nothing else inline.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from functools import lru_cache

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox.urls import web_origin

BASE_POLICY = "default-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'"
HEADERS = {
    b"content-security-policy": BASE_POLICY.encode(),
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"no-referrer",
    b"x-frame-options": b"DENY",
}

_STYLE_ELEMENT = re.compile(r"<style>(.*?)</style>", re.DOTALL)
# Found by its literal start, which the regex engine scans for fast (a leading `\s` made it try
# every position of the page); the space before it is checked after.
_STYLE_ATTRIBUTE = re.compile(r'style="([^"]*)"')


@lru_cache(maxsize=1024)  # the same few colours' styles on every page
def _hash(text: str) -> str:
    digest = hashlib.sha256(text.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def page_policy(page: str) -> str:
    """The policy for one rendered page: the base policy plus the hashes of its inline styles
    (`'unsafe-hashes'` lets a hash match a `style` attribute, and nothing else)."""
    inline = [*_STYLE_ELEMENT.findall(page)]
    inline += [
        html.unescape(found.group(1))
        for found in _STYLE_ATTRIBUTE.finditer(page)
        if page[found.start() - 1 : found.start()].isspace()
    ]
    hashes = sorted({_hash(text) for text in inline})
    if not hashes:
        return BASE_POLICY
    return f"{BASE_POLICY}; style-src 'self' 'unsafe-hashes' {' '.join(hashes)}"


# The flow option naming the origin of the page that frames the flow's pages (a face opens the
# flow with it: Kontomatik's SignIn Widget).
EMBEDDED_IN = "embedded_in"
FRAME_STATE = "frame_origin"
_NO_FRAMES = b"frame-ancestors 'none'"


def allow_framing(request: Request, origin: object) -> None:
    """Let this answer be framed by `origin`, when it is a web origin (anything else is
    ignored: the answer stays unframeable)."""
    if isinstance(origin, str):
        try:
            setattr(request.state, FRAME_STATE, web_origin(origin))
        except ValueError:
            return


def _framed_by(headers: list[tuple[bytes, bytes]], origin: str) -> list[tuple[bytes, bytes]]:
    ancestors = b"frame-ancestors " + origin.encode()
    return [
        (name, value.replace(_NO_FRAMES, ancestors))
        if name.lower() == b"content-security-policy"
        else (name, value)
        for name, value in headers
        if name.lower() != b"x-frame-options"
    ]


class SecurityHeaders:
    """Adds the headers to every response that does not set them itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(k, v) for k, v in HEADERS.items() if k not in present]
                origin = (scope.get("state") or {}).get(FRAME_STATE)
                if origin is not None:
                    headers = _framed_by(headers, origin)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
