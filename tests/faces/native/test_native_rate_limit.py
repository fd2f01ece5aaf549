"""Unattended refreshes are limited to the bank's count per 24 hours of virtual time."""

from datetime import datetime, timedelta


def refresh(api, login: int):
    return api.post(f"/bank-logins/{login}/refresh")


def test_the_fifth_refresh_in_a_day_is_429_until_the_window_moves(api):
    login = api.connect()
    api.advance("PT1H")
    first = datetime.fromisoformat("2026-01-15T10:00:00+00:00")
    for _ in range(4):
        assert refresh(api, login).status_code == 200
        api.advance("PT1H")
    refused = refresh(api, login)
    assert refused.status_code == 429
    next_sync_at = first + timedelta(hours=24)
    assert refused.json()["error"]["code"] == "rate_limited"
    assert refused.json()["error"]["details"] == {
        "state": "rate_limited",
        "next_sync_at": next_sync_at.isoformat(),
    }
    assert refused.headers["Retry-After"] == str(20 * 3600)  # it is 14:00 now
    read = api.get(f"/bank-logins/{login}").json()
    assert read["state"] == "rate_limited" and read["state_until"] == next_sync_at.isoformat()

    api.advance("PT20H")
    assert api.get(f"/bank-logins/{login}").json()["state"] == "connected"
    assert refresh(api, login).status_code == 200


def test_syncs_in_the_hosted_ui_are_not_counted(api):
    login = api.connect()  # the first sync, with the user, is not counted
    for _ in range(4):
        assert refresh(api, login).status_code == 200
    assert refresh(api, login).status_code == 429
