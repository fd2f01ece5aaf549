"""The delivery worker: the one piece of background work in the sandbox (DESIGN rule 3), an
asyncio task that the app's lifespan starts and stops.

Every `poll` seconds it claims the deliveries that are due (one per event and endpoint), posts
each once, and writes back the outcome; every few seconds it also lets the domain announce
consents that time has brought near or past their expiry (`domain/consents.py`). The body and
its signature headers are rendered at each attempt by the renderer registered for the
endpoint's format (`sandbox/app.py` hands the worker the faces' renderers; the worker imports
no face), from the stored neutral event, so every attempt sends the same bytes; a format that
wrote its body when the event was emitted (`domain/snapshots.py`) has those stored bytes sent.
For a `keyed` format the claim also reads what the headers need: the event's user's token,
rebuilt with the installation's secret key, and the tenant's newest signing key. Any number of
server processes may share one database:

- a claim holds a row for twice the delivery timeout plus a second (`locked_until`): the
  attempt takes at most the timeout, the rest is room to write its outcome. So two processes
  never send one row at once, and a process that dies mid-attempt leaves a claim that simply
  runs out: the delivery is sent again, with the same event id and body (at least once, per
  endpoint);
- a clean stop interrupts attempts in flight and hands their claims back at once;
- retries wait on real time, base × 2^(n−1) seconds after the n-th failure (at most an hour),
  with no jitter so tests can predict them; after the last attempt the delivery is `failed`.

Database calls run in threads (they may wait for a lock) and are never interrupted half-way.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

import orjson
from sqlalchemy.engine import Connection

from sandbox.clock import monotonic, system_now
from sandbox.domain import consents, credentials, webhook_keys
from sandbox.domain.events import Event
from sandbox.domain.snapshots import Snapshotter, bodies_of
from sandbox.domain.webhook_endpoints import Renderers, Signing
from sandbox.settings import Settings
from sandbox.store import webhooks as rows
from sandbox.store.database import Database
from sandbox.store.webhooks import Claimed, Settled
from sandbox.webhooks.delivery import MAX_ERROR_LENGTH, Outcome, Sender, attempt

log = logging.getLogger("sandbox.webhooks")

BATCH = 20
MAX_GAP_SECONDS = 3600.0
CONSENT_WATCH_SECONDS = 2.0

T = TypeVar("T")


def retry_gap(failed_attempts: int, base_seconds: float) -> timedelta:
    """How long to wait after the n-th failed attempt before the next one."""
    return timedelta(seconds=min(base_seconds * 2 ** (failed_attempts - 1), MAX_GAP_SECONDS))


class WebhookWorker:
    def __init__(self, db: Database, settings: Settings, renderers: Renderers) -> None:
        self.db = db
        self.renderers = renderers
        # Which formats write their bodies when the event is emitted, decided once: a runtime
        # protocol check costs more than rendering a body.
        self._snapshotters = {
            name for name, renderer in renderers.items() if isinstance(renderer, Snapshotter)
        }
        self.base = settings.webhook_retry_base_seconds
        self.max_attempts = settings.webhook_max_attempts
        self.timeout = settings.webhook_timeout_seconds
        self.poll = settings.webhook_poll_seconds
        self.allow_link_local = settings.webhook_allow_link_local
        self.secret_key = settings.secret_key
        self._task: asyncio.Task[None] | None = None
        self._sender: Sender | None = None
        self._in_flight: set[int] = set()
        # What a keyed format's claimed deliveries are signed with, read at the claim.
        self._keys: dict[int, tuple[str | None, str | None]] = {}
        self._next_watch = 0.0

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="webhook-worker")

    async def stop(self) -> None:
        """Interrupt attempts in flight, hand their claims back, and cut off the connections."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        if self._sender is not None:
            self._sender.close()
            self._sender = None

    async def _run(self) -> None:
        while True:
            busy = False
            try:
                if monotonic() >= self._next_watch:
                    self._next_watch = monotonic() + CONSENT_WATCH_SECONDS
                    await self._db(consents.watch, self.db)
                busy = await self.deliver_due() == BATCH
            except Exception as error:  # a database hiccup must not end delivery for good
                self._log({"worker_error": f"{type(error).__name__}: {error}"[:300]})
            if not busy:
                await asyncio.sleep(self.poll)

    async def deliver_due(self) -> int:
        """One pass: claim what is due, attempt each once side by side, then write every
        outcome back in one transaction; returns how many were claimed."""
        attempted: list[tuple[Claimed, Outcome]] = []
        try:
            claimed = await self._db(self._claim)
            results = await asyncio.gather(
                *(self._deliver(delivery, attempted) for delivery in claimed),
                return_exceptions=True,
            )
        except asyncio.CancelledError:
            # Stopped: what was attempted is written, and only the rest is handed back.
            await self._db(self._settle, attempted)
            await self._db(self._release)
            raise
        await self._db(self._settle, attempted)
        for result in results:
            if isinstance(result, Exception):
                self._log({"worker_error": f"{type(result).__name__}: {result}"[:300]})
        return len(claimed)

    def _senders(self) -> Sender:
        """The connections to post on, opened at the first delivery."""
        if self._sender is None:
            self._sender = Sender(allow_link_local=self.allow_link_local)
        return self._sender

    def _claim(self) -> list[Claimed]:
        now = system_now()
        lock_until = now + timedelta(seconds=2 * self.timeout + 1)
        with self.db.begin() as conn:
            claimed = rows.claim_due(conn, now, lock_until, BATCH)
            for delivery in claimed:
                if getattr(self.renderers.get(delivery.format), "keyed", False):
                    self._keys[delivery.delivery_id] = self._signing_keys(conn, delivery)
        self._in_flight.update(delivery.delivery_id for delivery in claimed)
        return claimed

    def _signing_keys(self, conn: Connection, delivery: Claimed) -> tuple[str | None, str | None]:
        """The event's user's token (none without the installation's key to rebuild it) and
        the tenant's newest signing key, for a delivery of a keyed format."""
        event = delivery.event
        token = None
        if self.secret_key is not None:
            token = credentials.delivery_token(
                conn, event.tenant_id, event.user_id, event.user_token_nonce, self.secret_key
            )
        return token, webhook_keys.newest_secret(conn, event.tenant_id)

    def _release(self) -> None:
        if self._in_flight:
            with self.db.begin() as conn:
                rows.release(conn, list(self._in_flight))
            for delivery_id in self._in_flight:
                self._keys.pop(delivery_id, None)
            self._in_flight.clear()

    async def _deliver(self, delivery: Claimed, attempted: list[tuple[Claimed, Outcome]]) -> None:
        """Render the delivery in its endpoint's format, post it once, and add the outcome to
        `attempted`. A delivery that cannot be rendered fails for good, saying why: rendering
        it again would fail again."""
        try:
            body, headers = self._rendered(delivery)
        except Exception as error:
            why = f"cannot render {delivery.format!r}: {type(error).__name__}: {error}"
            outcome = Outcome(None, why[:MAX_ERROR_LENGTH], 0, permanent=True)
        else:
            outcome = await attempt(
                self._senders(), url=delivery.url, headers=headers, body=body, timeout=self.timeout
            )
        attempted.append((delivery, outcome))

    def _rendered(self, delivery: Claimed) -> tuple[bytes, dict[str, str]]:
        """The body and headers of this attempt, from the renderer of the delivery's format."""
        renderer = self.renderers.get(delivery.format)
        user_token, signing_key = self._keys.pop(delivery.delivery_id, (None, None))
        if renderer is None:
            raise LookupError("no renderer is registered for this format")
        event = Event.from_row(delivery.event)
        body = bodies_of(delivery.event.snapshot).get(delivery.format)
        if body is None:
            if delivery.format in self._snapshotters:
                raise LookupError("its body was not written when the event was emitted")
            body = renderer.body(event)
        signing = Signing(delivery.secret, delivery.url, system_now(), user_token, signing_key)
        signed = renderer.headers(signing, event, body)
        return body, {**signed, "Content-Type": renderer.content_type}

    def _settle(self, attempted: list[tuple[Claimed, Outcome]]) -> None:
        """Write the outcomes of one pass in one transaction, then log each."""
        if not attempted:
            return
        now = system_now()
        outcomes = [self._consequence(claimed, outcome, now) for claimed, outcome in attempted]
        with self.db.begin() as conn:
            written = rows.settle_all(conn, outcomes)
        for claimed, _ in attempted:
            self._in_flight.discard(claimed.delivery_id)
        for settled in written:
            self._log(_line(settled))

    def _consequence(self, delivery: Claimed, outcome: Outcome, now: datetime) -> Settled:
        """What one attempt leaves: delivered, failed for good, or due again after a gap."""
        attempts = delivery.attempts + 1
        if outcome.delivered:
            status, changes = "delivered", {"delivered_at": now}
        elif outcome.permanent or attempts >= self.max_attempts:
            status, changes = "failed", {}
        else:
            status, changes = "pending", {"next_attempt_at": now + retry_gap(attempts, self.base)}
        return Settled(
            delivery,
            status,
            attempts,
            changes,
            at=now,
            status_code=outcome.status_code,
            error=outcome.error,
            duration_ms=outcome.duration_ms,
        )

    async def _db(self, function: Callable[..., T], *args: Any) -> T:
        """Run a database call in a thread and let it finish even when the worker is being
        stopped, so no write is cut off and no thread touches the database after `stop`."""
        future = asyncio.ensure_future(asyncio.to_thread(function, *args))
        try:
            return await asyncio.shield(future)
        except asyncio.CancelledError:
            await future
            raise

    @staticmethod
    def _log(line: dict[str, Any]) -> None:
        # The URL is left out (its query may hold a token), and the secret never gets here.
        if log.isEnabledFor(logging.INFO):
            log.info(
                orjson.dumps(
                    {"at": system_now().isoformat(timespec="milliseconds"), **line}
                ).decode()
            )


def _line(settled: Settled) -> dict[str, Any]:
    """The log line of one written attempt."""
    delivery = settled.claimed
    return {
        "webhook": delivery.event.event_id,
        "type": delivery.event.event_type,
        "tenant_id": delivery.event.tenant_id,
        "endpoint_id": delivery.endpoint_id,
        "attempt": settled.attempts,
        "status_code": settled.status_code,
        "error": settled.error,
        "ms": settled.duration_ms,
        "outcome": "retry" if settled.status == "pending" else settled.status,
    }
