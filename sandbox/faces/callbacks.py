"""Where a finished connect flow sends the user: the client's redirect URI with the outcome in
its query, spelt by the face that opened the flow (DESIGN rule 6: a callback renderer per face).

The domain ends a flow with a neutral `Exit` and never builds the URL, so it never calls a face.
The web face performs the redirect, but the words belong to the face the client spoke when it
opened the flow: the web face looks that face's renderer up here. A renderer gives the query
parameters in order; the redirect URI's own query stays first. It is handed the platform too,
for a face whose callback carries something the platform issues (Powens' exchangeable `code`).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode, urlsplit, urlunsplit

from sandbox.domain.outcome import Exit
from sandbox.domain.platform import Platform
from sandbox.faces.kontomatik import callback as kontomatik
from sandbox.faces.native import callback as native
from sandbox.faces.powens import callback as powens

Renderer = Callable[[Platform, Exit], list[tuple[str, str]]]


def _native(platform: Platform, exit: Exit) -> list[tuple[str, str]]:
    return native.query(exit)  # the native words need nothing but the exit


RENDERERS: dict[str, Renderer] = {
    native.FACE: _native,
    powens.FACE: powens.query,
    powens.WEBAUTH_FACE: powens.webauth_query,
    kontomatik.FACE: kontomatik.query,
    kontomatik.REDIRECTION_FACE: kontomatik.redirection_query,
}

# A flow that names no face (opened before flows remembered theirs) was the native API's.
DEFAULT = native.FACE


def callback_url(platform: Platform, exit: Exit) -> str:
    render = RENDERERS[exit.face or DEFAULT]
    parts = urlsplit(exit.redirect_uri)
    query = "&".join(filter(None, [parts.query, urlencode(render(platform, exit))]))
    return urlunsplit(parts._replace(query=query))
