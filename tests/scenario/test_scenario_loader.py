"""Loading scenarios: every problem at once, each as FILE:LINE: path: message."""

from datetime import UTC, datetime
from pathlib import Path
from textwrap import dedent

import pytest

from sandbox.scenario import ScenarioError, load_scenario, load_scenario_text
from sandbox.scenario.model import AccountType, ScaApproach

BASE = """\
seed: 7
clock:
  start: 2026-01-15T09:00:00Z
banks:
  - id: hausbank
    name: Hausbank
    country: DE
    account_types: [checking, savings]
personas:
  - login: alice
    bank: hausbank
    accounts:
      - id: main
        opened: 2020-01-01
"""


def problems_of(tmp_path: Path, text: str, name: str = "s.yaml") -> list[str]:
    path = tmp_path / name
    path.write_text(dedent(text))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    return [str(problem).replace(f"{tmp_path}/", "") for problem in caught.value.problems]


def test_a_valid_scenario_loads_with_defaults(tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text(BASE)
    scenario = load_scenario(path)
    bank = scenario.bank("hausbank")
    assert scenario.name == "ok"
    assert scenario.clock.start == datetime(2026, 1, 15, 9, tzinfo=UTC)
    assert bank.consent_days == 180 and bank.history_days == 90 and bank.syncs_per_day == 4
    assert bank.decoupled_timeout.total_seconds() == 300
    assert bank.sources[0].sca is ScaApproach.EMBEDDED
    assert bank.account_types == [AccountType.CHECKING, AccountType.SAVINGS]
    assert scenario.persona("hausbank", "alice").accounts[0].id == "main"


def test_unknown_key_names_the_line_and_suggests_the_right_one(tmp_path):
    found = problems_of(
        tmp_path, BASE.replace("    country: DE\n", "    country: DE\n    colur: '#ff0000'\n")
    )
    assert found == ["s.yaml:8: banks[0].colur: unknown key `colur`; did you mean `colour`?"]


def test_wrong_type_is_reported_at_its_line(tmp_path):
    found = problems_of(tmp_path, BASE.replace("seed: 7", "seed: seven"))
    assert len(found) == 1 and found[0].startswith(
        "s.yaml:1: seed: Input should be a valid integer"
    )


def test_bad_enum_value_lists_the_allowed_ones(tmp_path):
    found = problems_of(tmp_path, BASE.replace("[checking, savings]", "[checking, pension]"))
    assert len(found) == 1
    assert found[0].startswith("s.yaml:8: banks[0].account_types[1]: Input should be 'checking'")
    assert "(got 'pension')" in found[0]


def test_dangling_bank_reference(tmp_path):
    found = problems_of(tmp_path, BASE.replace("bank: hausbank", "bank: nobank"))
    assert found == ["s.yaml:11: personas[0].bank: unknown bank 'nobank' (banks: hausbank)"]


def test_duplicate_ids(tmp_path):
    text = BASE.replace(
        "personas:",
        "  - id: hausbank\n    name: Again\n    country: FR\npersonas:",
    )
    found = problems_of(tmp_path, text)
    assert found == ["s.yaml:9: banks[1].id: duplicate id 'hausbank' (also banks[0])"]


def test_duplicate_persona_login_at_the_same_bank(tmp_path):
    text = BASE + "  - login: alice\n    bank: hausbank\n"
    found = problems_of(tmp_path, text)
    assert found == [
        "s.yaml:15: personas[1].login: duplicate persona 'alice' at bank 'hausbank' (also personas[0])"
    ]


def test_negative_days_are_impossible(tmp_path):
    found = problems_of(
        tmp_path, BASE.replace("    country: DE\n", "    country: DE\n    consent_days: -5\n")
    )
    assert found == [
        "s.yaml:8: banks[0].consent_days: Input should be greater than or equal to 1 (got -5)"
    ]


def test_opening_date_after_clock_start_is_impossible(tmp_path):
    found = problems_of(tmp_path, BASE.replace("opened: 2020-01-01", "opened: 2026-02-01"))
    assert found == [
        "s.yaml:14: personas[0].accounts[0].opened: 2026-02-01 is after the clock start (2026-01-15)"
    ]


def test_account_type_the_bank_does_not_offer(tmp_path):
    text = BASE.replace("      - id: main\n", "      - id: main\n        type: loan\n")
    found = problems_of(tmp_path, text)
    assert found == [
        "s.yaml:14: personas[0].accounts[0].type: bank 'hausbank' does not offer 'loan' accounts "
        "(it offers checking, savings)"
    ]


def test_behaviour_naming_an_unknown_account(tmp_path):
    text = (
        BASE
        + "    behaviours:\n      - on: {sync: 2}\n        event: account_disappears\n        account: spare\n"
    )
    found = problems_of(tmp_path, text)
    assert found == [
        "s.yaml:18: personas[0].behaviours[0].account: persona has no account 'spare' (accounts: main)"
    ]


def test_trigger_needs_exactly_one_of_sync_or_date(tmp_path):
    text = (
        BASE
        + "    behaviours:\n      - on: {sync: 2, date: 2026-03-01T00:00:00Z}\n        event: bank_down\n"
    )
    found = problems_of(tmp_path, text)
    assert found == [
        "s.yaml:16: personas[0].behaviours[0].on: give exactly one of `sync` (a sync number) or `date`"
    ]


def test_yaml_syntax_error_has_its_line(tmp_path):
    found = problems_of(tmp_path, BASE.replace("    name: Hausbank", "    name: [Hausbank"))
    assert len(found) == 1 and found[0].startswith("s.yaml:7: (top): YAML syntax:")


def test_duplicate_yaml_key(tmp_path):
    found = problems_of(tmp_path, BASE.replace("seed: 7\n", "seed: 7\nseed: 8\n"))
    assert found == ["s.yaml:2: seed: duplicate key (first given on line 1)"]


def test_every_problem_is_reported_at_once_in_line_order(tmp_path):
    text = (
        BASE.replace("seed: 7", "seed: seven")
        .replace("bank: hausbank", "bank: nobank")
        .replace("opened: 2020-01-01", "opened: 2030-01-01")
    )
    lines = [int(found.split(":")[1]) for found in problems_of(tmp_path, text)]
    assert lines == [1, 11, 14]


def test_yaml_12_booleans_keep_on_and_no(tmp_path):
    text = BASE.replace("country: DE", "country: 'NO'").replace(
        "      - id: main", "      - id: main"
    )
    text += (
        "    behaviours:\n      - on: {sync: 2}\n        event: bank_down\n        duration: PT2H\n"
    )
    path = tmp_path / "no.yaml"
    path.write_text(text.replace("'NO'", "NO"))
    scenario = load_scenario(path)
    assert scenario.bank("hausbank").country == "NO"
    assert scenario.personas[0].behaviours[0].on.sync == 2


def test_extends_merges_by_id_and_reports_lines_in_the_right_file(tmp_path):
    (tmp_path / "base.yaml").write_text(BASE)
    child = dedent("""\
        extends: base.yaml
        seed: 9
        banks:
          - id: hausbank
            name: Hausbank Renamed
            country: DE
          - id: newbank
            name: New Bank
            country: FR
        personas:
          - login: bob
            bank: newbank
            accounts:
              - id: main
                currency: EURO
        """)
    found = problems_of(tmp_path, child, name="child.yaml")
    assert found == [
        "child.yaml:15: personas[0].accounts[0].currency: 'EURO' is not a three-letter ISO "
        "currency code like EUR"
    ]
    (tmp_path / "child.yaml").write_text(child.replace("EURO", "EUR"))
    scenario = load_scenario(tmp_path / "child.yaml")
    assert scenario.seed == 9
    assert [bank.name for bank in scenario.banks] == ["Hausbank Renamed", "New Bank"]
    assert [(p.bank, p.login) for p in scenario.personas] == [
        ("hausbank", "alice"),
        ("newbank", "bob"),
    ]


def test_a_problem_inherited_from_the_parent_names_the_parent_file(tmp_path):
    (tmp_path / "base.yaml").write_text(BASE.replace("opened: 2020-01-01", "opened: 2026-06-01"))
    found = problems_of(tmp_path, "extends: base.yaml\nname: child\n", name="child.yaml")
    assert found == [
        "base.yaml:14: personas[0].accounts[0].opened: 2026-06-01 is after the clock start (2026-01-15)"
    ]


def test_text_from_the_api_may_extend_a_shipped_scenario_but_not_a_path(tmp_path):
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text("extends: ../../etc/passwd.yaml\n", "scenario_yaml")
    assert "may only extend a shipped scenario" in str(caught.value)


def test_unknown_shipped_scenario(tmp_path):
    with pytest.raises(ScenarioError, match="no shipped scenario 'nope'"):
        load_scenario("nope")


def test_unprintable_characters_are_a_problem_not_a_crash():
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text("seed: 1\nname: >\x9eh\n", "scenario_yaml")
    assert str(caught.value) == "scenario_yaml:2: (top): YAML: character #x009e is not allowed"
