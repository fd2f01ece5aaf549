"""Answers to repeated reads, served again until the data changes.

A CI suite or a dashboard asks the same `GET /api/v1/transactions?...` many times between two
syncs; building the page again each time is the slow part of the API. An answer is kept with
the database's data version read *before* it was computed (`Database.data_version`), and is
served again only while that version holds: any committed write, by this server or another
process, makes every older answer a miss. Only reads whose answer depends on nothing but the
stored data and the request are cached (never one that reads the virtual clock), and only
their 200s.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from functools import wraps
from typing import NamedTuple

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

Handler = Callable[[Request], Awaitable[Response]]
# The scope key under which `ServeKept` hands a miss's cache, key and data version to `cached`.
_PENDING = "sandbox.read_cache"


class Answer(NamedTuple):
    version: Hashable
    body: bytes
    headers: list[tuple[bytes, bytes]]


class ReadCache:
    """Kept answers, least recently used dropped first once they hold more than `max_bytes`."""

    def __init__(self, data_version: Callable[[], Hashable], max_bytes: int) -> None:
        self.data_version = data_version
        self.max_bytes = max_bytes
        self._answers: OrderedDict[Hashable, Answer] = OrderedDict()
        self._bytes = 0

    def get(self, key: Hashable, version: Hashable) -> Answer | None:
        answer = self._answers.get(key)
        if answer is None:
            return None
        if answer.version != version:
            self._drop(key)
            return None
        self._answers.move_to_end(key)
        return answer

    def put(self, key: Hashable, answer: Answer) -> None:
        if len(answer.body) > self.max_bytes:
            return
        if key in self._answers:
            self._drop(key)
        self._answers[key] = answer
        self._bytes += len(answer.body)
        while self._bytes > self.max_bytes:
            self._drop(next(iter(self._answers)))

    def _drop(self, key: Hashable) -> None:
        self._bytes -= len(self._answers.pop(key).body)


def _key(scope: Scope) -> Hashable:
    """Same path, query, host and credentials: the same answer, while the data stays the same
    (the host too, as an answer may hold absolute links on the address it was asked at)."""
    picked = tuple(value for name, value in scope["headers"] if name in _KEY_HEADERS)
    return (scope["path"], scope["query_string"], picked)


_KEY_HEADERS = (b"authorization", b"host")


class ServeKept:
    """In front of the face's routing: a GET whose answer is kept at the current data version
    is answered at once. Otherwise the key and the version read now go along in the scope, for
    a `cached` handler to keep what it answers."""

    def __init__(self, app: ASGIApp, cache: ReadCache) -> None:
        self.app, self.cache = app, cache

    @property
    def routes(self) -> list[BaseRoute]:
        """The face's routes, as Starlette's `Mount` lists them (for the contract test)."""
        return getattr(self.app, "routes", [])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            key, version = _key(scope), self.cache.data_version()
            answer = self.cache.get(key, version)
            if answer is not None:
                await send(
                    {"type": "http.response.start", "status": 200, "headers": answer.headers}
                )
                await send({"type": "http.response.body", "body": answer.body})
                return
            scope[_PENDING] = (self.cache, key, version)
        await self.app(scope, receive, send)


def not_kept(request: Request) -> None:
    """This answer is not kept: a `cached` handler found that it depends on more than the stored
    data and the request (a credential that expires on the clock, the tenant's today)."""
    request.scope.pop(_PENDING, None)


def cached(handler: Handler) -> Handler:
    """Keep `handler`'s 200s for `ServeKept` to serve again. Only for handlers whose answer
    depends on nothing but the stored data and the request (never on the virtual clock)."""

    @wraps(handler)
    async def read(request: Request) -> Response:
        response = await handler(request)
        pending = request.scope.get(_PENDING)
        if pending is not None and response.status_code == 200:
            cache, key, version = pending
            cache.put(key, Answer(version, bytes(response.body), list(response.raw_headers)))
        return response

    return read
