"""What a control request is about: the platform, and the tenant its path names."""

from __future__ import annotations

import re

from starlette.requests import Request

from sandbox.domain.platform import Platform
from sandbox.domain.tenants import Tenant
from sandbox.domain.webhook_endpoints import Renderers
from sandbox.faces.queries import BadQuery

MAX_PAGE = 500
_WHOLE_NUMBER = re.compile(r"[0-9]{1,18}")


def platform_of(request: Request) -> Platform:
    return request.app.state.platform


def renderers_of(request: Request) -> Renderers:
    """Each webhook format's renderer, as `sandbox/app.py` registered them."""
    return request.app.state.renderers


def tenant_of(request: Request) -> Tenant:
    return platform_of(request).tenants.get(request.path_params["tenant_id"])


def limit_of(request: Request, default: int) -> int:
    raw = request.query_params.get("limit")
    if raw is None:
        return default
    if not _WHOLE_NUMBER.fullmatch(raw) or not 1 <= int(raw) <= MAX_PAGE:
        raise BadQuery("limit", f"must be a whole number from 1 to {MAX_PAGE}")
    return int(raw)
