"""The SignIn Widget's pages (reference/kontomatik.md §2): the entry its iframe opens,
`/kontomatik/signin?client=…`, and the done page the flow ends on, `/kontomatik/signin/done`.

The entry finds the tenant by its Kontomatik client name, checks the widget's parameters and
opens a flow with `face="kontomatik"` on the hosted pages (`/connect/{id}`: bank list,
credentials, the bank's SCA, consent), for the owner `ownerExternalId` or a new
`kontomatik-<uuid4>`. The flow records the embedding page's `origin`: its pages may be framed by
that origin and no other (`web/headers.py`), and every message of the iframe goes to it only.
The flow returns to the done page (`callback.py` spells its query), which posts the outcome to
the embedding page. A `target` the tenant has no bank for shows a page that posts
`unsupportedTarget` instead.

Errors are the hosted pages' (HTML); an entry with a usable `origin` may show its error in the
embedding page's frame (it says what is wrong and holds nothing else).
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from sandbox.domain.banks import Bank
from sandbox.domain.errors import InvalidInput, NotFound
from sandbox.domain.platform import Platform
from sandbox.domain.sign_ins import Standing, sign_in_options
from sandbox.domain.tenants import Tenant
from sandbox.faces.kontomatik.callback import DONE_PATH
from sandbox.faces.kontomatik.catalog import Target, targets_of
from sandbox.faces.kontomatik.embed import FACE, asset_url
from sandbox.faces.kontomatik.inputs import Params
from sandbox.faces.web.headers import EMBEDDED_IN, allow_framing
from sandbox.faces.web.views import SANDBOX_BRAND, connect_url, page, see_other
from sandbox.urls import web_origin

ENTRY = (
    "client", "country", "locale", "ownerExternalId", "showFavicons", "target", "accessMode",
    "origin",
)  # fmt: skip
DONE = (
    "origin", "target", "officialName", "sessionId", "sessionIdSignature", "ownerExternalId",
    "multipleAccessId", "exception",
)  # fmt: skip
_LOCALE = re.compile(r"[A-Za-z]{2}([_-][A-Za-z]{2})?")

# Access modes (reference §8) → whether the session stands (a multiple access).
SINGLE, MULTIPLE, MIXED = "SINGLE", "MULTIPLE", "MIXED"
STANDING = {SINGLE: Standing.NEVER, MULTIPLE: Standing.ALWAYS, MIXED: Standing.IF_API}


def _platform(request: Request) -> Platform:
    return request.app.state.platform


@dataclass(frozen=True)
class SignIn:
    """A sign-in's parameters, checked: what the widget and SignIn Redirection share."""

    country: str  # two letters, lower case, or `all`
    locale: str | None
    owner: str | None
    target: str | None
    mode: str


def read_sign_in(
    country: str | None,
    locale: str | None,
    owner: str | None,
    target: str | None,
    mode: str | None,
) -> SignIn:
    if locale is not None and not _LOCALE.fullmatch(locale):
        raise InvalidInput("locale must be a language code such as pl or en")
    wanted = (mode or SINGLE).upper()
    if wanted not in STANDING:
        raise InvalidInput(f"accessMode must be one of {', '.join(STANDING)}")
    return SignIn((country or "all").lower(), locale, owner, target, wanted)


def offered(platform: Platform, tenant: Tenant, sign_in: SignIn) -> list[tuple[Bank, Target]]:
    """The targets the sign-in offers, with their banks: the country's (every one for `all`),
    and in multiple access only PSD2 ones (a standing access needs the bank's API)."""
    found = []
    for bank in platform.banks.all(tenant):
        for target in targets_of(bank):
            if sign_in.country not in ("all", target.country):
                continue
            if sign_in.mode == MULTIPLE and not target.psd2:
                continue
            found.append((bank, target))
    return found


def flow_options(sign_in: SignIn, targets: list[tuple[Bank, Target]]) -> dict:
    """The flow's options: the banks offered, the bank of the `target` (and the source the
    session records), the access mode's standing. InvalidInput when no bank is offered."""
    bank_ids = list(dict.fromkeys(bank.id for bank, _ in targets))
    if not bank_ids:
        raise InvalidInput(
            f"no bank of this sandbox is offered for country {sign_in.country!r}"
            + (" in multiple access" if sign_in.mode == MULTIPLE else "")
        )
    options: dict = {"bank_ids": bank_ids}
    source = "api" if sign_in.mode == MULTIPLE else None
    chosen = next((pair for pair in targets if pair[1].name == sign_in.target), None)
    if chosen is not None:
        options["bank_id"] = chosen[0].id
        source = "api" if chosen[1].psd2 else "web"
    if sign_in.locale is not None:
        options["language"] = sign_in.locale.lower()[:2]
    return options | sign_in_options(source, STANDING[sign_in.mode])


def unsupported(sign_in: SignIn, targets: list[tuple[Bank, Target]]) -> bool:
    return sign_in.target is not None and all(t.name != sign_in.target for _, t in targets)


def owner_of(sign_in: SignIn) -> str:
    """The owner the sign-in is for: the client's, else a new one, as Kontomatik names them."""
    return sign_in.owner or f"kontomatik-{uuid.uuid4()}"


# --- The widget's entry and done page -----------------------------------------------------------


async def entry(request: Request) -> Response:
    allow_framing(request, request.query_params.get("origin"))  # its error shows in the frame
    platform = _platform(request)
    params = Params(request, *ENTRY)
    client = params.required("client")
    tenant = platform.callers.tenant_of_kontomatik_client(client)
    if tenant is None:
        raise NotFound(f"No tenant of this sandbox has the Kontomatik client {client!r}.")
    request.state.tenant = tenant
    origin = _origin(params.required("origin"))
    favicons = params.text("showFavicons")
    if favicons is not None and favicons not in ("true", "false"):
        raise InvalidInput("showFavicons must be true or false")
    sign_in = read_sign_in(
        params.country("country"),
        params.text("locale"),
        params.text("ownerExternalId"),
        params.text("target"),
        params.text("accessMode"),
    )
    targets = offered(platform, tenant, sign_in)
    if unsupported(sign_in, targets):
        message = {
            "unsupportedTarget": {
                "target": sign_in.target,
                "country": sign_in.country,
                "address": None,  # a fake bank has no address to offer
            }
        }
        return _message_page(
            origin,
            message,
            title="This bank is not available",
            text=f"{sign_in.target} is not offered here.",
            code="UnsupportedTarget",
        )
    options = flow_options(sign_in, targets) | {EMBEDDED_IN: origin}
    session = platform.flows.open_connect(
        tenant,
        face=FACE,
        external_user_id=owner_of(sign_in),
        redirect_uri=DONE_PATH,
        state=None,
        options=options,
    )
    return see_other(connect_url(session.id))


async def done(request: Request) -> Response:
    """The flow's last page, in the iframe: it posts the outcome to the embedding page."""
    params = Params(request, *DONE)
    origin = _origin(params.required("origin"))
    allow_framing(request, origin)
    given = {name: params.text(name) for name in DONE}
    exception = given["exception"]
    if exception is None and given["sessionId"] and given["sessionIdSignature"]:
        options = {
            name: given[name]
            for name in ("officialName", "ownerExternalId", "multipleAccessId")
            if given[name] is not None
        }
        message: dict = {
            "target": given["target"],
            "sessionId": given["sessionId"],
            "sessionIdSignature": given["sessionIdSignature"],
            "options": options,
        }
        return _message_page(
            origin,
            message,
            title="You are signed in",
            text=f"{given['officialName'] or 'Your bank'} is connected. You may close this window.",
        )
    owner = given["ownerExternalId"]
    failed = {"exception": exception or "Cancelled", "options": {"ownerExternalId": owner}}
    return _message_page(
        origin,
        {"error": failed},
        title="The sign-in did not succeed",
        text="Nothing was connected.",
        code=failed["exception"],
    )


def _origin(value: str) -> str:
    try:
        return web_origin(value)
    except ValueError as error:
        raise InvalidInput(f"origin: {error}") from None


def _message_page(
    origin: str, message: dict, *, title: str, text: str, code: str | None = None
) -> Response:
    script = {
        "src": asset_url("signin-done.js"),
        "data": {"origin": origin, "message": json.dumps({"kontomatik": message})},
    }
    return page(
        "kontomatik/done.html",
        brand=SANDBOX_BRAND,
        title=title,
        message=text,
        code=code,
        face_script=script,
    )
