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
from datetime import date, datetime
from decimal import Decimal
from xml.etree.ElementTree import Element

from sandbox.domain.accounts import HeldAccount
from sandbox.domain.platform import Platform
from sandbox.domain.records import BankLogin, Transaction
from sandbox.domain.tenants import Tenant
from sandbox.domain.uploads import Upload
from sandbox.faces.kontomatik import catalog, wording, xml
from sandbox.money import from_minor
from sandbox.statements.model import Owner

CARD, DEPOSIT = "credit_card", "deposit"
# The owner's and a target's origin, by where its data came from: a bank login (Kontomatik's
# `api` or `scraper`: the sandbox says `api` for both), or an upload of this format.
BANK_ORIGIN = "api"
UPLOAD_ORIGINS = {"pdf": "pdf"}  # any other format: "upload"
# A target's name when the upload names no bank.
UNNAMED = {"upload": "OwnerUpload", "pdf": "PdfStatement"}
NO_COUNTRY = ""  # an upload's bank: its transactions' kinds in English
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
    _contents(platform, tenant, element, holder, held, bank.country)


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
    _contents(platform, tenant, element, _stored_owner(upload.owner), held, NO_COUNTRY)


def _stored_owner(stored: dict) -> Owner:
    """The owner an upload keeps as JSON (`domain/uploads.py`)."""
    co_owners = tuple(_stored_owner(one) for one in stored.get("co_owners") or ())
    return Owner(
        name=stored.get("name"), address=tuple(stored.get("address") or ()), co_owners=co_owners
    )


def _contents(
    platform: Platform,
    tenant: Tenant,
    element: Element,
    holder: Owner,
    held: list[HeldAccount],
    country: str,
) -> None:
    """A target's owners, accounts, credit cards and deposits."""
    owners_xml(element, holder)
    accounts = xml.child(element, "accounts")
    cards = xml.child(element, "creditCards")
    deposits = xml.child(element, "deposits")
    places = {CARD: (cards, "creditCard"), DEPOSIT: (deposits, "deposit")}
    for one in held:
        parent, tag = places.get(one.account.type, (accounts, "account"))
        account_xml(platform, tenant, xml.child(parent, tag), one, holder, country=country)


def owners_xml(parent: Element, holder: Owner) -> None:
    """Co-owners first, then the owner, as Kontomatik's captured reply lists them."""
    owners = xml.child(parent, "owners")
    for co_owner in holder.co_owners:
        owner_xml(owners, co_owner, "CO_OWNER")
    owner_xml(owners, holder, "OWNER")


def owner_xml(parent: Element, holder: Owner, kind: str) -> None:
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


def account_xml(
    platform: Platform,
    tenant: Tenant,
    element: Element,
    held: HeldAccount,
    holder: Owner,
    *,
    country: str,
    since: date | None = None,
    money: bool = True,
    partial: bool = False,
) -> None:
    """An account, card or deposit of a bank in `country`; with its money transactions from
    `since` on unless `money` is False; `partial`: the import behind it ran out of time
    (`partialDueToTimeout`)."""
    account = held.account
    card = account.type == CARD
    if partial:
        element.set("partialDueToTimeout", "true")
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
    active = min((t.booked_on for t in transactions), default=account.discovered_at.date())
    xml.child(element, "activeSinceAtLeast", active.isoformat())
    if not card:
        xml.child(element, "directDebit", available=account.type == "checking")
    if money:
        if since is not None:
            transactions = [t for t in transactions if t.booked_on >= since]
        listed = xml.child(element, "moneyTransactions")
        labels = platform.analytics.categories_of(tenant, transactions)
        xml.raw(
            listed,
            "".join(_transaction(t, labels.get(t.id), country) for t in transactions),
        )
    owners_xml(element, holder)


def _transaction(transaction: Transaction, label: str | None, country: str) -> str:
    """One `<moneyTransaction>`, written as text: a long history has thousands, and building
    each as elements took most of a large reply's time."""
    text = xml.escape
    parts = [
        "<moneyTransaction><transactionOn>",
        (transaction.value_on or transaction.booked_on).isoformat(),
        "</transactionOn><bookedOn>",
        transaction.booked_on.isoformat(),
        "</bookedOn><currencyAmount>",
        amount(transaction.amount),
        "</currencyAmount>",
    ]
    if transaction.balance_after_minor is not None:
        balance = from_minor(transaction.balance_after_minor, transaction.currency)
        parts += ["<currencyBalance>", amount(balance), "</currencyBalance>"]
    parts += ["<title>", text(transaction.description), "</title>"]
    if transaction.counterparty_name:
        parts += ["<party>", text(transaction.counterparty_name), "</party>"]
    if transaction.counterparty_iban:
        parts += ["<partyIban>", text(transaction.counterparty_iban), "</partyIban>"]
    kind = wording.kind(transaction.category, transaction.amount > 0, country)
    parts += ["<kind>", kind, "</kind><status>DONE</status>"]
    if label is not None:
        parts += ["<labels><label>", label.replace("_", " "), "</label></labels>"]
    parts.append("</moneyTransaction>")
    return "".join(parts)
