"""Kontomatik's asynchronous commands, used as a Kontomatik client uses them: a session from
mock-session, form-encoded command POSTs with the session and its signature, polls of
`/v1/command/{id}.xml` until the command is successful, XML parsed with defusedxml and held
against the replies captured from Kontomatik's test API."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from kontomatik_replies import captured, root_of, shape

TODAY = date(2026, 1, 15)  # the frozen tenant's clock
OWNER_DETAILS = ("polishPesel", "phone", "email", "birthDate")  # at a Polish bank


def session(integrator, login: str = "anna.kowalska", **form: str) -> dict[str, str]:
    """mock-session's `<session id signature>` as a client keeps it."""
    made = integrator.post("/mock-session.xml", login=login, **form)
    assert made.status_code == 200, made.text
    element = root_of(made.content).find("session")
    assert element is not None
    return {
        "sessionId": element.get("id"),
        "sessionIdSignature": element.get("signature"),
        **(
            {"multipleAccessId": element.get("multipleAccessId")}
            if element.get("multipleAccessId")
            else {}
        ),
    }


def signed(held: dict[str, str]) -> dict[str, str]:
    return {"sessionId": held["sessionId"], "sessionIdSignature": held["sessionIdSignature"]}


def start(integrator, command: str, held: dict[str, str], **form: str):
    return integrator.post(f"/command/{command}.xml", **signed(held), **form)


def command_id(started) -> str:
    assert started.status_code == 202, started.text
    return root_of(started.content).find("command").get("id")


def until_done(integrator, command: str, limit: int = 20):
    """Poll as a client does, every few seconds, until the command is no longer running;
    returns the states seen and the last reply."""
    states = []
    for _ in range(limit):
        reply = integrator.get(f"/command/{command}.xml")
        assert reply.status_code == 200, reply.text
        element = root_of(reply.content).find("command")
        states.append((element.get("state"), int(element.find("progress/value").text)))
        if element.get("state") not in ("setup", "in_progress"):
            return states, reply
    raise AssertionError(f"still running after {limit} polls: {states}")


def exception_of(reply) -> tuple[int, str, str]:
    root = root_of(reply.content)
    return (
        reply.status_code,
        root.find("exception").get("name"),
        root.find("exception/message").text,
    )


def test_mock_session_gives_a_numeric_session_and_a_hex_signature(integrator):
    made = integrator.post(
        "/mock-session.xml", login="anna.kowalska", country="pl", ownerExternalId="owner-1"
    )
    assert made.status_code == 200
    assert made.headers["content-type"].startswith("application/xml")
    root = root_of(made.content)
    assert root.get("status") == "200 OK" and root.get("user") == integrator.keys["client"]
    assert root.get("ownerExternalId") == "owner-1"
    element = root.find("session")
    assert element.get("id").isdigit() and len(element.get("id")) == 10
    assert len(element.get("signature")) == 64 and int(element.get("signature"), 16) >= 0
    assert element.get("multipleAccessId") is None


def test_an_owner_not_named_gets_a_kontomatik_uuid(integrator):
    made = integrator.post("/mock-session.xml", login="good", target="RheinwertBankApi_de")
    owner = root_of(made.content).get("ownerExternalId")
    assert owner.startswith("kontomatik-") and len(owner) == len("kontomatik-") + 36


def test_default_import_is_set_up_polled_and_successful_in_the_captured_shapes(integrator):
    held = session(integrator, ownerExternalId="owner-2")
    since = TODAY - timedelta(days=30)
    started = start(integrator, "default-import", held, since=since.isoformat())
    assert shape(started.content) == captured("v1.default-import-reply.xml")
    root = root_of(started.content)
    assert root.get("status") == "202 Accepted" and root.get("ownerExternalId") == "owner-2"
    assert root.find("command").get("state") == "setup"
    assert root.find("command").get("name") == "DefaultImportCommand"

    states, reply = until_done(integrator, command_id(started))
    assert states[0] == ("setup", 0) and states[-1] == ("successful", 100)
    progress = [value for state, value in states if state == "in_progress"]
    assert progress and progress == sorted(progress) and len(set(progress)) == len(progress)

    theirs = captured("v1.command-reply.default-import.xml")
    ours = shape(reply.content)
    # the same elements with the same attributes; beyond them only cards (the captured
    # KontoBank has none) and the owner details Kontomatik's SDK reads (Owner.php)
    details = {f"reply/command/result/owners/owner/{name}" for name in OWNER_DETAILS}
    assert {(p, a) for p, a in ours if "/creditCards" not in p and p not in details} == theirs
    command = root_of(reply.content).find("command")
    assert command.get("target") == "BankWislanyApi" and command.get("institution") == "BankWislany"
    days = [
        date.fromisoformat(t.find("bookedOn").text)
        for t in command.iterfind("result/accounts/account/moneyTransactions/moneyTransaction")
    ]
    assert days and min(days) >= since
    # the bank's own words for each kind, in Polish as the captured PRZELEW PRZYCHODZĄCY
    kinds = {t.find("kind").text for t in command.iterfind(".//moneyTransaction")}
    assert "PRZELEW PRZYCHODZĄCY" in kinds
    assert kinds <= {
        "PŁATNOŚĆ KARTĄ",
        "WYPŁATA Z BANKOMATU",
        "OPŁATA",
        "KAPITALIZACJA ODSETEK",
        "SPŁATA KREDYTU",
        "PRZELEW PRZYCHODZĄCY",
        "PRZELEW WYCHODZĄCY",
    }
    names = [a.find("name").text for a in command.iterfind("result/accounts/account")]
    assert "Konto Osobiste" in names
    assert command.find("result/creditCards/creditCard/number") is not None


def test_a_head_looks_at_a_command_without_polling_it(integrator):
    held = session(integrator, ownerExternalId="owner-3")
    command = command_id(start(integrator, "default-import", held))
    without_looks, _ = until_done(integrator, command)
    other = command_id(start(integrator, "default-import", session(integrator)))
    for _ in range(5):
        looked = integrator.client.head(
            f"/kontomatik/v1/command/{other}.xml", headers=integrator.headers
        )
        assert looked.status_code == 200 and looked.content == b""
    # Five looks moved nothing: the polls that follow see every step the first command did.
    with_looks, _ = until_done(integrator, other)
    assert with_looks == without_looks


def test_a_default_import_runs_once_then_the_session_is_signed_out(integrator):
    held = session(integrator)
    command_id(start(integrator, "default-import", held))
    again = start(integrator, "default-import", held)
    assert exception_of(again)[:2] == (409, "DefaultImportAlreadyExecuted")
    other = start(integrator, "import-accounts", held)
    assert exception_of(other)[:2] == (409, "NotSignedIn")


def test_resource_imports_give_their_part_and_never_mix_with_a_default_import(integrator):
    held = session(integrator)
    _, owners = until_done(integrator, command_id(start(integrator, "import-owners", held)))
    result = root_of(owners.content).find("command/result")
    assert [child.tag for child in result] == ["owners"]
    owner = result.find("owners/owner")
    assert [child.tag for child in owner] == ["name", "address", *OWNER_DETAILS, "kind"]
    assert owner.find("name").text == "Anna Kowalska"
    assert owner.find("address").text == "ul. Wiśniowa 21/4 02-520 Warszawa"
    assert owner.find("email").text == "anna.kowalska@example.com"
    assert owner.find("birthDate").text == "1985-03-12"
    assert len(owner.find("polishPesel").text) == 11

    _, accounts = until_done(integrator, command_id(start(integrator, "import-accounts", held)))
    listed = root_of(accounts.content).findall("command/result/accounts/account")
    assert listed and all(a.find("moneyTransactions") is None for a in listed)
    iban = listed[0].find("iban").text

    since = (TODAY - timedelta(days=10)).isoformat()
    one = start(integrator, "import-account-transactions", held, iban=iban, since=since)
    _, moved = until_done(integrator, command_id(one))
    picked = root_of(moved.content).findall("command/result/accounts/account")
    assert [a.find("iban").text for a in picked] == [iban]
    assert all(
        t.find("bookedOn").text >= since
        for t in picked[0].iterfind("moneyTransactions/moneyTransaction")
    )

    _, cards = until_done(integrator, command_id(start(integrator, "import-credit-cards", held)))
    card = root_of(cards.content).find("command/result/creditCards/creditCard")
    number = card.find("number").text
    paid = start(integrator, "import-credit-card-transactions", held, cardNumber=number)
    _, spent = until_done(integrator, command_id(paid))
    assert root_of(spent.content).find("command/result/creditCards/creditCard/moneyTransactions")

    mixed = start(integrator, "default-import", held)
    assert exception_of(mixed)[:2] == (400, "CommandNotAvailable")


@pytest.mark.parametrize(
    ("form", "status", "name"),
    [
        ({"iban": "PL00 0000 0000 0000 0000 0000 0000"}, 400, "InvalidIban"),
        ({}, 400, "InvalidParameter"),
        ({"iban": "x", "since": "15.01.2026"}, 400, "InvalidSince"),
        ({"iban": "x", "since": "2026-02-30"}, 400, "InvalidSince"),
        ({"iban": "x", "since": "2026-01-16"}, 400, "InvalidSince"),
    ],
)
def test_bad_parameters_are_kontomatiks_exceptions(integrator, form, status, name):
    held = session(integrator)
    got = start(integrator, "import-account-transactions", held, **form)
    assert exception_of(got)[:2] == (status, name)
    assert root_of(got.content).get("user") == integrator.keys["client"]


def test_a_wrong_signature_an_unknown_and_an_expired_session(integrator):
    held = session(integrator)
    wrong = integrator.post(
        "/command/default-import.xml",
        sessionId=held["sessionId"],
        sessionIdSignature="0" * 64,
    )
    assert exception_of(wrong)[:2] == (400, "InvalidSessionIdSignature")
    unknown = integrator.post(
        "/command/default-import.xml",
        sessionId="1000000000",
        sessionIdSignature=held["sessionIdSignature"],
    )
    assert exception_of(unknown)[:2] == (404, "InvalidSessionId")
    integrator.advance("PT31M")
    expired = start(integrator, "default-import", held)
    assert exception_of(expired) == (404, "InvalidSessionId", "Session expired.")
    assert shape(expired.content) == captured("session-expired-reply.xml")


def test_sign_out_is_not_available_for_a_website_target_as_captured(integrator):
    held = session(integrator, target="BankWislany", ownerExternalId="owner-3")
    refused = start(integrator, "sign-out", held)
    assert exception_of(refused) == (
        400,
        "CommandNotAvailable",
        "Command SignOutCommand is not available for target BankWislany.",
    )
    assert shape(refused.content) == captured("command-not-available-reply.xml")
    assert root_of(refused.content).get("ownerExternalId") == "owner-3"


def test_sign_out_of_an_api_session_ends_it(integrator):
    held = session(integrator, target="BankWislanyApi")
    states, _ = until_done(integrator, command_id(start(integrator, "sign-out", held)))
    assert states[-1][0] == "successful"
    assert exception_of(start(integrator, "import-owners", held))[:2] == (409, "NotSignedIn")


def test_a_failed_import_shows_the_exception_inside_the_command(integrator, client):
    held = session(integrator)
    command = command_id(start(integrator, "default-import", held))
    steered = client.post(
        f"/_sandbox/tenants/{integrator.tenant_id}/imports/{command}", json={"outcome": "error"}
    )
    assert steered.status_code == 200, steered.text
    states, reply = until_done(integrator, command)
    assert states[-1][0] == "error"
    assert reply.status_code == 200
    # as captured, but the command names its target as a successful one's does
    ours = {(p, a - {"target", "institution"}) for p, a in shape(reply.content)}
    assert {(p, a) for p, a in captured("v1.command-reply.exception.xml") if p != "reply"} <= ours
    exception = root_of(reply.content).find("command/exception")
    assert exception.get("name") == "SessionExpired"
    assert exception.find("friendlyMessage").text


def test_a_bank_that_refuses_at_import_names_the_users_action(integrator):
    held = session(integrator, login="wrongpass-on-sync-2", target="RheinwertBankApi_de")
    states, reply = until_done(integrator, command_id(start(integrator, "default-import", held)))
    assert states[-1][0] == "error"
    assert root_of(reply.content).find("command/exception").get("name") == "InvalidCredentials"


def test_a_partial_import_marks_its_accounts(integrator, client):
    held = session(integrator)
    command = command_id(start(integrator, "default-import", held))
    client.post(
        f"/_sandbox/tenants/{integrator.tenant_id}/imports/{command}", json={"outcome": "partial"}
    )
    _, reply = until_done(integrator, command)
    accounts = root_of(reply.content).findall("command/result/accounts/account")
    assert accounts and all(a.get("partialDueToTimeout") == "true" for a in accounts)


def test_unknown_commands_and_another_tenants_command_are_invalid_command_ids(
    integrator, platform, client
):
    for wrong in ("123456", "abc", "9" * 30):
        got = integrator.get(f"/command/{wrong}.xml")
        assert exception_of(got)[:2] == (404, "InvalidCommandId")
    made = client.post(
        "/_sandbox/tenants/demo/bank-logins",
        json={"user_id": "native-user", "bank_id": "rheinwert-bank", "login": "good"},
    )
    assert made.status_code in (200, 201), made.text
    # a job of the native API is no command of the Kontomatik face
    assert exception_of(integrator.get("/command/1.xml"))[:2] == (404, "InvalidCommandId")


@pytest.mark.parametrize(
    ("form", "name"),
    [
        ({"login": "nobody-at-all"}, "InvalidCredentials"),
        ({"login": "wrongpass", "target": "RheinwertBankApi_de"}, "InvalidCredentials"),
        ({"login": "good", "target": "NoSuchBankApi"}, "InvalidTarget"),
        ({"login": "good", "target": "BankWislany", "multipleAccess": "true"}, "InvalidTarget"),
        ({"login": "good", "multipleAccess": "maybe"}, "InvalidParameter"),
        ({}, "InvalidParameter"),
    ],
)
def test_mock_session_refusals(integrator, form, name):
    got = integrator.post("/mock-session.xml", **form)
    assert exception_of(got)[:2] == (400, name)


def test_a_command_posted_as_json_is_refused_in_kontomatiks_words(integrator):
    got = integrator.client.post(
        "/kontomatik/v1/command/default-import.xml",
        headers=integrator.headers,
        json={"sessionId": "1"},
    )
    assert exception_of(got)[:2] == (400, "InvalidParameter")


def test_multiple_access_reopens_sessions_four_imports_a_day_until_the_consent_ends(integrator):
    held = session(integrator, target="BankWislanyApi", multipleAccess="true")
    access = held["multipleAccessId"]
    command_id(start(integrator, "default-import", held))
    for _ in range(3):
        reused = integrator.post("/command/reuse-multiple-access.xml", multipleAccessId=access)
        assert reused.status_code == 200, reused.text
        fresh = root_of(reused.content).find("session")
        assert fresh.get("id") != held["sessionId"]
        again = {"sessionId": fresh.get("id"), "sessionIdSignature": fresh.get("signature")}
        command_id(start(integrator, "default-import", again))
    over = integrator.post("/command/reuse-multiple-access.xml", multipleAccessId=access)
    assert exception_of(over)[:2] == (429, "MultipleAccessLimitExceeded")
    integrator.advance("P1D")
    assert (
        integrator.post("/command/reuse-multiple-access.xml", multipleAccessId=access).status_code
        == 200
    )
    integrator.advance("P181D")
    ended = integrator.post("/command/reuse-multiple-access.xml", multipleAccessId=access)
    assert exception_of(ended)[:2] == (404, "InvalidMultipleAccessId")


def test_a_deleted_multiple_access_is_gone(integrator):
    held = session(integrator, target="BankWislanyApi", multipleAccess="true")
    access = held["multipleAccessId"]
    deleted = integrator.post("/command/delete-multiple-access.xml", multipleAccessId=access)
    assert deleted.status_code == 200
    for path in ("reuse-multiple-access", "delete-multiple-access"):
        got = integrator.post(f"/command/{path}.xml", multipleAccessId=access)
        assert exception_of(got)[:2] == (404, "InvalidMultipleAccessId")


def test_kontobanks_test1_imports_as_in_kontomatiks_documentation(integrator):
    """Kontomatik's own test login, as its documentation and captured reply show it."""
    held = session(integrator, login="test1", target="KontoBank")
    started = start(integrator, "default-import", held)
    _, reply = until_done(integrator, command_id(started))
    command = root_of(reply.content).find("command")
    assert (command.get("target"), command.get("institution")) == ("KontoBank", "KontoBank")
    owners = command.findall("result/owners/owner")
    assert [(o.find("name").text, o.find("kind").text) for o in owners] == [
        ("Tadeusz Krajowy", "CO_OWNER"),
        ("Maria Sochacka", "OWNER"),
    ]
    assert owners[1].find("address").text == "Stolarska 15/2 33-543 Jaworzno"
    account = command.find("result/accounts/account")
    assert account.find("name").text == "Konto 0"
    assert account.find("iban").text == "PL69137013140000049678278112"
    assert account.find("currencyName").text == "PLN"
    details = {f"reply/command/result/owners/owner/{name}" for name in OWNER_DETAILS}
    ours = {(p, a) for p, a in shape(reply.content) if p not in details}
    assert ours == captured("v1.command-reply.default-import.xml")


def test_a_finished_command_read_again_shows_what_the_stored_data_says_now(integrator, client):
    held = session(integrator)
    command = command_id(start(integrator, "default-import", held))
    _, first = until_done(integrator, command)
    again = integrator.get(f"/command/{command}.xml")
    labelled = root_of(again.content).findall(".//moneyTransaction/labels")
    assert labelled and again.content.split(b"<command")[1] == first.content.split(b"<command")[1]
    # labelling off for the tenant: the same command, read again, has no labels
    switched = client.put(
        f"/_sandbox/tenants/{integrator.tenant_id}/analytics", json={"modules": ["score"]}
    )
    assert switched.status_code == 200, switched.text
    after = integrator.get(f"/command/{command}.xml")
    assert root_of(after.content).find("command").get("state") == "successful"
    assert not root_of(after.content).findall(".//moneyTransaction/labels")
    assert root_of(after.content).findall(".//moneyTransaction")
