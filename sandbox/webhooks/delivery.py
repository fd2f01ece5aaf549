"""One delivery attempt: a POST of a body, rendered and signed by the endpoint's format
(`sandbox/webhooks/worker.py`), to the endpoint's URL.

Any 2xx answer delivers it; anything else (another status, a refused connection, no answer
within the timeout) is a failed attempt the worker retries. Redirects are not followed, so
nothing is ever sent to a URL the tenant did not configure, and no proxy from the environment
ever sees an event. A short answer's body is read and dropped, so its connection carries the
next delivery; a longer one is cut off, connection and all.

The POST is made with the standard library's `http.client`, from a thread of the `Sender`: on
this machine httpx's async client spent 0.7 to 1.1 ms of CPU on a delivery and `http.client`
0.15 to 0.2 ms, and the server's core is shared with every page and import.

A host that resolves to a link-local address (169.254.0.0/16, where clouds serve instance
metadata; fe80::/10) is not connected to unless SANDBOX_WEBHOOK_ALLOW_LINK_LOCAL is set: the
address is checked after resolving and the connection made to that very address, so a name
cannot pass the check and then resolve elsewhere. Registration refuses literal addresses
already (`sandbox/urls.py`); this catches names, and URLs stored before that rule.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import SplitResult, urlsplit

from sandbox.clock import monotonic
from sandbox.urls import LINK_LOCAL_HINT, is_link_local

USER_AGENT = "bank-sandbox-webhooks/0.1"
MAX_ERROR_LENGTH = 300
# An answer body up to this size is read to its end to keep the connection alive.
KEPT_ANSWER_BYTES = 64 * 1024
# A kept connection the receiver closed meanwhile fails at once, before any answer: these
# errors on a kept connection mean "try once more on a new one", as browsers and httpx do.
_STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


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


@dataclass(frozen=True)
class _Target:
    """Where a URL points: the connection it needs and the path to post to."""

    https: bool
    host: str
    port: int
    path: str

    @classmethod
    def of(cls, url: SplitResult) -> _Target:
        """Raises ValueError for a URL no connection can be made to."""
        if not url.hostname:
            raise ValueError("the URL has no host")
        https = url.scheme == "https"
        path = (url.path or "/") + (f"?{url.query}" if url.query else "")
        return cls(https, url.hostname, url.port or (443 if https else 80), path)


class LinkLocalRefused(OSError):
    """The webhook's host resolves to a link-local address, which delivery does not post to."""


def _connect_vetted(
    address: tuple[str, int], timeout: float | None, source_address: tuple[str, int] | None
) -> socket.socket:
    """`socket.create_connection` to an address `address` resolves to, none of which may be
    link-local (a name resolving to one such address among others is refused all the same)."""
    host, port = address
    resolved = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    ips = list(dict.fromkeys(sockaddr[0] for *_, sockaddr in resolved))
    for ip in ips:
        if is_link_local(ipaddress.ip_address(ip.partition("%")[0])):
            raise LinkLocalRefused(
                f"{host} resolves to the link-local address {ip}; {LINK_LOCAL_HINT}"
            )
    error: OSError = OSError(f"{host} resolves to no address")
    for ip in ips:
        try:
            return socket.create_connection((ip, port), timeout, source_address)
        except OSError as failed:
            error = failed
    raise error


class _Call:
    """One post in flight, from the event loop's side: its connection, to cut off when the
    attempt is given up (its deadline passed, or the worker stops), so the thread is free."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._connection: http.client.HTTPConnection | None = None
        self._given_up = False

    def use(self, connection: http.client.HTTPConnection) -> None:
        """In the thread, before the connection is used."""
        with self._lock:
            if self._given_up:
                raise ConnectionAbortedError("the attempt was given up")
            self._connection = connection

    def cut(self) -> None:
        with self._lock:
            self._given_up = True
            connection = self._connection
        if connection is not None and connection.sock is not None:
            with contextlib.suppress(OSError):  # already closed
                connection.sock.shutdown(socket.SHUT_RDWR)


class Sender:
    """Threads that post, each keeping one connection per host to reuse. An attempt given up
    cuts its connection off, so no thread waits on a slow receiver after that."""

    def __init__(self, threads: int, *, allow_link_local: bool = False) -> None:
        self._allow_link_local = allow_link_local
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="webhook-sender")
        self._local = threading.local()
        self._calls: set[_Call] = set()

    @cached_property
    def _tls(self) -> ssl.SSLContext:
        return ssl.create_default_context()

    async def post(
        self, target: _Target, headers: dict[str, str], body: bytes, timeout: float
    ) -> int:
        """The answer's status code; raises OSError or http.client.HTTPException."""
        call = _Call()
        self._calls.add(call)
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(
                self._pool, self._post, call, target, headers, body, timeout
            )
        except asyncio.CancelledError:
            call.cut()
            raise
        finally:
            self._calls.discard(call)

    def close(self) -> None:
        """Cut off what is in flight and let the threads end."""
        for call in list(self._calls):
            call.cut()
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _post(
        self,
        call: _Call,
        target: _Target,
        headers: dict[str, str],
        body: bytes,
        timeout: float,
    ) -> int:
        kept: dict[tuple, http.client.HTTPConnection] = self._local.__dict__.setdefault(
            "connections", {}
        )
        host = (target.https, target.host, target.port)
        connection = kept.pop(host, None)
        if connection is not None:
            try:
                status, reusable = _exchange(call, connection, target, headers, body)
            except _STALE:
                connection = None
        if connection is None:
            connection = self._connection(target, timeout)
            status, reusable = _exchange(call, connection, target, headers, body)
        if reusable:
            kept[host] = connection
        return status

    def _connection(self, target: _Target, timeout: float) -> http.client.HTTPConnection:
        connection: http.client.HTTPConnection
        if target.https:
            connection = http.client.HTTPSConnection(
                target.host, target.port, timeout=timeout, context=self._tls
            )
        else:
            connection = http.client.HTTPConnection(target.host, target.port, timeout=timeout)
        if not self._allow_link_local:
            # Where http.client opens its socket; TLS then wraps it, checking `target.host`.
            connection._create_connection = _connect_vetted  # type: ignore[attr-defined]
        return connection


def _exchange(
    call: _Call,
    connection: http.client.HTTPConnection,
    target: _Target,
    headers: dict[str, str],
    body: bytes,
) -> tuple[int, bool]:
    """The answer's status, and whether the connection may carry the next post (the whole
    answer was read); a connection that may not is closed."""
    try:
        call.use(connection)
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(KEPT_ANSWER_BYTES)
    except BaseException:
        connection.close()
        raise
    reusable = response.isclosed() and not response.will_close
    if not reusable:
        connection.close()
    return response.status, reusable


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
        # A total deadline: the socket's own timeout is per read, which a slow answer can stretch.
        async with asyncio.timeout(timeout):
            status = await sender.post(target, headers, body, timeout)
    except TimeoutError:
        return Outcome(None, f"no answer within {timeout:g} s", took())
    except (OSError, http.client.HTTPException) as error:
        return Outcome(None, _error(error), took())
    if 300 <= status < 400:
        return Outcome(status, "redirects are not followed", took())
    return Outcome(status, None, took())
