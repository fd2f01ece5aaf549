"""Webhook bodies written when their event is emitted, for the formats whose body shows the
platform's data as it was at that moment (Powens' CONNECTION_SYNCED carries the connection with
its sources, its accounts and their new transactions; USER_DELETED the user just deleted).

Such a format's renderer implements `Snapshotter`; `sandbox/app.py` registers it here
(`register`), as the domain imports no face. When an event is emitted in a tenant that has an
endpoint of such a format taking it, the renderer writes its body from a read-only view of the
emitting transaction (`event_view.py`), and the body is stored with the event: every attempt of
every delivery then sends those bytes, whatever changed since. The nonce of the permanent token
the event's user holds then is stored too, so a delivery can be authenticated with that token
after the user is gone (`credentials.delivery_token`).

Only tenants with such an endpoint pay for it: the others cost one indexed read per write
transaction that emits (the tenant's endpoints of those formats, then remembered until commit).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import orjson
from sqlalchemy.engine import Connection

from sandbox.domain.tenants import Tenant
from sandbox.store import snapshots as rows
from sandbox.store import users as user_rows
from sandbox.store.database import before_commit
from sandbox.subscriptions import events_of

if TYPE_CHECKING:
    from sandbox.domain.event_view import View
    from sandbox.domain.events import Event

log = logging.getLogger("sandbox.webhooks")


@runtime_checkable
class Snapshotter(Protocol):
    """A format whose body is written when its event is emitted, from the data of that moment;
    implemented by the face that owns the format, next to its `Renderer`."""

    def snapshot(self, event: Event, view: View) -> bytes: ...


_REGISTERED: dict[str, Snapshotter] = {}


def register(renderers: Mapping[str, object]) -> None:
    """The formats among `renderers` whose renderer is a `Snapshotter` (`sandbox/app.py`, once
    its renderers are checked); they replace the ones registered before."""
    _REGISTERED.clear()
    for name, renderer in renderers.items():
        if isinstance(renderer, Snapshotter):
            _REGISTERED[name] = renderer


def registered() -> tuple[str, ...]:
    return tuple(_REGISTERED)


def take(conn: Connection, tenant: Tenant, event: Event) -> None:
    """Write and store the bodies of the snapshot formats that take `event` in this tenant."""
    if not _REGISTERED:
        return
    formats = [
        name
        for name, events in _endpoints(conn, tenant.id)
        if event.type.value in events_of(name) and (events is None or event.type.value in events)
    ]
    if not formats:
        return
    # Here, not at the top: the view reads through modules that emit events themselves.
    from sandbox.domain.event_view import View

    view = View(conn, tenant, _imports(conn))
    bodies = {}
    for name in dict.fromkeys(formats):
        try:
            bodies[name] = _REGISTERED[name].snapshot(event, view).decode()
        except Exception as error:  # a body that cannot be written must not undo the change
            # Its deliveries fail for good, saying the body was not written (the worker).
            log.warning(
                "no %s body for %s %s: %s: %s",
                name, event.type.value, event.id, type(error).__name__, error,
            )  # fmt: skip
    if not bodies:
        return
    nonce = None
    if event.subjects.user_id is not None:
        user = user_rows.user_by_external_id(conn, tenant.id, event.subjects.user_id)
        nonce = None if user is None else rows.newest_token_nonce(conn, user["id"])
    rows.store(conn, event.number, orjson.dumps(bodies).decode(), nonce)


def bodies_of(snapshot: str | None) -> dict[str, bytes]:
    """The bodies stored with an event, by format."""
    if snapshot is None:
        return {}
    return {name: body.encode() for name, body in orjson.loads(snapshot).items()}


# --- What one write transaction remembers until it commits ---------------------------------


class _Remembered:
    """Kept with the transaction (`before_commit`), and dropped when it ends; nothing to do at
    commit."""

    def __init__(self) -> None:
        self.endpoints: dict[str, list[tuple[str, tuple[str, ...] | None]]] = {}
        self.imports: dict[int, int] = {}

    def __call__(self, conn: Connection) -> None:
        pass


_KEY = "snapshots.remembered"


def _remembered(conn: Connection) -> _Remembered:
    return before_commit(conn, _KEY, _Remembered) or _Remembered()


def _endpoints(conn: Connection, tenant_id: str) -> list[tuple[str, tuple[str, ...] | None]]:
    remembered = _remembered(conn)
    if tenant_id not in remembered.endpoints:
        remembered.endpoints[tenant_id] = rows.endpoints_of_formats(conn, tenant_id, registered())
    return remembered.endpoints[tenant_id]


def _imports(conn: Connection) -> dict[int, int]:
    return _remembered(conn).imports


def imported(conn: Connection, account_id: int, count: int) -> None:
    """A sync stored `count` new transactions of the account in this transaction: a body
    written later in it shows them as the account's new ones."""
    if count:
        imports = _imports(conn)
        imports[account_id] = imports.get(account_id, 0) + count
