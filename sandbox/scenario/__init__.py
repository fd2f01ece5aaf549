"""Scenarios: the YAML files that declare tenants, banks and personas."""

from sandbox.scenario.loader import (
    ScenarioError,
    load_scenario,
    load_scenario_text,
    shipped_scenarios,
)
from sandbox.scenario.located import Problem
from sandbox.scenario.model import Scenario

__all__ = [
    "Problem",
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "load_scenario_text",
    "shipped_scenarios",
]
