"""The control API's JSON shapes (documented in `openapi.yaml`). A tenant and its webhook
endpoints are shown with their secrets: the control API is where a test fetches them."""

from __future__ import annotations

from typing import Any

import orjson

from sandbox.domain.analytics import MODULES as ANALYTICS_MODULES
from sandbox.domain.deliveries import Delivery
from sandbox.domain.face_keys import FaceKeys, KontomatikKeys
from sandbox.domain.sca import ListedChallenge
from sandbox.domain.tenants import Tenant
from sandbox.domain.webhook_endpoints import Endpoint, Renderers
from sandbox.iso import iso

JSON_TYPES = ("application/json",)


def tenant_json(tenant: Tenant, webhook_url: str | None) -> dict:
    """`webhook_url`: the URL of the tenant's oldest webhook endpoint (the one it was created
    with, as long as it has it)."""
    return {
        "tenant_id": tenant.id,
        "name": tenant.name,
        "scenario": tenant.scenario_name,
        "client_id": tenant.client_id,
        "client_secret": tenant.client_secret,
        "api_key": tenant.api_key,
        "redirect_uris": tenant.redirect_uris,
        "webhook_url": webhook_url,
        "clock": clock_json(tenant),
        "created_at": tenant.created_at.isoformat(),
    }


def powens_json(base: str, tenant: Tenant, keys: FaceKeys) -> dict:
    """What an integration written for Powens is configured with to use this tenant."""
    return {
        "base_url": f"{base}/powens/{tenant.id}/2.0",
        "domain": tenant.id,
        "client_id": keys.client_id,
        "client_secret": keys.client_secret,
        "webview_url": f"{base}/powens/webview",
        "config_token": keys.config_token,
    }


def kontomatik_json(base: str, keys: KontomatikKeys) -> dict:
    """What an integration written for Kontomatik is configured with: its base URL, client
    name, (first) API key and the SignIn Widget's script in place of
    `https://signin.kontomatik.com/assets/signin-widget.js`."""
    return {
        "base_url": f"{base}/kontomatik/v1",
        "client": keys.client,
        "api_key": keys.api_keys[0],
        "widget_script_url": f"{base}/kontomatik/assets/signin-widget.js",
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


def endpoint_json(endpoint: Endpoint) -> dict:
    return {
        "id": endpoint.id,
        "url": endpoint.url,
        "format": endpoint.format,
        "events": None if endpoint.events is None else list(endpoint.events),
        "secret": endpoint.secret,
        "created_at": endpoint.created_at.isoformat(),
    }


def payload_json(delivery: Delivery, renderers: Renderers) -> Any:
    """The body as the delivery's format renders it: parsed when it is JSON, else its text;
    None for a format that writes its bodies when the event is emitted and could not write
    this one (its deliveries fail, saying so)."""
    renderer = renderers[delivery.format]
    body = delivery.body
    if body is None:
        try:
            body = renderer.body(delivery.event)
        except LookupError:
            return None
    if renderer.content_type.split(";")[0].strip() in JSON_TYPES:
        return orjson.loads(body)
    return body.decode()


def delivery_json(delivery: Delivery, renderers: Renderers) -> dict:
    event = delivery.event
    return {
        "event_id": event.id,
        "type": event.type.value,
        "endpoint_id": delivery.endpoint_id,
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
        "created_at": event.created_at.isoformat(),
        "delivered_at": iso(delivery.delivered_at),
        "next_attempt_at": iso(delivery.next_attempt_at),
        "payload": payload_json(delivery, renderers),
    }


def analytics_json(tenant: Tenant) -> dict:
    return {
        "modules": [module for module in ANALYTICS_MODULES if module in tenant.analytics],
        "available": list(ANALYTICS_MODULES),
    }
