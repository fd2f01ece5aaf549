"""Repeated reads are answered from kept answers, and never with data older than the last
write: a sync, a deactivation, a deletion, or another process writing the database."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from starlette.testclient import TestClient

from sandbox.app import create_app
from sandbox.domain.platform import Platform
from sandbox.settings import Settings

# Databases another process can open too, and all of them.
SHARED = ["file"] + (
    [os.environ["SANDBOX_TEST_DATABASE_URL"]] if os.environ.get("SANDBOX_TEST_DATABASE_URL") else []
)
DATABASES = [*SHARED, "sqlite:///:memory:"]
# What another process runs to change a stored transaction behind the server's back.
RENAME = """
import sys
import sqlalchemy as sa
engine = sa.create_engine(sys.argv[1])
with engine.begin() as conn:
    conn.execute(sa.text("UPDATE transactions SET description = :d WHERE id = :i"),
                 {"d": sys.argv[2], "i": int(sys.argv[3])})
"""


def _url(param: str, tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'state.db'}" if param == "file" else param


def _id(url: str) -> str:
    return "sqlite-memory" if url.endswith(":memory:") else url.split(":")[0]


@pytest.fixture(params=DATABASES, ids=_id)
def settings(request, tmp_path) -> Settings:
    """Every read-cache test runs on a SQLite file, in memory, and on PostgreSQL in CI."""
    return Settings(
        database_url=_url(request.param, tmp_path), reset=True, allowed_hosts=("testserver",)
    )


@pytest.fixture
def truth(platform: Platform) -> Iterator[TestClient]:
    """The same server without kept answers: what every read must equal."""
    uncached = dataclasses.replace(
        platform, settings=dataclasses.replace(platform.settings, read_cache_mb=0)
    )
    with TestClient(create_app(uncached)) as client:
        yield client


def same_as_truth(api, truth: TestClient, path: str, **params) -> dict:
    kept = api.get(path, **params)
    fresh = truth.get(f"/api/v1{path}", headers=api.headers, params=params or None)
    assert (kept.status_code, kept.json()) == (fresh.status_code, fresh.json())
    return kept.json()


def test_a_repeated_read_gets_the_same_answer_with_its_own_request_id(api):
    api.connect()
    first, again = api.get("/transactions", limit=5), api.get("/transactions", limit=5)
    assert first.status_code == again.status_code == 200
    assert first.content == again.content
    assert again.headers["content-type"] == "application/json"
    assert again.headers["content-length"] == str(len(again.content))
    assert first.headers["x-request-id"] != again.headers["x-request-id"]


def test_a_sync_is_seen_by_the_next_read(api, truth):
    login = api.connect()
    before = same_as_truth(api, truth, "/transactions", limit=500)
    api.advance("P5D")
    assert api.post(f"/bank-logins/{login}/refresh").json()["new_transactions"] > 0
    after = same_as_truth(api, truth, "/transactions", limit=500)
    assert len(after["transactions"]) > len(before["transactions"])


def test_a_deactivated_account_leaves_the_next_read(api, truth):
    api.connect()
    account = api.get("/accounts").json()["accounts"][0]["id"]
    assert same_as_truth(api, truth, "/transactions", account_id=account)["transactions"]
    assert api.post(f"/accounts/{account}/deactivate").status_code == 200
    assert same_as_truth(api, truth, "/transactions", account_id=account)["transactions"] == []
    assert same_as_truth(api, truth, f"/accounts/{account}")["disabled"] is True


def test_a_deleted_bank_login_leaves_the_next_read(api, truth):
    login = api.connect()
    assert same_as_truth(api, truth, "/accounts")["accounts"]
    assert api.delete(f"/bank-logins/{login}").status_code == 204
    assert same_as_truth(api, truth, "/accounts")["accounts"] == []
    assert same_as_truth(api, truth, "/transactions")["transactions"] == []


def test_a_deleted_tenant_cannot_read_its_kept_answers(api, client):
    api.connect()
    assert api.get("/transactions").status_code == 200
    assert client.delete(f"/_sandbox/tenants/{api.tenant_id}").status_code == 204
    refused = api.get("/transactions")
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "invalid_credentials"


def test_an_answer_is_kept_for_its_own_credentials_only(api, other):
    api.connect()
    assert api.get("/transactions").json()["transactions"]
    assert other.get("/transactions").json()["transactions"] == []
    wrong = api.client.get("/api/v1/transactions", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert api.client.get("/api/v1/transactions").status_code == 401


@pytest.mark.parametrize("settings", SHARED, ids=_id, indirect=True)
def test_a_write_by_another_process_is_seen_by_the_next_read(api, truth, settings):
    api.connect()
    newest = api.get("/transactions", limit=1).json()["transactions"][0]
    written = subprocess.run(
        [
            sys.executable,
            "-c",
            RENAME,
            settings.database_url,
            "renamed elsewhere",
            str(newest["id"]),
        ],
        capture_output=True,
        text=True,
    )
    assert written.returncode == 0, written.stderr
    seen = same_as_truth(api, truth, "/transactions", limit=1)["transactions"][0]
    assert seen["id"] == newest["id"] and seen["description"] == "renamed elsewhere"


def test_the_cache_is_sized_or_turned_off_by_an_environment_variable():
    assert Settings.from_env({}).read_cache_mb == 16
    assert Settings.from_env({"SANDBOX_READ_CACHE_MB": "0"}).read_cache_mb == 0
    with pytest.raises(ValueError, match="SANDBOX_READ_CACHE_MB"):
        Settings.from_env({"SANDBOX_READ_CACHE_MB": "-1"})


class KeptAnswersMachine(RuleBasedStateMachine):
    """Reads interleaved with every kind of write: each read equals the uncached server's."""

    def __init__(self, api, truth: TestClient) -> None:
        super().__init__()
        self.api, self.truth = api, truth

    @initialize()
    def connect(self) -> None:
        self.api.delete("/users/u1")  # left by the run before: u1 connects anew
        self.login = self.api.connect("u1", persona="credit-card")

    def _accounts(self) -> list[int]:
        return [
            a["id"] for a in self.api.get("/accounts", include_deleted="true").json()["accounts"]
        ]

    @rule(
        path=st.sampled_from(["/transactions", "/accounts", "/users", "/users/u1", "/banks"]),
        limit=st.sampled_from([None, 1, 7, 50]),
    )
    def read(self, path: str, limit: int | None) -> None:
        params = (
            {}
            if limit is None or path in ("/accounts", "/users/u1", "/banks")
            else {"limit": limit}
        )
        same_as_truth(self.api, self.truth, path, **params)

    @rule(pick=st.integers(0, 3))
    def read_an_account(self, pick: int) -> None:
        accounts = self._accounts()
        if accounts:
            account = accounts[pick % len(accounts)]
            same_as_truth(self.api, self.truth, "/transactions", account_id=account, limit=20)
            same_as_truth(self.api, self.truth, f"/accounts/{account}")

    @rule(days=st.integers(1, 9))
    def sync(self, days: int) -> None:
        self.api.advance(f"P{days}D")
        self.api.post(f"/bank-logins/{self.login}/refresh")

    @rule(pick=st.integers(0, 3), on=st.booleans())
    def toggle_an_account(self, pick: int, on: bool) -> None:
        accounts = self._accounts()
        if accounts:
            account = accounts[pick % len(accounts)]
            self.api.post(f"/accounts/{account}/{'activate' if on else 'deactivate'}")

    @rule(user=st.sampled_from(["u2", "u3"]))
    def another_user_connects(self, user: str) -> None:
        self.api.delete(f"/users/{user}")  # a second connection of the same login is refused
        self.api.connect(user, bank="nordlicht-sparbank")

    @rule()
    def a_user_leaves(self) -> None:
        self.api.delete("/users/u2")

    @invariant()
    def the_newest_page_is_current(self) -> None:
        same_as_truth(self.api, self.truth, "/transactions", limit=5)


def test_kept_answers_are_never_older_than_the_last_write(api, truth):
    run = hypothesis_settings(
        max_examples=8,
        stateful_step_count=12,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    run_state_machine_as_test(lambda: KeptAnswersMachine(api, truth), settings=run)
