"""`/_sandbox/tenants/{tenant_id}/imports/{import_id}`: what a test does to an import job that no
bank would: make it instant or slow, or choose how it ends (README "Import jobs")."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from sandbox.faces.control.bodies import ImportSteering
from sandbox.faces.control.context import platform_of, tenant_of
from sandbox.faces.json import JSONResponse, import_job_json, read_model
from sandbox.faces.paths import path_id


async def steer_import(request: Request) -> Response:
    """Re-pace an unfinished job (`instant` ends it now) or choose its end; 409 once finished."""
    body = await read_model(request, ImportSteering)
    job = platform_of(request).imports.steer(
        tenant_of(request),
        path_id(request, "import_id", "import job"),
        speed=body.speed,
        outcome=body.outcome,
        message=body.message,
    )
    return JSONResponse(import_job_json(job))
