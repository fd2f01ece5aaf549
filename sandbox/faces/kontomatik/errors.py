"""Errors of the Kontomatik face: the HTTP status and `<reply><exception name><message>`,
mapped from the domain's errors in one table; a caller it does not know gets the 401 reply
with a `<comment>` and no exception, as Kontomatik's (reference/kontomatik-xml/
unauthorized-reply.xml)."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from sandbox.clock import system_now
from sandbox.domain.errors import (
    AccessLimit,
    AccessNotOffered,
    AccessUnknown,
    BankRefusal,
    Forbidden,
    ImportsMixed,
    InvalidInput,
    ModuleNotEnabled,
    NoData,
    NotFound,
    SandboxError,
    SessionExpired,
    SessionSignatureWrong,
    SessionSignedOut,
    SessionUnknown,
    SinceInFuture,
    TooLarge,
    Unavailable,
    UnknownCard,
    UnknownIban,
    UnknownLogin,
    WholeImportDone,
)
from sandbox.domain.face_keys import kontomatik_keys
from sandbox.domain.tenants import Tenant
from sandbox.errors import UnsupportedMediaType
from sandbox.faces.json import retry_after
from sandbox.faces.kontomatik import xml


class UnknownRedirection(NotFound):
    """A SignIn Redirection id the tenant never had."""

    code = "unknown_redirection"


class InvalidTarget(InvalidInput):
    """A target the tenant has no bank for (or none in this access mode)."""

    code = "invalid_target"


# First match wins: (status, Kontomatik's exception name).
TABLE: list[tuple[type[SandboxError], int, str]] = [
    (UnknownRedirection, 404, "InvalidRedirectionId"),
    (InvalidTarget, 400, "InvalidTarget"),
    # Sessions and commands (reference/kontomatik.md §12; an expired session as the captured
    # session-expired-reply.xml: InvalidSessionId, "Session expired.").
    (SessionUnknown, 404, "InvalidSessionId"),
    (SessionExpired, 404, "InvalidSessionId"),
    (SessionSignatureWrong, 400, "InvalidSessionIdSignature"),
    (SessionSignedOut, 409, "NotSignedIn"),
    (WholeImportDone, 409, "DefaultImportAlreadyExecuted"),
    (ImportsMixed, 400, "CommandNotAvailable"),
    (AccessUnknown, 404, "InvalidMultipleAccessId"),
    (AccessLimit, 429, "MultipleAccessLimitExceeded"),
    (AccessNotOffered, 400, "InvalidTarget"),
    (UnknownIban, 400, "InvalidIban"),
    (SinceInFuture, 400, "InvalidSince"),
    (UnknownCard, 400, "InvalidParameter"),
    (UnknownLogin, 400, "InvalidCredentials"),
    (NoData, 400, "NoDataToCalculateScore"),
    (ModuleNotEnabled, 400, "CommandNotAvailable"),
    # The owner a request names is the only record this face looks up so far.
    (NotFound, 404, "InvalidOwnerExternalId"),
    (TooLarge, 413, "InvalidParameter"),
    (UnsupportedMediaType, 415, "InvalidParameter"),
    (InvalidInput, 400, "InvalidParameter"),
    (Unavailable, 503, "ServiceTemporarilyUnavailable"),
    # The sandbox's own edge: a Host it does not answer to.
    (Forbidden, 403, "Forbidden"),
]


class Named(InvalidInput):
    """A problem of this face's own, with the exception name and status Kontomatik gives it
    (`InvalidSince`, `InvalidCommandId`, `CommandNotAvailable`...)."""

    code = "invalid_parameter"

    def __init__(
        self, name: str, message: str, status: int = 400, owner: str | None = None
    ) -> None:
        super().__init__(message)
        self.name, self.status, self.owner = name, status, owner


# The bank's refusals (by the state the bank login reads after it), in Kontomatik's words: at a
# session's start (mock-session) as the reply's exception, in an import as the command's.
REFUSALS = {
    "wrong_credentials": "InvalidCredentials",
    "action_needed": "ManualActionRequired",
    "password_expired": "ManualActionRequired",
    "sca_required": "SessionExpired",
    "webauth_required": "SessionExpired",
    "decoupled_pending": "SessionExpired",
    "rate_limited": "AccessTemporarilyBlocked",
    "bank_unavailable": "ServiceTemporarilyUnavailable",
    "error": "ServiceTemporarilyUnavailable",
}
# How a forced end of an import reads (a test's `error` or `fatal`): the one exception inside a
# command Kontomatik's SDK shows (v1.command-reply.exception.xml), and an unexpected one.
FORCED = {"import_failed": "SessionExpired", "import_fatal": "UnexpectedException"}


def refusal_name(code: str, details: object) -> str:
    """The exception name of an import's or a sign-in's neutral error."""
    if code == BankRefusal.code and isinstance(details, dict):
        return REFUSALS.get(str(details.get("state")), "ServiceTemporarilyUnavailable")
    return FORCED.get(code, "UnexpectedException")


class NotKnown(SandboxError):
    """No tenant holds the API key, or the address is not on its list."""

    code = "unauthorized"

    def __init__(self, key: str, address: str | None) -> None:
        super().__init__("unknown API key or address")
        self.key, self.address = key, address or "unknown"


def masked(text: str) -> str:
    """The first two and last two characters, the rest starred, as Kontomatik shows them."""
    if len(text) <= 4:
        return "*" * len(text)
    return text[:2] + "*" * (len(text) - 4) + text[-2:]


COMMENT = """
    We don't know who you are.
    We see your request as originating from IP {address} with API key
    "{key}".
    This is bank-sandbox's Kontomatik face: send your tenant's Kontomatik API key in the
    X-Api-Key header (GET /_sandbox/tenants/{{id}} shows it) from one of the tenant's
    allowed_ips.
  """


def unknown_reply(error: NotKnown) -> Response:
    reply = xml.root(401, system_now())
    xml.child(
        reply, "comment", COMMENT.format(address=masked(error.address), key=masked(error.key))
    )
    return xml.XMLResponse(reply)


def reply(error: SandboxError, tenant: Tenant | None = None) -> Response:
    """The error as Kontomatik's reply: its status and exception name from TABLE; once the
    caller is known, the reply names its client (`user`) on the tenant's clock, as theirs."""
    if isinstance(error, NotKnown):
        return unknown_reply(error)
    owner = None
    if isinstance(error, Named):
        status, name, owner = error.status, error.name, error.owner
    elif isinstance(error, BankRefusal):
        status, name = 400, refusal_name(error.code, error.details)
    else:
        status, name = next(
            ((code, name) for kind, code, name in TABLE if isinstance(error, kind)),
            (400, "InvalidParameter"),
        )
    return exception_reply(
        status, name, error.message, retry_after(error), tenant=tenant, owner=owner
    )


def exception_reply(
    status: int,
    name: str,
    message: str,
    headers: Mapping[str, str] | None = None,
    *,
    tenant: Tenant | None = None,
    owner: str | None = None,
) -> Response:
    if tenant is None:
        answer = xml.root(status, system_now())
    else:
        answer = xml.root(status, tenant.now(), user=kontomatik_keys(tenant).client, owner=owner)
    exception = xml.child(answer, "exception", name=name)
    xml.child(exception, "message", message)
    return xml.XMLResponse(answer, headers)


def kontomatik_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, SandboxError)
    return reply(error, getattr(request.state, "tenant", None))


def http_error(request: Request, error: Exception) -> Response:
    """No such path (404) or method (405), as Kontomatik's reply."""
    assert isinstance(error, HTTPException)
    if error.status_code == 405:  # with `Allow`, naming the methods there are
        return exception_reply(
            405, "InvalidParameter", "this method is not allowed here", error.headers
        )
    return exception_reply(
        error.status_code, "InvalidParameter", f"no such Kontomatik API path: {request.url.path}"
    )


EXCEPTION_HANDLERS = {SandboxError: kontomatik_error, HTTPException: http_error}
