"""Where a finished connect flow sends the user: the client's redirect URI with the outcome in
its query, spelt by the face that opened the flow (DESIGN rule 6: a callback renderer per face).

The domain ends a flow with a neutral `Exit` and never builds the URL, so it never calls a face.
The web face performs the redirect, but the words belong to the face the client spoke when it
opened the flow: the web face looks that face's renderer up here. A renderer gives the query
parameters in order; the redirect URI's own query stays first.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode, urlsplit, urlunsplit

from sandbox.domain.outcome import Exit
from sandbox.faces.native import callback as native

Renderer = Callable[[Exit], list[tuple[str, str]]]

RENDERERS: dict[str, Renderer] = {native.FACE: native.query}

# A flow that names no face (opened before flows remembered theirs) was the native API's.
DEFAULT = native.FACE


def callback_url(exit: Exit) -> str:
    render = RENDERERS[exit.face or DEFAULT]
    parts = urlsplit(exit.redirect_uri)
    query = "&".join(filter(None, [parts.query, urlencode(render(exit))]))
    return urlunsplit(parts._replace(query=query))
