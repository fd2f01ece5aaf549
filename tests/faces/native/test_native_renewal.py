"""`POST /api/v1/bank-logins/{id}/renew` and `/extend-history`: links into the hosted UI for
what only the user can do for an existing bank login."""

from datetime import datetime, timedelta

import pytest

CALLBACK = "http://127.0.0.1:3000/callback"
START = datetime.fromisoformat("2026-01-15T09:00:00+00:00")


def renew(api, bank_login_id, **body):
    return api.post(f"/bank-logins/{bank_login_id}/renew", {"redirect_uri": CALLBACK, **body})


def extend(api, bank_login_id, days, **body):
    return api.post(
        f"/bank-logins/{bank_login_id}/extend-history",
        {"days": days, "redirect_uri": CALLBACK, **body},
    )


def opened(api, url: str):
    return api.client.get(url, follow_redirects=False)


def test_renewing_an_expired_login_gives_a_link_to_its_login(api):
    bank_login_id = api.connect()
    api.advance("P181D")
    assert api.get(f"/bank-logins/{bank_login_id}").json()["state"] == "sca_required"
    answer = renew(api, bank_login_id, state="keep-me")
    assert answer.status_code == 201, answer.text
    session = answer.json()
    assert set(session) == {"session_id", "url", "expires_at"}
    assert session["url"] == f"http://testserver/connect/{session['session_id']}"
    assert datetime.fromisoformat(session["expires_at"]) - START == timedelta(days=181, minutes=15)
    page = opened(api, session["url"])
    assert page.status_code == 200
    assert "Log in to your bank" in page.text and 'value="good"' in page.text


def test_a_renewal_at_a_redirect_bank_opens_at_the_banks_page(api):
    bank_login_id = api.connect(bank="banque-lumiere")
    page = opened(api, renew(api, bank_login_id).json()["url"])
    assert page.status_code == 303
    assert page.headers["location"].startswith("/bank/banque-lumiere/authorize?session=")


def test_renewing_an_unknown_bank_login_is_404(api):
    answer = renew(api, 999)
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "not_found"


def test_another_tenants_bank_login_is_not_found(api, other):
    bank_login_id = api.connect()
    assert renew(other, bank_login_id).status_code == 404
    assert extend(other, bank_login_id, 365).status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"redirect_uri": "https://evil.example/callback"},
        {"redirect_uri": CALLBACK, "extra": 1},
        {"redirect_uri": CALLBACK, "state": 5},
        {},
    ],
)
def test_a_renewal_body_is_checked(api, body):
    bank_login_id = api.connect()
    answer = api.post(f"/bank-logins/{bank_login_id}/renew", body)
    assert answer.status_code == 422, answer.text


def test_extending_history_gives_a_link_that_opens_at_the_sca(api):
    bank_login_id = api.connect(bank="nordlicht-sparbank", persona="ten-years-history")
    answer = extend(api, bank_login_id, 3650, state="s")
    assert answer.status_code == 201, answer.text
    page = opened(api, answer.json()["url"])
    assert page.status_code == 200
    assert "Approve in your Nordlicht Sparbank app" in page.text


def test_more_days_than_the_bank_gives_is_422_naming_the_maximum(api):
    bank_login_id = api.connect(bank="nordlicht-sparbank", persona="ten-years-history")
    answer = extend(api, bank_login_id, 3651)
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["details"]["max_history_days"] == 3650 and "3650" in error["message"]


def test_a_bank_without_more_history_refuses_any_extension(api):
    bank_login_id = api.connect()  # Rheinwert Bank: 90 days, no more
    answer = extend(api, bank_login_id, 91)
    assert answer.status_code == 422
    assert answer.json()["error"]["details"]["max_history_days"] == 90


def test_extending_a_login_that_is_not_connected_is_409(api):
    bank_login_id = api.connect(bank="nordlicht-sparbank", persona="ten-years-history")
    api.advance("P181D")
    answer = extend(api, bank_login_id, 365)
    assert answer.status_code == 409
    assert answer.json()["error"]["details"]["state"] == "sca_required"


@pytest.mark.parametrize("days", [0, -1, "365", 365.5, None, 10**9])
def test_days_must_be_a_positive_whole_number(api, days):
    bank_login_id = api.connect(bank="nordlicht-sparbank", persona="ten-years-history")
    assert extend(api, bank_login_id, days).status_code == 422


def test_extending_an_unknown_bank_login_is_404(api):
    assert extend(api, 999, 365).status_code == 404


def test_both_need_credentials(api):
    bank_login_id = api.connect()
    for path in ("renew", "extend-history"):
        answer = api.client.post(
            f"/api/v1/bank-logins/{bank_login_id}/{path}",
            json={"redirect_uri": CALLBACK, "days": 365},
        )
        assert answer.status_code == 401
