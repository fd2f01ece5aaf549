"""A sandbox whose database connections all stay busy answers 503 in each face's own format,
asks to be retried, and answers as usual once a connection is free again."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from defusedxml import ElementTree
from starlette.testclient import TestClient

from sandbox.app import create_app
from sandbox.domain.platform import Platform
from sandbox.scenario import Scenario
from sandbox.settings import Settings
from sandbox.store.database import Database

AUTH = {"Authorization": "Bearer demo-api-key-0001"}


@pytest.fixture
def file_platform(tmp_path: Path, default_scenario: Scenario) -> Iterator[Platform]:
    platform = Platform.open(
        Settings(database_url=f"sqlite:///{tmp_path / 'state.db'}", allowed_hosts=("testserver",)),
        default_scenario,
    )
    yield platform
    platform.close()


@pytest.fixture
def busy(
    file_platform: Platform,  # first, so it closes after the holders let go
    every_connection_held: Callable[[Database], threading.Event],
) -> Iterator[tuple[TestClient, threading.Event]]:
    """A client of a sandbox whose every connection is held by a thread until the event is set."""
    with TestClient(create_app(file_platform)) as client:
        yield client, every_connection_held(file_platform.db)


def test_the_data_api_answers_503_and_asks_for_a_retry(busy) -> None:
    client, release = busy
    answer = client.get("/api/v1/users", headers=AUTH)
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "1"
    error = answer.json()["error"]
    assert error["code"] == "unavailable"
    assert "connections" in error["message"] and "stayed in use" in error["message"]
    release.set()
    assert client.get("/api/v1/users", headers=AUTH).status_code == 200


def test_a_hosted_page_answers_a_503_page(busy) -> None:
    client, release = busy
    answer = client.get("/connect/no-such-session")
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "1"
    assert answer.headers["content-type"].startswith("text/html")
    assert "The sandbox is busy" in answer.text
    assert 'href="/connect/no-such-session"' in answer.text and "Try again" in answer.text
    release.set()
    assert client.get("/connect/no-such-session").status_code == 404


def test_the_powens_api_answers_503_in_powens_format(busy) -> None:
    client, release = busy
    answer = client.get("/powens/demo/2.0/users/me", headers={"Authorization": "Bearer x"})
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "1"
    assert answer.json()["code"] == "websiteUnavailable"
    assert set(answer.json()) == {"code", "description", "message", "request_id"}
    release.set()
    assert client.get("/powens/demo/2.0/users/me").status_code == 401


def test_the_powens_webview_answers_a_503_page(busy) -> None:
    client, release = busy
    url = "/powens/webview/connect?domain=demo&client_id=10000001"
    answer = client.get(url)
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "1"
    assert answer.headers["content-type"].startswith("text/html")
    assert "The sandbox is busy" in answer.text and "Try again" in answer.text
    release.set()
    assert client.get(url).status_code == 400  # no redirect_uri


def test_the_kontomatik_widget_entry_answers_a_503_page(busy) -> None:
    client, release = busy
    url = "/kontomatik/signin?client=demo-test&origin=https://shop.example"
    answer = client.get(url, follow_redirects=False)
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "1"
    assert answer.headers["content-type"].startswith("text/html")
    assert "The sandbox is busy" in answer.text
    release.set()
    assert client.get(url, follow_redirects=False).status_code == 303


def _exception_name_in_json(answer: httpx.Response) -> str:
    return answer.json()["exception"]["name"]


def _exception_name_in_xml(answer: httpx.Response) -> str:
    return ElementTree.fromstring(answer.text).find("exception").get("name")


# Its JSON products and its XML API, each in its own format; once free, the usual answers (no
# such redirection; the catalog).
@pytest.mark.parametrize(
    ("url", "name_of", "then"),
    [
        ("/kontomatik/v1/signin/redirection-status?redirectionId=r1", _exception_name_in_json, 404),
        ("/kontomatik/v1/command-catalog.xml", _exception_name_in_xml, 200),
    ],
)
def test_the_kontomatik_api_answers_503_in_its_formats(busy, url, name_of, then) -> None:
    client, release = busy
    key = {"X-Api-Key": "demo-kontomatik-api-key-0001"}
    answer = client.get(url, headers=key)
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "1"
    assert name_of(answer) == "ServiceTemporarilyUnavailable"
    release.set()
    assert client.get(url, headers=key).status_code == then
