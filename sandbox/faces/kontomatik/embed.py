"""What the SignIn Widget's iframe tells the embedding page as the user moves through the
hosted pages: `initialized` and `started` from the first page, `targetSelected` (the catalog
name and official name of the bank chosen) once a bank is chosen, `credentialEntered` once the
bank accepted the login. A static script of this face (`static/signin-events.js`) posts them
as `{"kontomatik": {"event": …}}` to the embedding origin the flow was opened with, each once
per flow; this module gives it the flow's data."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

from sandbox.domain.banks import Bank
from sandbox.domain.flow import Flow
from sandbox.domain.progress import Step
from sandbox.faces.kontomatik.catalog import Target, targets_of
from sandbox.faces.web.headers import EMBEDDED_IN

FACE = "kontomatik"  # the name a widget's flow remembers
ASSETS_URL = "/kontomatik/assets"
ASSETS_DIR = Path(__file__).resolve().parent / "static"

STARTED = ("initialized", "started")
CHOSEN = (*STARTED, "targetSelected")
ENTERED = (*CHOSEN, "credentialEntered")
EVENTS: dict[Step, tuple[str, ...]] = {
    Step.BANK: STARTED,
    Step.ACCOUNT_TYPE: CHOSEN,
    Step.CREDENTIALS: CHOSEN,
    Step.BANK_LOGIN: CHOSEN,
    Step.ALREADY_CONNECTED: CHOSEN,
    Step.SCA: ENTERED,
    Step.CONSENT: ENTERED,
    Step.HISTORY: ENTERED,
}


@cache
def _fingerprint(name: str) -> str:
    return hashlib.sha256((ASSETS_DIR / name).read_bytes()).hexdigest()[:10]


def asset_url(name: str) -> str:
    """A static file of this face, with its content's fingerprint (a stale copy is never kept)."""
    return f"{ASSETS_URL}/{name}?v={_fingerprint(name)}"


def target_of(bank: Bank, source: str | None) -> Target:
    """The bank's target for `source` (`api`: `…Api`), else its preferred one."""
    targets = targets_of(bank)
    wanted = [target for target in targets if source is None or target.psd2 == (source == "api")]
    return (wanted or targets)[0]


def page_script(flow: Flow) -> dict[str, Any] | None:
    origin = flow.session.options.get(EMBEDDED_IN)
    events = EVENTS.get(flow.progress.step)
    if not isinstance(origin, str) or not events:
        return None
    data = {"origin": origin, "flow": flow.session.id, "events": " ".join(events)}
    if flow.bank is not None and "targetSelected" in events:
        sign_in = flow.session.options.get("sign_in") or {}
        target = target_of(flow.bank, sign_in.get("source"))
        data |= {"target": target.name, "official-name": target.official_name}
    return {"src": asset_url("signin-events.js"), "data": data}
