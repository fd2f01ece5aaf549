"""How Powens names the scenario's banks and their sources: a connector per bank, with a
`uuid` that is the same on every domain (as Powens' are) and an integer `id` that is the
bank's place in the tenant's scenario (Powens' ids differ between domains too); a source per
bank source, `openapi` for the PSD2 API and `directaccess` for the website."""

from __future__ import annotations

import uuid

from sandbox.domain.banks import Bank, SourceKind
from sandbox.domain.errors import NotFound
from sandbox.faces.paths import ID

# Fixed forever: a connector's uuid is uuid5 of this and the bank's id.
NAMESPACE = uuid.UUID("5b0c2f4e-7d1a-5e2b-9f3c-b4a6e8d0c1f2")
SOURCE_NAMES = {SourceKind.API: "openapi", SourceKind.WEB: "directaccess"}
SOURCE_KINDS = {name: kind for kind, name in SOURCE_NAMES.items()}
# A connector's sources are numbered after it: connector 3 has sources 301 and 302.
SOURCES_PER_CONNECTOR = 100


def connector_uuid(bank: Bank) -> str:
    return str(uuid.uuid5(NAMESPACE, bank.id))


def connector_id(banks: list[Bank], bank: Bank) -> int:
    return next(i for i, each in enumerate(banks, start=1) if each.id == bank.id)


def connector_source_id(banks: list[Bank], bank: Bank, kind: SourceKind) -> int:
    place = next(i for i, source in enumerate(bank.sources, start=1) if source.kind == kind)
    return connector_id(banks, bank) * SOURCES_PER_CONNECTOR + place


def bank_of_connector(banks: list[Bank], ref: str | int) -> Bank:
    """The bank a connector uuid or integer id names; NotFound otherwise."""
    text = str(ref).strip().lower()
    if ID.fullmatch(text):
        number = int(text)
        if 1 <= number <= len(banks):
            return banks[number - 1]
    else:
        for bank in banks:
            if connector_uuid(bank) == text:
                return bank
    raise NotFound(f"no connector {str(ref)[:64]!r}", details={"connector": str(ref)[:64]})
