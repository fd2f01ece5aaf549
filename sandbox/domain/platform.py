"""The running platform: the database, the scenario served by default, and the settings."""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.domain.tenants import ensure_scenario_tenants
from sandbox.scenario import Scenario, load_scenario
from sandbox.settings import Settings
from sandbox.store.database import Database, open_database


@dataclass
class Platform:
    settings: Settings
    db: Database
    scenario: Scenario
    scenario_name: str

    @classmethod
    def open(cls, settings: Settings, scenario: Scenario | None = None) -> Platform:
        """Open the database and load the scenario (unless given); raises SchemaMismatch or
        ScenarioError with a message for the user, before any socket is opened."""
        scenario = scenario or load_scenario(
            settings.scenario, allow_link_local=settings.webhook_allow_link_local
        )
        db = open_database(settings.database_url, reset=settings.reset)
        platform = cls(settings=settings, db=db, scenario=scenario, scenario_name=scenario.name)
        ensure_scenario_tenants(db, scenario, scenario.name)
        return platform

    def close(self) -> None:
        self.db.close()
