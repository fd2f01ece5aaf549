"""Request bodies of `/api/v1`: strict types, unknown keys and explicit nulls refused, so a
typo or a wrongly typed value is a 422 naming the field instead of a silently ignored option."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from sandbox.categories import Category
from sandbox.faces.json import Body as SharedBody
from sandbox.faces.json import Text

Language = Literal["en", "de", "fr", "pl", "es", "it", "nl"]
AccountTypeName = Literal["checking", "savings", "credit_card", "loan", "deposit", "investment"]


class Body(SharedBody):
    """Strict as well: `"multiple": "yes"` is a 422, not a truthy string."""

    model_config = ConfigDict(extra="forbid", strict=True)


class SessionBody(Body):
    user_id: Text = Field(min_length=1, max_length=128)
    redirect_uri: Text = Field(min_length=1, max_length=2048)
    state: Text | None = Field(default=None, max_length=512)


class NewConnectSession(SessionBody):
    multiple: bool | None = None
    language: Language | None = None
    account_types: list[AccountTypeName] | None = Field(default=None, min_length=1)
    bank_id: Text | None = Field(default=None, min_length=1, max_length=64)

    @field_validator("account_types")
    @classmethod
    def _each_once(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and len(set(value)) != len(value):
            raise ValueError("name each account type once")
        return value


class NewManagementSession(SessionBody):
    add_bank_login: bool | None = None


def _day(value: object) -> object:
    """A date as YYYY-MM-DD (strict bodies take no other spelling)."""
    if isinstance(value, str):
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            raise ValueError("must be a date as YYYY-MM-DD")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError("is not a calendar date") from None
    return value


def _amount(value: object) -> object:
    """A decimal amount as a string, as the API writes them ("-12.50")."""
    if isinstance(value, str):
        if not re.fullmatch(r"-?[0-9]{1,15}(\.[0-9]{1,3})?", value):
            raise ValueError('must be a decimal amount as a string, such as "-12.50"')
        return Decimal(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError('must be a string, such as "-12.50": JSON numbers lose cents')
    return value


def _iban(value: str | None) -> str | None:
    # Imported here: loading schwifty at start-up costs every start about 13 ms.
    from schwifty import IBAN
    from schwifty.exceptions import SchwiftyException

    if value is None:
        return None
    try:
        return IBAN(value).compact
    except SchwiftyException as error:
        raise ValueError(f"is not a valid IBAN: {error}") from None


Day = Annotated[date, BeforeValidator(_day)]
Amount = Annotated[Decimal, BeforeValidator(_amount)]
CategoryName = Literal[tuple(category.value for category in Category)]  # type: ignore[valid-type]
ShortText = Annotated[Text, Field(min_length=1, max_length=500)]
Iban = Annotated[Text, Field(min_length=15, max_length=42), AfterValidator(_iban)]


class NewManualTransaction(Body):
    booked_on: Day
    amount: Amount
    description: ShortText
    value_on: Day | None = None
    counterparty_name: ShortText | None = None
    counterparty_iban: Iban | None = None
    category: CategoryName | None = None


class ManualTransactionChanges(BaseModel):
    """What a PATCH may set; null clears a field that may be empty."""

    model_config = ConfigDict(extra="forbid", strict=True)

    booked_on: Day = None  # type: ignore[assignment]
    amount: Amount = None  # type: ignore[assignment]
    description: ShortText = None  # type: ignore[assignment]
    value_on: Day | None = None
    counterparty_name: ShortText | None = None
    counterparty_iban: Iban | None = None
    category: CategoryName | None = None

    @model_validator(mode="before")
    @classmethod
    def _required_stay_set(cls, data: object) -> object:
        if isinstance(data, dict):
            nulls = [
                key for key in ("booked_on", "amount", "description") if data.get(key, 0) is None
            ]
            if nulls:
                raise ValueError(f"these cannot be cleared, only changed: {', '.join(nulls)}")
            if not data:
                raise ValueError("name at least one field to change")
        return data

    def changes(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.model_fields_set}
