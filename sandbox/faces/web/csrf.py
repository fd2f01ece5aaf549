"""Forms of the hosted pages: read leniently, and accepted only with the session's CSRF token.

Every POST form carries `csrf_token`; it is compared with the session's token in constant time.
A body that is not a readable form is treated as an empty form, so it fails the token check
like any other forged post.
"""

from __future__ import annotations

import hmac

from starlette.datastructures import UploadFile
from starlette.requests import Request

from sandbox.domain.errors import SandboxError
from sandbox.domain.records import ConnectSession


class CsrfRefused(SandboxError):
    """The form did not carry this session's token: a page open from elsewhere, or forged."""

    code = "csrf_refused"


class Form:
    """A posted form's text fields; a missing field reads as empty."""

    def __init__(self, fields: list[tuple[str, str]]) -> None:
        self.fields = fields

    def get(self, name: str) -> str:
        return next((value for key, value in self.fields if key == name), "")

    def getlist(self, name: str) -> list[str]:
        return [value for key, value in self.fields if key == name]


async def read_form(request: Request) -> Form:
    try:
        async with request.form() as form:
            fields = [(k, v) for k, v in form.multi_items() if not isinstance(v, UploadFile)]
    except SandboxError:
        raise  # e.g. the body limit: its own page
    except Exception:  # a malformed multipart body is no form at all
        fields = []
    return Form(fields)


def check_token(form: Form, session: ConnectSession) -> None:
    given = form.get("csrf_token").encode()
    if not hmac.compare_digest(given, session.csrf_token.encode()):
        raise CsrfRefused("This form is no longer valid. Go back, reload the page and try again.")


async def checked_form(request: Request, session: ConnectSession) -> Form:
    """The posted form, once its token is this session's."""
    form = await read_form(request)
    check_token(form, session)
    return form
