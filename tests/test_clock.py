"""The virtual clock: offset or frozen, moves forward only."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sandbox.clock import EARLIEST, LATEST, Clock, ClockError, ClockOutOfRange

REAL = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
START = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)


def test_running_clock_follows_real_time_from_its_start():
    clock = Clock.starting_at(START, frozen=False, real=REAL)
    assert clock.now(REAL) == START
    assert clock.now(REAL + timedelta(seconds=30)) == START + timedelta(seconds=30)


def test_frozen_clock_stands_still():
    clock = Clock.starting_at(START, frozen=True, real=REAL)
    assert clock.now(REAL + timedelta(days=3)) == START


def test_advance_moves_both_kinds_forward():
    running = Clock.starting_at(START, frozen=False, real=REAL).advanced(timedelta(days=181))
    frozen = Clock.starting_at(START, frozen=True, real=REAL).advanced(timedelta(days=181))
    assert running.now(REAL) == frozen.now(REAL) == START + timedelta(days=181)


def test_set_jumps_to_an_instant_and_refuses_the_past():
    clock = Clock.starting_at(START, frozen=False, real=REAL)
    later = datetime(2027, 6, 1, 9, 0, tzinfo=UTC)
    assert clock.set_to(later, real=REAL).now(REAL) == later
    with pytest.raises(ClockError, match="only moves forward"):
        clock.set_to(START - timedelta(seconds=1), real=REAL)
    with pytest.raises(ClockError, match="time zone"):
        clock.set_to(datetime(2027, 6, 1), real=REAL)


def test_negative_advance_is_refused():
    with pytest.raises(ClockError):
        Clock().advanced(timedelta(seconds=-1))


def test_freeze_then_unfreeze_resumes_from_the_frozen_instant():
    clock = Clock.starting_at(START, frozen=False, real=REAL).freeze(real=REAL)
    assert clock.frozen and clock.now(REAL + timedelta(hours=5)) == START
    resumed = clock.unfreeze(real=REAL + timedelta(hours=5))
    assert not resumed.frozen
    assert resumed.now(REAL + timedelta(hours=5)) == START
    assert resumed.now(REAL + timedelta(hours=6)) == START + timedelta(hours=1)


@given(st.lists(st.integers(min_value=0, max_value=10**9), max_size=20), st.booleans())
def test_advances_add_up(steps, frozen):
    clock = Clock.starting_at(START, frozen=frozen, real=REAL)
    for seconds in steps:
        clock = clock.advanced(timedelta(seconds=seconds))
    assert clock.now(REAL) == START + timedelta(seconds=sum(steps))


def test_a_clock_starts_only_within_its_range():
    for start in (EARLIEST, LATEST):
        assert Clock.starting_at(start, frozen=True, real=REAL).now() == start
    for start in (EARLIEST - timedelta(microseconds=1), LATEST + timedelta(microseconds=1)):
        with pytest.raises(ClockOutOfRange, match="2000-01-01 to 2999-12-31"):
            Clock.starting_at(start, frozen=False, real=REAL)


def test_a_clock_is_set_only_within_its_range():
    clock = Clock.starting_at(START, frozen=False, real=REAL)
    assert clock.set_to(LATEST, real=REAL).now(REAL) == LATEST
    # An instant past year 9999 once in UTC, which no datetime arithmetic can even reach.
    past_9999 = datetime(9999, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-2)))
    for instant in (LATEST + timedelta(microseconds=1), past_9999):
        with pytest.raises(ClockOutOfRange) as refused:
            clock.set_to(instant, real=REAL)
        assert refused.value.code == "clock_out_of_range"
    with pytest.raises(ClockError, match="only moves forward"):  # backwards stays a 409
        clock.set_to(datetime(1999, 1, 1, tzinfo=UTC), real=REAL)


@given(
    st.timedeltas(min_value=timedelta(0), max_value=timedelta.max),
    st.datetimes(min_value=EARLIEST.replace(tzinfo=None), max_value=LATEST.replace(tzinfo=None)),
    st.booleans(),
)
def test_any_advance_lands_within_the_range_or_is_refused(delta, start, frozen):
    clock = Clock.starting_at(start.replace(tzinfo=UTC), frozen=frozen, real=REAL)
    try:
        moved = clock.advanced(delta, real=REAL)
    except ClockOutOfRange:
        assert delta > LATEST - clock.now(REAL)
    else:
        assert EARLIEST <= moved.now(REAL) <= LATEST
