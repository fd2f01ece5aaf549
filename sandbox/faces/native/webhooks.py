"""The native webhook format: the sandbox's own envelope, signed with `X-Sandbox-*` headers.

The body is `{"id", "type", "created_at", "tenant_id", "data"}` (README "Webhooks"): the
event's id, its type, the tenant's virtual time and the catalogue's data
(`sandbox/domain/events.py`), as compact JSON in that key order. The headers carry the event's
id and type and an HMAC-SHA256 signature over `{timestamp}.{body}` with the endpoint's secret,
the scheme `sandbox.webhooks.signing` defines and `verify` checks on the receiving side.

`sandbox/app.py` registers `RENDERER` for the format `native`; the delivery worker and the
control API's listing render with it.
"""

from __future__ import annotations

import orjson

from sandbox.domain.events import Event
from sandbox.domain.webhook_endpoints import Signing
from sandbox.webhooks.signing import sign


class NativeWebhooks:
    """The `Renderer` (`sandbox/domain/webhook_endpoints.py`) of the native format."""

    content_type = "application/json"
    keyed = False

    def body(self, event: Event) -> bytes:
        return orjson.dumps(
            {
                "id": event.id,
                "type": event.type.value,
                "created_at": event.created_at.isoformat(),
                "tenant_id": event.tenant_id,
                "data": event.data,
            }
        )

    def headers(self, signing: Signing, event: Event, body: bytes) -> dict[str, str]:
        return sign(signing.secret, event.id, event.type.value, body, signing.timestamp)


RENDERER = NativeWebhooks()
