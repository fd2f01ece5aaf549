"""The command catalog: one target per source of each of the tenant's banks, as Kontomatik
lists them (reference/kontomatik-xml/v1.commands-catalog-reply.xml): `{Name}Api` with
`psd2="true"` for a bank's API source, `{Name}` for its web source, with `_{country}` after both
outside Poland; the institution is the bank; a web target names its login field."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from sandbox.domain.banks import Bank
from sandbox.faces.kontomatik import xml

# Every target runs every import command of the API; a PSD2 target can end its consent's
# session too (SignOutCommand), a website's cannot, as the captured KontoBank lacks it.
COMMANDS = (
    "DefaultImportCommand",
    "EnterCredentialCommand",
    "ImportAccountsCommand",
    "ImportAccountTransactionsCommand",
    "ImportCreditCardsCommand",
    "ImportCreditCardTransactionsCommand",
    "ImportOwnersDetailsCommand",
)
SIGN_OUT = "SignOutCommand"
BUSINESS_TYPES = {"small_business"}


@dataclass(frozen=True)
class Target:
    name: str
    institution: str
    official_name: str
    official_url: str
    country: str
    psd2: bool
    login_name: str | None  # a web target's login field, as its bank labels it
    bank_id: str


def camel(name: str) -> str:
    """'Nordlicht Sparbank' -> 'NordlichtSparbank', 'Bank Wiślany' -> 'BankWislany'."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(word[:1].upper() + word[1:] for word in plain.replace("-", " ").split())


def targets_of(bank: Bank) -> list[Target]:
    """The bank's targets, its preferred source first. Its official URL is a reserved name
    (`.test`), since a fake bank has no website."""
    official_url = f"https://{bank.id}.bank-sandbox.test"
    country = bank.country.lower()
    suffix = "" if country == "pl" else f"_{country}"
    institution = camel(bank.name) + suffix
    found = []
    for source in sorted(bank.sources, key=lambda source: source.priority):
        if source.disabled:
            continue
        api = source.kind.value == "api"
        found.append(
            Target(
                name=f"{camel(bank.name)}{'Api' if api else ''}{suffix}",
                institution=institution,
                official_name=bank.name,
                official_url=official_url,
                country=country,
                psd2=api,
                login_name=None if api else bank.login_fields.login,
                bank_id=bank.id,
            )
        )
    return found


def commands_of(target: Target) -> tuple[str, ...]:
    return (*COMMANDS, SIGN_OUT) if target.psd2 else COMMANDS


def target_xml(parent: Element, target: Target) -> Element:
    element = xml.child(
        parent,
        "target",
        country=target.country,
        name=target.name,
        institution=target.institution,
        officialName=target.official_name,
        officialUrl=target.official_url,
        loginName=target.login_name,
        psd2="true" if target.psd2 else None,
    )
    types = xml.child(element, "supportedAccountTypes")
    xml.child(types, "supportedAccountType", name="Individual")
    commands = xml.child(element, "commands")
    for command in commands_of(target):
        xml.child(commands, "command", name=command)
    metadata = xml.child(element, "credentialsMetadata")
    credential = xml.child(
        metadata, "credentialMetadata", kind="API_SETUP" if target.psd2 else "STATIC_LOGIN"
    )
    xml.child(credential, "name", target.login_name or "")
    xml.child(credential, "supported", True)
    xml.child(credential, "asterisked", False)
    return element
