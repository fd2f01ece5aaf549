"""One delivery attempt: a POST of a body, rendered and signed by the endpoint's format
(`sandbox/webhooks/worker.py`), to the endpoint's URL.

Any 2xx answer delivers it; anything else (another status, a refused connection, no answer
within the timeout) is a failed attempt the worker retries. Redirects are not followed, so
nothing is ever sent to a URL the tenant did not configure, and no proxy from the environment
ever sees an event. A short answer's body is read and dropped, so its connection carries the
next delivery; a longer one is cut off, connection and all.

The POST is written on the server's own event loop (asyncio streams) and the answer read with
httptools' C parser, the one uvicorn reads requests with: on this machine a delivery costs
about 20 µs of CPU so, against 100 to 130 µs through `http.client` in a thread (the hand-over
to the thread and back, and its header parsing) and 0.7 to 1.1 ms through httpx's async client;
the server's core is shared with every page and import, and a connect flow sends nine events.

A host that resolves to a link-local address (169.254.0.0/16, where clouds serve instance
metadata; fe80::/10) is not connected to unless SANDBOX_WEBHOOK_ALLOW_LINK_LOCAL is set: the
address is checked after resolving and the connection made to that very address, so a name
cannot pass the check and then resolve elsewhere. Registration refuses literal addresses
already (`sandbox/urls.py`); this catches names, and URLs stored before that rule.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
import ssl
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import SplitResult, urlsplit

import httptools

from sandbox.clock import monotonic
from sandbox.urls import LINK_LOCAL_HINT, is_link_local

USER_AGENT = "bank-sandbox-webhooks/0.1"
MAX_ERROR_LENGTH = 300
# An answer body up to this size is read to its end to keep the connection alive.
KEPT_ANSWER_BYTES = 64 * 1024
READ_SIZE = 64 * 1024


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str | None
    duration_ms: int
    # True when retrying cannot help (a URL that is not http or https, or not a URL at all).
    permanent: bool = False

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _error(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return text[:MAX_ERROR_LENGTH]


# A character a name may not hold, and one a value (which may hold spaces) may not.
_NOT_IN_NAME = re.compile(r"[^!-~]")
_NOT_IN_VALUE = re.compile(r"[^ -~]")


def _printable(text: str, *, spaces: bool = False) -> bool:
    """ASCII with no control character (and no space unless `spaces`): what a request line,
    header name or header value may carry without breaking out of it."""
    return not (_NOT_IN_VALUE if spaces else _NOT_IN_NAME).search(text)


@dataclass(frozen=True)
class _Target:
    """Where a URL points: the connection it needs, the path to post to and the Host header."""

    https: bool
    host: str
    port: int
    path: str
    authority: str

    @classmethod
    def of(cls, url: SplitResult) -> _Target:
        """Raises ValueError for a URL no connection can be made to."""
        if not url.hostname:
            raise ValueError("the URL has no host")
        https = url.scheme == "https"
        port = url.port or (443 if https else 80)
        path = (url.path or "/") + (f"?{url.query}" if url.query else "")
        if not _printable(path):
            raise ValueError("the URL's path has a space or a control character")
        try:
            name = url.hostname.encode("idna").decode("ascii")
        except UnicodeError as error:
            raise ValueError(f"the URL's host is not a valid name: {error}") from None
        bracketed = f"[{name}]" if ":" in name else name
        authority = bracketed if port == (443 if https else 80) else f"{bracketed}:{port}"
        return cls(https, url.hostname, port, path, authority)

    @property
    def key(self) -> tuple[bool, str, int]:
        return self.https, self.host, self.port


class LinkLocalRefused(OSError):
    """The webhook's host resolves to a link-local address, which delivery does not post to."""


class BadAnswer(OSError):
    """The receiver's answer is not HTTP/1.1."""


async def _addresses(host: str, port: int, allow_link_local: bool) -> list[str]:
    """The addresses to try for `host`, none of them link-local unless allowed (a name
    resolving to one such address among others is refused all the same). Names are resolved
    by `socket.getaddrinfo` in a thread, as the system resolves them for every other program."""
    try:
        return [str(ipaddress.ip_address(host))]  # a literal address: registration vetted it
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    resolved = await loop.run_in_executor(
        None, lambda: socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    )
    ips = list(dict.fromkeys(str(sockaddr[0]) for *_, sockaddr in resolved))
    if not allow_link_local:
        for ip in ips:
            if is_link_local(ipaddress.ip_address(ip.partition("%")[0])):
                raise LinkLocalRefused(
                    f"{host} resolves to the link-local address {ip}; {LINK_LOCAL_HINT}"
                )
    if not ips:
        raise OSError(f"{host} resolves to no address")
    return ips


@dataclass(eq=False)
class _Answer:
    """httptools' callbacks for one answer: whether its head is read and says the connection
    stays open (llhttp knows that only while the head is being read), how much body came, and
    whether it is complete."""

    parser: httptools.HttpResponseParser = field(init=False)
    headed: bool = False
    keep_alive: bool = False
    body_bytes: int = 0
    complete: bool = False

    def __post_init__(self) -> None:
        self.parser = httptools.HttpResponseParser(self)

    def on_headers_complete(self) -> None:
        self.headed = True
        self.keep_alive = self.parser.should_keep_alive()

    def on_body(self, chunk: bytes) -> None:
        self.body_bytes += len(chunk)

    def on_message_complete(self) -> None:
        self.complete = True


class _Stale(Exception):
    """A kept connection the receiver had closed meanwhile: it ended before any answer, so
    the request is sent again on a new connection, as browsers and httpx do."""


@dataclass(eq=False)
class _Link:
    """One open connection to a receiver."""

    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    kept: bool = field(default=False)  # it carried an earlier delivery

    def close(self) -> None:
        self.writer.close()

    async def exchange(
        self, target: _Target, headers: dict[str, str], body: bytes
    ) -> tuple[int, bool]:
        """The answer's status, and whether this connection may carry the next post (the whole
        answer was read and the receiver keeps it open)."""
        lines = [
            f"POST {target.path} HTTP/1.1\r\nHost: {target.authority}\r\n"
            f"Content-Length: {len(body)}\r\n"
        ]
        for name, value in headers.items():
            if not (_printable(name) and _printable(value, spaces=True)):
                raise ValueError(f"the header {name!r} cannot be sent")
            lines.append(f"{name}: {value}\r\n")
        lines.append("\r\n")
        try:
            self.writer.write("".join(lines).encode("ascii") + body)
            await self.writer.drain()
        except ConnectionError:
            if self.kept:
                raise _Stale from None
            raise
        answer = _Answer()
        parser = answer.parser
        while not answer.complete and answer.body_bytes <= KEPT_ANSWER_BYTES:
            try:
                data = await self.reader.read(READ_SIZE)
            except ConnectionError:
                if self.kept and not answer.headed:
                    raise _Stale from None
                raise
            if not data:
                if answer.headed:  # an answer that ends with its connection
                    return parser.get_status_code(), False
                if self.kept:
                    raise _Stale
                raise ConnectionResetError("the receiver closed the connection without answering")
            try:
                parser.feed_data(data)
            except httptools.HttpParserUpgrade:
                return parser.get_status_code(), False
            except httptools.HttpParserError as error:
                raise BadAnswer(f"the answer is not HTTP/1.1: {error}") from None
        return parser.get_status_code(), answer.complete and answer.keep_alive


class Sender:
    """Posts from the event loop, keeping the idle connections to each receiver to reuse.
    Closing it cuts off every connection, so nothing waits on a slow receiver after that."""

    def __init__(self, *, allow_link_local: bool = False) -> None:
        self._allow_link_local = allow_link_local
        self._idle: dict[tuple[bool, str, int], list[_Link]] = {}
        self._open: set[_Link] = set()
        self._closed = False

    @cached_property
    def _tls(self) -> ssl.SSLContext:
        return ssl.create_default_context()

    async def post(self, target: _Target, headers: dict[str, str], body: bytes) -> int:
        """The answer's status code; raises OSError or ValueError."""
        idle = self._idle.get(target.key)
        while idle:
            link = idle.pop()
            if link.writer.is_closing() or link.reader.at_eof():  # closed while it waited
                self._drop(link)
                continue
            try:
                return await self._exchange(link, target, headers, body)
            except _Stale:
                continue
        return await self._exchange(await self._connect(target), target, headers, body)

    async def _exchange(
        self, link: _Link, target: _Target, headers: dict[str, str], body: bytes
    ) -> int:
        try:
            status, reusable = await link.exchange(target, headers, body)
        except BaseException:  # a failure, the deadline or the worker stopping: cut it off
            self._drop(link)
            raise
        if reusable and not self._closed:
            link.kept = True
            self._idle.setdefault(target.key, []).append(link)
        else:
            self._drop(link)
        return status

    async def _connect(self, target: _Target) -> _Link:
        if self._closed:
            raise ConnectionAbortedError("the sender is stopping")
        tls = self._tls if target.https else None
        error: OSError = OSError(f"{target.host} resolves to no address")
        for ip in await _addresses(target.host, target.port, self._allow_link_local):
            try:
                reader, writer = await asyncio.open_connection(
                    ip, target.port, ssl=tls, server_hostname=target.host if tls else None
                )
            except OSError as failed:
                error = failed
                continue
            link = _Link(reader, writer)
            self._open.add(link)
            return link
        raise error

    def _drop(self, link: _Link) -> None:
        self._open.discard(link)
        link.close()

    def close(self) -> None:
        """Cut off every connection, those in flight included; no new one is opened."""
        self._closed = True
        self._idle.clear()
        for link in list(self._open):
            self._drop(link)


async def attempt(
    sender: Sender, *, url: str, headers: dict[str, str], body: bytes, timeout: float
) -> Outcome:
    """POST `body` with `headers` once, with at most `timeout` seconds for the whole exchange."""
    try:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return Outcome(None, "only http:// and https:// webhook URLs are delivered to", 0, True)
        target = _Target.of(parts)
    except ValueError as error:  # no host, or a port that is not a number
        return Outcome(None, f"InvalidURL: {error}"[:MAX_ERROR_LENGTH], 0, True)
    headers = {**headers, "User-Agent": USER_AGENT}
    started = monotonic()

    def took() -> int:
        return round((monotonic() - started) * 1000)

    try:
        # One deadline for the whole exchange: resolving, connecting, writing and reading.
        async with asyncio.timeout(timeout):
            status = await sender.post(target, headers, body)
    except TimeoutError:
        return Outcome(None, f"no answer within {timeout:g} s", took())
    except (OSError, ValueError) as error:
        return Outcome(None, _error(error), took())
    if 300 <= status < 400:
        return Outcome(status, "redirects are not followed", took())
    return Outcome(status, None, took())
