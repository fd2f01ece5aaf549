"""Aggregated owner data (`GET /v1/data.xml`): everything imported for an owner (the tenant's
user of that id) across its bank logins, grouped under `<owner><target>` as the captured
`v1.data-reply.xml`: the target's owners, accounts with their money transactions, credit
cards, deposits. Labels are the categories module's, while the tenant has it on.

What was uploaded (Owner Upload, PDF statements, the native API's statement uploads) follows
the bank logins, one `<target origin="upload">` or `<target origin="pdf">` per upload: Kontomatik
aggregates AIS, PDF and Owner Upload data under one owner (reference §7), but its words for the
other origins are not public, so `origin` on a target is the sandbox's. The owner's `origin` is
that of its most recent source of data."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from xml.etree.ElementTree import Element

from sandbox.domain.accounts import HeldAccount
from sandbox.domain.platform import Platform
from sandbox.domain.records import BankLogin, Transaction
from sandbox.domain.tenants import Tenant
from sandbox.domain.uploads import Upload
from sandbox.faces.kontomatik import catalog, xml
from sandbox.money import from_minor
from sandbox.statements.model import Owner

CARD, DEPOSIT = "credit_card", "deposit"
# The owner's and a target's origin, by where its data came from: a bank login (Kontomatik's
# `api` or `scraper`: the sandbox says `api` for both), or an upload of this format.
BANK_ORIGIN = "api"
UPLOAD_ORIGINS = {"pdf": "pdf"}  # any other format: "upload"
# A target's name when the upload names no bank.
UNNAMED = {"upload": "OwnerUpload", "pdf": "PdfStatement"}
# The bank's own wording of a transaction's kind, from the kind the fake bank gives it.
KINDS = {
    "card": "CARD PAYMENT",
    "groceries": "CARD PAYMENT",
    "cash": "CASH WITHDRAWAL",
    "fees": "BANK FEE",
    "interest": "INTEREST",
    "loan": "LOAN REPAYMENT",
}


COUNTRY = re.compile(r"[A-Z]{2}")


def amount(value: Decimal) -> str:
    """Two decimals, as Kontomatik writes every amount."""
    return f"{value:.2f}"


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def owner_data(platform: Platform, tenant: Tenant, client: str, external_id: str) -> Element:
    """The reply for one owner; NotFound for an owner the tenant does not have."""
    user = platform.users.get(tenant, external_id)
    logins = platform.bank_logins.of_user(tenant, user.id)
    uploaded: dict[int, list[HeldAccount]] = {}
    for held in platform.accounts.of_user(tenant, user.id):
        if held.account.bank_login_id is None and held.account.upload_id is not None:
            uploaded.setdefault(held.account.upload_id, []).append(held)
    uploads = [platform.uploads.get(tenant, upload_id) for upload_id in sorted(uploaded)]
    reply = xml.root(200, tenant.now(), schema="get_data", user=client, owner=external_id)
    sources = [(login.updated_at, BANK_ORIGIN) for login in logins]
    sources += [(upload.created_at, origin_of(upload)) for upload in uploads]
    changed, origin = max(sources, default=(user.created_at, BANK_ORIGIN))
    owner = xml.child(
        reply,
        "owner",
        externalId=external_id,
        createdAt=_stamp(user.created_at),
        updatedAt=_stamp(changed),
        origin=origin,
        lastChange=_stamp(changed),
    )
    for login in logins:
        _target(platform, tenant, owner, user.id, login)
    for upload in uploads:
        _upload_target(platform, tenant, owner, upload, uploaded[upload.id])
    return reply


def origin_of(upload: Upload) -> str:
    return UPLOAD_ORIGINS.get(upload.format, "upload")


def _target(
    platform: Platform, tenant: Tenant, parent: Element, user_id: int, login: BankLogin
) -> None:
    bank = platform.banks.get(tenant, login.bank_id)
    target = catalog.targets_of(bank)[0]
    element = xml.child(
        parent,
        "target",
        name=target.name,
        officialName=target.official_name,
        institution=target.institution,
    )
    holder = platform.bank_logins.holder(tenant, login.id)
    held = platform.accounts.of_user(tenant, user_id, bank_login_id=login.id)
    _contents(platform, tenant, element, holder, held)


def _upload_target(
    platform: Platform, tenant: Tenant, parent: Element, upload: Upload, held: list[HeldAccount]
) -> None:
    """An upload's accounts, under the bank its statement names (if any)."""
    origin = origin_of(upload)
    bank_name = upload.bank.get("name")
    name = (catalog.camel(bank_name) if bank_name else "") or UNNAMED[origin]
    element = xml.child(
        parent,
        "target",
        name=name,
        officialName=bank_name or name,
        institution=name,
        origin=origin,
    )
    _contents(platform, tenant, element, _stored_owner(upload.owner), held)


def _stored_owner(stored: dict) -> Owner:
    """The owner an upload keeps as JSON (`domain/uploads.py`)."""
    co_owners = tuple(_stored_owner(one) for one in stored.get("co_owners") or ())
    return Owner(
        name=stored.get("name"), address=tuple(stored.get("address") or ()), co_owners=co_owners
    )


def _contents(
    platform: Platform, tenant: Tenant, element: Element, holder: Owner, held: list[HeldAccount]
) -> None:
    """A target's owners, accounts, credit cards and deposits."""
    _owners(element, holder)
    accounts = xml.child(element, "accounts")
    cards = xml.child(element, "creditCards")
    deposits = xml.child(element, "deposits")
    for one in held:
        kind = one.account.type
        if kind == CARD:
            _account(platform, tenant, xml.child(cards, "creditCard"), one, holder, card=True)
        elif kind == DEPOSIT:
            _account(platform, tenant, xml.child(deposits, "deposit"), one, holder, card=False)
        else:
            _account(platform, tenant, xml.child(accounts, "account"), one, holder, card=False)


def _owners(parent: Element, holder: Owner) -> None:
    """Co-owners first, then the owner, as Kontomatik's captured reply lists them."""
    owners = xml.child(parent, "owners")
    for co_owner in holder.co_owners:
        _owner(owners, co_owner, "CO_OWNER")
    _owner(owners, holder, "OWNER")


def _owner(parent: Element, holder: Owner, kind: str) -> None:
    if holder.name is None:
        return
    owner = xml.child(parent, "owner")
    xml.child(owner, "name", holder.name)
    if holder.address:
        xml.child(owner, "address", address(holder.address))
    xml.child(owner, "kind", kind)


def address(lines: tuple[str, ...]) -> str:
    """The lines on one line, as Kontomatik writes an address ("Stolarska 15/2 33-543
    Jaworzno"): a last line that is only a country code is left out."""
    shown = lines[:-1] if len(lines) > 1 and COUNTRY.fullmatch(lines[-1]) else lines
    return " ".join(line for line in shown if line)


def _account(
    platform: Platform,
    tenant: Tenant,
    element: Element,
    held: HeldAccount,
    holder: Owner,
    *,
    card: bool,
) -> None:
    account = held.account
    xml.child(element, "name", account.name)
    if card and account.masked_pan:
        xml.child(element, "number", account.masked_pan)
    else:
        xml.child(element, "friendlyName", (account.annotations or {}).get("name") or account.name)
    if account.iban:
        xml.child(element, "iban", account.iban)
    if account.balance is not None:
        xml.child(element, "currencyBalance", amount(account.balance))
        xml.child(element, "currencyFundsAvailable", amount(account.balance))
    xml.child(element, "currencyName", account.currency)
    transactions = platform.transactions.of_account(tenant, account.id)
    since = min((t.booked_on for t in transactions), default=account.discovered_at.date())
    xml.child(element, "activeSinceAtLeast", since.isoformat())
    if not card:
        xml.child(element, "directDebit", available=account.type == "checking")
    money = xml.child(element, "moneyTransactions")
    labels = platform.analytics.categories_of(tenant, transactions)
    for transaction in transactions:
        _transaction(money, transaction, labels.get(transaction.id))
    _owners(element, holder)


def _transaction(parent: Element, transaction: Transaction, label: str | None) -> None:
    element = xml.child(parent, "moneyTransaction")
    xml.child(element, "transactionOn", (transaction.value_on or transaction.booked_on).isoformat())
    xml.child(element, "bookedOn", transaction.booked_on.isoformat())
    xml.child(element, "currencyAmount", amount(transaction.amount))
    if transaction.balance_after_minor is not None:
        balance = from_minor(transaction.balance_after_minor, transaction.currency)
        xml.child(element, "currencyBalance", amount(balance))
    xml.child(element, "title", transaction.description)
    if transaction.counterparty_name:
        xml.child(element, "party", transaction.counterparty_name)
    if transaction.counterparty_iban:
        xml.child(element, "partyIban", transaction.counterparty_iban)
    incoming = transaction.amount > 0
    xml.child(
        element,
        "kind",
        KINDS.get(transaction.category or "", "INCOMING TRANSFER" if incoming else "TRANSFER"),
    )
    xml.child(element, "status", "DONE")
    if label is not None:
        labels = xml.child(element, "labels")
        xml.child(labels, "label", label.replace("_", " "))
