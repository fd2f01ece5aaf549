"""`sandbox.iso`: how every event, face and summary writes a time or a day."""

from datetime import UTC, date, datetime, timedelta, timezone

from sandbox.iso import iso


def test_an_instant_keeps_its_offset_a_day_is_a_date_and_none_stays_null():
    assert iso(datetime(2026, 1, 15, 9, 0, tzinfo=UTC)) == "2026-01-15T09:00:00+00:00"
    berlin = timezone(timedelta(hours=1))
    assert iso(datetime(2026, 1, 15, 10, 0, 0, 5, tzinfo=berlin)) == (
        "2026-01-15T10:00:00.000005+01:00"
    )
    assert iso(date(2026, 2, 28)) == "2026-02-28"
    assert iso(None) is None
