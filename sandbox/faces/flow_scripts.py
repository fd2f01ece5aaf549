"""A face's own script on the hosted pages of the flows it opened: Kontomatik's SignIn Widget
hears from its iframe as the user moves on (`onStarted`, `onTargetSelected`,
`onCredentialEntered`), so the pages of a flow opened by the kontomatik face carry a small
static script of that face, with what it posts in `data-*` attributes. Every other flow's pages
carry none.

A face registers a function of the flow giving the script's URL and its data (attribute name
without `data-` → value), or None for a page that needs none.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sandbox.domain.flow import Flow
from sandbox.faces.kontomatik import embed

FaceScript = Callable[[Flow], dict[str, Any] | None]

SCRIPTS: dict[str, FaceScript] = {embed.FACE: embed.page_script}


def face_script(flow: Flow) -> dict[str, Any] | None:
    """`{"src": …, "data": {…}}` for the page's template, or None."""
    script = SCRIPTS.get(flow.progress.face or "")
    return None if script is None else script(flow)
