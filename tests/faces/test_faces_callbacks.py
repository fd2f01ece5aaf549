"""The callback registry (`sandbox/faces/callbacks.py`): the hosted UI sends the user back in the
words of the face that opened the flow, whichever face that was (issue: "Callbacks")."""

from __future__ import annotations

import pytest

from sandbox.domain import sessions, tenants
from sandbox.domain.outcome import Exit
from sandbox.faces import callbacks
from sandbox.scenario import load_scenario_text

CALLBACK = "http://127.0.0.1:3000/callback"
FROZEN = "extends: default\nname: frozen\nclock: {start: 2026-01-15T09:00:00Z, frozen: true}\n"


@pytest.fixture
def tenant(platform):
    return tenants.create_tenant(
        platform.db, load_scenario_text(FROZEN), "frozen",
        tenants.TenantOptions(redirect_uris=[CALLBACK]),
    )  # fmt: skip


def cancelled(client, platform, tenant, face: str | None) -> str:
    made = sessions.create_session(
        platform.db, tenant, kind="connect", external_user_id="u1", redirect_uri=CALLBACK,
        state="s1", options={}, face=face,
    )  # fmt: skip
    answer = client.post(
        f"/connect/{made.id}/cancel", data={"csrf_token": made.csrf_token}, follow_redirects=False
    )
    assert answer.status_code == 303
    return answer.headers["location"].replace(made.id, "{id}")


def test_a_flow_comes_back_in_the_words_of_the_face_that_opened_it(
    client, platform, tenant, monkeypatch
):
    def other(platform, exit: Exit) -> list[tuple[str, str]]:
        return [("outcome", exit.outcome.kind.value.upper()), ("ref", exit.session_id)]

    monkeypatch.setitem(callbacks.RENDERERS, "other", other)
    assert (
        cancelled(client, platform, tenant, "other") == f"{CALLBACK}?outcome=CANCELLED&ref={{id}}"
    )
    assert cancelled(client, platform, tenant, "native") == (
        f"{CALLBACK}?status=cancelled&session_id={{id}}&state=s1"
    )


def test_a_flow_that_names_no_face_comes_back_in_the_native_words(client, platform, tenant):
    assert cancelled(client, platform, tenant, None) == (
        f"{CALLBACK}?status=cancelled&session_id={{id}}&state=s1"
    )
