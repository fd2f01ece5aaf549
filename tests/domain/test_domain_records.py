"""A consent is over from its `expires_at` on, that instant included, for every reader; and a
sync reaches as far back as the consent covers."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from sandbox.domain.records import Consent, lapsed

END = datetime(2026, 7, 14, 9, 0, tzinfo=UTC)
CONSENT = Consent(granted_at=END - timedelta(days=180), expires_at=END, history_days=90)


def test_a_consent_is_over_at_its_end_and_not_a_microsecond_before():
    assert CONSENT.over(END) and CONSENT.over(END + timedelta(microseconds=1))
    assert not CONSENT.over(END - timedelta(microseconds=1))


@given(st.timedeltas(min_value=timedelta(days=-400), max_value=timedelta(days=400)))
def test_nothing_may_sync_without_a_consent_or_on_one_that_is_over(offset):
    now = END + offset
    assert lapsed(None, now)
    assert lapsed(CONSENT, now) == (now >= END)


def test_a_sync_reaches_as_far_as_the_consent_covers_else_the_banks_default(platform, world):
    login, _ = platform.bank_logins.connect_directly(
        world.tenant, external_user_id="u1", bank_id="rheinwert-bank", login="good"
    )
    assert login.consent is not None and login.consent.history_days == 90
    covering = replace(login, consent=replace(login.consent, history_days=400))
    assert covering.history_days(30) == 400
    assert replace(login, consent=None).history_days(30) == 30
