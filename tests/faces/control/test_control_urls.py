"""Tenants register http(s) URLs only, and no webhook on a link-local (cloud metadata) address
unless the sandbox is told to allow it; a scenario sent as YAML follows the same rule."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from sandbox.app import create_app
from sandbox.domain.platform import Platform
from sandbox.settings import Settings

METADATA = "http://169.254.169.254/latest/meta-data/iam/security-credentials/"


@pytest.mark.parametrize(
    "uri",
    ["javascript://%0aalert(document.cookie)", "myapp://callback", "file:///etc/passwd",
     "ftp://files.example/cb", "HTTP://app.example/cb", "http://"],
)  # fmt: skip
def test_redirect_uris_are_http_or_https_urls(client, uri):
    answer = client.post("/_sandbox/tenants", json={"redirect_uris": ["http://ok.example/", uri]})
    assert answer.status_code == 422
    [detail] = answer.json()["error"]["details"]
    assert detail["field"] == "redirect_uris.1"


@pytest.mark.parametrize(
    "url", [METADATA, "http://169.254.0.1:8080/hook", "https://[fe80::1]/hook", "gopher://x/"]
)
def test_webhooks_to_link_local_addresses_or_other_schemes_are_refused(client, url):
    answer = client.post("/_sandbox/tenants", json={"webhook_url": url})
    assert answer.status_code == 422
    [detail] = answer.json()["error"]["details"]
    assert detail["field"] == "webhook_url"


def test_the_refusal_says_how_to_allow_link_local_webhooks(client):
    answer = client.post("/_sandbox/tenants", json={"webhook_url": METADATA})
    message = answer.json()["error"]["details"][0]["message"]
    assert message == (
        "a link-local address is no webhook target; "
        "set SANDBOX_WEBHOOK_ALLOW_LINK_LOCAL=1 to allow it"
    )


SNEAKY = f"""\
extends: default
name: sneaky
tenants:
  - id: sneaky
    name: Sneaky
    client_id: sneaky
    client_secret: sneaky-secret
    api_key: sneaky-api-key
    redirect_uris: [myapp://callback]
    webhook: {{url: "{METADATA}", secret: whsec-sneaky}}
"""


def test_a_scenario_yaml_tenant_with_a_metadata_webhook_is_refused_at_its_line(client):
    answer = client.post("/_sandbox/tenants", json={"scenario_yaml": SNEAKY})
    assert answer.status_code == 422
    found = [(d["line"], d["path"]) for d in answer.json()["error"]["details"]]
    assert found == [(9, "tenants[0].redirect_uris[0]"), (10, "tenants[0].webhook.url")]


@pytest.fixture
def permissive(default_scenario) -> Iterator[TestClient]:
    settings = Settings(
        database_url="sqlite:///:memory:",
        allowed_hosts=("testserver",),
        webhook_allow_link_local=True,
    )
    platform = Platform.open(settings, default_scenario)
    yield TestClient(create_app(platform))
    platform.close()


def test_link_local_webhooks_are_registered_when_allowed(permissive):
    answer = permissive.post("/_sandbox/tenants", json={"webhook_url": METADATA})
    assert answer.status_code == 201, answer.text
    assert answer.json()["webhook_url"] == METADATA
    still = permissive.post("/_sandbox/tenants", json={"redirect_uris": ["myapp://callback"]})
    assert still.status_code == 422


def test_a_tenant_made_from_a_scenario_with_a_metadata_webhook_reads_back_when_allowed(
    permissive,
):
    scenario = SNEAKY.replace("myapp://callback", "https://app.example/cb")
    made = permissive.post("/_sandbox/tenants", json={"scenario_yaml": scenario})
    assert made.status_code == 201, made.text
    read = permissive.get(f"/_sandbox/tenants/{made.json()['tenant_id']}")
    assert read.status_code == 200
    assert read.json()["scenario"] == "sneaky"
