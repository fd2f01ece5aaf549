"""Powens' webhooks (docs.powens.com "Webhooks"; reference/powens.md §8): the `powens` format of
a webhook endpoint, registered by `sandbox/app.py`.

Bodies. Powens' events carry the objects as they were at the event (a connection with its
connector, sources, accounts and their new transactions), so this renderer is a `Snapshotter`:
it writes each body when the domain emits the neutral event (`domain/snapshots.py`), from a
read-only view of the platform at that moment, and every attempt sends those bytes. Each body
has Powens' integer `id_webhook_data` (the event's place in the outbox, growing with each event:
order a sync's events by it). The neutral events map to Powens' as `EVENTS` says; an event
Powens has no word for (a consent notice, a vanished account) never reaches a `powens` endpoint
(`subscriptions.FORMAT_EVENTS`).

Authentication, chosen per attempt: when the tenant has made a webhook signing key (Powens'
`POST /webhooks/auth` with type `hmac_signature`, `webhook_auth.py`), its newest key signs:
`BI-Signature-Date` (UTC ISO 8601 with microseconds) and `BI-Signature` = base64 of
HMAC-SHA256(secret_key, "POST." + the URL's path + "." + date + "." + body). Otherwise, Powens'
default: `Authorization: Bearer <the user's permanent token>`, for an event about a user who
holds one (`credentials.delivery_token`). The endpoint's own `secret` is not used.

Beside Powens' headers, `X-Sandbox-Event-Id` (the same on every attempt: deduplicate on it) and
`X-Sandbox-Event-Type` (the neutral type) are sent: Powens tells its events apart by the URL
each is registered at; here an endpoint may take several (`events` narrows it to one).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any
from urllib.parse import urlsplit

import orjson

from sandbox.domain.accounts import HeldAccount
from sandbox.domain.event_view import View
from sandbox.domain.events import Event, EventType
from sandbox.domain.webhook_endpoints import Signing
from sandbox.faces.powens.accounts import account_json
from sandbox.faces.powens.connections import connection_json
from sandbox.faces.powens.connectors import Catalogue, connector_json
from sandbox.faces.powens.render import user_json
from sandbox.faces.powens.transactions import transaction_json
from sandbox.webhooks.signing import EVENT_ID, EVENT_TYPE

# The neutral events in Powens' words.
EVENTS: dict[EventType, str] = {
    EventType.USER_CREATED: "USER_CREATED",
    EventType.USER_DELETED: "USER_DELETED",
    EventType.BANK_LOGIN_SYNCED: "CONNECTION_SYNCED",
    EventType.BANK_LOGIN_SYNC_FAILED: "CONNECTION_SYNCED",
    EventType.BANK_LOGIN_ACCOUNTS_FETCHED: "ACCOUNTS_FETCHED",
    EventType.BANK_LOGIN_DELETED: "CONNECTION_DELETED",
    EventType.ACCOUNT_DISCOVERED: "ACCOUNT_FOUND",
    EventType.ACCOUNT_SYNCED: "ACCOUNT_SYNCED",
    EventType.ACCOUNT_ENABLED: "ACCOUNT_ENABLED",
    EventType.ACCOUNT_DISABLED: "ACCOUNT_DISABLED",
}
SIGNATURE = "BI-Signature"
SIGNATURE_DATE = "BI-Signature-Date"


class Gone(LookupError):
    """What the event names was not there when it was emitted."""


class PowensWebhooks:
    """The `Renderer` and `Snapshotter` of the `powens` format."""

    content_type = "application/json"
    keyed = True  # signed with the tenant's key, or carrying the user's token

    def body(self, event: Event) -> bytes:
        # Never called for an event whose body was written (`snapshot`); one that could not be
        # written has none to send.
        raise LookupError("a Powens body is written when its event is emitted (`snapshot`)")

    def snapshot(self, event: Event, view: View) -> bytes:
        return orjson.dumps({**_payload(event, view), "id_webhook_data": event.number})

    def headers(self, signing: Signing, event: Event, body: bytes) -> dict[str, str]:
        headers = {EVENT_ID: event.id, EVENT_TYPE: event.type.value}
        if signing.signing_key is not None:
            date = signing.at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            path = urlsplit(signing.url).path or "/"
            headers[SIGNATURE_DATE] = date
            headers[SIGNATURE] = signature(signing.signing_key, path, date, body)
        elif signing.user_token is not None:
            headers["Authorization"] = f"Bearer {signing.user_token}"
        return headers


def signature(secret_key: str, path: str, date: str, body: bytes) -> str:
    """Powens' `BI-Signature`: base64(HMAC-SHA256(key, "POST.{path}.{date}.{body}"))."""
    message = b"POST." + path.encode() + b"." + date.encode() + b"." + body
    return base64.b64encode(
        hmac.new(secret_key.encode(), message, hashlib.sha256).digest()
    ).decode()


# --- Bodies ---------------------------------------------------------------------------------


def _payload(event: Event, view: View) -> dict[str, Any]:
    kind = event.type
    if kind in (EventType.USER_CREATED, EventType.USER_DELETED):
        user = view.user(event.subjects.user_id)
        if user is None:
            raise Gone(f"no user {event.subjects.user_id!r}")
        return user_json(user)
    if kind in (EventType.BANK_LOGIN_SYNCED, EventType.BANK_LOGIN_SYNC_FAILED):
        return _connection_event(event, view, with_transactions=True)
    if kind is EventType.BANK_LOGIN_ACCOUNTS_FETCHED:
        return _connection_event(event, view, with_transactions=False)
    if kind is EventType.BANK_LOGIN_DELETED:
        return _connection(event.subjects.bank_login_id, view, frozenset())
    held = view.account(event.subjects.account_id)
    if held is None:
        raise Gone(f"no account {event.subjects.account_id}")
    body = _account(held, view)
    if kind is EventType.ACCOUNT_SYNCED:
        body["transactions"] = _transactions(held, view)
        body["investments"] = []
    return body


def _connection_event(event: Event, view: View, *, with_transactions: bool) -> dict[str, Any]:
    """`{user, connection}`: the connection with its connector, sources and the accounts the
    bank shows (disabled ones too, so a client can enable them), each with the transactions
    this sync brought when `with_transactions`."""
    user = view.user(event.subjects.user_id)
    if user is None:
        raise Gone(f"no user {event.subjects.user_id!r}")
    connection = _connection(event.subjects.bank_login_id, view, frozenset({"sources"}))
    accounts = []
    for held in view.accounts(connection["id"]):
        body = _account(held, view)
        if with_transactions:
            body["transactions"] = _transactions(held, view)
            body["investments"] = []
        accounts.append(body)
    connection["accounts"] = accounts
    return {"user": user_json(user), "connection": connection}


def _connection(bank_login_id: int | None, view: View, expand: frozenset[str]) -> dict[str, Any]:
    standing = view.standing(bank_login_id)
    if standing is None:
        raise Gone(f"no connection {bank_login_id}")
    banks = view.banks()
    body = connection_json(standing, banks, expand)
    catalogue = Catalogue(
        view.tenant, banks, {bank.id: view.preferred_source(bank) for bank in banks}
    )
    bank = next(bank for bank in banks if bank.id == standing.login.bank_id)
    body["connector"] = connector_json(catalogue, bank, set())
    return body


def _account(held: HeldAccount, view: View) -> dict[str, Any]:
    bank = next((bank for bank in view.banks() if bank.id == held.bank_id), None)
    bic = None if bank is None else bank.bic
    return account_json(held.account, id_source=held.source_id, bic=bic)


def _transactions(held: HeldAccount, view: View) -> list[dict[str, Any]]:
    """The transactions the account got in the change the event announces, oldest first."""
    account = held.account
    return [transaction_json(found, account) for found in view.new_transactions(account.id)]


RENDERER = PowensWebhooks()
