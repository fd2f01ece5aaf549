"""A webhook receiver for test suites: a real HTTP server on a free 127.0.0.1 port, in a thread,
that records every POST and can be told to fail or to answer slowly.

Example, with `sandbox` a running server (`sandbox.testing.server.SandboxServer`, see the
README); tests/testing runs it as written:

    import httpx
    from sandbox.testing.receiver import WebhookReceiver

    with WebhookReceiver() as receiver:
        body = {"webhook_url": receiver.url, "webhook_secret": "s3cret-value"}
        tenant = httpx.post(f"{sandbox.url}/_sandbox/tenants", json=body).json()
        login = {"user_id": "u1", "bank_id": "rheinwert-bank", "login": "good"}
        httpx.post(f"{sandbox.url}/_sandbox/tenants/{tenant['tenant_id']}/bank-logins", json=login)
        # wait_for returns every match (a list), once `count` of them have arrived
        (event,) = receiver.wait_for(lambda r: r.type == "bank_login.synced")
        event.verify("s3cret-value")  # raises unless the sandbox signed it with this secret
        assert event.event["type"] == "bank_login.synced"
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import orjson

from sandbox.clock import monotonic
from sandbox.webhooks import signing

MAX_BODY = 1024 * 1024


@dataclass(frozen=True)
class Received:
    """One POST, recorded as it arrived (before any delay); `answered` is the status the
    receiver gives it, which a sender that timed out never reads."""

    path: str
    headers: dict[str, str]  # names lower-cased
    body: bytes
    at: float  # sandbox.clock.monotonic() when it arrived
    answered: int

    @property
    def event(self) -> dict[str, Any]:
        return orjson.loads(self.body)

    @property
    def event_id(self) -> str:
        return self.headers.get(signing.EVENT_ID.lower(), "")

    @property
    def type(self) -> str:
        return self.headers.get(signing.EVENT_TYPE.lower(), "")

    def verify(self, secret: str, tolerance: float = signing.DEFAULT_TOLERANCE_SECONDS) -> None:
        signing.verify(secret, self.headers, self.body, tolerance)


class _Server(ThreadingHTTPServer):
    # The sandbox sends a batch of events side by side: the default backlog of 5 would drop
    # connections and turn a burst into timeouts.
    request_queue_size = 128
    daemon_threads = True


class WebhookReceiver:
    """Answers 200 unless told otherwise: `fail_next` requests get `fail_status`, and every
    answer waits `delay` seconds first (longer than the sandbox's timeout: a timed-out attempt).
    """

    def __init__(self, fail_next: int = 0, fail_status: int = 500, delay: float = 0.0) -> None:
        self.fail_next = fail_next
        self.fail_status = fail_status
        self.delay = delay
        self.received: list[Received] = []
        self._changed = threading.Condition()
        self._closing = threading.Event()
        self._server = _Server(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/webhooks"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = min(int(self.headers.get("Content-Length") or 0), MAX_BODY)
                body = self.rfile.read(length)
                headers = {name.lower(): value for name, value in self.headers.items()}
                delay = receiver.delay
                with receiver._changed:
                    status = receiver._answer()
                    arrived = Received(self.path, headers, body, monotonic(), status)
                    receiver.received.append(arrived)
                    receiver._changed.notify_all()
                if delay:
                    receiver._closing.wait(delay)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet: the test reads `received`

        return Handler

    def _answer(self) -> int:
        if self.fail_next > 0:
            self.fail_next -= 1
            return self.fail_status
        return 200

    def delivered(self) -> list[Received]:
        """The requests answered (or to be answered) with a 2xx."""
        with self._changed:
            return [r for r in self.received if 200 <= r.answered < 300]

    def wait_for(
        self, matches: Callable[[Received], bool] = lambda r: True, count: int = 1, timeout=10.0
    ) -> list[Received]:
        """Wait until `count` received requests match; return them (oldest first)."""
        deadline = monotonic() + timeout
        with self._changed:
            while True:
                found = [r for r in self.received if matches(r)]
                if len(found) >= count:
                    return found
                left = deadline - monotonic()
                if left <= 0:
                    raise TimeoutError(
                        f"{len(found)} of {count} matching webhooks within {timeout} s; "
                        f"received {[r.type for r in self.received]}"
                    )
                self._changed.wait(left)

    def start(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._closing.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> WebhookReceiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
