"""Webhook signatures: HMAC-SHA256 with the tenant's webhook secret over
`f"{timestamp}.{body}"`, the scheme Stripe and Svix use.

Headers of every delivery:
    X-Sandbox-Event-Id    the event's id; the same on every retry, so receivers can deduplicate
    X-Sandbox-Event-Type  the event's type (also in the body)
    X-Sandbox-Timestamp   when this attempt was signed, Unix seconds of real time
    X-Sandbox-Signature   `v1=<hex digest>`; several, comma-separated, once secrets rotate

The timestamp is real time, not the tenant's virtual time, so a receiver can refuse replays
with its own clock. `verify` is what an integrator's test suite may import; README.md shows the
same check with hashlib and hmac alone.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

from sandbox.clock import system_now

EVENT_ID = "X-Sandbox-Event-Id"
EVENT_TYPE = "X-Sandbox-Event-Type"
TIMESTAMP = "X-Sandbox-Timestamp"
SIGNATURE = "X-Sandbox-Signature"
SCHEME = "v1"
DEFAULT_TOLERANCE_SECONDS = 300


class InvalidSignature(ValueError):
    """The delivery is not signed with this secret, or was signed too long ago."""


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of `{timestamp}.{body}` under `secret`."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign(secret: str, event_id: str, event_type: str, body: bytes, timestamp: int) -> dict:
    """The headers of one delivery attempt."""
    return {
        EVENT_ID: event_id,
        EVENT_TYPE: event_type,
        TIMESTAMP: str(timestamp),
        SIGNATURE: f"{SCHEME}={signature(secret, timestamp, body)}",
    }


def verify(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    tolerance: float = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> None:
    """Raise InvalidSignature unless `body` was signed with `secret` within `tolerance`
    seconds of `now` (Unix seconds, default the real time). `headers` may be any mapping;
    names are matched without regard to case."""
    lowered = {name.lower(): value for name, value in headers.items()}
    raw_timestamp = lowered.get(TIMESTAMP.lower(), "")
    if not raw_timestamp.isdigit():
        raise InvalidSignature(f"{TIMESTAMP} is missing or not Unix seconds")
    timestamp = int(raw_timestamp)
    current = system_now().timestamp() if now is None else now
    if abs(current - timestamp) > tolerance:
        raise InvalidSignature(f"{TIMESTAMP} is more than {tolerance:g} s away from now")
    expected = signature(secret, timestamp, body)
    given = [
        value.strip().removeprefix(f"{SCHEME}=")
        for value in lowered.get(SIGNATURE.lower(), "").split(",")
        if value.strip().startswith(f"{SCHEME}=")
    ]
    if not any(hmac.compare_digest(expected, candidate) for candidate in given):
        raise InvalidSignature(f"no {SCHEME} signature in {SIGNATURE} matches the secret")
