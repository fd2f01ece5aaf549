"""Manual upload, the second way into the platform: a client uploads a user's bank
statement file, and its accounts and transactions are stored as manual data (`origin:
manual`), listed with the bank's and read by the analytics modules.

An upload is one file. It owns the accounts it brought; deleting it deletes them with their
transactions. The same statement uploaded again (in any format: what it says is compared, not
its bytes) is the first upload, and nothing is stored twice. A file with problems stores
nothing. Each account's balance is its opening balance plus its transactions, and stays so as
they are edited (`domain/manual.py`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.engine import Connection, RowMapping

from sandbox.domain.errors import UnreadableStatement
from sandbox.domain.tenants import Tenant
from sandbox.domain.users import find_user, user_for
from sandbox.errors import NotFound
from sandbox.iso import iso
from sandbox.money import to_minor
from sandbox.statements import formats
from sandbox.statements.checks import balance_findings
from sandbox.statements.model import (
    Finding,
    Owner,
    Statement,
    StatementAccount,
    StatementError,
)
from sandbox.store import accounts as account_rows
from sandbox.store import uploads as rows
from sandbox.store.database import Database
from sandbox.store.users import external_ids

DEFAULT_ACCOUNT_NAME = "Uploaded account"
DEFAULT_ACCOUNT_TYPE = "checking"


@dataclass(frozen=True)
class Upload:
    id: int
    user_id: int
    external_user_id: str
    format: str
    file_name: str | None
    created_at: datetime
    account_count: int
    transaction_count: int
    owner: dict[str, Any]
    bank: dict[str, Any]
    findings: tuple[dict[str, Any], ...]
    account_ids: tuple[int, ...]


@dataclass(frozen=True)
class UploadPage:
    uploads: list[Upload]
    next_before: int | None


def read_statement(format_name: str, data: bytes) -> Statement:
    """The file read in its format; raises UnreadableStatement listing every problem."""
    try:
        return formats.parse(format_name, data)
    except StatementError as error:
        problems = [{"where": p.where, "message": p.message} for p in error.problems]
        raise UnreadableStatement(
            f"the {format_name} file cannot be read: {error}",
            details={"format": format_name, "problems": problems},
        ) from None


def upload_statement(
    db: Database,
    tenant: Tenant,
    external_user_id: str,
    format_name: str,
    file_name: str | None,
    data: bytes,
) -> tuple[Upload, bool]:
    """Store the file's accounts and transactions for the user (created when new); True when
    stored now, False when the same statement was uploaded before (that upload is returned)."""
    statement = read_statement(format_name, data)
    return store_statement(db, tenant, external_user_id, format_name, file_name, statement)


def store_statement(
    db: Database,
    tenant: Tenant,
    external_user_id: str,
    format_name: str,
    file_name: str | None,
    statement: Statement,
) -> tuple[Upload, bool]:
    """Store a statement a face has read itself (Kontomatik's Owner Upload JSON), as a file of
    `format_name` would be: the same checks, the same dedupe by what it says."""
    digest = _digest(statement)
    findings = _findings(statement)
    with db.begin() as conn:
        user = user_for(conn, tenant, external_user_id)
        existing = rows.upload_by_digest(conn, user.id, digest)
        if existing is not None:
            return _upload(conn, existing, external_user_id), False
        now = tenant.now()
        upload_id = rows.insert_upload(
            conn,
            tenant_id=tenant.id,
            user_id=user.id,
            format=format_name,
            file_name=file_name,
            digest=digest,
            owner=_owner_json(statement.owner),
            bank={
                "name": statement.bank.name,
                "bic": statement.bank.bic,
                "colour": statement.bank.colour,
            },
            findings=[_finding_json(finding) for finding in findings],
            account_count=len(statement.accounts),
            transaction_count=sum(len(account.entries) for account in statement.accounts),
            created_at=now,
        )
        if upload_id is None:  # the same statement, stored by a request at the same moment
            existing = rows.upload_by_digest(conn, user.id, digest)
            assert existing is not None
            return _upload(conn, existing, external_user_id), False
        for account in statement.accounts:
            _insert_account(conn, tenant, user.id, upload_id, account, now)
        stored = rows.upload_by_id(conn, tenant.id, upload_id)
        assert stored is not None
        return _upload(conn, stored, external_user_id), True


def _owner_json(owner: Owner) -> dict[str, Any]:
    found: dict[str, Any] = {"name": owner.name, "address": list(owner.address)}
    if owner.co_owners:
        found["co_owners"] = [
            {"name": co.name, "address": list(co.address)} for co in owner.co_owners
        ]
    return found


def _findings(statement: Statement) -> tuple[Finding, ...]:
    """What the parser found and what the balances show, each once: a parser that checks the
    balances itself (PDF) names the account its own way, so a code it reported is not added
    again under the generic check's name."""
    seen = {f.code for f in statement.findings}
    more = tuple(f for f in balance_findings(statement) if f.code not in seen)
    return statement.findings + more


def _finding_json(finding: Finding) -> dict[str, Any]:
    return {"code": finding.code, "message": finding.message, "where": finding.where}


def _opening(account: StatementAccount) -> Decimal:
    """The balance before the statement's first entry: as printed, else worked back from the
    closing balance or the first balance after an entry, else zero."""
    if account.opening_balance is not None:
        return account.opening_balance
    total = sum((entry.amount for entry in account.entries), Decimal(0))
    if account.closing_balance is not None:
        return account.closing_balance - total
    first = account.entries[0] if account.entries else None
    if first is not None and first.balance_after is not None:
        return first.balance_after - first.amount
    return Decimal(0)


def _insert_account(
    conn: Connection,
    tenant: Tenant,
    user_id: int,
    upload_id: int,
    account: StatementAccount,
    now: datetime,
) -> None:
    currency = account.currency
    opening = to_minor(_opening(account), currency)
    entries = sorted(account.entries, key=lambda entry: entry.booked_on)  # stable: file order
    balance = opening
    references: set[str] = set()
    transactions = []
    for entry in entries:
        balance += to_minor(entry.amount, currency)
        # Two entries of one account with the same reference keep it on the first only: the
        # table's (account, reference) pair is unique.
        reference = entry.reference if entry.reference not in references else None
        if reference is not None:
            references.add(reference)
        transactions.append(
            {
                "bank_ref": reference,
                "booked_on": entry.booked_on,
                "value_on": entry.value_on,
                "amount_minor": to_minor(entry.amount, currency),
                "counterparty_name": entry.counterparty_name,
                "counterparty_iban": entry.counterparty_iban,
                "description": entry.description,
                "category": entry.category,
                "balance_after_minor": balance,
            }
        )
    account_id = account_rows.insert_account(
        conn,
        tenant_id=tenant.id,
        user_id=user_id,
        bank_login_id=None,
        upload_id=upload_id,
        bank_key=None,
        origin="manual",
        type=account.type or DEFAULT_ACCOUNT_TYPE,
        name=account.name or DEFAULT_ACCOUNT_NAME,
        currency=currency,
        iban=account.iban,
        masked_pan=None,
        balance_minor=balance,
        disabled=False,
        deleted_at=None,
        discovered_at=now,
        activated_at=now,
        last_update=now,
        annotations=None,
        statement={
            "number": account.number,
            "bic": account.bic,
            "opening_balance_minor": opening,
            "period_from": iso(account.period_from),
            "period_to": iso(account.period_to),
        },
    )
    fixed = {
        "tenant_id": tenant.id,
        "user_id": user_id,
        "account_id": account_id,
        "origin": "manual",
        "status": "booked",
        "currency": currency,
        "imported_at": now,
    }
    rows.insert_transactions(conn, [{**fixed, **row} for row in transactions])


def _digest(statement: Statement) -> str:
    """What identifies a statement whatever file it came in: its accounts and their entries,
    not the owner, bank or layout a format may or may not carry."""
    accounts = [
        {
            "iban": account.iban,
            "number": account.number,
            "currency": account.currency,
            "entries": sorted(
                [
                    str(entry.booked_on),
                    str(entry.value_on),
                    str(entry.amount),
                    entry.description,
                    entry.counterparty_name,
                    entry.counterparty_iban,
                ]
                for entry in account.entries
            ),
        }
        for account in statement.accounts
    ]
    text = json.dumps(accounts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _upload(conn: Connection, row: RowMapping, external_user_id: str) -> Upload:
    account_ids = rows.account_ids_of_upload(conn, row["id"])
    return Upload(
        id=row["id"],
        user_id=row["user_id"],
        external_user_id=external_user_id,
        format=row["format"],
        file_name=row["file_name"],
        created_at=row["created_at"],
        account_count=row["account_count"],
        transaction_count=row["transaction_count"],
        owner=dict(row["owner"]),
        bank=dict(row["bank"]),
        findings=tuple(row["findings"]),
        account_ids=account_ids,
    )


def get_upload(db: Database, tenant: Tenant, upload_id: int) -> Upload:
    with db.connect() as conn:
        row = _find(conn, tenant, upload_id)
        external = _external_id(conn, tenant, row["user_id"])
        return _upload(conn, row, external)


def _find(conn: Connection, tenant: Tenant, upload_id: int) -> RowMapping:
    row = rows.upload_by_id(conn, tenant.id, upload_id)
    if row is None:
        raise NotFound(f"no upload {upload_id}", details={"upload_id": upload_id})
    return row


def _external_id(conn: Connection, tenant: Tenant, user_id: int) -> str:
    return external_ids(conn, tenant.id, [user_id])[user_id]


def uploads_of_user(
    db: Database, tenant: Tenant, external_user_id: str, before: int | None, limit: int
) -> UploadPage:
    """The user's uploads, newest first, a page at a time."""
    with db.connect() as conn:
        user = find_user(conn, tenant, external_user_id)
        found = rows.uploads_of_user(conn, tenant.id, user.id, before, limit + 1)
        page = [_upload(conn, row, external_user_id) for row in found[:limit]]
    return UploadPage(page, page[-1].id if len(found) > limit else None)


def delete_upload(db: Database, tenant: Tenant, upload_id: int) -> None:
    """The upload and every account it brought, with their transactions."""
    with db.begin() as conn:
        _find(conn, tenant, upload_id)
        rows.delete_upload(conn, upload_id)
