"""The virtual clock: offset or frozen, moves forward only."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sandbox.clock import Clock, ClockError

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
