"""Manual data can be changed through /api/v1, bank data never: every change route tried on a
bank account or transaction is a 403 `bank_data_read_only`, and the data is byte for byte as
it was."""

from __future__ import annotations

import json

from test_native_uploads import STATEMENT, upload


def uploaded(api) -> int:
    answer = upload(api, STATEMENT)
    assert answer.status_code == 201, answer.text
    return answer.json()["account_ids"][0]


def listed(api, account_id: int) -> list[dict]:
    return api.get("/transactions", account_id=account_id, limit=500).json()["transactions"]


def patch(api, path: str, body: dict):
    return api.client.patch(f"/api/v1{path}", headers=api.headers, json=body)


def test_a_transaction_added_to_a_manual_account_moves_its_balances(api):
    account_id = uploaded(api)
    body = {
        "booked_on": "2026-01-03",
        "amount": "-20.00",
        "description": "Bäckerei Schmidt",
        "counterparty_name": "Bäckerei Schmidt",
        "counterparty_iban": "DE02 1203 0000 0000 2020 51",
        "category": "groceries",
    }
    answer = api.post(f"/accounts/{account_id}/transactions", body)
    assert answer.status_code == 201, answer.text
    added = answer.json()
    assert added["amount"] == "-20.00" and added["category"] == "groceries"
    assert added["counterparty"]["iban"] == "DE02120300000000202051"
    assert added["balance_after"] == "967.70"  # after 1000.00 - 12.30 on the 2nd
    assert api.get(f"/accounts/{account_id}").json()["balance"] == "2918.70"
    assert [t["balance_after"] for t in listed(api, account_id)] == [
        "2918.70", "3418.70", "967.70", "987.70",
    ]  # fmt: skip


def test_changing_a_manual_transaction_changes_what_is_listed_and_the_balances(api):
    account_id = uploaded(api)
    oldest = listed(api, account_id)[-1]
    answer = patch(
        api,
        f"/transactions/{oldest['id']}",
        {"amount": "-100.00", "description": "REWE Wocheneinkauf", "counterparty_name": None},
    )
    assert answer.status_code == 200, answer.text
    changed = answer.json()
    assert changed["amount"] == "-100.00" and changed["description"] == "REWE Wocheneinkauf"
    assert changed["counterparty"]["name"] is None and changed["balance_after"] == "900.00"
    assert api.get(f"/accounts/{account_id}").json()["balance"] == "2851.00"
    assert api.get(f"/transactions/{oldest['id']}").json() == changed


def test_moving_a_transaction_to_another_day_rechains_the_balances(api):
    account_id = uploaded(api)
    rent = listed(api, account_id)[0]
    assert patch(api, f"/transactions/{rent['id']}", {"booked_on": "2026-01-01"}).status_code == 200
    after = listed(api, account_id)
    assert [t["balance_after"] for t in after] == ["2938.70", "487.70", "500.00"]


def test_deleting_a_manual_transaction_and_account(api):
    account_id = uploaded(api)
    rent = listed(api, account_id)[0]
    assert api.delete(f"/transactions/{rent['id']}").status_code == 204
    assert api.get(f"/transactions/{rent['id']}").status_code == 404
    assert api.get(f"/accounts/{account_id}").json()["balance"] == "3438.70"
    assert api.delete(f"/accounts/{account_id}").status_code == 204
    assert api.get(f"/accounts/{account_id}").status_code == 404
    assert api.get("/transactions", user_id="u1").json()["transactions"] == []


def test_bad_changes_are_422s_naming_the_field_and_change_nothing(api):
    account_id = uploaded(api)
    before = listed(api, account_id)
    target = f"/transactions/{before[0]['id']}"
    for body, field in [
        ({"amount": 12.5}, "amount"),
        ({"amount": "-1.005"}, "amount"),
        ({"booked_on": "2026-02-30"}, "booked_on"),
        ({"category": "crypto"}, "category"),
        ({"counterparty_iban": "DE00 0000"}, "counterparty_iban"),
        ({"description": None}, "(body)"),
        ({"status": "pending"}, "status"),
        ({}, "(body)"),
    ]:
        answer = patch(api, target, body)
        assert answer.status_code == 422, (body, answer.text)
        details = answer.json()["error"]["details"]
        fields = [d["field"] for d in details] if isinstance(details, list) else [details["field"]]
        assert field in fields, (body, details)
    assert listed(api, account_id) == before


def test_every_change_route_refuses_bank_data_and_leaves_it_as_it_was(api):
    api.connect("u1")
    account = api.get("/accounts", user_id="u1", origin="bank").json()["accounts"][0]
    transaction = listed(api, account["id"])[0]
    before = json.dumps([api.get(f"/accounts/{account['id']}").json(), listed(api, account["id"])])
    attempts = [
        api.post(
            f"/accounts/{account['id']}/transactions",
            {"booked_on": "2026-01-03", "amount": "-1.00", "description": "x"},
        ),
        patch(api, f"/transactions/{transaction['id']}", {"description": "changed"}),
        patch(api, f"/transactions/{transaction['id']}", {"amount": "1.00"}),
        api.delete(f"/transactions/{transaction['id']}"),
        api.delete(f"/accounts/{account['id']}"),
    ]
    for answer in attempts:
        assert answer.status_code == 403, answer.text
        assert answer.json()["error"]["code"] == "bank_data_read_only"
    after = json.dumps([api.get(f"/accounts/{account['id']}").json(), listed(api, account["id"])])
    assert after == before


def test_another_tenants_manual_data_cannot_be_changed(api, other):
    account_id = uploaded(api)
    before = listed(api, account_id)
    transaction = before[0]
    assert other.delete(f"/transactions/{transaction['id']}").status_code == 404
    assert (
        patch(other, f"/transactions/{transaction['id']}", {"description": "x"}).status_code == 404
    )
    assert other.delete(f"/accounts/{account_id}").status_code == 404
    assert listed(api, account_id) == before
