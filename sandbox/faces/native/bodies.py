"""Request bodies of `/api/v1`: strict types, unknown keys and explicit nulls refused, so a
typo or a wrongly typed value is a 422 naming the field instead of a silently ignored option."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field, field_validator

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
