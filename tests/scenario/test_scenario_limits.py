"""Scenario size limits: a scenario over one is refused at once with a problem that names the
limit, by libyaml's parser and by PyYAML's own alike, and every shipped scenario stays far
below them."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sandbox.scenario import ScenarioError, limits, load_scenario_text, located
from sandbox.scenario.limits import MAX_CHARS, MAX_DEPTH, MAX_NODES, MAX_PERSONAS
from sandbox.scenario.located import read_yaml

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted(
    [*ROOT.glob("scenarios/*.yaml"), *ROOT.glob("scenarios/examples/*.yaml")],
)


def billion_laughs(levels: int) -> str:
    """Each anchor holds nine of the one before: `levels` lines stand for 9**levels values."""
    lines = ['l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [" + ",".join([f"*l{level - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


@pytest.fixture(params=["libyaml", "pyyaml"])
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test with the fast libyaml parser, then with PyYAML's own (its fallback)."""
    if request.param == "pyyaml":
        monkeypatch.setattr(located, "_FastLoader", None)
    elif located._FastLoader is None:
        pytest.fail("PyYAML was built without libyaml here; the fast path is not tested")
    return request.param


def problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as refused:
        load_scenario_text(text, "s.yaml")
    return [str(problem) for problem in refused.value.problems]


def test_nested_aliases_are_refused_by_their_count_not_by_expanding_them(parser, monkeypatch):
    measured = []
    real_children = limits._children
    monkeypatch.setattr(
        limits, "_children", lambda node: measured.append(node) or real_children(node)
    )
    text = billion_laughs(9)  # 432 bytes for 387,420,489 values
    assert len(text) < 500
    assert problems(text) == [
        # line 6: `l5`, the first anchor that stands for more (9**5 + ... = 597,871 values)
        f"s.yaml:6: (top): scenario too large: more than the limit of {MAX_NODES} values "
        "(an alias counts as all it stands for)"
    ]
    assert len(measured) < 500  # each node was looked at a few times, none expanded


def test_aliases_within_the_limit_still_work(parser):
    data, found = read_yaml(billion_laughs(4), "s.yaml")  # 9**4 = 6,561 values
    assert found == []
    assert len(data["l3"]) == 9 and data["l3"][8][8][8] == ["lol"] * 9


def test_an_alias_inside_its_own_anchor_is_refused(parser):
    assert problems("banks: &b [*b]\n") == [
        "s.yaml:1: (top): scenario too large: an alias inside the node it names repeats for ever"
    ]


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000,  # never closed: libyaml gives up at 1,000 levels, PyYAML would recurse
        "[" * 500 + "]" * 500,  # valid, and within libyaml's own limit
        "".join(f"{'  ' * level}l{level}:\n" for level in range(200)) + "  " * 200 + "end\n",
    ],
    ids=["unclosed", "flow", "block"],
)
def test_nesting_deeper_than_the_limit_is_a_problem_not_a_crash(parser, text):
    (problem,) = problems(text)
    assert problem.endswith(
        f"scenario too large: nested deeper than the limit of {MAX_DEPTH} levels"
    )


def test_the_deepest_nesting_allowed_still_reads(parser):
    def nested(levels: int) -> str:  # lists in lists, the innermost holding 1: a level too
        return "[" * (levels - 1) + "1" + "]" * (levels - 1)

    data, found = read_yaml(nested(MAX_DEPTH), "s.yaml")
    assert found == []
    for _ in range(MAX_DEPTH - 1):
        (data,) = data
    assert data == 1
    _, found = read_yaml(nested(MAX_DEPTH + 1), "s.yaml")
    assert [problem.message for problem in found] == [
        f"scenario too large: nested deeper than the limit of {MAX_DEPTH} levels"
    ]


def test_a_text_over_the_length_limit_is_refused_unread():
    text = "description: " + "x" * MAX_CHARS + "\n"
    assert problems(text) == [
        f"s.yaml:1: (top): scenario too large: longer than the limit of {MAX_CHARS} characters"
    ]


def test_more_personas_than_the_limit_are_refused_before_validation():
    personas = "".join(f"  - {{login: p{index}, bank: b}}\n" for index in range(MAX_PERSONAS + 1))
    text = "banks: [{id: b, name: B, country: DE}]\npersonas:\n" + personas
    assert problems(text) == [
        f"s.yaml:2: personas: scenario too large: more than the limit of {MAX_PERSONAS} personas"
    ]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2026-02-30T00:00:00Z", "day is out of range for month"),
        ("0000-01-01", "year 0 is out of range"),
        ("9" * 5000, "Exceeds the limit (4300 digits) for integer string conversion"),
    ],
    ids=["no-such-day", "year-zero", "5000-digits"],
)
def test_a_value_yaml_cannot_build_is_a_problem_at_its_line(parser, value, reason):
    (problem,) = problems(f"name: s\nseed: {value}\n")
    assert problem.startswith("s.yaml:2: (top): cannot read ")
    assert reason in problem


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.name)
def test_shipped_scenarios_use_less_than_a_tenth_of_each_limit(path):
    text = path.read_text()
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    nodes, levels = 0, 0
    stack = [(node, 1)]
    while stack:
        node, level = stack.pop()
        nodes, levels = nodes + 1, max(levels, level)
        stack.extend((child, level + 1) for child in limits._children(node))
    personas = yaml.safe_load(text).get("personas", [])
    assert len(text) * 10 < MAX_CHARS
    assert nodes * 10 < MAX_NODES
    assert levels * 4 < MAX_DEPTH  # nesting grows with the schema, not with the scenario
    assert len(personas) * 10 < MAX_PERSONAS
