"""`/_sandbox/tenants/{tenant_id}/imports/{import_id}`: what a test does to an import job that no
bank would: make it instant or slow, or choose how it ends (README "Import jobs")."""

from __future__ import annotations

import re

from pydantic import ConfigDict, Field, model_validator
from starlette.requests import Request
from starlette.responses import Response

from sandbox.domain.errors import NotFound
from sandbox.domain.imports import Outcome, Speed
from sandbox.domain.platform import Platform
from sandbox.faces.json import Body, JSONResponse, import_job_json, read_model

_ID = re.compile(r"[1-9][0-9]{0,17}")


class ImportSteering(Body):
    model_config = ConfigDict(extra="forbid", strict=True)

    speed: Speed | None = None
    outcome: Outcome | None = None
    # No NUL: PostgreSQL refuses it in text.
    message: str | None = Field(default=None, min_length=1, max_length=500, pattern=r"^[^\x00]+$")

    @model_validator(mode="after")
    def _what_to_change(self) -> ImportSteering:
        if self.speed is None and self.outcome is None:
            raise ValueError("give `speed`, `outcome` or both")
        if self.message is not None and self.outcome is None:
            raise ValueError("`message` goes with an `outcome`")
        return self


async def steer_import(request: Request) -> Response:
    """Re-pace an unfinished job (`instant` ends it now) or choose its end; 409 once finished."""
    body = await read_model(request, ImportSteering)
    platform: Platform = request.app.state.platform
    tenant = platform.tenants.get(request.path_params["tenant_id"])
    raw = request.path_params["import_id"]
    if not _ID.fullmatch(raw):
        raise NotFound(f"no import job {raw[:64]!r}", details={"import_id": raw[:64]})
    job = platform.imports.steer(
        tenant, int(raw), speed=body.speed, outcome=body.outcome, message=body.message
    )
    return JSONResponse(import_job_json(job))
