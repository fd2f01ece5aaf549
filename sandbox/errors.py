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
