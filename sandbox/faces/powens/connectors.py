"""Powens' connectors (connectors.yml; docs.powens.com "Connectors"): the scenario's banks as
Powens lists them, without authentication (the domain in the URL names the tenant).

One connector per bank, named by `ids.py`; its `auth_mechanism` is the one of the source a new
connection goes through (`platform.banks.preferred_source`), and its sources are `openapi`
(the bank's PSD2 API) and `directaccess` (its website). `fields`, `sources` and `countries` are
only there when `expand` asks for them, as Powens' spec marks them "Optional `expand`".
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from sandbox.domain.banks import AuthMechanism, Bank, Source, country_name
from sandbox.domain.errors import NotFound
from sandbox.domain.tenants import Tenant
from sandbox.faces.paths import ID
from sandbox.faces.powens import ids, inputs
from sandbox.faces.powens.caller import platform_of, tenant_of
from sandbox.faces.powens.errors import InvalidValue, PowensJSON
from sandbox.faces.powens.render import stamp
from sandbox.faces.routing import resource
from sandbox.faces.web.views import ACCOUNT_TYPE_LABELS

# What `expand` may name: the three the spec lists, plus two Powens answers to without
# complaint (`urls` is always in our connectors; we emulate no payments).
EXPANDS = ("fields", "sources", "countries")
ACCEPTED_EXPANDS = (*EXPANDS, "urls", "payment_fields")
COUNTRY = re.compile(r"[A-Za-z]{2}")
# Every scenario bank aggregates bank accounts; none offers documents (Powens' "providers").
CAPABILITIES = ["bank"]
PRODUCTS = ["bank"]
ACCOUNT_USAGES = ["PRIV"]
SLUG_LENGTH = 3
DAYS_PER_YEAR = 365


class Catalogue:
    """The tenant's connectors: its banks in scenario order (which numbers them)."""

    def __init__(self, tenant: Tenant, banks: list[Bank], preferred: dict[str, Source]) -> None:
        self.tenant = tenant
        self.banks = banks
        self.preferred = preferred

    @classmethod
    def of(cls, request: Request) -> Catalogue:
        tenant = tenant_of(request)
        platform = platform_of(request)
        banks = platform.banks.all(tenant)
        preferred = {bank.id: platform.banks.preferred_source(bank) for bank in banks}
        return cls(tenant, banks, preferred)

    def bank(self, ref: str) -> Bank:
        return ids.bank_of_connector(self.banks, ref)

    def connector_id(self, bank: Bank) -> int:
        return ids.connector_id(self.banks, bank)

    def source_id(self, bank: Bank, source: Source) -> int:
        return ids.connector_source_id(self.banks, bank, source.kind)

    def disabled_since(self) -> datetime:
        """When a source the scenario disables was disabled: the tenant's first virtual
        moment (Powens gives a date; the scenario has none)."""
        return self.tenant.scenario.clock.start or self.tenant.created_at


def expands(request: Request) -> set[str]:
    """`expand` as Powens spells it, a comma-separated list; an unknown name is a 400."""
    raw = inputs.query(request).text("expand") or ""
    names = {name.strip() for name in raw.split(",") if name.strip()}
    unknown = sorted(names - set(ACCEPTED_EXPANDS))
    if unknown:
        why = f"{unknown[0][:64]!r} is not one of {', '.join(EXPANDS)}"
        raise InvalidValue("expand", why)
    return names


def country_codes(request: Request) -> set[str] | None:
    """`country_codes`: comma-separated ISO 3166-1 alpha-2 codes, any case; None filters
    nothing."""
    raw = inputs.query(request).text("country_codes")
    if raw is None:
        return None
    codes = [code.strip() for code in raw.split(",") if code.strip()]
    for code in codes:
        if not COUNTRY.fullmatch(code):
            raise InvalidValue("country_codes", f"{code[:64]!r} is not a two-letter country code")
    return {code.upper() for code in codes} or None


def slug(bank: Bank) -> str | None:
    """A short upper-case code, as Powens' `BOU` or `TST`: the initials of the bank id's
    words, then the last word's next letters (`banque-lumiere` → `BLU`)."""
    words = [word for word in re.split(r"[^A-Za-z0-9]+", bank.id) if word]
    if not words:
        return None
    letters = "".join(word[0] for word in words) + words[-1][1:]
    return letters[:SLUG_LENGTH].upper()


def months(days: int) -> int:
    return math.ceil(days * 12 / DAYS_PER_YEAR)


def enabled_sources(bank: Bank) -> list[Source]:
    return sorted((s for s in bank.sources if not s.disabled), key=lambda s: s.priority)


def by_priority(bank: Bank) -> list[Source]:
    return sorted(bank.sources, key=lambda source: source.priority)


def auth_mechanisms(sources: list[Source]) -> list[str]:
    """Each mechanism once, in the sources' order."""
    return list(dict.fromkeys(source.auth.value for source in sources))


def source_json(catalogue: Catalogue, bank: Bank, source: Source) -> dict[str, Any]:
    return {
        "id": catalogue.source_id(bank, source),
        "id_connector": catalogue.connector_id(bank),
        "name": ids.SOURCE_NAMES[source.kind],
        "auth_mechanism": source.auth.value,
        "available_auth_mechanisms": [source.auth.value],
        "disabled": stamp(catalogue.disabled_since()) if source.disabled else None,
        "priority": source.priority,
        "capabilities": CAPABILITIES,
        "account_usages": ACCOUNT_USAGES,
    }


def fields_json(bank: Bank) -> list[dict[str, Any]]:
    """The form a connection made through the API posts: `website` (the account type) where
    the bank offers several, then login and password where a source takes credentials. A
    webauth bank asks for none: the user logs in on the bank's own page."""
    sources = enabled_sources(bank)
    found: list[dict[str, Any]] = []
    if len(bank.account_types) > 1:
        found.append(
            {
                "name": "website",
                "label": "Account type",
                "type": "list",
                "required": False,
                "regex": None,
                "auth_mechanisms": auth_mechanisms(sources),
                "connector_sources": [ids.SOURCE_NAMES[s.kind] for s in sources],
                "values": [
                    {"value": kind.value, "label": ACCOUNT_TYPE_LABELS[kind]}
                    for kind in bank.account_types
                ],
            }
        )
    typed = [s for s in sources if s.auth is AuthMechanism.CREDENTIALS]
    if typed:
        names = [ids.SOURCE_NAMES[s.kind] for s in typed]
        for name, kind, label in (
            ("login", "text", bank.login_fields.login),
            ("password", "password", bank.login_fields.password),
        ):
            found.append(
                {
                    "name": name,
                    "label": label,
                    "type": kind,
                    "required": True,
                    "regex": None,
                    "auth_mechanisms": [AuthMechanism.CREDENTIALS.value],
                    "connector_sources": names,
                }
            )
    return found


def connector_json(catalogue: Catalogue, bank: Bank, expand: set[str]) -> dict[str, Any]:
    preferred = catalogue.preferred[bank.id]
    body: dict[str, Any] = {
        "id": catalogue.connector_id(bank),
        "uuid": ids.connector_uuid(bank),
        "name": bank.name,
        "hidden": False,
        "charged": False,
        "code": bank.bank_code,
        "beta": False,
        "color": bank.colour.removeprefix("#").lower(),
        "slug": slug(bank),
        "capabilities": CAPABILITIES,
        "urls": [],
        "sync_periodicity": None,
        "months_to_fetch": months(bank.history_days),
        "auth_mechanism": preferred.auth.value,
        "available_auth_mechanisms": auth_mechanisms(enabled_sources(bank)),
        "siret": None,
        "restricted": False,
        "products": PRODUCTS,
        "account_usages": ACCOUNT_USAGES,
    }
    if "fields" in expand:
        body["fields"] = fields_json(bank)
    if "sources" in expand:
        body["sources"] = [source_json(catalogue, bank, source) for source in by_priority(bank)]
    if "countries" in expand:
        body["countries"] = [{"id": bank.country, "name": country_name(bank.country)}]
    return body


def _listing(request: Request, key: str, capability: str | None = None) -> Response:
    catalogue = Catalogue.of(request)
    expand = expands(request)
    countries = country_codes(request)
    banks = catalogue.banks if capability is None or capability in CAPABILITIES else []
    connectors = [
        connector_json(catalogue, bank, expand)
        for bank in banks
        if countries is None or bank.country in countries
    ]
    return PowensJSON({key: connectors, "total": len(connectors)})


def _one(request: Request, capability: str | None = None) -> Response:
    catalogue = Catalogue.of(request)
    expand = expands(request)
    bank = catalogue.bank(request.path_params["connector"])
    if capability is not None and capability not in CAPABILITIES:
        raise NotFound(f"connector {ids.connector_uuid(bank)} has no {capability} capability")
    return PowensJSON(connector_json(catalogue, bank, expand))


async def list_connectors(request: Request) -> Response:
    return _listing(request, "connectors")


async def list_banks(request: Request) -> Response:
    """Deprecated: the connectors with the `bank` capability (every scenario bank)."""
    return _listing(request, "banks", "bank")


async def list_providers(request: Request) -> Response:
    """Deprecated: the connectors with the `document` capability (no scenario bank has it)."""
    return _listing(request, "providers", "document")


async def get_connector(request: Request) -> Response:
    """A connector by its uuid, or by its integer id (deprecated, still accepted)."""
    return _one(request)


async def get_bank(request: Request) -> Response:
    return _one(request, "bank")


async def get_provider(request: Request) -> Response:
    return _one(request, "document")


def _source_of(catalogue: Catalogue, bank: Bank, raw: str) -> Source:
    for source in bank.sources:
        if ID.fullmatch(raw) and catalogue.source_id(bank, source) == int(raw):
            return source
    raise NotFound(f"no source {raw[:64]!r} on this connector", details={"id_source": raw[:64]})


async def list_sources(request: Request) -> Response:
    """The connector's sources, disabled ones included (with `disabled` set), by priority."""
    catalogue = Catalogue.of(request)
    bank = catalogue.bank(request.path_params["connector"])
    found = [source_json(catalogue, bank, source) for source in by_priority(bank)]
    return PowensJSON({"sources": found, "total": len(found)})


async def get_source(request: Request) -> Response:
    catalogue = Catalogue.of(request)
    bank = catalogue.bank(request.path_params["connector"])
    source = _source_of(catalogue, bank, request.path_params["source_id"])
    return PowensJSON(source_json(catalogue, bank, source))


ROUTES: list[BaseRoute] = [
    resource("/connectors", get=list_connectors),
    resource("/connectors/{connector}", get=get_connector),
    resource("/connectors/{connector}/sources", get=list_sources),
    resource("/connectors/{connector}/sources/{source_id}", get=get_source),
    resource("/banks", get=list_banks),
    resource("/banks/{connector}", get=get_bank),
    resource("/providers", get=list_providers),
    resource("/providers/{connector}", get=get_provider),
]
