"""The JSON APIs read JSON bodies only: a form or `text/plain` POST, which any web page may
send without asking, is refused with 415; a POST without a body needs no Content-Type; the
hosted pages keep their forms."""

from __future__ import annotations

import pytest

DEMO = {"Authorization": "Bearer demo-api-key-0001"}  # the default scenario's demo tenant


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded",
     "multipart/form-data; boundary=x", "application/jsonp", "application/json-seq", ""],
)  # fmt: skip
def test_a_body_that_is_not_labelled_json_creates_no_tenant(client, content_type, tenant_ids):
    before = tenant_ids(client)
    answer = client.post(
        "/_sandbox/tenants", content=b'{"tenant_id": "x1"}', headers={"Content-Type": content_type}
    )
    assert answer.status_code == 415
    error = answer.json()["error"]
    assert error["code"] == "unsupported_media_type"
    assert "application/json" in error["message"]
    assert error["details"] == {
        "content_type": content_type,
        "accepted": ["application/json", "application/*+json"],
    }
    assert tenant_ids(client) == before


def test_a_body_without_a_content_type_is_refused(client):
    answer = client.post("/_sandbox/tenants", content=b'{"tenant_id": "x1"}')
    assert answer.status_code == 415
    assert answer.json()["error"]["message"] == "a body needs Content-Type: application/json"


def test_an_empty_text_plain_post_cannot_reset_a_tenant(client):
    answer = client.post("/_sandbox/tenants/demo/reset", headers={"Content-Type": "text/plain"})
    assert answer.status_code == 415


def test_the_native_api_refuses_forms_too(client):
    answer = client.post(
        "/api/v1/connect-sessions",
        headers=DEMO,
        data={"user_id": "u1", "redirect_uri": "http://127.0.0.1:3000/callback"},
    )
    assert answer.status_code == 415
    assert answer.json()["error"]["code"] == "unsupported_media_type"


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "application/json; charset=utf-8", "Application/JSON",
     "application/vnd.sandbox+json"],
)  # fmt: skip
def test_json_media_types_are_read(client, content_type):
    answer = client.post(
        "/_sandbox/tenants", content=b'{"name": "Typed"}', headers={"Content-Type": content_type}
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["name"] == "Typed"


def test_posts_without_a_body_need_no_content_type(client):
    assert client.post("/_sandbox/tenants/demo/reset").status_code == 200
    missing = client.post("/api/v1/bank-logins/999/refresh", headers=DEMO)
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


def test_the_hosted_pages_keep_their_forms(client):
    answer = client.post("/connect/no-such-session/account-type", data={"account_type": "checking"})
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
