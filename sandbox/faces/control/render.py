"""The control API's JSON shapes (documented in `openapi.yaml`). A tenant is shown with its
secrets: the control API is where a test fetches them."""

from __future__ import annotations

from sandbox.domain.deliveries import Delivery
from sandbox.domain.sca import ListedChallenge
from sandbox.domain.tenants import Tenant
from sandbox.faces.json import iso


def tenant_json(tenant: Tenant) -> dict:
    return {
        "tenant_id": tenant.id,
        "name": tenant.name,
        "scenario": tenant.scenario_name,
        "client_id": tenant.client_id,
        "client_secret": tenant.client_secret,
        "api_key": tenant.api_key,
        "redirect_uris": tenant.redirect_uris,
        "webhook_url": tenant.webhook_url,
        "clock": clock_json(tenant),
        "created_at": tenant.created_at.isoformat(),
    }


def clock_json(tenant: Tenant) -> dict:
    return {"now": tenant.now().isoformat(), "frozen": tenant.clock.frozen}


def challenge_json(listed: ListedChallenge) -> dict:
    challenge = listed.challenge
    return {
        "id": challenge.id,
        "approach": challenge.approach,
        "method": challenge.method,
        "status": challenge.status.value,
        "bank_login_id": challenge.bank_login_id,
        "user_id": listed.external_user_id,
        "bank_id": challenge.bank_id,
        "created_at": challenge.created_at.isoformat(),
        "expires_at": challenge.expires_at.isoformat(),
    }


def delivery_json(delivery: Delivery) -> dict:
    return {
        "event_id": delivery.event_id,
        "type": delivery.type,
        "status": delivery.status,
        "attempts": [
            {
                "at": attempt.at.isoformat(),
                "status_code": attempt.status_code,
                "error": attempt.error,
                "duration_ms": attempt.duration_ms,
            }
            for attempt in delivery.attempts
        ],
        "created_at": delivery.created_at.isoformat(),
        "delivered_at": iso(delivery.delivered_at),
        "next_attempt_at": iso(delivery.next_attempt_at),
        "payload": delivery.payload,
    }
