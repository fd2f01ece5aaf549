"""The scenario schema: what a YAML scenario may declare, with defaults and value rules.

Rules that look at one value live here (pydantic validators); rules that relate several parts
of the scenario (references, duplicates, dates against the clock) live in `rules.py`, so every
problem can be reported at once with its file and line.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from sandbox.clock import ClockOutOfRange, in_range, parse_duration
from sandbox.subscriptions import DEFAULT_FORMAT, EVENT_TYPES, FORMATS, MAX_ENDPOINTS, events_of
from sandbox.urls import RedirectUri, WebhookUrl

ID_PATTERN = r"^[a-z0-9][a-z0-9_.-]{0,62}$"
Id = Annotated[str, Field(pattern=ID_PATTERN)]
Colour = Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")]
Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
ANY_BANK = "*"
# A century: the longest span a scenario may give (durations, consent and history days), so
# every date worked out from a clock within its range (sandbox/clock.py) can still be counted.
MAX_DAYS = 36_500
Days = Annotated[int, Field(ge=1, le=MAX_DAYS)]

# The currency a bank's accounts are in unless the bank or the account says otherwise.
COUNTRY_CURRENCY = {
    "PL": "PLN", "GB": "GBP", "CH": "CHF", "SE": "SEK", "NO": "NOK", "DK": "DKK",
    "CZ": "CZK", "HU": "HUF", "RO": "RON", "BG": "BGN", "IS": "ISK", "US": "USD",
}  # fmt: skip


class Strict(BaseModel):
    """Every scenario object refuses unknown keys so typos are reported, not ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class AccountType(StrEnum):
    CHECKING = "checking"
    SAVINGS = "savings"
    CREDIT_CARD = "credit_card"
    LOAN = "loan"
    DEPOSIT = "deposit"
    INVESTMENT = "investment"


class SourceKind(StrEnum):
    API = "api"
    WEB = "web"


class AuthMechanism(StrEnum):
    CREDENTIALS = "credentials"
    WEBAUTH = "webauth"


class ScaApproach(StrEnum):
    EMBEDDED = "embedded"
    DECOUPLED = "decoupled"
    REDIRECT = "redirect"


class ScaMethodKind(StrEnum):
    SMS = "sms"
    PUSH = "push"
    CHIPTAN = "chiptan"
    APP = "app"


class Profile(StrEnum):
    """How an account's money moves; see `sandbox/bankdata/profiles.py`."""

    SALARIED = "salaried"
    STUDENT = "student"
    FREELANCER = "freelancer"
    RETIRED = "retired"
    SMALL_BUSINESS = "small_business"
    CARD_SPENDER = "card_spender"
    SAVER = "saver"
    BORROWER = "borrower"
    GAMBLER = "gambler"
    OVERDRAWN = "overdrawn"
    IRREGULAR = "irregular"


DEFAULT_PROFILE = {
    AccountType.CHECKING: Profile.SALARIED,
    AccountType.SAVINGS: Profile.SAVER,
    AccountType.CREDIT_CARD: Profile.CARD_SPENDER,
    AccountType.LOAN: Profile.BORROWER,
    AccountType.DEPOSIT: Profile.SAVER,
    AccountType.INVESTMENT: Profile.SAVER,
}


class BehaviourEvent(StrEnum):
    ACCOUNT_APPEARS = "account_appears"
    ACCOUNT_DISAPPEARS = "account_disappears"
    WRONG_PASSWORD = "wrong_password"
    BANK_DOWN = "bank_down"
    ACTION_NEEDED = "action_needed"
    SCA_EVERY_SYNC = "sca_every_sync"
    DECOUPLED_REJECT = "decoupled_reject"
    DECOUPLED_SLOW = "decoupled_slow"
    LOCKED = "locked"
    PASSWORD_EXPIRED = "password_expired"
    SOURCE_DOWN = "source_down"


def _duration(value: object) -> object:
    """A duration up to MAX_DAYS, given in ISO 8601 or in seconds."""
    if isinstance(value, str):
        value = parse_duration(value)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        try:
            value = timedelta(seconds=value)
        except (ValueError, OverflowError):  # .inf, .nan, 1.0e+300
            raise ValueError(f"{value} seconds is not a duration the sandbox can count") from None
    if isinstance(value, timedelta) and value > timedelta(days=MAX_DAYS):
        raise ValueError(f"longer than the limit of {MAX_DAYS} days")
    return value


def _within_clock_range(value: datetime | None) -> datetime | None:
    """A date a clock may show; naive dates are left for the caller's time zone message."""
    if value is not None and value.tzinfo is not None:
        try:
            in_range(value)
        except ClockOutOfRange as error:
            raise ValueError(error.message) from None
    return value


class Clock(Strict):
    """Where the tenant's virtual clock starts; `start: now` (None here) is the real time."""

    start: datetime | None = None
    frozen: bool = False

    @field_validator("start", mode="before")
    @classmethod
    def _now(cls, value: object) -> object:
        return None if value == "now" else value

    @field_validator("start")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("give a time zone, for example 2026-01-15T09:00:00Z")
        return _within_clock_range(value)


class Webhook(Strict):
    """The tenant's one native webhook endpoint, taking every event."""

    url: WebhookUrl
    secret: str = Field(min_length=8)


def _event_name(value: str) -> str:
    if value not in EVENT_TYPES:
        raise ValueError(f"unknown event {value!r}; known: {', '.join(EVENT_TYPES)}")
    return value


def _format_name(value: str) -> str:
    if value not in FORMATS:
        raise ValueError(f"unknown format {value!r}; known: {', '.join(FORMATS)}")
    return value


EventName = Annotated[str, AfterValidator(_event_name)]


class WebhookEndpoint(Strict):
    """One more place the tenant's events go: `format` says how each is written and signed,
    `events` which ones it takes (every event when left out)."""

    url: WebhookUrl
    secret: str = Field(min_length=8)
    format: Annotated[str, AfterValidator(_format_name)] = DEFAULT_FORMAT
    events: Annotated[list[EventName], Field(min_length=1)] | None = None

    @field_validator("events")
    @classmethod
    def _format_has_words(cls, events: list[str] | None, info: ValidationInfo) -> list[str] | None:
        """A format that has words for only some events (Powens') takes no other."""
        taken = events_of(info.data.get("format", DEFAULT_FORMAT))
        for name in events or []:
            if name not in taken:
                raise ValueError(
                    f"format {info.data['format']!r} has no event {name!r}; "
                    f"it takes: {', '.join(taken)}"
                )
        return events


class Branding(Strict):
    name: str | None = None
    colour: Colour = "#1f6feb"


def _ip_range(value: str) -> str:
    """An address or a CIDR range (`10.0.0.0/8`, `::1/128`): what a request must come from."""
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise ValueError(f"{value!r} is not an IP address or range such as 10.0.0.0/8") from None
    return value


class PowensKeys(Strict):
    """The tenant's credentials on the Powens face; any left out are derived from the tenant."""

    # Digits only: Powens' own SDKs refuse any other client id.
    client_id: str | None = Field(default=None, pattern=r"^[1-9][0-9]{3,19}$")
    client_secret: str | None = Field(default=None, min_length=8, max_length=128)
    config_token: str | None = Field(default=None, min_length=8, max_length=128)


class KontomatikKeys(Strict):
    """The tenant's credentials on the Kontomatik face: its client name (what the widget is
    given and replies echo as `user`) and its API keys (several may be valid at once); any
    left out are derived from the tenant."""

    client: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9-]{2,63}$")
    api_keys: list[Annotated[str, Field(min_length=16, max_length=128)]] = Field(
        default=[], max_length=5
    )


class AnalyticsModule(StrEnum):
    """The analytics modules a tenant may have on (sandbox/analytics)."""

    CATEGORIES = "categories"
    INCOME = "income"
    RECURRING = "recurring"
    CASHFLOW = "cashflow"
    SCORE = "score"


class Tenant(Strict):
    id: Id
    name: str
    client_id: str = Field(min_length=3)
    client_secret: str = Field(min_length=8)
    api_key: str = Field(min_length=8)
    allowed_ips: list[Annotated[str, AfterValidator(_ip_range)]] = ["127.0.0.1/32", "::1/128"]
    redirect_uris: list[RedirectUri] = []
    webhook: Webhook | None = None
    webhooks: list[WebhookEndpoint] = []
    branding: Branding = Branding()
    powens: PowensKeys = PowensKeys()
    kontomatik: KontomatikKeys = KontomatikKeys()
    # Every module by default; `[]` turns them all off.
    analytics: list[AnalyticsModule] = list(AnalyticsModule)

    @model_validator(mode="after")
    def _few_endpoints(self) -> Tenant:
        if len(self.webhooks) + (self.webhook is not None) > MAX_ENDPOINTS:
            raise ValueError(
                f"a tenant has at most {MAX_ENDPOINTS} webhook endpoints (`webhook` and "
                "`webhooks` together)"
            )
        return self


class Source(Strict):
    """One way into a bank. The lower `priority` is tried first."""

    kind: SourceKind
    auth: AuthMechanism = AuthMechanism.CREDENTIALS
    sca: ScaApproach = ScaApproach.EMBEDDED
    sca_by_account_type: dict[AccountType, ScaApproach] = {}
    priority: int = Field(default=1, ge=0)
    disabled: bool = False

    def sca_for(self, account_type: AccountType | None) -> ScaApproach:
        """Banks may ask for a different SCA approach per account type (as the connect platform
        documents it)."""
        return self.sca_by_account_type.get(account_type, self.sca) if account_type else self.sca


class LoginFields(Strict):
    """The labels the bank's own login form uses."""

    login: str = "Login"
    password: str = "Password"


class Bank(Strict):
    id: Id
    name: str
    country: Country
    bic: str | None = Field(default=None, pattern=r"^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$")
    bank_code: str | None = Field(default=None, pattern=r"^[A-Za-z0-9]{1,12}$")
    colour: Colour = "#333333"
    currency: Currency | None = None
    account_types: list[AccountType] = Field(default=[AccountType.CHECKING], min_length=1)
    sources: list[Source] = Field(default=[Source(kind=SourceKind.API)], min_length=1, max_length=2)
    login_fields: LoginFields = LoginFields()
    consent_days: Days = 180
    history_days: Days = 90
    max_history_days: Days | None = None
    syncs_per_day: int = Field(default=4, ge=0)
    decoupled_timeout: timedelta = timedelta(minutes=5)
    # How this bank's import jobs unfold for a client that polls (README "Import jobs"), and
    # the end a test forces on the ones whose sync succeeded.
    import_speed: Literal["instant", "normal", "slow"] = "normal"
    import_outcome: Literal["error", "fatal", "partial"] | None = None

    _duration = field_validator("decoupled_timeout", mode="before")(_duration)

    @property
    def history_limit_days(self) -> int:
        return self.max_history_days or self.history_days

    @property
    def default_currency(self) -> str:
        """What an account that names no currency is kept in: the bank's, else its country's."""
        return self.currency or COUNTRY_CURRENCY.get(self.country, "EUR")


class ScaMethod(Strict):
    method: ScaMethodKind
    otp: str = Field(default="123456", pattern=r"^[0-9A-Za-z]{3,12}$")
    label: str | None = None


class Address(Strict):
    street: str
    postcode: str
    city: str
    country: Country | None = None


class CoOwner(Strict):
    """Someone who holds the persona's accounts with them (a joint account's second holder),
    as the bank lists them: Kontomatik's `<owner><kind>CO_OWNER</kind>`."""

    name: Annotated[str, Field(min_length=1, max_length=200)]
    address: Address | None = None


class Owner(Strict):
    """The account holder; anything left out is generated from the persona's seed."""

    name: str | None = None
    address: Address | None = None
    birth_date: date | None = None
    email: str | None = None
    phone: str | None = None
    national_id: str | None = None
    # A tuple, so the persona stays hashable (bank data is cached by it).
    co_owners: tuple[CoOwner, ...] = Field(default=(), max_length=10)


def _iban(value: str) -> str:
    """Two letters, two check digits and up to 30 letters or digits, whose ISO 7064 check
    (mod 97) holds. The national check digits are not asked for: a provider's test bank
    (Kontomatik's KontoBank_es) prints IBANs that fail them. schwifty is not loaded for it,
    which would cost every start of the default scenario."""
    compact = "".join(value.split()).upper()
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}", compact):
        raise ValueError(f"{value!r} is not an IBAN")
    digits = "".join(str(int(char, 36)) for char in compact[4:] + compact[:4])
    if int(digits) % 97 != 1:
        raise ValueError(f"{value!r} is not an IBAN: its check digits do not match")
    return compact


Iban = Annotated[str, AfterValidator(_iban)]


class AccountSpec(Strict):
    id: Id
    type: AccountType = AccountType.CHECKING
    name: str | None = None
    currency: Currency | None = None  # None: the bank's default currency
    opened: date | None = None
    opening_balance: Decimal = Decimal("0")
    profile: Profile | None = None
    # The account's IBAN, when the scenario fixes it (a provider's documented test account);
    # otherwise one is generated at the bank's code.
    iban: Iban | None = None

    @property
    def effective_profile(self) -> Profile:
        return self.profile or DEFAULT_PROFILE[self.type]


class Trigger(Strict):
    """When a behaviour fires: on the Nth sync of the bank login, or from a date on."""

    sync: int | None = Field(default=None, ge=1)
    date: datetime | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Trigger:
        if (self.sync is None) == (self.date is None):
            raise ValueError("give exactly one of `sync` (a sync number) or `date`")
        if self.date is not None and self.date.tzinfo is None:
            raise ValueError("give the date a time zone, for example 2026-03-01T00:00:00Z")
        _within_clock_range(self.date)
        return self


class Behaviour(Strict):
    on: Trigger = Trigger(sync=1)
    event: BehaviourEvent
    account: Id | None = None
    source: SourceKind | None = None  # for source_down: which source (default: the first tried)
    duration: timedelta | None = None
    delay: timedelta | None = None

    _duration = field_validator("duration", "delay", mode="before")(_duration)


class Persona(Strict):
    login: Annotated[str, Field(min_length=1, max_length=64)]
    bank: Annotated[str, Field(pattern=r"^(\*|[a-z0-9][a-z0-9_.-]{0,62})$")]
    password: str = "pass"
    description: str = ""
    sca_methods: list[ScaMethod] = [ScaMethod(method=ScaMethodKind.SMS)]
    owner: Owner = Owner()
    accounts: list[AccountSpec] = Field(default=[AccountSpec(id="main")], min_length=1)
    behaviours: list[Behaviour] = []


class Scenario(Strict):
    """A whole scenario after `extends:` has been applied."""

    name: str = "scenario"
    description: str = ""
    seed: int = 0
    clock: Clock = Clock()
    tenants: list[Tenant] = []
    banks: list[Bank] = Field(min_length=1)
    personas: list[Persona] = []

    def bank(self, bank_id: str) -> Bank:
        for bank in self.banks:
            if bank.id == bank_id:
                return bank
        raise KeyError(bank_id)

    def persona(self, bank_id: str, login: str) -> Persona | None:
        """The persona who logs in with `login` at `bank_id`; one declared for that bank wins
        over one declared for every bank (`bank: "*"`)."""
        wildcard = None
        for persona in self.personas:
            if persona.login == login:
                if persona.bank == bank_id:
                    return persona
                if persona.bank == ANY_BANK:
                    wildcard = persona
        return wildcard
