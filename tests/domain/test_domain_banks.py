"""The bank catalogue's answer to "which source does a new connection go through?": the
enabled source with the lowest priority, whatever order the scenario lists them in."""

import pytest

from sandbox.domain.banks import SourceKind
from sandbox.domain.services.banks import Banks
from sandbox.scenario import load_scenario, load_scenario_text

REVERSED = """\
name: reversed
banks:
  - id: backwards
    name: Backwards Bank
    country: DE
    sources:
      - {kind: web, priority: 5}
      - {kind: api, priority: 2}
"""


@pytest.mark.parametrize(
    ("bank_id", "kind"),
    [
        ("nordlicht-sparbank", SourceKind.API),
        ("bursztyn-bank", SourceKind.WEB),
        ("cigale", SourceKind.WEB),  # its API source is disabled
    ],
)
def test_the_preferred_source_is_the_first_enabled_one(bank_id, kind):
    bank = load_scenario("default").bank(bank_id)
    assert Banks().preferred_source(bank).kind is kind


def test_priority_decides_not_the_order_listed():
    bank = load_scenario_text(REVERSED).bank("backwards")
    assert Banks().preferred_source(bank).kind is SourceKind.API


def test_no_enabled_source_comes_before_the_preferred_one():
    for bank in load_scenario("default").banks:
        chosen = Banks().preferred_source(bank)
        assert not chosen.disabled
        assert all(s.disabled or s.priority >= chosen.priority for s in bank.sources)
