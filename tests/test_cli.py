"""The `bank-sandbox` command line: validate, generate, serve."""

import gc
import re
from decimal import Decimal
from pathlib import Path

import httpx
import orjson
import pytest

from sandbox.cli import _start_up, main
from sandbox.testing.server import SandboxServer

ROOT = Path(__file__).resolve().parents[1]


def test_validate_a_valid_file_prints_one_summary_line(capsys):
    assert main(["validate", str(ROOT / "scenarios/default.yaml")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1
    assert out[0].startswith(f"{ROOT / 'scenarios/default.yaml'}: valid: ")


@pytest.mark.parametrize(
    ("tenants", "counted"),
    [(0, "0 tenants"), (1, "1 tenant"), (2, "2 tenants")],
)
def test_validate_counts_in_words_that_agree_with_the_number(tmp_path, capsys, tenants, counted):
    listed = "".join(
        f"  - {{id: t{n}, name: T, client_id: c{n}-id, client_secret: secret-{n}-x, "
        f"api_key: key-{n}-xxxxx}}\n"
        for n in range(tenants)
    )
    scenario = tmp_path / "one.yaml"
    scenario.write_text(
        "banks:\n  - {id: b, name: B, country: DE}\n"
        "personas:\n  - {login: p, bank: b}\n" + (f"tenants:\n{listed}" if listed else "")
    )
    assert main(["validate", str(scenario)]) == 0
    assert capsys.readouterr().out == f"{scenario}: valid: 1 bank, 1 persona, {counted}\n"


def test_validate_lists_problems_and_fails(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("banks:\n  - id: x\n    name: X\n    country: Germany\nseeed: 1\n")
    assert main(["validate", str(bad)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"{bad}:4: banks[0].country: 'Germany' is not a two-letter ISO country code like DE",
        f"{bad}:5: seeed: unknown key `seeed`; did you mean `seed`?",
    ]


def test_validate_explains_yaml_nested_too_deep(tmp_path, capsys):
    deep = tmp_path / "deep.yaml"
    deep.write_text("banks: " + "[" * 100_000)
    assert main(["validate", str(deep)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{deep}:1: (top): scenario too large: nested deeper than the limit of 32 levels"
    ]


def test_validate_follows_the_link_local_webhook_setting(tmp_path, capsys, monkeypatch):
    scenario = tmp_path / "metadata.yaml"
    scenario.write_text(
        "extends: default\ntenants:\n  - id: demo\n    name: Demo\n    client_id: demo\n"
        "    client_secret: demo-secret\n    api_key: demo-api-key-0001\n"
        "    webhook: {url: 'http://169.254.169.254/hook', secret: whsec-meta}\n"
    )
    assert main(["validate", str(scenario)]) == 1
    assert "a link-local address is no webhook target" in capsys.readouterr().out
    monkeypatch.setenv("SANDBOX_WEBHOOK_ALLOW_LINK_LOCAL", "1")
    assert main(["validate", str(scenario)]) == 0


def test_generate_prints_the_personas_data_as_json(capsys):
    code = main(
        [
            "generate",
            "--persona",
            "good",
            "--bank",
            "nordlicht-sparbank",
            "--from",
            "2025-01-01",
            "--to",
            "2025-03-31",
        ]
    )
    assert code == 0
    report = orjson.loads(capsys.readouterr().out)
    assert (report["persona"], report["bank"]["id"]) == ("good", "nordlicht-sparbank")
    assert report["owner"]["name"]
    (account,) = report["accounts"]
    booked = [t["booked_on"] for t in account["transactions"]]
    assert booked and booked == sorted(booked)
    assert booked[0] >= "2025-01-01" and booked[-1] <= "2025-03-31"
    total = sum(Decimal(t["amount"]) for t in account["transactions"])
    assert Decimal(account["opening_balance"]) + total == Decimal(account["closing_balance"])


def test_generate_is_byte_identical_across_runs(capsys):
    args = [
        "generate",
        "--persona",
        "multi-currency",
        "--bank",
        "bank-wislany",
        "--from",
        "2024-06-01",
        "--to",
        "2024-07-31",
    ]
    main(args)
    first = capsys.readouterr().out
    main(args)
    assert capsys.readouterr().out == first


def test_generate_unknown_persona_is_a_clear_error(capsys):
    code = main(
        ["generate", "--persona", "nobody-at-all", "--from", "2025-01-01", "--to", "2025-01-31"]
    )
    assert code == 2
    assert "nobody-at-all" in capsys.readouterr().err


def test_serve_refuses_a_public_address_without_an_admin_token(monkeypatch, capsys):
    monkeypatch.delenv("SANDBOX_ADMIN_TOKEN", raising=False)
    assert main(["serve", "--host", "0.0.0.0"]) == 2
    assert "SANDBOX_ADMIN_TOKEN" in capsys.readouterr().err


def test_served_state_survives_a_restart(tmp_path):
    url = f"sqlite:///{tmp_path / 'state.db'}"
    with SandboxServer(url, cwd=ROOT) as server:
        created = httpx.post(f"{server.url}/_sandbox/tenants", json={"tenant_id": "keep-me"})
        assert created.status_code == 201
    with SandboxServer(url, cwd=ROOT) as server:
        kept = httpx.get(f"{server.url}/_sandbox/tenants/keep-me").json()
        assert kept["api_key"] == created.json()["api_key"]
        assert kept["created_at"] == created.json()["created_at"]
    with SandboxServer(url, "--reset", cwd=ROOT) as server:
        assert httpx.get(f"{server.url}/_sandbox/tenants/keep-me").status_code == 404
        assert httpx.get(f"{server.url}/_sandbox/tenants/demo").status_code == 200


def test_serve_explains_a_bad_scenario_and_exits(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("banks: []\n")
    server = SandboxServer(f"sqlite:///{tmp_path / 's.db'}", "--scenario", str(bad), cwd=ROOT)
    with pytest.raises(RuntimeError, match=re.escape("bad.yaml:1: banks")):
        server.wait_ready()


def test_serve_refuses_a_database_of_another_schema_version_and_says_how_to_reset(tmp_path):
    import sqlalchemy as sa

    from sandbox.store.database import SCHEMA_VERSION_KEY, open_database
    from sandbox.store.schema import meta

    url = f"sqlite:///{tmp_path / 'old.db'}"
    database = open_database(url)
    with database.begin() as conn:
        conn.execute(sa.update(meta).where(meta.c.key == SCHEMA_VERSION_KEY).values(value="0"))
    database.close()
    server = SandboxServer(url, cwd=ROOT)
    with pytest.raises(RuntimeError, match=re.escape("bank-sandbox serve --reset")):
        server.wait_ready()
    with SandboxServer(url, "--reset", cwd=ROOT) as server:
        assert httpx.get(f"{server.url}/healthz").status_code == 200


def test_start_up_collects_no_garbage_and_serving_does_with_the_start_up_objects_frozen() -> None:
    """A server that kept collection off would grow without bound; one that never froze its
    start-up objects would walk them all in every full collection."""
    assert gc.isenabled()
    try:
        with _start_up():
            assert not gc.isenabled()
            kept = [[index] for index in range(1000)]
        assert gc.isenabled()
        assert gc.get_freeze_count() >= len(kept)
    finally:
        gc.unfreeze()


def test_a_forwarded_for_header_does_not_change_the_callers_address(live_server):
    """`allowed_ips` sees the address the request came from: a header a client writes itself
    (`X-Forwarded-For`, which uvicorn would trust from loopback) is not an address."""
    demo = {"Authorization": "Bearer demo-api-key-0001"}
    for claimed in ("203.0.113.9", "127.0.0.1"):
        headers = {**demo, "X-Forwarded-For": claimed}
        answer = httpx.get(f"{live_server.url}/api/v1/accounts", headers=headers, timeout=10)
        assert answer.status_code == 200, answer.text
