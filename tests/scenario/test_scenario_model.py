"""The scenario schema's bounds on dates and spans: every date the sandbox works out from a
scenario stays countable, so a scenario never turns into a server error later."""

from __future__ import annotations

import pytest

from sandbox.clock import parse_duration
from sandbox.scenario import ScenarioError, load_scenario_text
from sandbox.scenario.model import MAX_DAYS

BANK = "banks:\n  - {id: b, name: B, country: DE, %s}\n"
OUT_OF_RANGE = "is outside the range a clock may show, 2000-01-01 to 2999-12-31 (UTC)"


def problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as refused:
        load_scenario_text(text, "s.yaml")
    return [str(problem) for problem in refused.value.problems]


@pytest.mark.parametrize("start", ["9999-12-31T23:59:59Z", "1999-12-31T23:59:59Z"])
def test_a_clock_start_outside_the_clocks_range_is_refused(start):
    text = BANK % "colour: '#123456'" + f"clock: {{start: {start}}}\n"
    shown = start.replace("Z", "+00:00")
    assert problems(text) == [f"s.yaml:3: clock.start: {shown} {OUT_OF_RANGE}"]


def test_a_behaviour_date_outside_the_clocks_range_is_refused():
    text = BANK % "colour: '#123456'" + (
        "personas:\n"
        "  - login: late\n"
        "    bank: b\n"
        "    behaviours: [{event: bank_down, on: {date: 9999-12-31T00:00:00Z}}]\n"
    )
    assert problems(text) == [
        f"s.yaml:6: personas[0].behaviours[0].on: 9999-12-31T00:00:00+00:00 {OUT_OF_RANGE}"
    ]


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("consent_days: 99999999", f"Input should be less than or equal to {MAX_DAYS}"),
        ("history_days: 3000000", f"Input should be less than or equal to {MAX_DAYS}"),
        ("decoupled_timeout: P40000D", f"longer than the limit of {MAX_DAYS} days"),
        ("decoupled_timeout: P99999999999D", "is longer than the longest duration, P999999999D"),
        ("decoupled_timeout: .inf", "inf seconds is not a duration the sandbox can count"),
        ("decoupled_timeout: 1.0e+300", "seconds is not a duration the sandbox can count"),
    ],
)
def test_spans_longer_than_a_century_are_refused_at_their_line(setting, message):
    (problem,) = problems(BANK % setting)
    assert problem.startswith(f"s.yaml:2: banks[0].{setting.split(':')[0]}: ")
    assert message in problem


def test_a_century_is_still_a_valid_span():
    scenario = load_scenario_text(BANK % f"consent_days: {MAX_DAYS}, decoupled_timeout: P36500D")
    assert scenario.banks[0].consent_days == MAX_DAYS


@pytest.mark.parametrize(
    "text", ["P99999999999D", "PT99999999999999999999S", "P" + "9" * 5000 + "D"]
)
def test_parse_duration_refuses_what_no_timedelta_holds_with_a_value_error(text):
    with pytest.raises(ValueError, match="is longer than the longest duration"):
        parse_duration(text)
