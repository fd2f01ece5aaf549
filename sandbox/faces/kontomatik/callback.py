"""How a sign-in flow opened by the Kontomatik face ends (reference/kontomatik.md §2–§3).

- The SignIn Widget's flow (`FACE`) returns, inside its iframe, to the face's own done page
  (`DONE_PATH`, the one such page the domain allows, `sessions.FACE_PAGES`) with the outcome
  in its query: on success the session (`sessionId`, `sessionIdSignature`), the `target` and
  its `officialName`, the owner, and `multipleAccessId` with a standing access; on failure the
  Kontomatik exception name (`EXCEPTIONS`, the one table from the domain's neutral codes); and
  always the embedding page's `origin`, recorded when the sign-in started, the only place the
  done page posts to.
- SignIn Redirection's flow (`REDIRECTION_FACE`) returns to the client's registered
  `redirectUri` with `redirectionId` and `status`; the client reads the session from
  `/v1/signin/redirection-status` (`redirection.py`).

The session is made once per flow, by the domain (`sign_ins.py`), however often the way back
is spelt: the done page and a later status read show the same one.
"""

from __future__ import annotations

from sandbox.domain.errors import SandboxError
from sandbox.domain.outcome import Exit, Outcome, OutcomeKind
from sandbox.domain.platform import Platform
from sandbox.domain.sessions import FACE_PAGES
from sandbox.domain.tenants import Tenant
from sandbox.faces.kontomatik.embed import FACE, target_of
from sandbox.faces.web.headers import EMBEDDED_IN

REDIRECTION_FACE = "kontomatik-redirection"
DONE_PATH = FACE_PAGES[FACE]

# The domain's neutral flow-error codes → Kontomatik's exception names (the user-side names of
# its widget; reference/kontomatik.md §2, §12). A code not listed is the bank's or the
# sandbox's trouble: `OTHER`.
EXCEPTIONS = {
    "wrong_credentials": "InvalidCredentials",
    "action_needed": "ManualActionRequired",  # new terms to accept at the bank's site
    "password_expired": "ManualActionRequired",
    "error": "AccessBlocked",  # the bank locked the login (the `locked` persona)
    "rate_limited": "AccessTemporarilyBlocked",
    "sca_failed": "AccessTemporarilyBlocked",  # too many wrong codes
    "bank_unavailable": "ServiceTemporarilyUnavailable",
    "sca_expired": "SessionExpired",
    "session_expired": "SessionExpired",
    "session_used": "SessionExpired",
    "sca_rejected": "Cancelled",  # rejected in the bank's app
    "cancelled_at_bank": "Cancelled",
    "cancelled": "Cancelled",  # the user left the flow (`Outcome.cancelled`)
}
OTHER = "ServiceTemporarilyUnavailable"


def exception_of(outcome: Outcome) -> str:
    if outcome.kind is OutcomeKind.CANCELLED:
        return EXCEPTIONS["cancelled"]
    code = outcome.error.code if outcome.error is not None else ""
    return EXCEPTIONS.get(code, OTHER)


def session_params(platform: Platform, tenant: Tenant, flow_id: str) -> dict[str, str]:
    """The session a successful flow signed its user in to, in Kontomatik's words."""
    signed = platform.bank_sessions.sign_in_after(tenant, flow_id)
    login = platform.bank_logins.get(tenant, signed.session.bank_login_id)
    target = target_of(platform.banks.get(tenant, login.bank_id), signed.session.source)
    params = {
        "target": target.name,
        "officialName": target.official_name,
        "sessionId": signed.secret,
        "sessionIdSignature": signed.signature,
        "ownerExternalId": signed.session.external_user_id,
    }
    if signed.session.access_id is not None:
        params["multipleAccessId"] = signed.session.access_id
    return params


def query(platform: Platform, exit: Exit) -> list[tuple[str, str]]:
    """The widget's done page: the embedding origin, then the session or the exception."""
    tenant = platform.tenants.get(exit.tenant_id)
    options = platform.flows.result(tenant, exit.session_id).session.options
    params = [("origin", str(options.get(EMBEDDED_IN) or ""))]
    if exit.outcome.kind is OutcomeKind.SUCCESS and exit.outcome.bank_login_ids:
        try:
            return params + list(session_params(platform, tenant, exit.session_id).items())
        except SandboxError:  # no session can be made (the bank login went meanwhile)
            return [*params, ("exception", OTHER)]
    owner = platform.users.by_id(tenant, exit.user_id).external_id
    return [*params, ("exception", exception_of(exit.outcome)), ("ownerExternalId", owner)]


def redirection_query(platform: Platform, exit: Exit) -> list[tuple[str, str]]:
    """SignIn Redirection's way back to the client's `redirectUri`."""
    won = exit.outcome.kind is OutcomeKind.SUCCESS and bool(exit.outcome.bank_login_ids)
    return [("redirectionId", exit.session_id), ("status", "successful" if won else "failed")]
