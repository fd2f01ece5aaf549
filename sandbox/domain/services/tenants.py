"""Tenants and their virtual clocks, as the control API steers them."""

from __future__ import annotations

from datetime import datetime, timedelta

from sandbox.domain import consents, tenants
from sandbox.domain.errors import InvalidInput, NotFound
from sandbox.domain.tenants import Tenant, TenantOptions
from sandbox.scenario import (
    Scenario,
    ScenarioError,
    load_scenario,
    load_scenario_text,
    shipped_scenarios,
)
from sandbox.store.database import Database


class Tenants:
    def __init__(
        self, db: Database, scenario: Scenario, scenario_name: str, *, allow_link_local: bool
    ) -> None:
        self._db, self._scenario, self._scenario_name = db, scenario, scenario_name
        # SANDBOX_WEBHOOK_ALLOW_LINK_LOCAL: whether a scenario's webhook may be link-local.
        self._allow_link_local = allow_link_local

    def create(
        self,
        options: TenantOptions,
        *,
        scenario: str | None = None,
        scenario_yaml: str | None = None,
    ) -> Tenant:
        """A fresh isolated tenant on a shipped scenario (the served one when None) or on
        scenario YAML given as text; an invalid scenario is InvalidInput listing each problem
        with its line. Parsing is CPU work: a face runs this off its event loop."""
        chosen, name = self._scenario_for(scenario, scenario_yaml)
        return tenants.create_tenant(self._db, chosen, name, options)

    def _scenario_for(self, name: str | None, text: str | None) -> tuple[Scenario, str]:
        try:
            if text is not None:
                scenario = load_scenario_text(
                    text, "scenario_yaml", allow_link_local=self._allow_link_local
                )
                return scenario, scenario.name
            if name is None or name == self._scenario_name:
                return self._scenario, self._scenario_name
            shipped = shipped_scenarios()
            if name not in shipped:
                raise NotFound(f"no shipped scenario {name!r}", details={"known": sorted(shipped)})
            return load_scenario(shipped[name], allow_link_local=self._allow_link_local), name
        except ScenarioError as error:
            details = [
                {"line": p.line, "path": p.path, "message": p.message, "file": p.file}
                for p in error.problems
            ]
            raise InvalidInput("the scenario is not valid", details=details) from None

    def get(self, tenant_id: str) -> Tenant:
        return tenants.get_tenant(self._db, tenant_id)

    def list(self) -> list[Tenant]:
        return tenants.list_tenants(self._db)

    def delete(self, tenant_id: str) -> None:
        tenants.delete_tenant(self._db, tenant_id)

    def reset(self, tenant_id: str) -> Tenant:
        return tenants.reset_tenant(self._db, tenant_id)


class Clocks:
    """Each tenant's virtual clock: read, moved forward, set, frozen."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def move(
        self,
        tenant_id: str,
        *,
        advance: timedelta | None = None,
        to: datetime | None = None,
        freeze: bool | None = None,
    ) -> Tenant:
        """Move the clock one way (exactly one of the three); the consent notices that fall
        due as time passes go out now rather than at the watcher's next look."""
        tenant = tenants.get_tenant(self._db, tenant_id)
        if advance is not None:
            clock = tenant.clock.advanced(advance)
        elif to is not None:
            clock = tenant.clock.set_to(to)
        else:
            clock = tenant.clock.freeze() if freeze else tenant.clock.unfreeze()
        tenant = tenants.save_clock(self._db, tenant, clock)
        consents.watch(self._db, tenant.id)
        return tenant
