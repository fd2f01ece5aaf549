"""Reading YAML with its lines: libyaml's parser (the fast path) and PyYAML's own give the same
values, the same lines and the same problems, and any text libyaml refuses is worded by PyYAML."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox.scenario import located
from sandbox.scenario.located import LocatedDict, LocatedList, read_yaml

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted([*ROOT.glob("scenarios/*.yaml"), ROOT / "bench" / "connect_flows.yaml"])


def shape(value: Any) -> Any:
    """The value with every line it remembers, as plain tuples that compare with ==."""
    if isinstance(value, LocatedDict):
        items = [(key, value.key_lines[key], shape(item)) for key, item in value.items()]
        return ("map", value.file, value.line, value.path, items)
    if isinstance(value, LocatedList):
        items = list(zip(value.item_lines, map(shape, value), strict=True))
        return ("seq", value.file, value.line, value.path, items)
    return value


def python_only(text: str, file: str) -> tuple[Any, list]:
    """What `read_yaml` gave before the fast path: PyYAML's parser alone."""
    fast, located._FastLoader = located._FastLoader, None
    try:
        return read_yaml(text, file)
    finally:
        located._FastLoader = fast


def assert_same(text: str) -> None:
    data, problems = read_yaml(text, "s.yaml")
    expected, expected_problems = python_only(text, "s.yaml")
    assert shape(data) == shape(expected)
    assert problems == expected_problems


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_scenario_reads_the_same(path):
    assert_same(path.read_text())


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\nb: 2\na: 3\n",  # a duplicate key, with the line of the first
        "? [1, 2]\n: pair\nok: yes\n",  # a key that is not text
        "base: &b {x: 1, y: 2}\nmore:\n  <<: *b\n  y: 3\n",  # a merge
        "on: NO\noff: yes\nflag: true\nFlag: False\nwhen: 2026-01-15\nn: 0x10\n",  # YAML 1.2 bools
        "list:\n  - a\n  -\n    - b\n    - {c: d}\n",
        "",  # an empty file
        "a: [1, 2\n",  # unclosed flow sequence
        "a:\n\tb: 1\n",  # a tab
        "a: 1\n b: 2\n",  # bad indentation
        "a: b: c\n",
        "a: \x07bell\n",  # a character YAML does not allow
        "- a\nb: c\n",
        "a: 'unterminated\n",
        "--- 1\n--- 2\n",  # two documents
    ],
)
def test_tricky_and_broken_texts_read_the_same(text):
    assert_same(text)


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.dates(),
)
documents = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(min_size=1, max_size=10), children, max_size=4)
    ),
    max_leaves=25,
)


@settings(max_examples=150, deadline=None)
@given(documents, st.booleans())
def test_any_dumped_document_reads_the_same(document, flow):
    assert_same(yaml.safe_dump(document, default_flow_style=flow, allow_unicode=True))
