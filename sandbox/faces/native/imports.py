"""`/api/v1` import jobs: the jobs of a bank login, newest first, and one job by id.

Read-only, and never kept by the read cache: a read of an unfinished job is a poll that moves it
on (`sandbox/domain/imports.py`), so the same request answers differently the next time.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from sandbox.domain.platform import Platform
from sandbox.faces.json import JSONResponse, import_job_json
from sandbox.faces.native.auth import tenant_of
from sandbox.faces.native.params import Query
from sandbox.faces.paths import path_id
from sandbox.faces.queries import decode, encode, row_id
from sandbox.faces.routing import polls

IMPORTS_PAGE = 50
_CURSOR = "imports"


def _platform(request: Request) -> Platform:
    return request.app.state.platform


async def list_bank_login_imports(request: Request) -> Response:
    tenant = tenant_of(request)
    query = Query(request, "limit", "cursor")
    bank_login_id = path_id(request, "bank_login_id", "bank login")
    limit = query.limit(IMPORTS_PAGE)
    cursor = query.cursor()
    before = None if cursor is None else decode(cursor, _CURSOR, row_id)[0]
    page = _platform(request).imports.of_bank_login(
        tenant, bank_login_id, before=before, limit=limit, moving=polls(request)
    )
    return JSONResponse(
        {
            "imports": [import_job_json(job) for job in page.jobs],
            "next_cursor": None if page.next is None else encode(_CURSOR, page.next),
        }
    )


async def get_import(request: Request) -> Response:
    tenant = tenant_of(request)
    Query(request)
    import_id = path_id(request, "import_id", "import job")
    job = _platform(request).imports.get(tenant, import_id, moving=polls(request))
    return JSONResponse(import_job_json(job))
