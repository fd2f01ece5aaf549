"""Control API: each tenant's virtual clock."""

import pytest

from sandbox.app import create_app
from sandbox.domain.platform import Platform
from sandbox.settings import Settings

FROZEN = "extends: default\nname: frozen\nclock: {start: 2026-01-15T09:00:00Z, frozen: true}\n"


@pytest.fixture
def tenant(client) -> str:
    return client.post("/_sandbox/tenants", json={"scenario_yaml": FROZEN}).json()["tenant_id"]


def clock(client, tenant, **body):
    return client.post(f"/_sandbox/tenants/{tenant}/clock", json=body)


def test_get_clock(client, tenant):
    assert client.get(f"/_sandbox/tenants/{tenant}/clock").json() == {
        "now": "2026-01-15T09:00:00+00:00",
        "frozen": True,
    }


def test_advance_by_an_iso_duration(client, tenant):
    assert clock(client, tenant, advance="P181D").json()["now"] == "2026-07-15T09:00:00+00:00"
    assert clock(client, tenant, advance="PT5M").json()["now"] == "2026-07-15T09:05:00+00:00"


def test_set_to_an_instant(client, tenant):
    moved = clock(client, tenant, set="2027-06-01T09:00:00Z")
    assert moved.json() == {"now": "2027-06-01T09:00:00+00:00", "frozen": True}


def test_unfreeze_lets_time_run_and_freeze_stops_it(client, tenant):
    running = clock(client, tenant, freeze=False).json()
    assert running["frozen"] is False
    assert running["now"] >= "2026-01-15T09:00:00"
    stopped = clock(client, tenant, freeze=True).json()
    assert stopped["frozen"] is True
    assert client.get(f"/_sandbox/tenants/{tenant}/clock").json() == stopped


def test_the_clock_never_runs_backwards(client, tenant):
    back = clock(client, tenant, set="2020-01-01T00:00:00Z")
    assert back.status_code == 409
    assert back.json()["error"]["code"] == "clock_backwards"
    assert client.get(f"/_sandbox/tenants/{tenant}/clock").json()["now"].startswith("2026-01-15")


def test_bad_clock_bodies_name_the_field(client, tenant):
    both = clock(client, tenant, advance="P1D", freeze=True)
    assert both.status_code == 422
    months = clock(client, tenant, advance="P1M")
    assert months.status_code == 422
    assert months.json()["error"]["details"][0]["field"] == "advance"
    naive = clock(client, tenant, set="2027-06-01T09:00:00")
    assert naive.status_code == 422


@pytest.mark.parametrize("advance", ["P99999999999D", "PT99999999999999999999S"])
def test_an_advance_longer_than_any_duration_is_a_422(client, tenant, advance):
    moved = clock(client, tenant, advance=advance)
    assert moved.status_code == 422
    assert moved.json()["error"]["details"] == [
        {
            "field": "advance",
            "message": f"'{advance}' is longer than the longest duration, P999999999D",
        }
    ]


RANGE = {"earliest": "2000-01-01T00:00:00+00:00", "latest": "2999-12-31T23:59:59.999999+00:00"}


def test_a_clock_set_past_2999_is_a_422_and_the_tenant_stays_readable(client, tenant):
    moved = clock(client, tenant, set="9999-12-31T23:59:59Z")
    assert moved.status_code == 422
    assert moved.json()["error"] == {
        "code": "clock_out_of_range",
        "message": "9999-12-31T23:59:59+00:00 is outside the range a clock may show, "
        "2000-01-01 to 2999-12-31 (UTC)",
        "details": RANGE,
    }
    assert client.get(f"/_sandbox/tenants/{tenant}/clock").json()["now"].startswith("2026-01-15")
    assert client.get("/_sandbox/tenants").status_code == 200


def test_an_advance_that_lands_past_2999_is_a_422(client, tenant):
    moved = clock(client, tenant, advance="P2900000D")
    assert moved.status_code == 422
    assert moved.json()["error"]["code"] == "clock_out_of_range"
    assert moved.json()["error"]["details"] == RANGE
    assert clock(client, tenant, set="2999-12-31T23:59:59Z").status_code == 200
    assert clock(client, tenant, advance="PT1S").status_code == 422


def test_tenants_clocks_are_independent(client, tenant):
    other = client.post("/_sandbox/tenants", json={"scenario_yaml": FROZEN}).json()["tenant_id"]
    clock(client, tenant, advance="P181D")
    assert client.get(f"/_sandbox/tenants/{other}/clock").json()["now"].startswith("2026-01-15")


def test_clock_of_an_unknown_tenant_is_404(client):
    assert client.get("/_sandbox/tenants/nobody/clock").status_code == 404
    assert clock(client, "nobody", advance="P1D").status_code == 404


def test_admin_token_is_required_when_configured(default_scenario):
    from starlette.testclient import TestClient

    settings = Settings(
        database_url="sqlite:///:memory:", admin_token="s3cret-token", allowed_hosts=("testserver",)
    )
    platform = Platform.open(settings, default_scenario)
    with TestClient(create_app(platform)) as client:
        missing = client.get("/_sandbox/tenants")
        wrong = client.get("/_sandbox/tenants", headers={"Authorization": "Bearer nope"})
        right = client.get("/_sandbox/tenants", headers={"Authorization": "Bearer s3cret-token"})
        assert missing.status_code == wrong.status_code == 401
        assert missing.json()["error"]["code"] == "unauthorized"
        assert right.status_code == 200
        assert client.get("/healthz").status_code == 200
    platform.close()
