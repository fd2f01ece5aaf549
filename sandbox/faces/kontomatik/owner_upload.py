"""Owner Upload (`POST /v1/owner`): an integrator sends an owner's accounts and transactions as
JSON (gzip allowed), answered with a `requestId`; the data then shows in `data.xml` beside what
was imported from banks (reference/kontomatik.md §11). The payload is `owner_payload`'s; it is
stored as a manual upload of the owner (the tenant's user of that id, made when new), so the
same payload sent again is the same upload and the same `requestId`."""

from __future__ import annotations

import zlib

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from sandbox.domain.platform import Platform
from sandbox.errors import InvalidInput, TooLarge, UnsupportedMediaType
from sandbox.faces.json import JSONResponse
from sandbox.faces.kontomatik.caller import tenant_of
from sandbox.faces.kontomatik.inputs import Params
from sandbox.faces.kontomatik.json_errors import json_errors
from sandbox.faces.kontomatik.owner_payload import PayloadError, read

# How an owner upload is kept among the owner's uploads (the upload formats' name for JSON).
FORMAT = "json"
ENCODINGS = ("", "identity", "gzip")
SETTING = "SANDBOX_MAX_UPLOAD_BYTES"


def _platform(request: Request) -> Platform:
    return request.app.state.platform


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").partition(";")[0].strip().lower()


def gunzip(data: bytes, limit: int) -> bytes:
    """The body inflated, up to `limit` bytes: a small body that inflates past it (a gzip bomb)
    is refused as soon as the limit is passed, never inflated whole."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        inflated = inflater.decompress(data, limit + 1)
    except zlib.error as error:
        raise InvalidInput(f"the body is not gzip data ({error})") from None
    if len(inflated) > limit or inflater.unconsumed_tail:
        raise TooLarge(
            f"the body inflates to more than the limit of {limit} bytes ({SETTING})",
            details={"limit_bytes": limit, "setting": SETTING},
        )
    if not inflater.eof:
        raise InvalidInput("the gzip body ends before its end")
    if inflater.unused_data:
        raise InvalidInput("send one gzip member: the body has data after its end")
    return inflated


async def payload_bytes(request: Request) -> bytes:
    """The JSON body, inflated when `Content-Encoding: gzip`."""
    if media_type(request) != "application/json":
        raise UnsupportedMediaType(
            "send the payload as JSON (Content-Type: application/json)",
            details={"accepted": ["application/json"]},
        )
    encoding = request.headers.get("content-encoding", "").strip().lower()
    if encoding not in ENCODINGS:
        raise UnsupportedMediaType(
            f"Content-Encoding {encoding[:40]!r} is not taken; send gzip or no encoding",
            details={"accepted": ["gzip"]},
        )
    data = await request.body()
    if encoding == "gzip":
        return gunzip(data, _platform(request).settings.max_upload_bytes)
    return data


@json_errors
async def upload_owner(request: Request) -> Response:
    """`{"requestId"}`: the upload's id, the same for the same payload sent again."""
    tenant = tenant_of(request)
    Params(request)
    data = await payload_bytes(request)
    try:
        payload = await run_in_threadpool(read, data)
    except PayloadError as error:
        problems = [{"where": p.where, "message": p.message} for p in error.problems]
        raise InvalidInput(
            f"the Owner Upload cannot be stored: {error}", details={"problems": problems}
        ) from None
    upload, _ = await run_in_threadpool(
        _platform(request).uploads.store,
        tenant,
        payload.owner_external_id,
        FORMAT,
        None,
        payload.statement,
    )
    return JSONResponse({"requestId": str(upload.id)})
