"""The web face's routes: the hosted connect and management UI (`/connect`), the fake banks'
pages (`/bank`) and the pages' CSS and JS (`/static`). Each mount is its own small app with
HTML error pages and the security headers (`headers.py`), so nothing here ever answers JSON
errors or a stack trace.
"""

from __future__ import annotations

import re

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from sandbox.domain.platform import Platform
from sandbox.faces.routing import resource
from sandbox.faces.web import bank_pages, connect_handlers
from sandbox.faces.web.errors import EXCEPTION_HANDLERS
from sandbox.faces.web.headers import SecurityHeaders
from sandbox.faces.web.pages import STATIC_DIR, STATIC_URL

FORM = connect_handlers.to_current_step  # a GET of a form's URL: the flow's current step

CONNECT_ROUTES = [
    resource("/", get=connect_handlers.start),
    resource("/{session_id}", get=connect_handlers.show),
    resource("/{session_id}/banks", get=connect_handlers.banks),
    resource("/{session_id}/banks/{bank_id}", get=connect_handlers.choose_bank),
    resource("/{session_id}/account-type", get=FORM, post=connect_handlers.choose_account_type),
    resource("/{session_id}/login", get=FORM, post=connect_handlers.log_in),
    resource("/{session_id}/sca/method", get=FORM, post=connect_handlers.choose_sca_method),
    resource("/{session_id}/sca/otp", get=FORM, post=connect_handlers.enter_otp),
    resource("/{session_id}/sca/status", get=connect_handlers.sca_status),
    resource("/{session_id}/consent", get=FORM, post=connect_handlers.grant_consent),
    resource("/{session_id}/history", get=FORM, post=connect_handlers.share_history),
    resource("/{session_id}/cancel", get=FORM, post=connect_handlers.cancel),
    resource("/{session_id}/leave", get=FORM, post=connect_handlers.leave),
    resource("/{session_id}/manage/{bank_login_id}/renew", get=FORM, post=connect_handlers.renew),
    resource("/{session_id}/manage/{bank_login_id}/delete", get=FORM, post=connect_handlers.delete),
]

BANK_ROUTES = [
    resource("/{bank_id}/authorize", get=bank_pages.authorize, post=bank_pages.log_in),
    resource("/{bank_id}/approve", get=bank_pages.approve_page, post=bank_pages.approve),
    resource("/{bank_id}/cancel", get=bank_pages.to_current_step, post=bank_pages.cancel),
    resource("/{bank_id}/app/{session_id}", get=bank_pages.app),
    resource(
        "/{bank_id}/app/{session_id}/approve", get=bank_pages.to_app, post=bank_pages.app_approve
    ),
    resource(
        "/{bank_id}/app/{session_id}/reject", get=bank_pages.to_app, post=bank_pages.app_reject
    ),
]


class PageMount(Mount):
    """A mount whose prefix also matches a path with a line break in it (Starlette's `.*` does
    not), so such a path gets this face's HTML 404 rather than falling through to the app's
    JSON one."""

    def __init__(self, path: str, app: ASGIApp, name: str | None = None) -> None:
        super().__init__(path, app=app, name=name)
        self.path_regex = re.compile(self.path_regex.pattern, re.DOTALL)


def pages_app(platform: Platform, routes: list[BaseRoute]) -> Starlette:
    """An app of HTML pages: the hosted pages' error handlers and security headers."""
    app = Starlette(
        routes=routes,
        exception_handlers=EXCEPTION_HANDLERS,
        middleware=[Middleware(SecurityHeaders)],
    )
    app.state.platform = platform
    return app


def web_routes(platform: Platform) -> list[BaseRoute]:
    static = pages_app(platform, [Mount("/", app=StaticFiles(directory=STATIC_DIR))])
    return [
        PageMount("/connect", app=pages_app(platform, CONNECT_ROUTES)),
        PageMount("/bank", app=pages_app(platform, BANK_ROUTES)),
        PageMount(STATIC_URL, app=static, name="static"),
    ]
