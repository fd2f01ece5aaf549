"""Which bank and account type a connection is for, and where its login is typed (as the connect
platform documents it).

The same rules serve the bank list of the hosted UI and a session whose client named the bank
(`bank_id`), so a preselected bank starts exactly where choosing it in the list would lead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sandbox.domain.bank_logins import preferred_source
from sandbox.domain.errors import UnknownBank
from sandbox.domain.progress import Step
from sandbox.domain.records import BankLogin
from sandbox.domain.tenants import Tenant
from sandbox.errors import InvalidInput
from sandbox.scenario.model import AccountType, AuthMechanism, Bank, ScaApproach


def find_bank(tenant: Tenant, bank_id: str) -> Bank:
    try:
        return tenant.scenario.bank(bank_id)
    except KeyError:
        raise UnknownBank(f"no bank {bank_id!r}", details={"bank_id": bank_id}) from None


def account_types(bank: Bank, options: Mapping[str, Any]) -> list[AccountType]:
    """The types the user may pick: the bank's, narrowed by the session's `account_types`."""
    wanted = options.get("account_types")
    return [t for t in bank.account_types if not wanted or t.value in wanted]


def offers(bank: Bank, options: Mapping[str, Any]) -> bool:
    """Whether a session with these options lets the user pick `bank`: one of the session's
    banks (`bank_ids`, when it names some) offering one of the types asked for."""
    wanted = options.get("bank_ids")
    return (not wanted or bank.id in wanted) and bool(account_types(bank, options))


def approach(bank: Bank, account_type: str | None) -> ScaApproach:
    kind = AccountType(account_type) if account_type else None
    return preferred_source(bank).sca_for(kind)


def at_bank_page(bank: Bank, account_type: str | None) -> bool:
    """Where credentials are typed: the bank's own page for a webauth source or redirect SCA."""
    source = preferred_source(bank)
    return source.auth is AuthMechanism.WEBAUTH or approach(bank, account_type) is (
        ScaApproach.REDIRECT
    )


def login_step(bank: Bank, account_type: str | None) -> Step:
    return Step.BANK_LOGIN if at_bank_page(bank, account_type) else Step.CREDENTIALS


def landing(bank: Bank, options: Mapping[str, Any]) -> dict[str, Any]:
    """What the flow's progress becomes once `bank` is chosen (`Progress` fields): its
    account-type choice when it offers several of the types asked for, else straight to where
    the login is typed."""
    types = account_types(bank, options)
    if not types:
        raise InvalidInput(
            f"{bank.name} offers none of the account types asked for",
            details={"bank_id": bank.id},
        )
    if len(types) > 1:
        return {"step": Step.ACCOUNT_TYPE, "bank_id": bank.id, "account_type": None}
    chosen = types[0].value
    return {"step": login_step(bank, chosen), "bank_id": bank.id, "account_type": chosen}


def direct_account_type(bank: Bank, account_type: str | None) -> str | None:
    """The account type of a connection made without the hosted UI: the one asked for, else
    the one the UI lands on (a bank's only type); None at a bank of several types connects
    every type."""
    if account_type is None:
        return landing(bank, {})["account_type"]
    if account_type not in {t.value for t in bank.account_types}:
        raise InvalidInput(
            f"{bank.name} does not offer {account_type!r} accounts",
            details={"account_type": account_type},
        )
    return account_type


def renewal_start(bank: Bank, login: BankLogin) -> dict[str, Any]:
    """What the flow's progress becomes when it renews `login` (`Progress` fields): where its
    login is typed, with the persona's login name fixed (a renewal must authenticate the same
    customer)."""
    return {
        "step": login_step(bank, login.account_type),
        "bank_id": bank.id,
        "account_type": login.account_type,
        "renew_login_id": login.id,
        "renew_login": login.persona_login,
        "persona_login": None,
        "challenge_id": None,
    }
