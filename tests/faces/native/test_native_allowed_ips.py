"""A tenant's `allowed_ips`: its credentials work only from those addresses (403 otherwise)."""

import pytest
from starlette.testclient import TestClient

from sandbox.app import create_app

ONLY_TEN = """
extends: default
tenants:
  - id: demo
    name: Demo Finance
    client_id: demo
    client_secret: demo-secret
    api_key: demo-api-key-0001
    allowed_ips: ["10.0.0.0/8"]
"""


@pytest.fixture
def tenant(client) -> dict:
    answer = client.post("/_sandbox/tenants", json={"scenario_yaml": ONLY_TEN})
    assert answer.status_code == 201, answer.text
    return answer.json()


def from_address(platform, address: str) -> TestClient:
    return TestClient(create_app(platform), client=(address, 40000))


@pytest.mark.parametrize("address", ["192.0.2.7", "127.0.0.1", "2001:db8::1"])
def test_credentials_from_another_address_are_403(platform, tenant, address):
    with from_address(platform, address) as outside:
        answer = outside.get(
            "/api/v1/banks", headers={"Authorization": f"Bearer {tenant['api_key']}"}
        )
    assert answer.status_code == 403
    error = answer.json()["error"]
    assert error["code"] == "ip_not_allowed" and error["details"]["address"] == address


def test_credentials_from_an_allowed_address_work(platform, tenant):
    with from_address(platform, "10.20.30.40") as inside:
        answer = inside.get("/api/v1/banks", auth=(tenant["client_id"], tenant["client_secret"]))
    assert answer.status_code == 200


def test_a_bad_range_in_the_scenario_is_refused_naming_its_line(client):
    text = ONLY_TEN.replace('"10.0.0.0/8"', '"10.0.0.0/33"')
    answer = client.post("/_sandbox/tenants", json={"scenario_yaml": text})
    assert answer.status_code == 422
    problem = answer.json()["error"]["details"][0]
    assert problem["line"] == 9 and "allowed_ips" in problem["path"]
