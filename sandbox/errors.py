"""The errors the sandbox raises on purpose. Each carries a stable code; each face maps them to
its own wire format and status in one table, so no face invents a status inline."""

from __future__ import annotations

from typing import Any


class SandboxError(Exception):
    code = "error"

    def __init__(self, message: str, *, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(SandboxError):
    code = "not_found"


class Conflict(SandboxError):
    code = "conflict"


class InvalidInput(SandboxError):
    code = "invalid_input"


class Unauthorized(SandboxError):
    code = "unauthorized"


class TooLarge(SandboxError):
    code = "body_too_large"


class Unavailable(SandboxError):
    """The sandbox cannot answer now (every database connection stayed busy): try again."""

    code = "unavailable"


class Forbidden(SandboxError):
    """A request refused for where it comes from, whoever sends it."""

    code = "forbidden"


class HostNotAllowed(Forbidden):
    """The `Host` is not a name this server answers to (DNS rebinding, a wrong proxy)."""

    code = "host_not_allowed"


class OriginNotAllowed(Forbidden):
    """A browser sent the request from another site's page."""

    code = "origin_not_allowed"


class UnsupportedMediaType(SandboxError):
    code = "unsupported_media_type"
