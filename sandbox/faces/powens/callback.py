"""How a flow opened through Powens' webview returns to the client: the query Powens' webview adds
to the redirect URI (Powens' webview documentation, "Callback handling", and the SDK's
`WebviewCallbacks`).

- connect: `connection_id=…` (the last connection made), `connection_ids=…` (all of them, when
  the user could make several), `code=…` (an exchangeable code for the user the webview made,
  when the client gave none), then `state`;
- reconnect: only `state`;
- manage: `connection_id=…` (the connection last removed, with `connection_deleted=true`, or
  else the one last added or renewed), then `state`;
- a failure or a cancel, in every flow: `error=…&error_description=…&state=…`, the neutral
  code mapped to Powens' four by `ERRORS`.
"""

from __future__ import annotations

from sandbox.domain.credentials import Kind
from sandbox.domain.outcome import Exit, FlowKind, OutcomeKind
from sandbox.domain.platform import Platform
from sandbox.faces.powens.users import CODE_TTL

FACE = "powens"  # the name a flow opened here remembers
# A flow opened by Powens' `/webauth` (the bank's own page for one connection): its success
# names the connection `id_connection`, not the webview's `connection_id`.
WEBAUTH_FACE = "powens-webauth"

# Powens' webview error codes: the user cancelled (`access_denied`), the flow's link expired
# (`session_expired`), anything else went wrong (`server_error`). Powens' `tos_declined` (its
# own terms refused) has no counterpart: the sandbox shows no terms of its own.
ACCESS_DENIED = "access_denied"
SESSION_EXPIRED = "session_expired"
SERVER_ERROR = "server_error"
ERRORS = {
    "cancelled": ACCESS_DENIED,  # the user left the flow (`Outcome.cancelled`)
    "cancelled_at_bank": ACCESS_DENIED,  # cancelled or denied on the bank's own page
    "sca_rejected": ACCESS_DENIED,  # rejected in the bank's app
    "sca_failed": ACCESS_DENIED,  # too many wrong codes
    "sca_expired": SESSION_EXPIRED,  # the authentication took too long
    "session_expired": SESSION_EXPIRED,
    "session_used": SESSION_EXPIRED,
}
NOTHING_CONNECTED = "The user left without connecting a bank."


def error_params(code: str, description: str) -> list[tuple[str, str]]:
    return [("error", ERRORS.get(code, SERVER_ERROR)), ("error_description", description)]


def query(platform: Platform, exit: Exit) -> list[tuple[str, str]]:
    outcome = exit.outcome
    if outcome.kind is OutcomeKind.ERROR:
        assert outcome.error is not None
        params = error_params(outcome.error.code, outcome.error.message)
    elif outcome.kind is OutcomeKind.CANCELLED:
        params = error_params("cancelled", "The user cancelled.")
    elif exit.kind is FlowKind.MANAGEMENT:
        params = _managed(exit)
    elif exit.kind is FlowKind.CONNECT:
        params = _connected(platform, exit)
    else:  # a renewal (Powens' reconnect) or a history extension: success says no more
        params = []
    if exit.state is not None:
        params.append(("state", exit.state))
    return params


def _connected(platform: Platform, exit: Exit) -> list[tuple[str, str]]:
    ids = [str(bank_login_id) for bank_login_id in exit.outcome.bank_login_ids]
    if not ids:  # the user left the management list of a `max_connections` flow
        return error_params("cancelled", NOTHING_CONNECTED)
    params = [("connection_id", ids[-1])]
    if exit.outcome.listed:
        params.append(("connection_ids", ",".join(ids)))
    if exit.new_user:
        params.append(("code", _code(platform, exit)))
    return params


def _managed(exit: Exit) -> list[tuple[str, str]]:
    deleted = exit.outcome.deleted_bank_login_ids
    if deleted:
        return [("connection_id", str(deleted[-1])), ("connection_deleted", "true")]
    changed = exit.outcome.bank_login_ids
    return [("connection_id", str(changed[-1]))] if changed else []


def _code(platform: Platform, exit: Exit) -> str:
    """A code for the user the flow made, exchangeable once at `POST /auth/token/access`."""
    tenant = platform.tenants.get(exit.tenant_id)
    user = platform.users.by_id(tenant, exit.user_id)
    return platform.callers.issue(tenant, Kind.AUTH_CODE, user, CODE_TTL).secret


def webauth_query(platform: Platform, exit: Exit) -> list[tuple[str, str]]:
    """`/webauth`'s way back: `id_connection=…&state=…`, or the webview's error words."""
    outcome = exit.outcome
    if outcome.kind is OutcomeKind.ERROR:
        assert outcome.error is not None
        params = error_params(outcome.error.code, outcome.error.message)
    elif outcome.kind is OutcomeKind.CANCELLED or not outcome.bank_login_ids:
        params = error_params("cancelled", "The user cancelled.")
    else:
        params = [("id_connection", str(outcome.bank_login_ids[-1]))]
    if exit.state is not None:
        params.append(("state", exit.state))
    return params
