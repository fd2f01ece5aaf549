"""The command catalog: a target per source of each of the tenant's banks, in the shape of the
catalog captured from Kontomatik."""

from __future__ import annotations

from kontomatik_replies import captured, root_of, shape

CAPTURED = "v1.commands-catalog-reply.xml"
METADATA = "reply/targets/target/credentialsMetadata/credentialMetadata"
CHOICE = {f"{METADATA}/choice", f"{METADATA}/choice/option", f"{METADATA}/description"}


def by_path(found: set[tuple[str, frozenset[str]]]) -> dict[str, frozenset[str]]:
    """Each path with every attribute name seen on it."""
    paths: dict[str, frozenset[str]] = {}
    for path, names in found:
        paths[path] = paths.get(path, frozenset()) | names
    return paths


def test_the_catalog_has_the_shape_kontomatik_replies_with(integrator):
    answer = integrator.get("/command-catalog.xml")
    assert answer.status_code == 200
    ours, theirs = by_path(shape(answer.content)), by_path(captured(CAPTURED))
    # Every element the sandbox writes is one Kontomatik writes, with attributes it writes.
    for path, names in ours.items():
        assert path in theirs and names <= theirs[path], path
    # And every element Kontomatik writes is written, but for those of credential kinds the
    # sandbox's banks do not ask for (a choice of login methods, with a description).
    assert set(theirs) - set(ours) == CHOICE
    reply = root_of(answer.content)
    assert reply.get("status") == "200 OK"
    assert reply.get("{http://www.w3.org/2001/XMLSchema-instance}noNamespaceSchemaLocation") == (
        "https://developer.kontomatik.com/schema/v1/get_command_catalog.xsd"
    )


def test_an_api_source_is_a_psd2_target_and_a_web_source_names_its_login(integrator):
    reply = root_of(integrator.get("/command-catalog.xml", country="pl").content)
    targets = {t.get("name"): t for t in reply.iter("target")}
    assert {t.get("country") for t in targets.values()} == {"pl"}
    api, web = targets["BankWislanyApi"], targets["BankWislany"]
    assert (api.get("psd2"), api.get("loginName")) == ("true", None)
    assert api.find("credentialsMetadata/credentialMetadata").get("kind") == "API_SETUP"
    assert (web.get("psd2"), web.get("loginName")) == (None, "Identyfikator")
    assert web.find("credentialsMetadata/credentialMetadata/name").text == "Identyfikator"
    assert api.get("institution") == web.get("institution") == "BankWislany"
    assert api.get("officialName") == "Bank Wiślany"


def test_outside_poland_a_target_carries_its_country(integrator):
    reply = root_of(integrator.get("/command-catalog.xml", country="de").content)
    names = {t.get("name") for t in reply.iter("target")}
    assert names and all(name.endswith("_de") for name in names)
    assert "NordlichtSparbankApi_de" in names


def test_a_bad_country_is_an_invalid_parameter(integrator):
    answer = integrator.get("/command-catalog.xml", country="Deutschland")
    assert answer.status_code == 400
    exception = root_of(answer.content).find("exception")
    assert exception.get("name") == "InvalidParameter"
    assert "country" in exception.find("message").text


def test_only_psd2_targets_list_the_sign_out_command(integrator):
    reply = root_of(integrator.get("/command-catalog.xml", country="pl").content)
    commands = {
        target.get("name"): {c.get("name") for c in target.iterfind("commands/command")}
        for target in reply.iter("target")
    }
    assert "SignOutCommand" in commands["BankWislanyApi"]
    assert "SignOutCommand" not in commands["BankWislany"]
    assert {"DefaultImportCommand", "ImportAccountsCommand"} <= commands["BankWislany"]
