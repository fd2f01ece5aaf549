"""What a finished command returns in its `<result>`: only its own import (reference §7), the
session's bank login as the command's scope picks it. A default import gives the owners, the
accounts with their transactions from `since` (never further back than the session reaches),
and the credit cards with theirs, in the order of the captured
v1.command-reply.default-import.xml; the per-resource commands give their part."""

from __future__ import annotations

from xml.etree.ElementTree import Element

from sandbox.domain.accounts import HeldAccount
from sandbox.domain.bank_sessions import BankSession, Resource, Scope
from sandbox.domain.imports import ImportJob
from sandbox.domain.platform import Platform
from sandbox.domain.records import Person
from sandbox.domain.tenants import Tenant
from sandbox.faces.kontomatik import xml
from sandbox.faces.kontomatik.data import CARD, DEPOSIT, account_xml, address, owner_xml, owners_xml

ACCOUNT_PARTS = {Resource.ALL, Resource.ACCOUNTS, Resource.ACCOUNT_TRANSACTIONS}
CARD_PARTS = {Resource.ALL, Resource.CARDS, Resource.CARD_TRANSACTIONS}
WITH_MONEY = {Resource.ALL, Resource.ACCOUNT_TRANSACTIONS, Resource.CARD_TRANSACTIONS}


def result_xml(
    platform: Platform,
    tenant: Tenant,
    command: Element,
    session: BankSession,
    scope: Scope,
    job: ImportJob,
) -> None:
    if scope.resource is Resource.SIGN_OUT:
        return
    result = xml.child(command, "result")
    holder = platform.bank_logins.holder(tenant, session.bank_login_id)
    login = platform.bank_logins.get(tenant, session.bank_login_id)
    country = platform.banks.get(tenant, login.bank_id).country
    if scope.resource in (Resource.ALL, Resource.OWNERS):
        person = platform.bank_logins.person(tenant, session.bank_login_id)
        if person is None:
            owners_xml(result, holder)
        else:
            owners = xml.child(result, "owners")
            for co_owner in holder.co_owners:  # first, as in the captured reply
                owner_xml(owners, co_owner, "CO_OWNER")
            _person_xml(owners, person, country)
    if scope.resource is Resource.OWNERS:
        return
    held = platform.accounts.of_user(tenant, session.user_id, bank_login_id=session.bank_login_id)
    options = {
        "country": country,
        "since": session.first_day(scope, job.created_at.date()),
        "money": scope.resource in WITH_MONEY,
        "partial": job.partial,
    }
    lists = []
    if scope.resource in ACCOUNT_PARTS:
        lists.append(("accounts", "account", _picked(held, scope, card=False)))
    cards = _picked(held, scope, card=True)
    if scope.resource in CARD_PARTS and (cards or scope.resource is not Resource.ALL):
        lists.append(("creditCards", "creditCard", cards))
    for name, tag, picked in lists:
        listed = xml.child(result, name)
        for one in picked:
            account_xml(platform, tenant, xml.child(listed, tag), one, holder, **options)


def _person_xml(parent: Element, person: Person, country: str) -> None:
    """The owner with the details the bank keeps, in the order of Kontomatik's Owner (its
    PHP SDK's `Owner.php`): a PESEL only at a Polish bank."""
    owner = xml.child(parent, "owner")
    xml.child(owner, "name", person.name)
    xml.child(owner, "address", address(person.address))
    if country.upper() == "PL" and person.national_id.isdigit():
        xml.child(owner, "polishPesel", person.national_id)
    xml.child(owner, "phone", person.phone)
    xml.child(owner, "email", person.email)
    xml.child(owner, "birthDate", person.birth_date.isoformat())
    xml.child(owner, "kind", "OWNER")


def _picked(held: list[HeldAccount], scope: Scope, *, card: bool) -> list[HeldAccount]:
    """The cards, or the accounts (deposits have a list of their own), the import shows."""
    kinds = [one for one in held if (one.account.type == CARD) is card]
    return [one for one in kinds if one.account.type != DEPOSIT and scope.picks(one.account)]
