"""What writing a webhook body at its event reads and stores (`sandbox/domain/snapshots.py`):
which of a tenant's endpoints are of such a format, an account's newest transactions, a user's
newest permanent token, and the bodies themselves on the event's outbox row."""

from __future__ import annotations

from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sandbox.store.prepared import Prepared
from sandbox.store.schema import credentials, transactions, webhook_endpoints, webhook_outbox

_STORE = Prepared(sa.update(webhook_outbox).where(webhook_outbox.c.id == sa.bindparam("row_id")))
_NEWEST_TRANSACTIONS = Prepared(
    sa.select(transactions)
    .where(
        transactions.c.tenant_id == sa.bindparam("tenant_id"),
        transactions.c.account_id == sa.bindparam("account_id"),
    )
    .order_by(transactions.c.id.desc())
    .limit(sa.bindparam("count"))
)
# A user's permanent tokens are those that never expire; only they carry a nonce.
_NEWEST_NONCE = Prepared(
    sa.select(credentials.c.nonce)
    .where(
        credentials.c.user_id == sa.bindparam("user_id"),
        credentials.c.kind == "user_token",
        credentials.c.nonce.is_not(None),
        credentials.c.expires_at.is_(None),
    )
    .order_by(credentials.c.id.desc())
    .limit(1)
)


@cache
def _endpoints_of(formats: tuple[str, ...]) -> Prepared:
    """The statement listing a tenant's endpoints of these formats, built once per tuple."""
    return Prepared(
        sa.select(webhook_endpoints.c.format, webhook_endpoints.c.events)
        .where(
            webhook_endpoints.c.tenant_id == sa.bindparam("tenant_id"),
            sa.or_(*(webhook_endpoints.c.format == sa.literal(name) for name in formats)),
        )
        .order_by(webhook_endpoints.c.id)
    )


def endpoints_of_formats(
    conn: Connection, tenant_id: str, formats: tuple[str, ...]
) -> list[tuple[str, tuple[str, ...] | None]]:
    """The format and event filter of each of the tenant's endpoints of these formats."""
    found = _endpoints_of(formats).run(conn, {"tenant_id": tenant_id}).all()
    return [(format, None if events is None else tuple(events)) for format, events in found]


def store(conn: Connection, outbox_id: int, snapshot: str, user_token_nonce: str | None) -> None:
    _STORE.run(
        conn, {"row_id": outbox_id, "snapshot": snapshot, "user_token_nonce": user_token_nonce}
    )


def newest_transactions(
    conn: Connection, tenant_id: str, account_id: int, count: int
) -> list[dict[str, Any]]:
    """The account's `count` transactions stored last (ids grow with each import), newest
    first."""
    if count <= 0:
        return []
    values = {"tenant_id": tenant_id, "account_id": account_id, "count": count}
    return _NEWEST_TRANSACTIONS.run(conn, values).mappings()


def newest_token_nonce(conn: Connection, user_id: int) -> str | None:
    """The nonce of the user's newest permanent token, if it holds one."""
    return _NEWEST_NONCE.run(conn, {"user_id": user_id}).scalar_one_or_none()
