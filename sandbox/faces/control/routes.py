"""The control API, `/_sandbox`: what a test steers (tenants, the virtual clock, bank logins,
SCA, webhook endpoints) and sees (challenges, webhook deliveries). One route table; the
handlers live in the module of their noun (`tenants.py`, `bank_logins.py`, `webhooks.py`)."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware

from sandbox.domain.platform import Platform
from sandbox.domain.webhook_endpoints import Renderers
from sandbox.faces.control import bank_logins, imports, tenants, webhooks
from sandbox.faces.json import EXCEPTION_HANDLERS, refusal
from sandbox.faces.routing import resource
from sandbox.middleware.admin_token import AdminToken


def control_app(platform: Platform, renderers: Renderers) -> Starlette:
    """`renderers`: each webhook format's, to show a delivery's payload as it was sent."""
    routes = [
        resource("/tenants", get=tenants.list_tenants, post=tenants.create_tenant),
        resource("/tenants/{tenant_id}", get=tenants.get_tenant, delete=tenants.delete_tenant),
        resource("/tenants/{tenant_id}/reset", post=tenants.reset_tenant),
        resource("/tenants/{tenant_id}/clock", get=tenants.get_clock, post=tenants.move_clock),
        resource(
            "/tenants/{tenant_id}/analytics", get=tenants.get_analytics, put=tenants.set_analytics
        ),
        resource("/tenants/{tenant_id}/bank-logins", post=bank_logins.create_bank_login),
        resource(
            "/tenants/{tenant_id}/bank-logins/{bank_login_id}/state",
            post=bank_logins.force_bank_login_state,
        ),
        resource(
            "/tenants/{tenant_id}/bank-logins/{bank_login_id}/expire-consent",
            post=bank_logins.expire_bank_login_consent,
        ),
        resource(
            "/tenants/{tenant_id}/bank-logins/{bank_login_id}/sync",
            post=bank_logins.sync_bank_login,
        ),
        resource("/tenants/{tenant_id}/sca-challenges", get=bank_logins.list_sca_challenges),
        resource("/tenants/{tenant_id}/sca/{challenge_id}/approve", post=bank_logins.approve_sca),
        resource("/tenants/{tenant_id}/sca/{challenge_id}/reject", post=bank_logins.reject_sca),
        resource("/tenants/{tenant_id}/webhooks", get=webhooks.list_webhooks),
        resource("/tenants/{tenant_id}/webhooks/fire", post=webhooks.fire_webhook),
        resource("/tenants/{tenant_id}/imports/{import_id}", post=imports.steer_import),
        resource(
            "/tenants/{tenant_id}/webhook-endpoints",
            get=webhooks.list_endpoints,
            post=webhooks.add_endpoint,
        ),
        resource(
            "/tenants/{tenant_id}/webhook-endpoints/{endpoint_id}",
            delete=webhooks.delete_endpoint,
        ),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers=EXCEPTION_HANDLERS,
        middleware=[Middleware(AdminToken, token=platform.settings.admin_token, answer=refusal)],
    )
    app.state.platform = platform
    app.state.renderers = renderers
    return app
