"""The platform's records as the domain hands them to faces: frozen values built from rows."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any, Self

from sandbox.domain.progress import Progress
from sandbox.domain.states import LoginState, ScaStatus
from sandbox.money import from_minor

# The annotation that keeps when the user stopped sharing an account.
DISABLED_AT = "disabled_at"


@cache
def _field_names(kind: type) -> tuple[str, ...]:
    """Looked up once per class: `fields()` on every row was a hot spot of list endpoints."""
    return tuple(f.name for f in fields(kind))


class FromRow:
    @classmethod
    def from_row(cls, row: Any) -> Self:
        return cls(**{name: row[name] for name in _field_names(cls)})  # type: ignore[arg-type]


@dataclass(frozen=True)
class User(FromRow):
    id: int
    tenant_id: str
    external_id: str
    created_at: datetime
    # A temporary user (made without client credentials) is gone at this time of the tenant.
    expires_at: datetime | None = None

    def gone_at(self, now: datetime) -> bool:
        return self.expires_at is not None and now >= self.expires_at


@dataclass(frozen=True)
class ConnectSession(FromRow):
    id: str
    tenant_id: str
    user_id: int
    kind: str  # connect | management
    redirect_uri: str
    state: str | None
    options: dict
    progress: Progress
    csrf_token: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    bank_login_id: int | None

    @classmethod
    def from_row(cls, row: Any) -> Self:
        """The progress is stored as JSON (`Progress.to_json`) and read back typed."""
        values = {name: row[name] for name in _field_names(cls)}
        return cls(**{**values, "progress": Progress.from_json(row["progress"])})


@dataclass(frozen=True)
class Challenge(FromRow):
    id: int
    tenant_id: str
    bank_login_id: int | None
    session_id: str | None
    bank_id: str
    persona_login: str
    approach: str
    method: str | None
    purpose: str
    status: ScaStatus
    attempts: int
    created_at: datetime
    expires_at: datetime
    decided_at: datetime | None
    resumed_at: datetime | None = None
    settled_at: datetime | None = None


@dataclass(frozen=True)
class Consent:
    granted_at: datetime
    expires_at: datetime
    history_days: int

    def over(self, now: datetime) -> bool:
        return over_at(self.expires_at, now)


def over_at(expires_at: datetime, now: datetime) -> bool:
    """A consent is over from its `expires_at` on, that instant included: the one rule every
    reader of a consent (login state, control, the watcher) applies."""
    return now >= expires_at


def lapsed(consent: Consent | None, now: datetime) -> bool:
    """No consent, or one that is over: nothing may be synced on it."""
    return consent is None or consent.over(now)


@dataclass(frozen=True)
class LoginSource:
    """One of the bank's sources as this login used it: `state` is `ok` or the failure of the
    last sync that tried it (None: never tried), `last_update` its last successful sync."""

    kind: str
    priority: int
    disabled: bool
    state: str | None
    last_update: datetime | None
    id: int = 0
    # When the client switched this source off for the login (Powens' sources); None: on.
    disabled_at: datetime | None = None


@dataclass(frozen=True)
class Person:
    """Who holds a bank login's accounts, as the bank knows them: what a provider's owner
    details show (Kontomatik's `<owner>`). `national_id`: the bank country's identity number
    (a PESEL at a Polish bank)."""

    name: str
    address: tuple[str, ...]
    country: str
    birth_date: date
    email: str
    phone: str
    national_id: str


@dataclass(frozen=True)
class BankLogin:
    id: int
    tenant_id: str
    user_id: int
    external_user_id: str
    bank_id: str
    persona_login: str
    account_type: str | None
    state: LoginState  # as read now: consent expiry is applied
    state_detail: str | None
    state_until: datetime | None
    consent: Consent | None
    sync_count: int
    last_sync_at: datetime | None
    created_at: datetime
    updated_at: datetime
    sources: tuple[LoginSource, ...] = ()
    # False: the client paused it; no sync runs until it is resumed.
    active: bool = True
    last_attempt_at: datetime | None = None

    def history_days(self, bank_default: int) -> int:
        """How far back a sync reaches: what its consent covers, else the bank's default (a
        login whose consent is gone still syncs as far as a new one would)."""
        return self.consent.history_days if self.consent else bank_default


@dataclass(frozen=True)
class Account(FromRow):
    id: int
    user_id: int
    bank_login_id: int | None
    bank_key: str | None
    origin: str
    type: str
    name: str
    currency: str
    iban: str | None
    masked_pan: str | None
    balance_minor: int | None
    disabled: bool
    deleted_at: datetime | None
    discovered_at: datetime
    activated_at: datetime | None
    last_update: datetime | None
    # What the user set on it (`ACCOUNT_NOTES` in domain/accounts.py), None when nothing.
    annotations: dict[str, Any] | None = None
    # A manual account's upload and what its statement said (schema: `accounts.statement`).
    upload_id: int | None = None
    statement: dict[str, Any] | None = None

    @property
    def balance(self) -> Decimal | None:
        return None if self.balance_minor is None else from_minor(self.balance_minor, self.currency)

    @property
    def disabled_since(self) -> datetime | None:
        """When the user stopped sharing it; an account never shared was so since it was found."""
        if not self.disabled:
            return None
        stopped = (self.annotations or {}).get(DISABLED_AT)
        return datetime.fromisoformat(stopped) if stopped else self.discovered_at


@dataclass(frozen=True)
class Transaction(FromRow):
    id: int
    user_id: int
    account_id: int
    bank_ref: str | None
    origin: str
    booked_on: date
    value_on: date | None
    amount_minor: int
    currency: str
    counterparty_name: str | None
    counterparty_iban: str | None
    description: str
    category: str | None
    status: str
    balance_after_minor: int | None
    imported_at: datetime
    # What the user set on it (`TRANSACTION_NOTES` in domain/transactions.py), None when nothing.
    annotations: dict[str, Any] | None = None

    @property
    def amount(self) -> Decimal:
        return from_minor(self.amount_minor, self.currency)
