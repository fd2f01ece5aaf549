"""PDF statements as JSON (`POST /v1/pdf/statement`, `/v1/pdf/statement-trusted`), after
Kontomatik's JSON PDF API of December 2025 (reference/kontomatik.md §11): the PDF is parsed
into the owner's data and answered with the checks it failed.

Kontomatik publishes the modes, not the schema: **standard** refuses a file that was changed
after its bank made it (the sandbox's `modified_after_rendering`), **trusted** never refuses
for a verification. Both list every failed verification. The reply's names are the sandbox's
(README, "Kontomatik face"). Only statements laid out as the sandbox renders them can be read
(`sandbox/statements/pdf.py`); another PDF is a 422 listing its problems with their pages.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from sandbox.domain.platform import Platform
from sandbox.domain.uploads import Upload
from sandbox.errors import InvalidInput, UnsupportedMediaType
from sandbox.faces.json import JSONResponse
from sandbox.faces.kontomatik.caller import tenant_of
from sandbox.faces.kontomatik.data import amount
from sandbox.faces.kontomatik.inputs import Params
from sandbox.faces.kontomatik.json_errors import VerificationFailed, json_errors
from sandbox.faces.kontomatik.owner_upload import media_type
from sandbox.statements.model import Statement, StatementAccount

FORMAT = "pdf"
# The findings that make standard mode refuse the file: it was changed after it was made.
REFUSED = frozenset({"modified_after_rendering"})
MAX_FILE_NAME = 255
OWNER = "ownerExternalId"


def _platform(request: Request) -> Platform:
    return request.app.state.platform


async def _pdf(request: Request, params: Params) -> tuple[bytes, str | None, str]:
    """The PDF's bytes, its file name and the owner: a raw `application/pdf` body with
    `?ownerExternalId=`, or a multipart form with the file `file` (and the owner as a field or
    in the query)."""
    kind = media_type(request)
    if kind == "application/pdf":
        return await request.body(), None, params.required(OWNER)
    if kind != "multipart/form-data":
        raise UnsupportedMediaType(
            "send the PDF as the body (Content-Type: application/pdf) or as the multipart "
            "field `file`",
            details={"accepted": ["application/pdf", "multipart/form-data"]},
        )
    limit = _platform(request).settings.max_upload_bytes
    async with request.form(max_files=1, max_fields=2, max_part_size=limit) as form:
        field, given = form.get("file"), form.get(OWNER)
        if not isinstance(field, UploadFile):
            raise InvalidInput(
                "send the PDF as the multipart field `file` (a file part)",
                details={"field": "file"},
            )
        data = await field.read()
        file_name = (field.filename or "")[:MAX_FILE_NAME] or None
    owner = params.text(OWNER)
    if isinstance(given, str):
        if owner is not None and owner != given:
            raise InvalidInput(
                f"{OWNER} differs in the query and the form; give it once", details={"field": OWNER}
            )
        owner = given
    if owner is None or not 1 <= len(owner) <= 200 or "\x00" in owner:
        raise InvalidInput(f"{OWNER} (1 to 200 characters) is required", details={"field": OWNER})
    return data, file_name, owner


def _problem(where: str | None, message: str) -> dict[str, str]:
    return {"where": where or "file", "message": message}


def _money(value: Decimal | None) -> str | None:
    return None if value is None else amount(value)


def account_json(account: StatementAccount) -> dict[str, Any]:
    return {
        "iban": account.iban,
        "number": account.number,
        "currencyName": account.currency,
        "periodFrom": None if account.period_from is None else account.period_from.isoformat(),
        "periodTo": None if account.period_to is None else account.period_to.isoformat(),
        "openingBalance": _money(account.opening_balance),
        "closingBalance": _money(account.closing_balance),
        "transactionsCount": len(account.entries),
    }


def reply(upload: Upload, statement: Statement) -> dict[str, Any]:
    """`statement` is the first account's (a bank's statement is of one account); `accounts`
    lists each, for a file of several."""
    accounts = [account_json(account) for account in statement.accounts]
    return {
        "requestId": str(upload.id),
        "failedVerifications": [
            {"code": f["code"], "message": f["message"], "where": f.get("where")}
            for f in upload.findings
        ],
        "statement": accounts[0] if accounts else None,
        "accounts": accounts,
    }


async def _parse(request: Request, *, trusted: bool) -> Response:
    tenant = tenant_of(request)
    params = Params(request, OWNER)
    data, file_name, owner = await _pdf(request, params)
    platform = _platform(request)
    statement = await run_in_threadpool(platform.uploads.read, FORMAT, data)
    refused = [f for f in statement.findings if f.code in REFUSED]
    if refused and not trusted:
        raise VerificationFailed(
            "the PDF failed a verification: it was changed after it was made; nothing was "
            "stored (the trusted mode, /pdf/statement-trusted, parses it anyway)",
            details={"problems": [_problem(f.where, f.message) for f in refused]},
        )
    upload, _ = await run_in_threadpool(
        platform.uploads.store, tenant, owner, FORMAT, file_name, statement
    )
    return JSONResponse(reply(upload, statement))


@json_errors
async def parse_statement(request: Request) -> Response:
    return await _parse(request, trusted=False)


@json_errors
async def parse_statement_trusted(request: Request) -> Response:
    return await _parse(request, trusted=True)
