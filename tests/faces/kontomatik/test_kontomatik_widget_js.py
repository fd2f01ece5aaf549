"""The widget's script and the demo page over HTTP: what an integrator's page loads."""

from __future__ import annotations

import re

import pytest

from sandbox.faces.kontomatik.pages import ASSETS


def test_the_widget_script_is_served_as_javascript_and_defines_both_names(client):
    answer = client.get("/kontomatik/assets/signin-widget.js")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/javascript")
    assert answer.headers["cache-control"] == "no-cache"
    script = answer.text
    assert "global.embedKontomatik = embedKontomatik" in script
    assert "global.embedKontox = " in script
    assert "internal_kx_service_url" in script
    # Messages are heard from the iframe's own window and origin only.
    assert "event.source !== iframe.contentWindow || event.origin !== frameOrigin" in script


@pytest.mark.parametrize("name", ASSETS)
def test_every_script_of_the_face_is_served_and_posts_to_a_named_origin_only(client, name):
    answer = client.get(f"/kontomatik/assets/{name}")
    assert answer.status_code == 200
    assert not re.search(r"postMessage\([^)]*['\"]\*['\"]", answer.text), "a message to any origin"


@pytest.mark.parametrize("name", ["nope.js", "..%2Fpages.py", "signin-widget.js.map"])
def test_no_other_file_is_served(client, name):
    assert client.get(f"/kontomatik/assets/{name}").status_code == 404


def test_the_demo_page_embeds_the_widget_for_the_demo_tenant(client):
    answer = client.get("/kontomatik/demo")
    assert answer.status_code == 200
    assert re.search(r'<script src="/kontomatik/assets/signin-widget.js\?v=[0-9a-f]+"', answer.text)
    assert 'data-client="demo-test"' in answer.text
    assert 'data-api-key="demo-kontomatik-api-key-0001"' in answer.text
    assert 'data-base="http://testserver"' in answer.text
    assert "<script>" not in answer.text  # no inline script: the policy allows none


@pytest.mark.parametrize(
    "path", ["/kontomatik/other", "/kontomatik/signin%0A", "/kontomatik/v1/command/a%0Ab.xml"]
)
def test_any_other_path_under_kontomatik_is_the_apis_xml_404(client, path):
    answer = client.get(path, headers={"X-Api-Key": "demo-kontomatik-api-key-0001"})
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("application/xml")
