"""Powens' bank transactions, called as an integration written for Powens calls them: pages by
`limit` and `offset` or by following `_links.next.href`, Powens' filters in both the
documented and the spec's spellings, the user's own wording and dates, errors in Powens'
format and never a server error."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from integrator import Integrator, assert_error

STAMP = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Powens' spec, bank-transactions.yml `TransactionType`.
POWENS_TYPES = {
    "transfer", "order", "check", "deposit", "payback", "withdrawal", "loan_payment", "bank",
    "card", "deferred_card", "summary_card", "unknown",
}  # fmt: skip
REQUIRED = {"id", "id_account", "date", "type", "date_scraped", "rdate", "coming", "active"}
ENVELOPE = {
    "transactions", "first_date", "last_date", "result_min_date", "result_max_date", "_links"
}  # fmt: skip


@pytest.fixture
def powens(client, platform) -> Integrator:
    return Integrator(client, platform)


@pytest.fixture
def carded(powens):
    """A user with a current account and a credit card (a few hundred transactions)."""
    me, user_id = powens.user()
    login = powens.connect(user_id, persona="credit-card")
    return powens, me, login


def ok(answer) -> dict:
    assert answer.status_code == 200, answer.text
    body = answer.json()
    return body


def listing(powens, me, path="/users/me/transactions", **params) -> list[dict]:
    body = ok(powens.get(path, me, **params))
    assert set(body) == ENVELOPE
    return body["transactions"]


def test_transactions_have_powens_shape_newest_first(carded):
    powens, me, _ = carded
    body = ok(powens.get("/users/me/transactions", me, limit=50))
    listed = body["transactions"]
    assert len(listed) == 50
    assert [(t["date"], t["id"]) for t in listed] == sorted(
        ((t["date"], t["id"]) for t in listed), reverse=True
    )
    kinds = set()
    for t in listed:
        assert set(t) >= REQUIRED
        for name in ("date", "rdate", "application_date", "vdate"):
            assert DAY.match(t[name])
        assert t["rdate"] <= t["date"] and t["application_date"] == t["date"]
        assert STAMP.match(t["date_scraped"]) and STAMP.match(t["last_update"])
        assert t["datetime"] is None and t["deleted"] is None and t["coming"] is False
        assert isinstance(t["value"], float) and t["gross_value"] == t["value"]
        assert t["type"] in POWENS_TYPES and t["active"] is True
        assert t["original_wording"] and t["simplified_wording"] and t["wording"]
        assert t["categories"] == [] and t["id_category"] is None and t["comment"] is None
        party = t["counterparty"]
        assert set(party) == {"label", "account_scheme_name", "account_identification", "type"}
        assert party["type"] == ("creditor" if t["value"] < 0 else "debtor")
        assert party["account_scheme_name"] == ("iban" if party["account_identification"] else None)
        kinds.add(t["type"])
    assert {"deferred_card", "card"} <= kinds
    cards = [t for t in listed if t["type"] in ("card", "deferred_card")]
    assert {t["card"] is not None for t in cards if t["type"] == "deferred_card"} == {True}
    assert body["first_date"] <= body["result_min_date"] <= body["result_max_date"]
    assert body["result_max_date"] == body["last_date"] == listed[0]["date"]
    assert body["result_min_date"] == listed[-1]["date"]


def test_every_kind_of_the_banks_transactions_has_a_powens_type(powens):
    me, user_id = powens.user()
    for persona in ("every-account-type", "mia.schulz"):
        bank = "rheinwert-bank" if persona == "mia.schulz" else "nordlicht-sparbank"
        powens.connect(user_id, persona=persona, bank=bank)
    listed = listing(powens, me)
    assert {t["type"] for t in listed} <= POWENS_TYPES - {"unknown"}
    assert {"transfer", "order", "card", "deferred_card", "withdrawal", "bank"} <= {
        t["type"] for t in listed
    }


def test_without_a_limit_a_page_holds_up_to_1000_and_more_is_refused(carded):
    powens, me, _ = carded
    every = listing(powens, me)
    assert 100 < len(every) <= 1000
    body = ok(powens.get("/users/me/transactions", me))
    assert body["_links"]["next"] is None and body["_links"]["prev"] is None
    assert listing(powens, me, limit=1000) == every
    for limit in ("1001", "0", "-1", "ten", "1.5"):
        answer = powens.get("/users/me/transactions", me, limit=limit)
        assert "limit" in assert_error(answer, 400, "invalidValue")["description"]
    for offset in ("-1", "x", str(10**12)):
        answer = powens.get("/users/me/transactions", me, offset=offset)
        assert "offset" in assert_error(answer, 400, "invalidValue")["description"]
    assert listing(powens, me, offset=len(every)) == []
    assert listing(powens, me, offset=5, limit=3) == every[5:8]


def follow(powens, me, href: str) -> list[list[dict]]:
    """Pages as an integrator walks them: `_links.next.href` until it is null."""
    pages = []
    while href:
        body = ok(powens.client.get(href, headers=me))
        pages.append(body["transactions"])
        assert body["_links"]["self"]["href"] == href
        following = body["_links"]["next"]
        href = following["href"] if following else None
    return pages


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(limit=st.integers(1, 120), wording=st.sampled_from([None, "a", "kartenzahlung"]))
def test_following_next_and_paging_by_offset_give_each_transaction_once(carded, limit, wording):
    powens, me, _ = carded
    params = {"limit": limit} | ({"wording": wording} if wording else {})
    first = ok(powens.get("/users/me/transactions", me, **params))
    pages = follow(powens, me, first["_links"]["self"]["href"])
    by_offset, offset = [], 0
    while page := listing(powens, me, **params, offset=offset):
        by_offset.append(page)
        offset += limit
    assert pages == by_offset or (pages == [[]] and by_offset == [])
    flat = [t["id"] for page in pages for t in page]
    assert len(flat) == len(set(flat))
    every = listing(powens, me, **({"wording": wording} if wording else {}))
    assert flat == [t["id"] for t in every]
    assert all(len(page) == limit for page in pages[:-1])


def test_links_are_absolute_on_the_base_url_the_request_used(carded):
    powens, me, _ = carded
    domain = powens.keys["domain"]
    for spelling in (domain, f"{domain}.biapi.pro"):
        path = f"/powens/{spelling}/2.0/users/me/transactions"
        answer = powens.client.get(f"{path}?limit=10&offset=20&income=false", headers=me)
        links = ok(answer)["_links"]
        assert set(links) == {"self", "prev", "next"}
        base = f"http://testserver{path}?"
        assert links["self"]["href"] == f"{base}limit=10&offset=20&income=false"
        assert links["prev"]["href"] == f"{base}limit=10&offset=10&income=false"
        assert links["next"]["href"] == f"{base}limit=10&offset=30&income=false"
    first = ok(powens.get("/users/me/transactions", me, limit=10, offset=4))["_links"]
    assert first["prev"]["href"].endswith("limit=10&offset=0")


def test_min_and_max_dates_take_a_day_a_month_a_year_or_a_date_time(carded):
    powens, me, _ = carded
    every = listing(powens, me)
    december = [t for t in every if t["date"].startswith("2025-12")]
    assert december
    spellings = [
        ("2025-12-01", "2025-12-31"),
        ("2025-12", "2025-12"),
        ("2025-12-01T00:00:00.000Z", "2025-12-31T23:59:59.999Z"),
        ("2025-12-01T01:00:00+01:00", "2026-01-01T00:30:00+01:00"),
        ("2025-12-01 00:00:00", "2025-12-31 23:59:59"),
    ]
    for low, high in spellings:
        assert listing(powens, me, min_date=low, max_date=high) == december, (low, high)
    assert listing(powens, me, min_date="2026", max_date="2026") == [
        t for t in every if t["date"].startswith("2026")
    ]
    assert listing(powens, me, max_date="2025") == [t for t in every if t["date"] < "2026"]
    assert listing(powens, me, min_date="0001-01", max_date="9999-12") == every
    assert listing(powens, me, max_date="2025-02") == []
    body = ok(powens.get("/users/me/transactions", me, min_date="2025-12", max_date="2025-12"))
    assert (body["result_min_date"], body["result_max_date"]) == (
        december[-1]["date"], december[0]["date"]
    )  # fmt: skip
    assert body["first_date"] == every[-1]["date"] and body["last_date"] == every[0]["date"]
    empty = ok(powens.get("/users/me/transactions", me, min_date="2030-01", max_date="2030-02"))
    assert empty["transactions"] == []
    assert (empty["result_min_date"], empty["result_max_date"]) == ("2030-01-01", "2030-02-28")
    for name in ("min_date", "max_date"):
        for bad in ("2025-13", "12/01/2025", "2025-02-30", "yesterday", "20251201", "0000"):
            answer = powens.get("/users/me/transactions", me, **{name: bad})
            assert name in assert_error(answer, 400, "invalidValue")["description"], bad


def test_the_users_application_date_files_a_transaction_elsewhere(carded):
    powens, me, _ = carded
    every = listing(powens, me)
    moved = every[-1]
    changed = ok(
        powens.post(f"/users/me/transactions/{moved['id']}", me,
                    json={"application_date": "2026-01-14"})
    )  # fmt: skip
    assert changed["application_date"] == "2026-01-14" and changed["date"] == moved["date"]
    day = {"min_date": "2026-01-14", "max_date": "2026-01-14"}
    applied = listing(powens, me, **day)
    assert moved["id"] in {t["id"] for t in applied}
    booked = listing(powens, me, **day, filter="date")
    assert moved["id"] not in {t["id"] for t in booked}
    assert {t["id"] for t in applied} - {t["id"] for t in booked} == {moved["id"]}
    body = ok(powens.get("/users/me/transactions", me, **day))
    assert body["result_min_date"] == body["result_max_date"] == "2026-01-14"
    bad = powens.get("/users/me/transactions", me, filter="rdate")
    assert "filter" in assert_error(bad, 400, "invalidValue")["description"]


def test_income_value_and_amount_bounds(carded):
    powens, me, _ = carded
    every = listing(powens, me)
    credits = listing(powens, me, income="true")
    debits = listing(powens, me, income="false")
    assert credits == [t for t in every if t["value"] > 0] != []
    assert debits == [t for t in every if t["value"] < 0] != []
    one = debits[3]
    amount = f"{-one['value']:.2f}"
    exact = listing(powens, me, value=f"-{amount}")
    assert one in exact and {t["value"] for t in exact} == {one["value"]}
    assert listing(powens, me, value=amount) == [t for t in every if t["value"] == -one["value"]]
    either = listing(powens, me, value=f"±{amount}")
    assert either == listing(powens, me, value=f"{amount}|-{amount}")
    assert either == [t for t in every if abs(t["value"]) == -one["value"]]
    bounded = listing(powens, me, min_value="-20", max_value="-5.5")
    assert bounded == [t for t in every if -20 <= t["value"] <= -5.5] != []
    for name, bad in (("value", "12,5"), ("value", "1e3"), ("min_value", "NaN"),
                      ("max_value", "10" * 10), ("income", "maybe")):  # fmt: skip
        answer = powens.get("/users/me/transactions", me, **{name: bad})
        assert name in assert_error(answer, 400, "invalidValue")["description"], bad


def test_wording_and_search(carded):
    powens, me, _ = carded
    every = listing(powens, me)
    one = every[4]
    word = one["simplified_wording"].split()[0].lower()
    found = listing(powens, me, wording=word.upper())
    assert one in found
    for t in found:
        assert word in f"{t['original_wording']} {t['simplified_wording']}".lower()
    renamed = ok(powens.post(f"/users/me/transactions/{every[9]['id']}", me,
                             json={"wording": "Zebra crossing"}))  # fmt: skip
    assert renamed["wording"] == "Zebra crossing"
    assert renamed["original_wording"] == every[9]["original_wording"]
    assert [t["id"] for t in listing(powens, me, wording="zebra")] == [every[9]["id"]]
    assert [t["id"] for t in listing(powens, me, search="ZEBRA")] == [every[9]["id"]]
    amount = f"{abs(one['value']):.2f}"
    assert one["id"] in {t["id"] for t in listing(powens, me, search=amount)}
    on_day = listing(powens, me, search=one["date"])
    assert one in on_day and {t["date"] for t in on_day} == {one["date"]}
    assert listing(powens, me, wording="%") == []


def test_last_update_deleted_and_all(carded, platform):
    powens, me, login = carded
    every = listing(powens, me)
    moved = powens.client.post(
        f"/_sandbox/tenants/{powens.tenant_id}/clock", json={"advance": "P10D"}
    )
    assert moved.status_code == 200
    platform.bank_logins.sync_now(platform.tenants.get(powens.tenant_id), login)
    after = listing(powens, me)
    new = [t for t in after if t["id"] not in {e["id"] for e in every}]
    assert new
    stamp = every[0]["last_update"]
    for spelling in (stamp, stamp.replace(" ", "T") + "Z", stamp.replace(" ", "T") + "+00:00"):
        assert listing(powens, me, last_update=spelling) == new, spelling
    assert listing(powens, me, last_update="2026-01-16") == new
    assert listing(powens, me, deleted="true") == []
    assert listing(powens, me, deleted="false") == after
    assert listing(powens, me, all="") == after
    bad = powens.get("/users/me/transactions", me, last_update="soon")
    assert "last_update" in assert_error(bad, 400, "invalidValue")["description"]


def test_an_accounts_and_a_connections_transactions(powens):
    me, user_id = powens.user()
    first = powens.connect(user_id, persona="credit-card")
    second = powens.connect(user_id, persona="good", bank="nordlicht-sparbank")
    every = listing(powens, me)
    accounts = ok(powens.get("/users/me/accounts", me))["accounts"]
    for account in accounts:
        own = listing(powens, me, f"/users/me/accounts/{account['id']}/transactions")
        assert own == [t for t in every if t["id_account"] == account["id"]] != []
        paged = listing(powens, me, f"/users/me/accounts/{account['id']}/transactions", limit=7)
        assert paged == own[:7]
    for login in (first, second):
        ids = {a["id"] for a in accounts if a["id_connection"] == login}
        own = listing(powens, me, f"/users/me/connections/{login}/transactions")
        assert own == [t for t in every if t["id_account"] in ids] != []
    body = ok(powens.get(f"/users/me/connections/{second}/transactions", me, limit=1))
    assert body["_links"]["next"]["href"].startswith(
        f"http://testserver{powens.base}/users/me/connections/{second}/transactions?"
    )
    _, other_id = powens.user()
    theirs = powens.connect(other_id)
    their_account = ok(powens.get(f"/users/{other_id}/accounts", powens.config))["accounts"][0]
    for path in (
        f"/users/me/accounts/{their_account['id']}/transactions",
        f"/users/me/connections/{theirs}/transactions",
        "/users/me/accounts/999999/transactions",
        "/users/me/connections/abc/transactions",
        f"/users/{other_id}/transactions",
    ):
        assert_error(powens.get(path, me), 404, "notFound")
    theirs_by_config = listing(powens, powens.config, f"/users/{other_id}/transactions")
    assert {t["id_account"] for t in theirs_by_config} == {their_account["id"]}


def test_no_enabled_account_is_the_documented_409_no_account(powens):
    me, user_id = powens.user()
    assert_error(powens.get("/users/me/transactions", me), 409, "noAccount")
    powens.connect(user_id, persona="credit-card", activate=set())
    assert_error(powens.get("/users/me/transactions", me), 409, "noAccount")
    main, card = ok(powens.get("/users/me/accounts", me, all=""))["accounts"]
    path = f"/users/me/accounts/{main['id']}/transactions"
    assert_error(powens.get(path, me), 404, "notFound")
    assert_error(powens.get(path, me, all=""), 409, "noAccount")
    enabled = powens.post(f"/users/me/accounts/{card['id']}?all", me, json={"disabled": False})
    assert enabled.status_code == 200
    assert {t["id_account"] for t in listing(powens, me)} == {card["id"]}
    assert_error(powens.get(path, me, all=""), 409, "noAccount")


def test_amounts_are_numbers_with_the_currencys_places(powens):
    me, user_id = powens.user()
    powens.connect(user_id, persona="exotic")
    yen, dinar = ok(powens.get("/users/me/accounts", me))["accounts"]
    in_yen = listing(powens, me, f"/users/me/accounts/{yen['id']}/transactions")
    assert in_yen and all(isinstance(t["value"], int) for t in in_yen)
    in_dinars = listing(powens, me, f"/users/me/accounts/{dinar['id']}/transactions")
    assert in_dinars
    for t in in_dinars:
        assert isinstance(t["value"], float)
        assert round(t["value"], 3) == t["value"]
    some = in_yen[0]
    assert listing(powens, me, f"/users/me/accounts/{yen['id']}/transactions",
                   value=str(some["value"]))[0] == some  # fmt: skip
    mixed = powens.get("/users/me/transactions", me, min_value="-10")
    assert "min_value" in assert_error(mixed, 400, "invalidValue")["description"]


def test_one_transaction_and_the_users_notes_on_it(carded):
    powens, me, _ = carded
    one = listing(powens, me, limit=1)[0]
    path = f"/users/me/transactions/{one['id']}"
    assert ok(powens.get(path, me)) == one
    body = {"wording": "Lunch", "comment": "with Ana", "active": False, "id_category": 9998}
    changed = ok(powens.post(path, me, json=body))
    assert (changed["wording"], changed["comment"], changed["active"]) == (
        "Lunch",
        "with Ana",
        False,
    )
    assert changed["simplified_wording"] == one["simplified_wording"]
    assert ok(powens.get(path, me)) == changed
    assert listing(powens, me, limit=1)[0] == changed
    forms = ok(powens.post(path, me, data={"comment": "", "active": "1"}))
    assert forms["comment"] is None and forms["active"] is True and forms["wording"] == "Lunch"
    assert ok(powens.post(path, me, json={})) == forms
    expanded = ok(powens.get(path, me, expand="account"))
    account = ok(powens.get(f"/users/me/accounts/{one['id_account']}", me))
    assert expanded["account"] == account
    listed = ok(powens.get("/users/me/transactions", me, limit=3, expand="account,categories"))
    assert {t["account"]["id"] for t in listed["transactions"]} <= {
        a["id"] for a in ok(powens.get("/users/me/accounts", me))["accounts"]
    }
    for bad in ({"application_date": "2026-02-30"}, {"application_date": "soon"},
                {"active": "perhaps"}, {"wording": ["x"]}):  # fmt: skip
        assert_error(powens.post(path, me, json=bad), 400, "invalidValue")
    _, other_id = powens.user()
    other = {"Authorization": powens.config["Authorization"]}
    assert_error(powens.get(f"/users/{other_id}/transactions/{one['id']}", other), 404, "notFound")
    assert_error(powens.get("/users/me/transactions/123456789", me), 404, "notFound")
    assert_error(powens.get("/users/me/transactions/x1", me), 404, "notFound")
    assert_error(powens.post("/users/me/transactions/123456789", me, json={}), 404, "notFound")
    assert_error(powens.get(path, {}), 401, "unauthorized")


QUERY_NAMES = [
    "limit", "offset", "min_date", "max_date", "filter", "last_update", "income", "deleted",
    "wording", "min_value", "max_value", "value", "search", "all", "expand", "other",
]  # fmt: skip
VALUES = st.one_of(
    st.text(max_size=30),
    st.integers(-(10**20), 10**20).map(str),
    st.dates().map(date.isoformat),
    st.sampled_from(["", "true", "±1.5", "2025-12", "2025", "2024-01-01T00:00:00.000Z", "NaN",
                     "application_date", "date", "account", "1e400", "-0", "9" * 40]),
)  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(query=st.dictionaries(st.sampled_from(QUERY_NAMES), VALUES, max_size=5))
def test_no_query_is_a_server_error(carded, query):
    powens, me, _ = carded
    for path in ("/users/me/transactions", "/users/me/accounts"):
        answer = powens.get(path, me, **query)
        assert answer.status_code in (200, 400, 409), answer.text
        if answer.status_code == 200:
            assert answer.json()
        else:
            assert_error(answer, answer.status_code, answer.json()["code"])


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    body=st.dictionaries(
        st.sampled_from(["wording", "application_date", "comment", "active", "id_category", "x"]),
        st.none()
        | st.booleans()
        | st.integers(-3, 3)
        | st.text(max_size=20)
        | VALUES
        | st.lists(st.integers(), max_size=2)
        | st.floats(allow_nan=False, allow_infinity=False),
        max_size=4,
    )
)
def test_no_transaction_update_is_a_server_error(carded, body):
    powens, me, _ = carded
    one = listing(powens, me, limit=1)[0]
    answer = powens.post(f"/users/me/transactions/{one['id']}", me, json=body)
    assert answer.status_code in (200, 400), answer.text
    if answer.status_code == 400:
        assert_error(answer, 400, "invalidValue")


@pytest.mark.parametrize("raw", [b'{"wording": NaN}', b'{"comment": Infinity}', b"[1, 2]", b"{"])
def test_a_body_that_is_not_a_json_object_is_invalid(carded, raw):
    powens, me, _ = carded
    one = listing(powens, me, limit=1)[0]
    headers = {**me, "content-type": "application/json"}
    answer = powens.post(f"/users/me/transactions/{one['id']}", headers, content=raw)
    assert_error(answer, 400, "invalidValue")
