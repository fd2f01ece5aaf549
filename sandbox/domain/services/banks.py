"""The bank catalogue: the tenant's banks, one lookup and one search for every face."""

from __future__ import annotations

from sandbox.domain.bank_choice import find_bank
from sandbox.domain.bank_logins import preferred_source
from sandbox.domain.banks import Bank, Source, matches
from sandbox.domain.tenants import Tenant


class Banks:
    def all(self, tenant: Tenant) -> list[Bank]:
        return list(tenant.scenario.banks)

    def get(self, tenant: Tenant, bank_id: str) -> Bank:
        """The bank; UnknownBank when the tenant's scenario has none by that id."""
        return find_bank(tenant, bank_id)

    def preferred_source(self, bank: Bank) -> Source:
        """The source a new connection to `bank` goes through: its enabled source with the
        lowest priority (a scenario never disables them all)."""
        return preferred_source(bank)

    def search(
        self,
        tenant: Tenant,
        *,
        text: str | None = None,
        country: str | None = None,
        bic: str | None = None,
        account_types: list[str] | None = None,
        among: list[Bank] | None = None,
    ) -> list[Bank]:
        """The banks matching every criterion given (see `sandbox.domain.banks.matches`), in
        the scenario's order; `among` narrows the search to banks a flow offers."""
        banks = tenant.scenario.banks if among is None else among
        return [
            bank
            for bank in banks
            if matches(bank, text=text, country=country, bic=bic, account_types=account_types)
        ]
