"""Owner Upload (`POST /v1/owner`): an owner's accounts as JSON in Kontomatik's element names,
answered with a `requestId` and shown in `data.xml` as a target of origin `upload`; gzip
taken, bounded; every problem listed in the JSON error."""

from __future__ import annotations

import gzip
from decimal import Decimal

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kontomatik_replies import root_of

OWNER_UPLOAD = "/kontomatik/v1/owner"


def payload(owner: str = "upload-1", **changes) -> dict:
    """Maria Sochacka's account at KontoBank, as Kontomatik's data shows it, newest first."""
    found = {
        "ownerExternalId": owner,
        "institution": "KontoBank",
        "owners": [
            {"name": "Tadeusz Krajowy", "kind": "CO_OWNER"},
            {
                "name": "Maria Sochacka",
                "address": "Stolarska 15/2 33-543 Jaworzno",
                "kind": "OWNER",
            },
        ],
        "accounts": [
            {
                "name": "Konto 0",
                "friendlyName": "Konto",
                "iban": "PL69137013140000049678278112",
                "currencyBalance": "259402.51",
                "currencyFundsAvailable": "259402.51",
                "currencyName": "PLN",
                "activeSinceAtLeast": "2022-10-08",
                "directDebit": {"available": True},
                "moneyTransactions": [
                    {
                        "transactionOn": "2026-01-12",
                        "bookedOn": "2026-01-13",
                        "currencyAmount": "-390.29",
                        "currencyBalance": "259402.51",
                        "title": "Zakupy",
                        "party": "BIEDRONKA",
                        "kind": "PŁATNOŚĆ KARTĄ",
                        "status": "DONE",
                        "labels": ["grocery"],
                    },
                    {
                        "transactionOn": "2026-01-10",
                        "bookedOn": "2026-01-10",
                        "currencyAmount": "2800.00",
                        "currencyBalance": "259792.80",
                        "title": "Wynagrodzenie za pracę",
                        "party": "LIDL POLSKA SP Z O O",
                        "partyIban": "PL48105000021572771618714189",
                        "kind": "PRZELEW PRZYCHODZĄCY",
                        "status": "DONE",
                    },
                ],
            }
        ],
    }
    found.update(changes)
    return found


def send(integrator, body: bytes, **headers: str):
    return integrator.client.post(
        OWNER_UPLOAD,
        content=body,
        headers={**integrator.headers, "Content-Type": "application/json", **headers},
    )


def upload(integrator, document: dict):
    return send(integrator, orjson.dumps(document))


def exception(answer) -> dict:
    assert answer.headers["content-type"].startswith("application/json"), answer.text
    return answer.json()["exception"]


def test_an_uploaded_owner_shows_in_the_owners_data_as_an_upload(integrator):
    answer = upload(integrator, payload("upload-1"))
    assert answer.status_code == 200, answer.text
    assert answer.json()["requestId"].isdigit()
    reply = root_of(integrator.get("/data.xml", ownerExternalId="upload-1").content)
    owner = reply.find("owner")
    assert owner.get("origin") == "upload"
    (target,) = owner.findall("target")
    assert (target.get("name"), target.get("origin")) == ("KontoBank", "upload")
    assert [(o.findtext("name"), o.findtext("kind")) for o in target.findall("owners/owner")] == [
        ("Tadeusz Krajowy", "CO_OWNER"),
        ("Maria Sochacka", "OWNER"),
    ]
    assert target.findtext("owners/owner[2]/address") == "Stolarska 15/2 33-543 Jaworzno"
    (account,) = target.findall("accounts/account")
    assert account.findtext("iban") == "PL69137013140000049678278112"
    assert account.findtext("currencyBalance") == "259402.51"
    assert account.findtext("currencyName") == "PLN"
    money = account.findall("moneyTransactions/moneyTransaction")
    assert sorted((m.findtext("bookedOn"), m.findtext("currencyAmount")) for m in money) == [
        ("2026-01-10", "2800.00"),
        ("2026-01-13", "-390.29"),
    ]
    salary = next(m for m in money if m.findtext("currencyAmount") == "2800.00")
    assert salary.findtext("party") == "LIDL POLSKA SP Z O O"
    assert salary.findtext("partyIban") == "PL48105000021572771618714189"
    assert salary.findtext("currencyBalance") == "259792.80"


def test_the_same_upload_again_answers_the_same_request_id_gzipped_or_not(integrator):
    first = upload(integrator, payload("upload-2"))
    again = upload(integrator, payload("upload-2"))
    zipped = send(
        integrator, gzip.compress(orjson.dumps(payload("upload-2"))), **{"Content-Encoding": "gzip"}
    )
    assert first.status_code == again.status_code == zipped.status_code == 200, zipped.text
    assert first.json() == again.json() == zipped.json()
    reply = root_of(integrator.get("/data.xml", ownerExternalId="upload-2").content)
    assert len(reply.findall("owner/target")) == 1


def test_what_data_xml_gave_can_be_sent_back_as_an_owner_upload(integrator):
    integrator.connect("banked", "rheinwert-bank", "good")
    given_back = root_of(integrator.get("/data.xml", ownerExternalId="banked").content)
    accounts = [
        {
            "name": account.findtext("name"),
            "iban": account.findtext("iban"),
            "currencyName": account.findtext("currencyName"),
            "currencyBalance": account.findtext("currencyBalance"),
            "moneyTransactions": [
                {
                    element.tag: element.text
                    for element in transaction
                    if element.tag != "labels" and element.text is not None
                }
                for transaction in account.findall("moneyTransactions/moneyTransaction")
            ],
        }
        for account in given_back.findall("owner/target/accounts/account")
    ]
    answer = upload(integrator, {"ownerExternalId": "uploaded", "accounts": accounts})
    assert answer.status_code == 200, answer.text
    uploaded = root_of(integrator.get("/data.xml", ownerExternalId="uploaded").content)

    def amounts(reply):
        return sorted(
            (m.findtext("bookedOn"), Decimal(m.findtext("currencyAmount")))
            for m in reply.iter("moneyTransaction")
        )

    assert amounts(uploaded) == amounts(given_back)
    assert [a.findtext("currencyBalance") for a in uploaded.iter("account")] == [
        a.findtext("currencyBalance") for a in given_back.iter("account")
    ]


def test_every_problem_of_a_payload_is_listed_with_its_path(integrator):
    document = payload("upload-3")
    del document["accounts"][0]["currencyName"]
    document["accounts"][0]["moneyTransactions"][1]["currencyAmount"] = "28.001"
    document["accounts"][0]["colour"] = "red"
    answer = upload(integrator, document)
    assert answer.status_code == 400
    found = exception(answer)
    assert found["name"] == "InvalidParameter"
    assert {problem["where"] for problem in found["errors"]} == {
        "$.accounts[0].currencyName",
        "$.accounts[0].colour",
    }
    nothing = integrator.get("/data.xml", ownerExternalId="upload-3")
    assert nothing.status_code == 404  # nothing stored, not even the owner


def test_amounts_with_more_places_than_the_currency_has_are_refused(integrator):
    document = payload("upload-4")
    document["accounts"][0]["moneyTransactions"][1]["currencyAmount"] = "28.001"
    answer = upload(integrator, document)
    assert answer.status_code == 400
    (problem,) = exception(answer)["errors"]
    assert problem["where"] == "$.accounts[0].moneyTransactions[1].currencyAmount"
    assert "PLN" in problem["message"]


def test_a_payload_without_an_owner_id_or_accounts(integrator):
    answer = upload(integrator, {"owners": []})
    assert answer.status_code == 400
    assert {p["where"] for p in exception(answer)["errors"]} == {
        "$.ownerExternalId",
        "$.accounts",
    }
    broken = send(integrator, b'{"ownerExternalId": "x", ')
    assert broken.status_code == 400
    assert exception(broken)["errors"][0]["where"].startswith("line 1")


def test_a_body_that_is_not_json_or_not_gzip_is_refused_in_json(integrator):
    form = send(integrator, b"a=b", **{"Content-Type": "application/x-www-form-urlencoded"})
    assert form.status_code == 415
    assert exception(form)["name"] == "InvalidParameter"
    deflated = send(integrator, b"{}", **{"Content-Encoding": "br"})
    assert deflated.status_code == 415
    not_gzip = send(integrator, b"{}", **{"Content-Encoding": "gzip"})
    assert not_gzip.status_code == 400
    assert "gzip" in exception(not_gzip)["message"]


def test_a_gzip_bomb_is_refused_without_inflating_it_whole(integrator, platform):
    limit = platform.settings.max_upload_bytes
    bomb = gzip.compress(b" " * (limit + 1))
    assert len(bomb) < limit // 100
    answer = send(integrator, bomb, **{"Content-Encoding": "gzip"})
    assert answer.status_code == 413
    found = exception(answer)
    assert found["name"] == "InvalidParameter"
    assert "SANDBOX_MAX_UPLOAD_BYTES" in found["message"]


def test_an_unknown_api_key_gets_a_json_401(integrator):
    answer = integrator.client.post(
        OWNER_UPLOAD,
        content=orjson.dumps(payload()),
        headers={"X-Api-Key": "not-a-key-of-anyone", "Content-Type": "application/json"},
    )
    assert answer.status_code == 401
    found = exception(answer)
    assert found["name"] == "Unauthorized"
    key = "not-a-key-of-anyone"
    assert f'"no{"*" * (len(key) - 4)}ne"' in found["message"]
    assert key not in found["message"]


amounts = st.lists(
    st.decimals(min_value=-10_000, max_value=10_000, places=2, allow_nan=False), max_size=8
)


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(amounts=amounts, closing=st.decimals(min_value=-1000, max_value=10**6, places=2))
def test_the_balance_shown_is_the_balance_uploaded(integrator, amounts, closing):
    transactions = [
        {"bookedOn": f"2026-01-{day + 1:02d}", "currencyAmount": f"{amount:.2f}", "title": "t"}
        for day, amount in enumerate(amounts)
    ]
    owner = f"balance-{abs(hash((tuple(amounts), closing)))}"
    document = {
        "ownerExternalId": owner,
        "accounts": [
            {
                "currencyName": "EUR",
                "currencyBalance": f"{closing:.2f}",
                "moneyTransactions": transactions,
            }
        ],
    }
    assert upload(integrator, document).status_code == 200
    reply = root_of(integrator.get("/data.xml", ownerExternalId=owner).content)
    assert reply.findtext("owner/target/accounts/account/currencyBalance") == f"{closing:.2f}"
    assert len(reply.findall(".//moneyTransaction")) == len(amounts)


def test_a_method_a_json_endpoint_lacks_is_a_json_405_naming_the_ones_it_has(integrator):
    for path, allowed in (("/owner", "POST"), ("/signin/redirection-status", "GET")):
        got = integrator.client.delete(f"/kontomatik/v1{path}", headers=integrator.headers)
        assert got.status_code == 405
        assert got.headers["content-type"].startswith("application/json")
        assert allowed in got.headers["allow"]
        assert got.json()["exception"]["name"] == "InvalidParameter"
