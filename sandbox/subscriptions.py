"""What a webhook endpoint subscribes to: the names of the events the platform announces and of
the formats a face writes them in.

A leaf module, like `sandbox/urls.py`, because the scenario schema (which refuses an unknown
name at its line), the domain and the control API all check the same names. The catalogue of
event payloads is `sandbox/domain/events.py`; each format's renderer and signer lives in the face
that owns it and is registered by `sandbox/app.py`, which refuses to start unless every format
named here has one.

Event names follow Stripe's `noun.verb` style; they cover what Powens' webhooks tell
(USER_CREATED, CONNECTION_SYNCED with its state, ACCOUNT_FOUND, …; see reference/powens.md §8)
in provider-neutral words.
"""

from __future__ import annotations

from enum import StrEnum


class EventType(StrEnum):
    USER_CREATED = "user.created"
    BANK_LOGIN_SYNCED = "bank_login.synced"
    BANK_LOGIN_SYNC_FAILED = "bank_login.sync_failed"
    CONSENT_EXPIRING = "consent.expiring"
    CONSENT_EXPIRED = "consent.expired"
    ACCOUNT_DISCOVERED = "account.discovered"
    ACCOUNT_DELETED = "account.deleted"


EVENT_TYPES = tuple(t.value for t in EventType)

# `native`: the sandbox's own envelope and `X-Sandbox-*` signature (sandbox/faces/native).
DEFAULT_FORMAT = "native"
FORMATS = (DEFAULT_FORMAT,)

# Every event is written once per endpoint that takes it, in the transaction of its change.
MAX_ENDPOINTS = 10


def unknown_events(names: list[str]) -> list[str]:
    """The names in `names` that are no event type, in their order."""
    return [name for name in names if name not in EVENT_TYPES]
