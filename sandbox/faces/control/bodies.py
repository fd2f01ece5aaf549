"""Request bodies of the control API: unknown keys and explicit nulls refused, so a typo is a
422 naming the field (the shared rules of `sandbox.faces.json.Body`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from sandbox.clock import parse_duration
from sandbox.domain.analytics import MODULES
from sandbox.domain.imports import Outcome, Speed
from sandbox.domain.states import LoginState
from sandbox.faces.json import Body, Text
from sandbox.urls import RedirectUri, WebhookUrl


class NewTenant(Body):
    scenario: str | None = Field(default=None, min_length=1, max_length=64)
    scenario_yaml: str | None = Field(default=None, min_length=1)
    tenant_id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]{0,62}$")] | None = None
    name: str | None = Field(default=None, min_length=1, max_length=200)
    redirect_uris: list[RedirectUri] | None = None
    webhook_url: WebhookUrl | None = None
    webhook_secret: str | None = Field(default=None, min_length=8)

    @model_validator(mode="after")
    def _one_scenario(self) -> NewTenant:
        if self.scenario is not None and self.scenario_yaml is not None:
            raise ValueError("give `scenario` (a shipped name) or `scenario_yaml`, not both")
        return self


class ClockMove(Body):
    advance: timedelta | None = None
    set: datetime | None = None
    freeze: bool | None = None

    @field_validator("advance", mode="before")
    @classmethod
    def _duration(cls, value: object) -> object:
        if not isinstance(value, str):
            raise ValueError("give an ISO 8601 duration such as P181D or PT5M")
        return parse_duration(value)

    @model_validator(mode="after")
    def _exactly_one(self) -> ClockMove:
        given = [name for name in ("advance", "set", "freeze") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of `advance`, `set` or `freeze`")
        return self


EventName = Annotated[Text, Field(min_length=1, max_length=64)]


class NewWebhookEndpoint(Body):
    """`format` and `events` are checked by the domain, which names the known ones."""

    url: WebhookUrl = Field(max_length=2048)
    secret: Text | None = Field(default=None, min_length=8, max_length=256)
    format: Text | None = Field(default=None, min_length=1, max_length=64)
    events: Annotated[list[EventName], Field(min_length=1, max_length=32)] | None = None

    @field_validator("url")
    @classmethod
    def _storable(cls, value: str) -> str:
        if "\x00" in value:
            raise ValueError("must not contain NUL characters")
        return value


class NewBankLogin(Body):
    user_id: str = Field(min_length=1, max_length=128)
    bank_id: str = Field(min_length=1, max_length=64)
    login: str = Field(min_length=1, max_length=64)
    account_type: str | None = Field(default=None, max_length=32)


class ForcedState(Body):
    state: LoginState
    detail: str | None = Field(default=None, min_length=1, max_length=200)
    until: datetime | None = None

    @field_validator("until")
    @classmethod
    def _zoned(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("give `until` a time zone, for example 2026-03-01T09:00:00Z")
        return value


class FireEvent(Body):
    """Strict: `"bank_login_id": "7"` is a 422, as the spec's integer type says."""

    model_config = ConfigDict(extra="forbid", strict=True)

    event: str = Field(min_length=1, max_length=64)
    bank_login_id: int | None = Field(default=None, ge=1, le=999_999_999_999_999_999)
    user_id: Text | None = Field(default=None, min_length=1, max_length=128)


class ImportSteering(Body):
    model_config = ConfigDict(extra="forbid", strict=True)

    speed: Speed | None = None
    outcome: Outcome | None = None
    # No NUL: PostgreSQL refuses it in text.
    message: str | None = Field(default=None, min_length=1, max_length=500, pattern=r"^[^\x00]+$")

    @model_validator(mode="after")
    def _what_to_change(self) -> ImportSteering:
        if self.speed is None and self.outcome is None:
            raise ValueError("give `speed`, `outcome` or both")
        if self.message is not None and self.outcome is None:
            raise ValueError("`message` goes with an `outcome`")
        return self


ModuleName = Literal[MODULES]  # type: ignore[valid-type]


class AnalyticsModules(Body):
    modules: list[ModuleName] = Field(max_length=len(MODULES))
