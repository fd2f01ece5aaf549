"""`/api/v1` manual data: statement uploads, changes to uploaded transactions and accounts,
and statements of any account as files.

Reading or rendering a file can take a while (a PDF of ten years), so those calls run in a
worker thread, never on the event loop.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from sandbox.domain.manual import NewTransaction
from sandbox.domain.platform import Platform
from sandbox.domain.records import Transaction
from sandbox.domain.tenants import Tenant
from sandbox.errors import InvalidInput
from sandbox.faces.json import JSONResponse, read_model
from sandbox.faces.native import render
from sandbox.faces.native.auth import tenant_of
from sandbox.faces.native.bodies import ManualTransactionChanges, NewManualTransaction
from sandbox.faces.native.params import Query
from sandbox.faces.paths import path_id, path_text
from sandbox.faces.queries import decode, encode, row_id
from sandbox.statements import formats

UPLOADS_PAGE = 50
_CURSOR = "uploads"
MAX_FILE_NAME = 255
# What a body labelled with a media type is, when neither `format` nor a file name says.
BY_MEDIA_TYPE = {
    "application/json": "json",
    "text/csv": "csv",
    "application/csv": "csv",
    "application/pdf": "pdf",
    "application/xml": "camt053",
    "text/xml": "camt053",
}


def _platform(request: Request) -> Platform:
    return request.app.state.platform


def _shown(request: Request, tenant: Tenant, transaction: Transaction) -> dict[str, Any]:
    """The transaction with the category the categories module gives it."""
    category = _platform(request).analytics.categories_of(tenant, [transaction])[transaction.id]
    return render.transaction_json(transaction, category)


def _format(chosen: str | None, file_name: str | None, media_type: str) -> str:
    if chosen is not None:
        return chosen
    named = None if file_name is None else formats.by_file_name(file_name)
    found = named or BY_MEDIA_TYPE.get(media_type)
    if found is None:
        raise InvalidInput(
            f"say which format the file is in: ?format={'|'.join(formats.NAMES)}, a file "
            "name ending in its extension, or its Content-Type",
            details={"formats": list(formats.NAMES)},
        )
    return found


async def _file(request: Request, query: Query) -> tuple[bytes, str | None, str]:
    """The uploaded file's bytes, its name and media type: the body itself, or the multipart
    field `file`."""
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type != "multipart/form-data":
        return await request.body(), query.text("file_name", MAX_FILE_NAME), media_type
    limit = _platform(request).settings.max_upload_bytes
    async with request.form(max_files=1, max_fields=2, max_part_size=limit) as form:
        field = form.get("file")
        if not isinstance(field, UploadFile):
            raise InvalidInput(
                "send the statement as the multipart field `file` (a file part)",
                details={"field": "file"},
            )
        data = await field.read()
        file_name = (field.filename or "")[:MAX_FILE_NAME] or None
        part_type = (field.content_type or "").partition(";")[0].strip().lower()
    return data, query.text("file_name", MAX_FILE_NAME) or file_name, part_type


async def upload_statement(request: Request) -> Response:
    """201 with the new upload, or 200 with the earlier one for the same statement."""
    tenant = tenant_of(request)
    query = Query(request, "format", "file_name")
    external_user_id = path_text(request, "user_id", "user")
    chosen = query.choice("format", formats.NAMES)
    data, file_name, media_type = await _file(request, query)
    format_name = _format(chosen, file_name, media_type)
    upload, created = await run_in_threadpool(
        _platform(request).uploads.upload, tenant, external_user_id, format_name, file_name, data
    )
    return JSONResponse(render.upload_json(upload), 201 if created else 200)


async def list_uploads(request: Request) -> Response:
    tenant = tenant_of(request)
    query = Query(request, "limit", "cursor")
    limit = query.limit(UPLOADS_PAGE)
    cursor = query.cursor()
    before = None if cursor is None else decode(cursor, _CURSOR, row_id)[0]
    page = _platform(request).uploads.of_user(
        tenant, path_text(request, "user_id", "user"), before=before, limit=limit
    )
    return JSONResponse(
        {
            "uploads": [render.upload_json(upload) for upload in page.uploads],
            "next_cursor": None if page.next_before is None else encode(_CURSOR, page.next_before),
        }
    )


async def get_upload(request: Request) -> Response:
    tenant = tenant_of(request)
    Query(request)
    upload = _platform(request).uploads.get(tenant, path_id(request, "upload_id", "upload"))
    return JSONResponse(render.upload_json(upload))


async def delete_upload(request: Request) -> Response:
    tenant = tenant_of(request)
    Query(request)
    _platform(request).uploads.delete(tenant, path_id(request, "upload_id", "upload"))
    return Response(status_code=204)


async def delete_account(request: Request) -> Response:
    """Manual accounts only: a bank account is a 403 `bank_data_read_only`."""
    tenant = tenant_of(request)
    Query(request)
    _platform(request).accounts.delete_manual(tenant, path_id(request, "account_id", "account"))
    return Response(status_code=204)


async def add_transaction(request: Request) -> Response:
    tenant = tenant_of(request)
    Query(request)
    account_id = path_id(request, "account_id", "account")
    body = await read_model(request, NewManualTransaction)
    new = NewTransaction(**body.model_dump())
    added = _platform(request).transactions.add(tenant, account_id, new)
    return JSONResponse(_shown(request, tenant, added), 201)


async def get_transaction(request: Request) -> Response:
    tenant = tenant_of(request)
    Query(request)
    found = _platform(request).transactions.get(
        tenant, path_id(request, "transaction_id", "transaction")
    )
    return JSONResponse(_shown(request, tenant, found))


async def change_transaction(request: Request) -> Response:
    tenant = tenant_of(request)
    Query(request)
    transaction_id = path_id(request, "transaction_id", "transaction")
    body = await read_model(request, ManualTransactionChanges)
    changed = _platform(request).transactions.change(tenant, transaction_id, body.changes())
    return JSONResponse(_shown(request, tenant, changed))


async def delete_transaction(request: Request) -> Response:
    tenant = tenant_of(request)
    Query(request)
    _platform(request).transactions.delete(
        tenant, path_id(request, "transaction_id", "transaction")
    )
    return Response(status_code=204)


async def get_statement(request: Request) -> Response:
    """The account's statement as a file: `format` (default pdf), `from`, `to`."""
    tenant = tenant_of(request)
    query = Query(request, "format", "from", "to")
    account_id = path_id(request, "account_id", "account")
    data, media_type, file_name = await run_in_threadpool(
        _platform(request).accounts.statement,
        tenant,
        account_id,
        query.choice("format", formats.NAMES) or "pdf",
        start=query.date("from"),
        end=query.date("to"),
    )
    disposition = f'attachment; filename="{file_name}"'
    return Response(data, media_type=media_type, headers={"Content-Disposition": disposition})
