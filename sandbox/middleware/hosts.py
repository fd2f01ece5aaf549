"""The Host check: the sandbox answers only to names it is known by, so a page that rebinds its
own domain to 127.0.0.1 (DNS rebinding) cannot read the control API from a browser.

Allowed: loopback names (`localhost`, any `127.x.y.z`, `[::1]`), the host the server binds when
that is not a wildcard, and `SANDBOX_ALLOWED_HOSTS` (exact names, or `*.domain` for any name
under that domain); any port. The Origin check (`origins.py`) uses the same list.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.types import ASGIApp, Receive, Scope, Send

from sandbox.errors import HostNotAllowed
from sandbox.middleware.scope import Answer, only_header, refuse, shown
from sandbox.settings import Settings

LOOPBACK_NAMES = frozenset({b"localhost", b"[::1]"})
# Binding these means "every interface": they name no host a client would use.
WILDCARD_BINDS = frozenset({"", "0.0.0.0", "::", "[::]"})
# How many distinct allowed Host values are remembered, so most requests skip the parsing.
REMEMBERED = 64


def hostname(authority: bytes) -> bytes | None:
    """The host of `authority` (`host`, `host:port`, `[v6]:port`), lower-cased, without its
    port or a final dot; None when it is not that shape."""
    authority = authority.lower()
    if authority.startswith(b"["):
        end = authority.find(b"]") + 1
        if not end:
            return None
        name, port = authority[:end], authority[end:]
    else:
        name, colon, port = authority.partition(b":")
        port = colon + port
    if port and not (port[:1] == b":" and port[1:].isdigit()):
        return None
    return name.removesuffix(b".") or None


def _loopback_ipv4(name: bytes) -> bool:
    if not name.startswith(b"127."):
        return False
    try:
        ipaddress.IPv4Address(name.decode("ascii"))
    except ValueError:
        return False
    return True


def _bracketed(name: str) -> str:
    """IPv6 addresses as a Host header writes them."""
    return f"[{name}]" if ":" in name and not name.startswith("[") else name


class AllowedHosts:
    """The host names a request may be addressed to (or come from, for `Origin`)."""

    def __init__(self, names: Iterable[str]) -> None:
        exact, suffixes = set(), []
        for name in names:
            if name.startswith("*."):
                suffixes.append(name[1:].encode())
            else:
                exact.add(_bracketed(name.lower()).encode())
        self._exact = frozenset(exact | LOOPBACK_NAMES)
        self._suffixes = tuple(suffixes)

    @classmethod
    def of(cls, settings: Settings) -> AllowedHosts:
        bound = [] if settings.host in WILDCARD_BINDS else [settings.host]
        return cls([*settings.allowed_hosts, *bound])

    def allows(self, name: bytes) -> bool:
        """`name` as `hostname` gives it."""
        return (
            name in self._exact
            or _loopback_ipv4(name)
            or bool(self._suffixes and name.endswith(self._suffixes))
        )


class HostCheck:
    """Refuses a request whose `Host` is missing, repeated or not an allowed name (403)."""

    def __init__(self, app: ASGIApp, hosts: AllowedHosts, answer: Answer) -> None:
        self.app, self.hosts, self.answer = app, hosts, answer
        self._seen: set[bytes] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            host = only_header(scope, b"host")
            if host not in self._seen:
                error = self._problem(host)
                if error is not None:
                    await refuse(self.answer, error, scope, receive, send)
                    return
                if host is not None and len(self._seen) < REMEMBERED:
                    self._seen.add(host)
        await self.app(scope, receive, send)

    def _problem(self, host: bytes | None) -> HostNotAllowed | None:
        if host is None:
            return HostNotAllowed("send exactly one Host header")
        if not host:
            return HostNotAllowed("the request has no Host header")
        name = hostname(host)
        if name is not None and self.hosts.allows(name):
            return None
        return HostNotAllowed(
            f"this server does not answer to the host {shown(host)!r}: it answers to "
            "localhost, 127.0.0.1, [::1], the address it binds and SANDBOX_ALLOWED_HOSTS",
            details={"host": shown(host)},
        )
