"""The JSON shapes of `/api/v1` (documented in `openapi.yaml`).

Money is a decimal string with exactly the currency's places (`"-12.50"`, `"1200"` for JPY),
never a float; times are ISO 8601 with their UTC offset; ids of users are the tenant's own.
A bank login is shown as the control API shows it: `sandbox.faces.json.bank_login_json`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sandbox.domain.accounts import OwnedAccount
from sandbox.domain.banks import Bank
from sandbox.domain.records import ConnectSession, Transaction, User
from sandbox.domain.uploads import Upload
from sandbox.iso import iso
from sandbox.money import from_minor


def _money(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def _minor(minor: int | None, currency: str) -> str | None:
    return None if minor is None else _money(from_minor(minor, currency))


def session_json(session: ConnectSession, url: str) -> dict[str, Any]:
    return {"session_id": session.id, "url": url, "expires_at": iso(session.expires_at)}


def bank_json(bank: Bank) -> dict[str, Any]:
    return {
        "id": bank.id,
        "name": bank.name,
        "country": bank.country,
        "bic": bank.bic,
        "colour": bank.colour,
        "account_types": [kind.value for kind in bank.account_types],
        "sources": [
            {
                "kind": source.kind.value,
                "auth": source.auth.value,
                "sca": source.sca.value,
                "priority": source.priority,
                "disabled": source.disabled,
            }
            for source in bank.sources
        ],
        "consent_days": bank.consent_days,
        "history_days": bank.history_days,
        "max_history_days": bank.max_history_days,
        "syncs_per_day": bank.syncs_per_day,
        "decoupled_timeout_seconds": int(bank.decoupled_timeout.total_seconds()),
    }


def user_json(user: User, bank_login_count: int) -> dict[str, Any]:
    return {
        "id": user.external_id,
        "created_at": iso(user.created_at),
        "bank_login_count": bank_login_count,
    }


def account_json(owned: OwnedAccount) -> dict[str, Any]:
    account = owned.account
    return {
        "id": account.id,
        "bank_login_id": account.bank_login_id,
        "user_id": owned.external_user_id,
        "origin": account.origin,
        "type": account.type,
        "name": account.name,
        "currency": account.currency,
        "iban": account.iban,
        "masked_pan": account.masked_pan,
        # A disabled account is not synced: whatever balance it last had is not current.
        "balance": None if account.disabled else _money(account.balance),
        "disabled": account.disabled,
        "deleted_at": iso(account.deleted_at),
        "last_update": iso(account.last_update),
        "upload_id": account.upload_id,
    }


def transaction_json(transaction: Transaction, category: str | None) -> dict[str, Any]:
    """`category`: what the categories module says (None while the tenant has it off)."""
    return {
        "id": transaction.id,
        "account_id": transaction.account_id,
        "booked_on": iso(transaction.booked_on),
        "value_on": iso(transaction.value_on),
        "amount": _money(transaction.amount),
        "currency": transaction.currency,
        "counterparty": {
            "name": transaction.counterparty_name,
            "iban": transaction.counterparty_iban,
        },
        "description": transaction.description,
        "category": category,
        "status": transaction.status,
        "balance_after": _minor(transaction.balance_after_minor, transaction.currency),
    }


def upload_json(upload: Upload) -> dict[str, Any]:
    return {
        "id": upload.id,
        "user_id": upload.external_user_id,
        "format": upload.format,
        "file_name": upload.file_name,
        "created_at": iso(upload.created_at),
        "account_count": upload.account_count,
        "transaction_count": upload.transaction_count,
        "account_ids": list(upload.account_ids),
        "owner": {"name": upload.owner.get("name"), "address": upload.owner.get("address", [])},
        "bank": {"name": upload.bank.get("name"), "bic": upload.bank.get("bic")},
        "findings": [
            {"code": f["code"], "message": f["message"], "where": f.get("where")}
            for f in upload.findings
        ],
    }
