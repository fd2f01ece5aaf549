"""What a webhook endpoint subscribes to: the names of the events the platform announces and of
the formats a face writes them in.

A leaf module, like `sandbox/urls.py`, because the scenario schema (which refuses an unknown
name at its line), the domain and the control API all check the same names. The catalogue of
event payloads is `sandbox/domain/events.py`; each format's renderer and signer lives in the face
that owns it and is registered by `sandbox/app.py`, which refuses to start unless every format
named here has one.

Event names follow Stripe's `noun.verb` style; they cover what Powens' webhooks tell
(USER_CREATED, CONNECTION_SYNCED with its state, ACCOUNTS_FETCHED, ACCOUNT_SYNCED, ACCOUNT_FOUND,
…; see reference/powens.md §8) in provider-neutral words. A format may have words for only some
of them (`FORMAT_EVENTS`): its endpoints are never written the others.
"""

from __future__ import annotations

from enum import StrEnum


class EventType(StrEnum):
    USER_CREATED = "user.created"
    USER_DELETED = "user.deleted"
    BANK_LOGIN_SYNCED = "bank_login.synced"
    BANK_LOGIN_SYNC_FAILED = "bank_login.sync_failed"
    BANK_LOGIN_ACCOUNTS_FETCHED = "bank_login.accounts_fetched"
    BANK_LOGIN_DELETED = "bank_login.deleted"
    CONSENT_EXPIRING = "consent.expiring"
    CONSENT_EXPIRED = "consent.expired"
    ACCOUNT_DISCOVERED = "account.discovered"
    ACCOUNT_SYNCED = "account.synced"
    ACCOUNT_ENABLED = "account.enabled"
    ACCOUNT_DISABLED = "account.disabled"
    ACCOUNT_DELETED = "account.deleted"


EVENT_TYPES = tuple(t.value for t in EventType)

# `native`: the sandbox's own envelope and `X-Sandbox-*` signature (sandbox/faces/native).
# `powens`: Powens' webhooks, bodies and authentication (sandbox/faces/powens/webhooks.py).
DEFAULT_FORMAT = "native"
POWENS_FORMAT = "powens"
FORMATS = (DEFAULT_FORMAT, POWENS_FORMAT)

# The events a format has words for, where it has not for every event: an endpoint of the
# format takes only these (Powens announces no consent notice and no vanished account).
FORMAT_EVENTS: dict[str, tuple[str, ...]] = {
    POWENS_FORMAT: tuple(
        t.value
        for t in (
            EventType.USER_CREATED,
            EventType.USER_DELETED,
            EventType.BANK_LOGIN_SYNCED,
            EventType.BANK_LOGIN_SYNC_FAILED,
            EventType.BANK_LOGIN_ACCOUNTS_FETCHED,
            EventType.BANK_LOGIN_DELETED,
            EventType.ACCOUNT_DISCOVERED,
            EventType.ACCOUNT_SYNCED,
            EventType.ACCOUNT_ENABLED,
            EventType.ACCOUNT_DISABLED,
        )
    ),
}


def events_of(format: str) -> tuple[str, ...]:
    """The events an endpoint of this format may take, in the catalogue's order."""
    taken = FORMAT_EVENTS.get(format)
    return EVENT_TYPES if taken is None else tuple(t for t in EVENT_TYPES if t in taken)


# Every event is written once per endpoint that takes it, in the transaction of its change.
MAX_ENDPOINTS = 10


def unknown_events(names: list[str]) -> list[str]:
    """The names in `names` that are no event type, in their order."""
    return [name for name in names if name not in EVENT_TYPES]
