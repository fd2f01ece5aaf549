"""Who may call /kontomatik/v1: the tenant holding the X-Api-Key, from one of its allowed
addresses; anyone else gets Kontomatik's 401 reply, a `<comment>` naming the masked key and
address, as captured from Kontomatik."""

from __future__ import annotations

import pytest
from kontomatik_replies import TIMESTAMP, captured, root_of, shape
from starlette.testclient import TestClient

from sandbox.app import create_app
from sandbox.domain import tenants
from sandbox.scenario import load_scenario_text

CATALOG = "/kontomatik/v1/command-catalog.xml"


@pytest.mark.parametrize(
    "headers",
    [{}, {"X-Api-Key": "not-a-key-of-anyone-0001"}],
    ids=["no key", "unknown key"],
)
def test_an_unknown_caller_gets_the_401_reply_kontomatik_sends(client, headers):
    answer = client.get(CATALOG, headers=headers)
    assert answer.status_code == 401
    assert answer.headers["content-type"].startswith("application/xml")
    assert shape(answer.content) == captured("unauthorized-reply.xml")
    reply = root_of(answer.content)
    assert reply.get("status") == "401 Unauthorized"
    assert TIMESTAMP.fullmatch(reply.get("responseTimestamp"))
    comment = reply.find("comment").text
    assert "We don't know who you are." in comment
    if headers:
        key = headers["X-Api-Key"]
        assert f'"no{"*" * (len(key) - 4)}01"' in comment  # masked, never the key itself
        assert key not in comment


def test_the_demo_tenants_key_and_the_legacy_query_parameter_both_work(client):
    key = "demo-kontomatik-api-key-0001"
    assert client.get(CATALOG, headers={"X-Api-Key": key}).status_code == 200
    assert client.get(CATALOG, params={"apiKey": key}).status_code == 200


def test_a_tenants_key_works_only_from_an_address_it_allows(platform):
    scenario = load_scenario_text(
        "extends: default\nname: walled\ntenants:\n"
        "  - {id: walled, name: Walled, client_id: walled-client, client_secret: walled-secret-1,\n"
        "     api_key: walled-api-key-0001, allowed_ips: [10.20.0.0/16],\n"
        "     kontomatik: {client: walled-test, api_keys: [walled-kontomatik-key-0001]}}\n",
        "walled.yaml",
    )
    tenants.ensure_scenario_tenants(platform.db, scenario, "walled")
    key = {"X-Api-Key": "walled-kontomatik-key-0001"}
    with TestClient(create_app(platform), client=("192.0.2.7", 40000)) as outside:
        refused = outside.get(CATALOG, headers=key)
    assert refused.status_code == 401
    assert shape(refused.content) == captured("unauthorized-reply.xml")
    assert "IP 19*****.7" in root_of(refused.content).find("comment").text
    with TestClient(create_app(platform), client=("10.20.30.40", 40000)) as inside:
        assert inside.get(CATALOG, headers=key).status_code == 200


def test_the_control_api_shows_a_new_tenants_kontomatik_keys_and_they_work(integrator):
    assert integrator.keys["base_url"] == "http://testserver/kontomatik/v1"
    widget = "http://testserver/kontomatik/assets/signin-widget.js"
    assert integrator.keys["widget_script_url"] == widget
    script = integrator.client.get(widget)
    assert script.status_code == 200 and "function embedKontomatik" in script.text
    assert integrator.keys["client"].endswith("-test")
    catalog = integrator.get("/command-catalog.xml")
    assert catalog.status_code == 200
    assert root_of(catalog.content).get("user") == integrator.keys["client"]


def test_an_unknown_path_is_a_kontomatik_404(integrator):
    answer = integrator.get("/nothing-here.xml")
    assert answer.status_code == 404
    assert root_of(answer.content).find("exception").get("name") == "InvalidParameter"


def test_a_method_the_path_does_not_take_is_a_405_naming_the_ones_it_does(integrator):
    answer = integrator.client.post(
        "/kontomatik/v1/command-catalog.xml", headers=integrator.headers
    )
    assert answer.status_code == 405
    assert set(answer.headers["allow"].split(", ")) == {"GET", "HEAD"}
    assert root_of(answer.content).find("exception") is not None
