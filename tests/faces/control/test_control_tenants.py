"""Control API: isolated tenants for parallel test runs."""

import asyncio
import threading

import httpx
from sqlalchemy import insert, select

from sandbox.app import create_app
from sandbox.domain.services import tenants as tenant_service
from sandbox.scenario import load_scenario_text
from sandbox.scenario.limits import MAX_DEPTH, MAX_NODES
from sandbox.store.schema import users

SMALL = """\
extends: default
name: small
clock: {start: 2026-01-15T09:00:00Z, frozen: true}
banks:
  - id: tinybank
    name: Tiny Bank
    country: ES
"""


def test_create_tenant_from_a_shipped_scenario_gives_fresh_credentials(client):
    first = client.post("/_sandbox/tenants", json={"scenario": "default"})
    second = client.post("/_sandbox/tenants", json={"scenario": "default"})
    assert first.status_code == second.status_code == 201
    a, b = first.json(), second.json()
    assert a["scenario"] == "default"
    for key in ("tenant_id", "client_id", "client_secret", "api_key"):
        assert a[key] and a[key] != b[key]
    assert without_clock(client.get(f"/_sandbox/tenants/{a['tenant_id']}").json()) == without_clock(
        a
    )


def test_the_scenarios_own_tenants_exist_at_start(client):
    listed = client.get("/_sandbox/tenants").json()["tenants"]
    demo = next(tenant for tenant in listed if tenant["tenant_id"] == "demo")
    assert demo["client_id"] == "demo"
    assert demo["client_secret"] == "demo-secret"


def test_create_tenant_from_yaml_that_extends_default(client):
    response = client.post(
        "/_sandbox/tenants",
        json={"scenario_yaml": SMALL, "redirect_uris": ["http://127.0.0.1:9/cb"]},
    )
    assert response.status_code == 201, response.text
    tenant = response.json()
    assert tenant["scenario"] == "small"
    assert tenant["redirect_uris"] == ["http://127.0.0.1:9/cb"]
    assert tenant["clock"] == {"now": "2026-01-15T09:00:00+00:00", "frozen": True}


def test_invalid_scenario_yaml_lists_every_problem_with_its_line(client):
    broken = SMALL.replace("country: ES", "country: Spain\n    colur: '#000000'")
    response = client.post("/_sandbox/tenants", json={"scenario_yaml": broken})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert [(d["line"], d["path"]) for d in error["details"]] == [
        (7, "banks[0].country"),
        (8, "banks[0].colur"),
    ]
    assert "did you mean `colour`" in error["details"][1]["message"]


def test_a_scenario_of_nested_aliases_is_a_quick_422_naming_the_limit(client):
    lines = ['l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"l{n}: &l{n} [" + ",".join([f"*l{n - 1}"] * 9) + "]" for n in range(1, 9)]
    laughs = "\n".join(lines) + "\n"  # 432 bytes that stand for 9**9 values
    response = client.post("/_sandbox/tenants", json={"scenario_yaml": laughs})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert error["details"] == [
        {
            "line": 6,
            "path": "",
            "message": f"scenario too large: more than the limit of {MAX_NODES} values "
            "(an alias counts as all it stands for)",
            "file": "scenario_yaml",
        }
    ]


def test_yaml_nested_100000_deep_is_a_422_naming_the_limit(client):
    response = client.post("/_sandbox/tenants", json={"scenario_yaml": "[" * 100_000})
    assert response.status_code == 422
    (detail,) = response.json()["error"]["details"]
    assert detail["message"] == (
        f"scenario too large: nested deeper than the limit of {MAX_DEPTH} levels"
    )


def test_a_clock_start_past_2999_is_a_422_naming_the_range(client):
    late = SMALL.replace("2026-01-15T09:00:00Z", "9999-12-31T23:59:59Z")
    response = client.post("/_sandbox/tenants", json={"scenario_yaml": late})
    assert response.status_code == 422
    (detail,) = response.json()["error"]["details"]
    assert (detail["line"], detail["path"]) == (3, "clock.start")
    assert detail["message"] == (
        "9999-12-31T23:59:59+00:00 is outside the range a clock may show, "
        "2000-01-01 to 2999-12-31 (UTC)"
    )


def test_the_server_answers_others_while_it_reads_a_scenario(platform, monkeypatch):
    reading, release = threading.Event(), threading.Event()

    def slow_read(text: str, file: str, **options):
        reading.set()
        release.wait(5)
        return load_scenario_text(text, file, **options)

    monkeypatch.setattr(tenant_service, "load_scenario_text", slow_read)

    async def create_while_checking_health():
        transport = httpx.ASGITransport(app=create_app(platform))
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            body = {"scenario_yaml": SMALL}
            creating = asyncio.create_task(client.post("/_sandbox/tenants", json=body))
            await asyncio.to_thread(reading.wait, 5)
            health = await client.get("/healthz")
            still_reading = not creating.done()
            release.set()
            return health, still_reading, await creating

    # A thread of its own: browser tests may leave an event loop running in this one.
    results = []
    runner = threading.Thread(
        target=lambda: results.append(asyncio.run(create_while_checking_health()))
    )
    runner.start()
    runner.join(timeout=30)
    ((health, still_reading, created),) = results
    assert health.status_code == 200 and still_reading
    assert created.status_code == 201


def test_unknown_shipped_scenario_is_404_with_the_known_names(client):
    response = client.post("/_sandbox/tenants", json={"scenario": "nope"})
    assert response.status_code == 404
    assert "default" in response.json()["error"]["details"]["known"]


def test_a_path_is_not_a_scenario_name(client):
    response = client.post("/_sandbox/tenants", json={"scenario": "../../etc/passwd.yaml"})
    assert response.status_code == 404


def test_invalid_bodies_name_the_field(client):
    unknown = client.post("/_sandbox/tenants", json={"scenario": "default", "colour": "red"})
    assert unknown.status_code == 422
    assert unknown.json()["error"]["details"] == [{"field": "colour", "message": "unknown field"}]
    wrong_type = client.post("/_sandbox/tenants", json={"redirect_uris": "http://x"})
    assert wrong_type.status_code == 422
    assert wrong_type.json()["error"]["details"][0]["field"] == "redirect_uris"
    not_json = client.post(
        "/_sandbox/tenants", content=b"{nope", headers={"content-type": "application/json"}
    )
    assert not_json.status_code == 422
    assert "not valid JSON" in not_json.json()["error"]["message"]


def test_duplicate_tenant_id_is_a_conflict_and_keeps_the_first(client):
    first = client.post("/_sandbox/tenants", json={"tenant_id": "ci-job-1"})
    again = client.post("/_sandbox/tenants", json={"tenant_id": "ci-job-1"})
    assert first.status_code == 201
    assert again.status_code == 409
    assert without_clock(client.get("/_sandbox/tenants/ci-job-1").json()) == without_clock(
        first.json()
    )


def test_delete_tenant(client):
    tenant = client.post("/_sandbox/tenants", json={}).json()["tenant_id"]
    assert client.delete(f"/_sandbox/tenants/{tenant}").status_code == 204
    assert client.get(f"/_sandbox/tenants/{tenant}").status_code == 404
    gone = client.delete(f"/_sandbox/tenants/{tenant}")
    assert gone.status_code == 404
    assert gone.json()["error"]["code"] == "not_found"


def test_reset_wipes_the_tenants_data_and_clock_but_no_other_tenant(client, platform):
    a = client.post("/_sandbox/tenants", json={"scenario_yaml": SMALL}).json()["tenant_id"]
    b = client.post("/_sandbox/tenants", json={"scenario_yaml": SMALL}).json()["tenant_id"]
    with platform.db.begin() as conn:
        for tenant in (a, b):
            conn.execute(
                insert(users).values(tenant_id=tenant, external_id="u1", created_at=_now())
            )
    client.post(f"/_sandbox/tenants/{a}/clock", json={"advance": "P10D"})
    reset = client.post(f"/_sandbox/tenants/{a}/reset")
    assert reset.status_code == 200
    assert reset.json()["clock"]["now"] == "2026-01-15T09:00:00+00:00"
    with platform.db.connect() as conn:
        left = conn.execute(select(users.c.tenant_id)).scalars().all()
    assert left == [b]


def without_clock(tenant: dict) -> dict:
    """A running clock ticks between two reads; compare the rest."""
    return {key: value for key, value in tenant.items() if key != "clock"}


def _now():
    from datetime import UTC, datetime

    return datetime(2026, 1, 15, tzinfo=UTC)
