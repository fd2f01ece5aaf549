"""The Kontomatik face, `/kontomatik/v1`: an integration written for Kontomatik's API runs
against the sandbox with a new base URL (reference/kontomatik.md). So far: the command
catalog of the tenant's banks, sessions (mock-session, multiple access), the asynchronous
import commands and their polls, aggregated owner data, the owner scores, and the JSON
products (Owner Upload, Income Confirmation, PDF statements)."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from sandbox.domain.face_keys import kontomatik_keys
from sandbox.domain.platform import Platform
from sandbox.faces.kontomatik import (
    catalog,
    commands,
    data,
    income,
    json_errors,
    owner_upload,
    pdf_statements,
    redirection,
    xml,
)
from sandbox.faces.kontomatik.caller import tenant_of
from sandbox.faces.kontomatik.errors import EXCEPTION_HANDLERS
from sandbox.faces.kontomatik.inputs import Params
from sandbox.faces.routing import resource

# The scoring model the replies name (Kontomatik names its model and when it was trained).
MODEL_ID = "bank-sandbox-score-1"
MODEL_TRAINED = "2026-12-01T00:00:00Z"


def _platform(request: Request) -> Platform:
    return request.app.state.platform


async def command_catalog(request: Request) -> Response:
    tenant = tenant_of(request)
    params = Params(request, "country")
    country = params.country("country")
    reply = xml.root(
        200, tenant.now(), schema="get_command_catalog", user=kontomatik_keys(tenant).client
    )
    targets = xml.child(reply, "targets")
    for bank in _platform(request).banks.all(tenant):
        for target in catalog.targets_of(bank):
            if country in (None, "all", target.country):
                catalog.target_xml(targets, target)
    return xml.XMLResponse(reply)


async def owner_scores(request: Request) -> Response:
    tenant = tenant_of(request)
    params = Params(request, "ownerExternalId")
    owner = params.required("ownerExternalId")
    found = _platform(request).analytics.run(tenant, owner, "score")
    reply = xml.root(
        200,
        tenant.now(),
        schema="get_owner_scores",
        user=kontomatik_keys(tenant).client,
        owner=owner,
    )
    models = xml.child(reply, "models")
    model = xml.child(models, "model", id=MODEL_ID, retrainedAt=MODEL_TRAINED)
    scores = xml.child(model, "scores")
    xml.value(scores, "score", found.score)
    xml.value(scores, "scorePercentile", found.percentile)
    xml.value(scores, "scoreTier", found.tier)
    return xml.XMLResponse(reply)


async def get_data(request: Request) -> Response:
    """Everything imported for the owner, across its bank logins (built in a worker thread:
    ten years of an owner's transactions take a while to write)."""
    tenant = tenant_of(request)
    owner = Params(request, "ownerExternalId").required("ownerExternalId")
    client = kontomatik_keys(tenant).client
    reply = await run_in_threadpool(data.owner_data, _platform(request), tenant, client, owner)
    return xml.XMLResponse(reply)


async def delete_data(request: Request) -> Response:
    """Forget the owner and everything imported or uploaded for it."""
    tenant = tenant_of(request)
    owner = Params(request, "ownerExternalId").required("ownerExternalId")
    _platform(request).users.delete(tenant, owner)
    client = kontomatik_keys(tenant).client
    return xml.XMLResponse(xml.root(200, tenant.now(), user=client, owner=owner))


def kontomatik_app(platform: Platform) -> Starlette:
    routes = [
        resource("/command-catalog.xml", get=command_catalog),
        resource("/owner-scores.xml", get=owner_scores),
        resource("/data.xml", get=get_data, delete=delete_data),
        resource("/signin/redirection", post=redirection.create),
        resource("/signin/redirection-status", get=redirection.status),
        resource("/mock-session.xml", post=commands.mock_session),
        resource("/command/reuse-multiple-access.xml", post=commands.reuse_multiple_access),
        resource("/command/delete-multiple-access.xml", post=commands.delete_multiple_access),
        # `{command}`: a command's name to start it (POST), a started one's id to poll it (GET)
        resource("/command/{command}.xml", get=commands.poll, post=commands.start),
        # JSON endpoints, answering errors in JSON (json_errors.py)
        resource("/owner", post=owner_upload.upload_owner),
        resource("/owner-income-confirmation", get=income.income_confirmation),
        resource("/pdf/statement", post=pdf_statements.parse_statement),
        resource("/pdf/statement-trusted", post=pdf_statements.parse_statement_trusted),
    ]
    handlers = {**EXCEPTION_HANDLERS, HTTPException: json_errors.http_error}
    app = Starlette(routes=routes, exception_handlers=handlers)
    app.state.platform = platform
    app.state.finished_commands = commands.FinishedCommands()
    return app
