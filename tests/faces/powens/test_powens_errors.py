"""Powens' error table: every domain error a Powens route can meet answers in Powens' format
with Powens' status and code, and a limit says when to come back (`Retry-After`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import orjson
import pytest

from sandbox.domain.errors import (
    AlreadyConnected,
    BadCredentials,
    BankRefusal,
    Forbidden,
    InvalidInput,
    NotFound,
    RateLimited,
    Unavailable,
)
from sandbox.domain.states import LoginState
from sandbox.faces.powens.errors import InvalidValue, MissingParameter, NoAccount, answer

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
SCOPE = {"type": "http", "state": {"request_id": "req-1"}}


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (MissingParameter("connector_uuid"), 400, "missingParameter"),
        (InvalidValue("limit", "at most 1000"), 400, "invalidValue"),
        (NoAccount("no enabled account"), 409, "noAccount"),
        (BankRefusal(LoginState.WRONG_CREDENTIALS, "Wrong password"), 400, "wrongpass"),
        (InvalidInput("bad"), 400, "invalidValue"),
        (BadCredentials("no"), 401, "unauthorized"),
        (Forbidden("no"), 403, "forbidden"),
        (NotFound("no"), 404, "notFound"),
        (AlreadyConnected("Rheinwert Bank", "good", 1), 409, "invalidValue"),
        (Unavailable("busy"), 503, "websiteUnavailable"),
    ],
)
def test_each_error_has_powens_status_and_code(error, status, code):
    response = answer(SCOPE, error)
    body = orjson.loads(response.body)
    assert (response.status_code, body["code"]) == (status, code)
    assert body == {
        "code": code,
        "description": error.message,
        "message": None,
        "request_id": "req-1",
    }
    assert ("www-authenticate" in response.headers) == (status == 401)


def test_a_rate_limit_is_a_429_that_says_when_to_come_back():
    error = RateLimited("Rheinwert Bank", 4, NOW + timedelta(minutes=90, seconds=1), NOW)
    response = answer(SCOPE, error)
    assert response.status_code == 429
    assert orjson.loads(response.body)["code"] == "tooManySync"
    assert response.headers["retry-after"] == str(90 * 60 + 1)
