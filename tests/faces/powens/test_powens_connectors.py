"""Powens' connectors, read as an integration written for Powens reads them: no token, the
default scenario's nine banks as connectors, `country_codes` and `expand`, the deprecated
`/banks` and `/providers`, and each connector's sources."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

BASE = "/powens/demo/2.0"
STAMP = r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$"
ERROR_KEYS = {"code", "description", "message", "request_id"}
# The default scenario's banks, in its order (scenarios/default.yaml).
NAMES = [
    "Nordlicht Sparbank",
    "Rheinwert Bank",
    "Banque Lumière",
    "Cigale",
    "Bank Wiślany",
    "Bursztyn Bank",
    "Banco Meseta",
    "Polderbank",
    "Banca Laguna",
    "KontoBank",  # Kontomatik's test bank, in Poland
    "KontoBank",  # and in Spain: two connectors of one name
]
# Powens' spec (connectors.yml) requires these of every connector.
REQUIRED = {"id", "uuid", "name", "charged", "beta", "capabilities", "auth_mechanism", "restricted"}
FROZEN = "extends: default\nclock: {start: 2026-01-15T09:00:00Z, frozen: true}\n"


def connectors(client, query: str = "", path: str = "/connectors", key: str = "connectors"):
    answer = client.get(f"{BASE}{path}{query}")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["total"] == len(body[key])
    return body[key]


def by_name(client, query: str = "") -> dict[str, dict]:
    return {connector["name"]: connector for connector in connectors(client, query)}


def assert_error(answer, status: int, code: str) -> dict:
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert set(body) == ERROR_KEYS
    assert body["code"] == code and body["description"]
    return body


def new_tenant(client, scenario_yaml: str) -> str:
    made = client.post("/_sandbox/tenants", json={"scenario_yaml": scenario_yaml})
    assert made.status_code == 201, made.text
    return made.json()["powens"]["domain"]


def test_the_default_scenario_lists_one_connector_per_bank_without_a_token(client):
    listed = connectors(client)
    assert [c["name"] for c in listed] == NAMES
    assert [c["id"] for c in listed] == list(range(1, 12))
    for connector in listed:
        assert set(connector) >= REQUIRED
        assert uuid.UUID(connector["uuid"]).version == 5
        assert connector["capabilities"] == ["bank"] and connector["products"] == ["bank"]
        assert connector["charged"] is False and connector["beta"] is False
        assert connector["restricted"] is False and connector["hidden"] is False
        assert re.fullmatch(r"[0-9a-f]{6}", connector["color"])
        assert re.fullmatch(r"[A-Z]{3}", connector["slug"])
        # No transfers: Powens leaves `transfer_mechanism` out (its spec has no null for it).
        assert "transfer_mechanism" not in connector
        # Without `expand`, Powens leaves the expandable parts out.
        assert not {"fields", "sources", "countries"} & set(connector)


def test_a_connector_shows_the_banks_code_colour_and_history(client):
    lumiere = by_name(client)["Banque Lumière"]
    assert lumiere["code"] == "17539"
    assert lumiere["color"] == "b8860b"
    assert lumiere["slug"] == "BLU"
    assert lumiere["months_to_fetch"] == 3  # 90 days of history on a first sync
    assert lumiere["siret"] is None and lumiere["sync_periodicity"] is None


@pytest.mark.parametrize(
    ("name", "auth", "available", "sources"),
    [
        ("Nordlicht Sparbank", "credentials", ["credentials"], ["openapi", "directaccess"]),
        ("Rheinwert Bank", "credentials", ["credentials"], ["openapi"]),
        ("Banque Lumière", "webauth", ["webauth"], ["openapi"]),
        ("Cigale", "webauth", ["webauth"], ["openapi", "directaccess"]),
        ("Bursztyn Bank", "credentials", ["credentials"], ["directaccess"]),
        ("Banca Laguna", "webauth", ["webauth"], ["openapi", "directaccess"]),
    ],
)
def test_each_connector_says_how_its_user_logs_in(client, name, auth, available, sources):
    connector = by_name(client, "?expand=sources")[name]
    assert connector["auth_mechanism"] == auth
    assert connector["available_auth_mechanisms"] == available
    assert [source["name"] for source in connector["sources"]] == sources


def test_country_codes_filter_by_the_banks_country_in_any_case(client):
    assert [c["name"] for c in connectors(client, "?country_codes=fr")] == [
        "Banque Lumière",
        "Cigale",
    ]
    both = connectors(client, "?country_codes=FR,pl")
    assert [c["name"] for c in both] == [
        "Banque Lumière",
        "Cigale",
        "Bank Wiślany",
        "Bursztyn Bank",
        "KontoBank",
    ]
    assert [c["name"] for c in connectors(client, "?country_codes=%20it%20,")] == ["Banca Laguna"]
    assert connectors(client, "?country_codes=se") == []
    assert len(connectors(client, "?country_codes=")) == 11


@pytest.mark.parametrize("codes", ["fra", "f", "fr;de", "1x", "fr,DEU"])
def test_a_code_that_is_not_two_letters_is_refused_naming_the_parameter(client, codes):
    body = assert_error(client.get(f"{BASE}/connectors?country_codes={codes}"), 400, "invalidValue")
    assert "country_codes" in body["description"]


def test_expand_adds_fields_sources_and_countries(client):
    wislany = by_name(client, "?expand=fields,sources,countries")["Bank Wiślany"]
    assert wislany["countries"] == [{"id": "PL", "name": "Poland"}]
    assert [field["name"] for field in wislany["fields"]] == ["website", "login", "password"]
    assert [source["name"] for source in wislany["sources"]] == ["openapi", "directaccess"]
    only = by_name(client, "?expand=countries")["Bank Wiślany"]
    assert "countries" in only and "fields" not in only and "sources" not in only
    # Spaces and an empty item are tolerated; `urls` (always there) changes nothing.
    spaced = by_name(client, "?expand=%20sources%20,,urls")["Bank Wiślany"]
    assert "sources" in spaced and "fields" not in spaced


@pytest.mark.parametrize("expand", ["bogus", "fields,bogus", "Fields", "accounts"])
def test_an_unknown_expand_is_refused_naming_the_parameter(client, expand):
    for path in ("/connectors", "/connectors/1", "/banks"):
        body = assert_error(client.get(f"{BASE}{path}?expand={expand}"), 400, "invalidValue")
        assert "expand" in body["description"]


def test_a_bank_with_several_account_types_asks_which_one_in_a_website_list(client):
    nordlicht = by_name(client, "?expand=fields")["Nordlicht Sparbank"]
    website = nordlicht["fields"][0]
    assert website["name"] == "website" and website["type"] == "list"
    assert website["required"] is False  # left out, the connection takes every type
    assert website["auth_mechanisms"] == ["credentials"]
    assert website["connector_sources"] == ["openapi", "directaccess"]
    assert [value["value"] for value in website["values"]] == [
        "checking",
        "savings",
        "credit_card",
        "loan",
        "deposit",
        "investment",
    ]
    assert website["values"][0]["label"] == "Checking account"
    # A bank of one account type does not ask.
    rheinwert = by_name(client, "?expand=fields")["Rheinwert Bank"]
    assert "website" not in [field["name"] for field in rheinwert["fields"]]


def test_the_login_fields_carry_the_banks_own_labels(client):
    fields = by_name(client, "?expand=fields")["Rheinwert Bank"]["fields"]
    assert fields == [
        {
            "name": "login",
            "label": "Benutzername",
            "type": "text",
            "required": True,
            "regex": None,
            "auth_mechanisms": ["credentials"],
            "connector_sources": ["openapi"],
        },
        {
            "name": "password",
            "label": "Passwort",
            "type": "password",
            "required": True,
            "regex": None,
            "auth_mechanisms": ["credentials"],
            "connector_sources": ["openapi"],
        },
    ]


def test_a_webauth_bank_asks_for_no_credentials(client):
    """The user logs in on the bank's own page: only the account type is asked for here."""
    listed = by_name(client, "?expand=fields")
    lumiere = listed["Banque Lumière"]
    assert lumiere["auth_mechanism"] == "webauth"
    assert [field["name"] for field in lumiere["fields"]] == ["website"]
    assert lumiere["fields"][0]["auth_mechanisms"] == ["webauth"]
    assert listed["Cigale"]["fields"] == []


def test_uuids_are_the_same_on_every_domain_while_ids_follow_the_scenario(client):
    mine = {c["name"]: c for c in connectors(client)}
    other = new_tenant(
        client,
        "name: two\nbanks:\n"
        "  - {id: polderbank, name: Polderbank, country: NL}\n"
        "  - {id: cigale, name: Cigale, country: FR}\n",
    )
    theirs = {
        c["name"]: c for c in client.get(f"/powens/{other}/2.0/connectors").json()["connectors"]
    }
    assert list(theirs) == ["Polderbank", "Cigale"]
    for name in theirs:
        assert theirs[name]["uuid"] == mine[name]["uuid"]
    assert (theirs["Polderbank"]["id"], mine["Polderbank"]["id"]) == (1, 8)
    again = new_tenant(client, FROZEN)
    assert [
        c["uuid"] for c in client.get(f"/powens/{again}/2.0/connectors").json()["connectors"]
    ] == [c["uuid"] for c in connectors(client)]


def test_a_connector_is_read_by_uuid_or_by_its_deprecated_integer_id(client):
    listed = by_name(client, "?expand=fields")
    polder = listed["Polderbank"]
    for ref in (polder["uuid"], polder["uuid"].upper(), str(polder["id"])):
        answer = client.get(f"{BASE}/connectors/{ref}?expand=fields")
        assert answer.status_code == 200, answer.text
        assert answer.json() == polder
    assert client.get(f"{BASE}/connectors/{polder['uuid']}").json() == {
        key: value for key, value in polder.items() if key != "fields"
    }


@pytest.mark.parametrize(
    "ref", ["0", "12", "99999999999999999999", "not-a-uuid", str(uuid.uuid4()), "%0A"]
)
def test_an_unknown_connector_is_not_found(client, ref):
    for path in (
        f"/connectors/{ref}",
        f"/connectors/{ref}/sources",
        f"/connectors/{ref}/sources/1",
    ):
        assert_error(client.get(f"{BASE}{path}"), 404, "notFound")


def test_an_unknown_domain_is_not_found(client):
    assert_error(client.get("/powens/nobody/2.0/connectors"), 404, "notFound")
    assert_error(client.get("/powens/nobody.biapi.pro/2.0/connectors/1"), 404, "notFound")


def test_the_biapi_domain_spellings_name_the_same_connectors(client):
    mine = connectors(client)
    for domain in ("demo.biapi.pro", "demo-sandbox.biapi.pro"):
        assert client.get(f"/powens/{domain}/2.0/connectors").json()["connectors"] == mine


def test_the_deprecated_banks_list_is_the_connectors_list(client):
    listed = connectors(client, "?expand=sources&country_codes=de")
    assert connectors(client, "?expand=sources&country_codes=de", "/banks", "banks") == listed
    first = listed[0]
    assert client.get(f"{BASE}/banks/{first['id']}?expand=sources").json() == first


def test_the_deprecated_providers_list_has_no_bank(client):
    """Powens' providers are the connectors with the `document` capability: bills, not banks."""
    assert connectors(client, "", "/providers", "providers") == []
    assert_error(client.get(f"{BASE}/providers/1"), 404, "notFound")


def test_sources_list_each_source_with_its_priority_and_connector(client):
    nordlicht = by_name(client, "?expand=sources")["Nordlicht Sparbank"]
    answer = client.get(f"{BASE}/connectors/{nordlicht['uuid']}/sources")
    body = answer.json()
    assert answer.status_code == 200 and body["total"] == 2
    assert body["sources"] == nordlicht["sources"]
    openapi, directaccess = body["sources"]
    assert (openapi["name"], openapi["priority"], openapi["disabled"]) == ("openapi", 1, None)
    assert (directaccess["name"], directaccess["priority"]) == ("directaccess", 2)
    assert {openapi["id_connector"], directaccess["id_connector"]} == {nordlicht["id"]}
    assert openapi["auth_mechanism"] == "credentials"
    assert openapi["available_auth_mechanisms"] == ["credentials"]
    assert openapi["account_usages"] == ["PRIV"]
    one = client.get(f"{BASE}/connectors/{nordlicht['uuid']}/sources/{directaccess['id']}")
    assert one.status_code == 200 and one.json() == directaccess
    by_id = client.get(f"{BASE}/connectors/{nordlicht['id']}/sources/{openapi['id']}")
    assert by_id.json() == openapi


def test_a_source_the_scenario_disables_shows_since_when(client):
    domain = new_tenant(client, FROZEN)
    cigale = client.get(f"/powens/{domain}/2.0/connectors/4/sources").json()["sources"]
    openapi, directaccess = cigale
    assert openapi["name"] == "openapi" and openapi["disabled"] == "2026-01-15 09:00:00"
    assert directaccess["disabled"] is None
    # The connector goes through the website: the one source left.
    connector = client.get(f"/powens/{domain}/2.0/connectors/4").json()
    assert connector["auth_mechanism"] == "webauth"


def test_a_source_of_another_connector_is_not_found(client):
    rheinwert = client.get(f"{BASE}/connectors/2/sources").json()["sources"]
    assert_error(client.get(f"{BASE}/connectors/1/sources/{rheinwert[0]['id']}"), 404, "notFound")
    for source in ("0", "102x", "-1", "1"):
        assert_error(client.get(f"{BASE}/connectors/1/sources/{source}"), 404, "notFound")


def test_a_path_with_a_line_break_is_not_found_in_powens_format(client):
    assert_error(client.get(f"{BASE}/connectors/1%0A/sources"), 404, "notFound")
    assert_error(client.get("/powens/de%0Amo/2.0/connectors"), 404, "notFound")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    codes=st.one_of(st.none(), st.text(max_size=12), st.sampled_from(["fr", "DE,pl", "xx"])),
    expand=st.one_of(
        st.none(),
        st.text(max_size=12),
        st.lists(st.sampled_from(["fields", "sources", "countries", "urls", "x"])).map(",".join),
    ),
)
def test_any_country_codes_and_expand_answer_200_or_a_powens_400(client, codes, expand):
    params = {
        name: value
        for name, value in (("country_codes", codes), ("expand", expand))
        if value is not None
    }
    for path in ("/connectors", "/banks", "/connectors/3"):
        answer = client.get(f"{BASE}{path}", params=params)
        assert answer.status_code in (200, 400), answer.text
        body = answer.json()
        if answer.status_code == 400:
            assert set(body) == ERROR_KEYS and body["code"] == "invalidValue"
            assert "country_codes" in body["description"] or "expand" in body["description"]
        else:
            listed = body.get("connectors", body.get("banks", [body]))
            assert all(set(connector) >= REQUIRED for connector in listed)


def test_source_times_follow_powens_pattern(client):
    domain = new_tenant(client, "extends: default\n")
    for connector in client.get(f"/powens/{domain}/2.0/connectors?expand=sources").json()[
        "connectors"
    ]:
        for source in connector["sources"]:
            assert source["disabled"] is None or re.match(STAMP, source["disabled"])


def test_the_readme_lists_each_default_connector_by_its_uuid(client):
    """The README's connector table is the default scenario's, uuid for uuid."""
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text()
    listed = client.get("/powens/demo/2.0/connectors?expand=sources").json()["connectors"]
    for connector in listed:
        row = f"| {connector['id']} | `{connector['uuid']}` | {connector['name']} ("
        assert row in readme, row
