"""Signatures: HMAC-SHA256 over `{timestamp}.{body}`, checked by `verify` and by the snippet
README.md tells integrators to paste."""

from __future__ import annotations

import hashlib
import hmac
import re
from pathlib import Path

import pytest

from sandbox.clock import system_now
from sandbox.webhooks.signing import InvalidSignature, sign, signature, verify
from sandbox.webhooks.worker import retry_gap

README = Path(__file__).resolve().parents[2] / "README.md"
SECRET = "whsec-signing-secret"
BODY = b'{"id":"evt_1","type":"user.created","data":{"user_id":"u1"}}'


def now() -> int:
    return int(system_now().timestamp())


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body():
    expected = hmac.new(SECRET.encode(), b"1700000000." + BODY, hashlib.sha256).hexdigest()
    assert signature(SECRET, 1700000000, BODY) == expected
    headers = sign(SECRET, "evt_1", "user.created", BODY, 1700000000)
    assert headers == {
        "X-Sandbox-Event-Id": "evt_1",
        "X-Sandbox-Event-Type": "user.created",
        "X-Sandbox-Timestamp": "1700000000",
        "X-Sandbox-Signature": f"v1={expected}",
    }


def test_verify_accepts_a_fresh_signature_with_headers_in_any_case():
    headers = sign(SECRET, "evt_1", "user.created", BODY, now())
    verify(SECRET, headers, BODY)
    verify(SECRET, {name.lower(): value for name, value in headers.items()}, BODY)
    rotated = {**headers, "X-Sandbox-Signature": "v1=deadbeef, " + headers["X-Sandbox-Signature"]}
    verify(SECRET, rotated, BODY)


@pytest.mark.parametrize(
    ("secret", "body", "age", "why"),
    [
        ("another-secret", BODY, 0, "matches"),
        (SECRET, BODY + b" ", 0, "matches"),
        (SECRET, BODY, 301, "away from now"),
        (SECRET, BODY, -301, "away from now"),
    ],
)
def test_verify_refuses_a_wrong_secret_a_changed_body_and_a_stale_timestamp(secret, body, age, why):
    headers = sign(SECRET, "evt_1", "user.created", BODY, now() - age)
    with pytest.raises(InvalidSignature, match=why):
        verify(secret, headers, body)


def test_verify_refuses_missing_headers():
    with pytest.raises(InvalidSignature, match="Timestamp"):
        verify(SECRET, {}, BODY)
    with pytest.raises(InvalidSignature, match="Signature"):
        verify(SECRET, {"X-Sandbox-Timestamp": str(now())}, BODY)


def test_the_readme_snippet_verifies_what_the_sandbox_signs():
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.DOTALL)
    snippet = next(block for block in blocks if "def verify_webhook" in block)
    namespace: dict = {}
    exec(snippet, namespace)  # the code a user pastes, as it stands in the README
    verify_webhook = namespace["verify_webhook"]
    headers = sign(SECRET, "evt_1", "user.created", BODY, now())
    assert verify_webhook(SECRET, headers, BODY) is True
    assert verify_webhook("another-secret", headers, BODY) is False
    assert verify_webhook(SECRET, headers, BODY + b" ") is False
    stale = sign(SECRET, "evt_1", "user.created", BODY, now() - 3600)
    assert verify_webhook(SECRET, stale, BODY) is False


def test_retry_gaps_double_from_the_base_up_to_an_hour():
    gaps = [retry_gap(n, 2.0).total_seconds() for n in range(1, 9)]
    assert gaps == [2, 4, 8, 16, 32, 64, 128, 256]
    assert retry_gap(30, 2.0).total_seconds() == 3600
