"""`/api/v1`'s error table (`sandbox/faces/native/errors.py`): every neutral error has its
status, and the body names the error's own code."""

from __future__ import annotations

import inspect

import orjson
import pytest

import sandbox.clock
import sandbox.domain.errors
import sandbox.errors
import sandbox.store.database
from sandbox.errors import SandboxError
from sandbox.faces.native.errors import STATUS, native_error

# Where the neutral errors live: what the domain (and the store and clock under it) raise.
NEUTRAL = [sandbox.errors, sandbox.domain.errors, sandbox.clock, sandbox.store.database]


def _neutral_errors() -> list[type[SandboxError]]:
    found = {
        kind
        for module in NEUTRAL
        for _, kind in inspect.getmembers(module, inspect.isclass)
        if issubclass(kind, SandboxError)
        and kind is not SandboxError  # the root, never raised as it is
        and kind.__module__ == module.__name__
    }
    return sorted(found, key=lambda kind: kind.__name__)


@pytest.mark.parametrize("kind", _neutral_errors(), ids=lambda kind: kind.__name__)
def test_every_neutral_error_has_a_status_of_its_own_in_the_table(kind):
    # The table's first match is the status; none may fall through to the generic 400.
    status = next((code for entry, code in STATUS.items() if issubclass(kind, entry)), None)
    assert status in {400, 401, 403, 404, 409, 410, 413, 415, 422, 429, 503}, kind


def test_an_error_answers_its_status_with_its_code_message_and_details():
    error = sandbox.domain.errors.AlreadyConnected("Rheinwert Bank", "good", 7)
    response = native_error(None, error)
    assert response.status_code == 409
    assert orjson.loads(response.body) == {
        "error": {"code": "already_connected", "message": error.message, "details": error.details}
    }
