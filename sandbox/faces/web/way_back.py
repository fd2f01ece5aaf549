"""Where an error page of the hosted pages leads, and in whose colours it shows.

A person who hits an error keeps the look of the app that sent them (the tenant of the session
in the URL, even when that session is over) and always has a way on that works: back to the
flow's current step while the session may be used, back to the client's redirect URI with the
error once it is over (the rule of `sandbox.domain.sessions.trace_session`, spelt by the face
that opened the flow), and
otherwise the start page. A page that is busy offers to try the same address again.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from starlette.requests import Request

from sandbox.domain.errors import Unavailable
from sandbox.domain.platform import Platform
from sandbox.domain.sessions import SessionTrace
from sandbox.faces.callbacks import callback_url
from sandbox.faces.web.views import SANDBOX_BRAND, brand, connect_url

log = logging.getLogger("sandbox.web")

START_URL = "/connect/"

# A session id in a path no route matched (a 404): `/connect/{id}/…` and the bank app's pages.
_SESSION_IN_PATH = re.compile(r"^/(?:connect|bank/[^/]+/app)/([^/]+)")


@dataclass(frozen=True)
class WayBack:
    """An error page's brand and its one way on: a link (`url`), or, when the link would lead
    to this very page again, the flow's cancel as a posted form (`form_url` with its token)."""

    brand: dict[str, str]
    label: str
    url: str | None = None
    form_url: str | None = None
    csrf_token: str = ""


def session_id_of(request: Request) -> str | None:
    """The session a hosted-UI or bank URL is about: in the path, or `?session=`."""
    found = request.path_params.get("session_id") or request.query_params.get("session")
    if not found and (match := _SESSION_IN_PATH.match(request.url.path)):
        found = match.group(1)
    return found or None


def trace(request: Request, error: Exception) -> SessionTrace:
    """What the session in the URL still tells; nothing when there is none, when the database
    is too busy to ask (that is the error being shown), or when asking fails too: an error page
    must never fail itself."""
    session_id = session_id_of(request)
    if session_id is None or isinstance(error, Unavailable):
        return SessionTrace()
    platform: Platform = request.app.state.platform
    try:
        return platform.flows.trace(session_id)
    except Exception:  # the page shows the first error; this one is only logged
        log.exception("could not trace session for the error page of %s", request.url.path)
        return SessionTrace()


def way_back(request: Request, error: Exception, found: SessionTrace) -> WayBack:
    tenant = found.tenant or getattr(request.state, "tenant", None)
    look = brand(tenant) if tenant is not None else SANDBOX_BRAND
    if isinstance(error, Unavailable):
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return WayBack(look, "Try again", url=here)
    if found.usable and found.session is not None:
        step = connect_url(found.session.id)
        if request.method in ("GET", "HEAD") and request.url.path == step and not request.url.query:
            return WayBack(
                look,
                f"Return to {look['name']}",
                form_url=connect_url(found.session.id, "cancel"),
                csrf_token=found.session.csrf_token,
            )
        return WayBack(look, "Back to where you were", url=step)
    if found.exit is not None:
        platform: Platform = request.app.state.platform
        return WayBack(look, f"Return to {look['name']}", url=callback_url(platform, found.exit))
    return WayBack(look, "Go to the start page", url=START_URL)
