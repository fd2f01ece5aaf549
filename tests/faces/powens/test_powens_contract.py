"""The Powens contract validator (contract.py) itself: it takes what Powens documents, refuses
what Powens' OpenAPI files refuse with a message naming the field, finds the spec's operation for
any path of the face, and checks a client's responses as they arrive.

Bodies are the JSON samples of shared/reference/powens.md (the spec's own `examples` are few),
completed where the sample elides a required field or shortens a uuid."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

import httpx
import pytest
import yaml
from contract import (
    ERRATA,
    FORMATS,
    NO_BODY,
    SPEC_DIR,
    UNCHECKED_FORMATS,
    Contract,
    ContractViolation,
    Spec,
    api_path,
    validating,
)
from hypothesis import given
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

UUID = "338178e6-3d01-564f-9a7b-52ca442459bf"

USER = {"id": 42, "signin": "2024-01-02 10:00:00"}
ACCESS_TOKEN = {"auth_token": "Yx9...", "type": "permanent", "id_user": 42, "expires_in": None}
AUTH_CODE = {
    "code": "nc0EdV2MiVmSig1...",
    "type": "temporary",
    "access": "single",
    "expires_in": 1800,
}
EXCHANGED = {"access_token": "Yx9...", "token_type": "Bearer"}
# As powens.md writes it, but for "transfer_mechanism": null, which the spec refuses (below).
CONNECTOR = {
    "id": 40,
    "uuid": UUID,
    "name": "Connecteur de test",
    "hidden": False,
    "charged": False,
    "code": None,
    "beta": False,
    "color": "0d72be",
    "slug": "TST",
    "capabilities": ["bank", "document", "profile"],
    "auth_mechanism": "credentials",
    "restricted": False,
    "months_to_fetch": None,
    "siret": None,
    "products": ["bank"],
    "account_usages": ["PRIV", "ORGA"],
    "fields": [
        {
            "name": "website",
            "type": "list",
            "label": "Type de compte",
            "required": True,
            "regex": None,
            "auth_mechanisms": ["credentials"],
            "connector_sources": ["directaccess"],
            "values": [
                {"value": "par", "label": "Particuliers"},
                {"value": "pro", "label": "Professionnels"},
            ],
        },
        {
            "name": "login",
            "type": "text",
            "label": "Identifiant",
            "required": True,
            "regex": None,
            "auth_mechanisms": ["credentials"],
        },
        {
            "name": "password",
            "type": "password",
            "label": "Mot de passe",
            "required": True,
            "regex": None,
            "auth_mechanisms": ["credentials"],
        },
    ],
    "sources": [
        {
            "id": 1,
            "id_connector": 40,
            "name": "openapi",
            "auth_mechanism": "webauth",
            "available_auth_mechanisms": ["webauth"],
            "disabled": None,
            "priority": 1,
            "account_usages": ["PRIV"],
        },
        {
            "id": 2,
            "id_connector": 40,
            "name": "directaccess",
            "auth_mechanism": "credentials",
            "available_auth_mechanisms": ["credentials"],
            "disabled": None,
            "priority": 2,
            "account_usages": ["PRIV", "ORGA"],
        },
    ],
}
CONNECTION = {
    "id": 17,
    "id_user": 42,
    "id_connector": 40,
    "connector_uuid": UUID,  # powens.md shortens it to "338178e6-..."
    "state": None,
    "error": None,
    "error_message": None,
    "fields": None,
    "last_update": "2024-03-01 08:12:44",
    "created": "2024-03-01 08:12:10",
    "active": True,
    "last_push": "2024-03-01 08:12:45",
    "expire": "2024-08-28 08:12:10",
    "next_try": "2024-03-02 08:12:44",
    "id_bank": 40,
    "id_provider": 40,
}
# powens.md's sample elides id_connector, created and active with "...": "...".
CONNECTION_NEEDING_OTP = {
    "id": 17,
    "id_connector": 40,
    "created": "2024-03-01 08:12:10",
    "active": True,
    "state": "additionalInformationNeeded",
    "error": "additionalInformationNeeded",
    "error_message": None,
    "fields": [
        {
            "name": "otp",
            "type": "text",
            "label": "Code d'autorisation",
            "required": True,
            "regex": None,
            "auth_mechanisms": ["credentials"],
        }
    ],
    "...": "...",
}
ACCOUNT = {
    "id": 101,
    "id_connection": 17,
    "id_user": 42,
    "id_source": 31,
    "id_parent": None,
    "number": "3002900000",
    "original_name": "Compte chèque",
    "name": "Compte chèque",
    "balance": 2345.67,
    "coming": -42.1,
    "display": True,
    "bookmarked": False,
    "last_update": "2024-03-01 08:12:44",
    "deleted": None,
    "disabled": None,
    "iban": "FR7630004000031234567890143",
    "bic": "BNPAFRPP",
    "currency": {"id": "EUR", "name": "Euro", "symbol": "€", "precision": 2},
    "type": "checking",
    "id_type": 2,
    "usage": "PRIV",
    "original_usage": "PRIV",
    "ownership": "owner",
    "company_name": None,
    "error": None,
    "loan": None,
}
ACCOUNTS = {"accounts": [ACCOUNT], "balances": {"EUR": 1234.56}, "coming_balances": {"EUR": -20.0}}
TRANSACTION = {
    "id": 9001,
    "id_account": 101,
    "application_date": "2024-02-27",
    "date": "2024-02-28",
    "datetime": None,
    "vdate": "2024-02-28",
    "vdatetime": None,
    "rdate": "2024-02-27",
    "rdatetime": None,
    "value": -42.5,
    "gross_value": -42.5,
    "type": "card",
    "original_wording": "CB CARREFOUR 27/02 PARIS",
    "simplified_wording": "CARREFOUR",
    "stemmed_wording": "CARREFOUR",
    "wording": "CARREFOUR",
    "categories": [],
    "id_category": None,
    "date_scraped": "2024-03-01 08:12:40",
    "coming": False,
    "active": True,
    "id_cluster": None,
    "comment": None,
    "last_update": "2024-03-01 08:12:40",
    "deleted": None,
    "original_value": None,
    "original_currency": None,
    "commission": None,
    "card": "XXXX1234",
    "counterparty": None,
}
TRANSACTIONS = {
    "transactions": [TRANSACTION],
    "first_date": "2023-09-01",
    "last_date": "2024-02-28",
    "result_min_date": "2024-02-01",
    "result_max_date": "2024-02-28",
    "_links": {
        "self": {"href": "/2.0/users/me/transactions?limit=2&offset=0"},
        "next": {"href": "/2.0/users/me/transactions?limit=2&offset=2"},
        "prev": None,
    },
}
ERROR = {
    "code": "wrongpass",
    "description": "Wrong password",
    "message": "Identifiant ou mot de passe incorrect",
    "request_id": "37a1bc0d",
}

# (method, path, status, body, operationId): one exchange per powens.md sample.
EXCHANGES = [
    ("POST", "/auth/init", 200, ACCESS_TOKEN, "initUserToken"),
    ("GET", "/auth/token/code?type=singleAccess", 200, AUTH_CODE, "getAuthCode"),
    ("POST", "/auth/token/access", 200, EXCHANGED, "exchangeAccessToken"),
    ("GET", "/users/me", 200, USER, "getUser"),
    (
        "GET",
        "/connectors?expand=fields,sources",
        200,
        {"connectors": [CONNECTOR]},
        "listConnectors",
    ),
    ("GET", f"/connectors/{UUID}", 200, CONNECTOR, "getConnectorByUuid"),
    ("GET", "/users/me/connections", 200, {"connections": [CONNECTION]}, "listUserConnections"),
    ("GET", "/users/me/connections/17", 200, CONNECTION, "getUserConnection"),
    ("POST", "/users/me/connections/17", 200, CONNECTION_NEEDING_OTP, "updateSyncUserConnection"),
    ("POST", "/users/me/connections", 400, ERROR, "createUserConnection"),
    ("GET", "/users/me/accounts", 200, ACCOUNTS, "listUserAccounts"),
    ("GET", "/users/me/accounts/101", 200, ACCOUNT, "getUserAccount"),
    ("GET", "/users/me/transactions?limit=2", 200, TRANSACTIONS, "listUserTransactions"),
    ("GET", "/users/me/transactions/9001", 200, TRANSACTION, "getUserTransaction"),
]

# Whole objects and the component schema each is an instance of.
OBJECTS = [
    ("users.yml", "User", USER),
    ("authentication.yml", "AccessToken", ACCESS_TOKEN),
    ("authentication.yml", "AuthCode", AUTH_CODE),
    ("connectors.yml", "Connector", CONNECTOR),
    ("connections.yml", "Connection", CONNECTION),
    ("bank-accounts.yml", "BankAccount", ACCOUNT),
    ("bank-accounts.yml", "BankAccountsList", ACCOUNTS),
    ("bank-transactions.yml", "Transaction", TRANSACTION),
    ("bank-transactions.yml", "TransactionsList", TRANSACTIONS),
    ("core.yml", "ServiceError", ERROR),
]


@pytest.fixture(scope="module")
def spec(powens_contract: Contract) -> Spec:
    return powens_contract.spec


@pytest.fixture
def contract(spec: Spec) -> Contract:
    """A contract of its own, so that these tests leave the session's record alone."""
    return Contract(spec)


def refused(contract: Contract, method: str, path: str, status: int, body: Any) -> str:
    with pytest.raises(ContractViolation) as raised:
        contract.check(method, path, status, body)
    return str(raised.value)


def without(body: dict, key: str) -> dict:
    return {k: v for k, v in body.items() if k != key}


def required_of(spec: Spec, ref: str) -> list[str]:
    _, schema = spec.resolve(ref, ref)
    found = list(schema.get("required", []))
    for part in schema.get("allOf", []):
        found += required_of(spec, spec.resolve(ref, part["$ref"])[0]) if "$ref" in part else []
        found += part.get("required", [])
    return found


def properties_of(spec: Spec, ref: str) -> set[str]:
    _, schema = spec.resolve(ref, ref)
    found = set(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        found |= (
            properties_of(spec, spec.resolve(ref, part["$ref"])[0]) if "$ref" in part else set()
        )
        found |= set(part.get("properties", {}))
    return found


# ---- what Powens documents is accepted ----------------------------------------------------------


@pytest.mark.parametrize(("method", "path", "status", "body", "operation"), EXCHANGES)
def test_powens_documented_responses_are_accepted_and_recorded(
    contract, method, path, status, body, operation
):
    found = contract.check(method, f"/powens/demo/2.0{path}", status, body)

    assert found is not None and found.id == operation
    assert contract.covered(operation, status)
    assert contract.validated == {(operation, status): 1}


def test_every_example_in_the_spec_validates_but_one_request_body(spec):
    found = {}
    for uri, document in spec.documents.items():
        for pointer, example in _examples(document, ""):
            if pointer.startswith("/components/schemas/"):
                label = f"{uri.rsplit('/', 1)[-1]} {pointer.removeprefix('/components/schemas/')}"
                found[label] = spec.problems(f"{uri}#{pointer}", example)

    assert {label for label, problems in found.items() if not problems} == {
        "connections.yml ConnectionRequest",
        "connections.yml Connection/properties/connector",
        "connections.yml Connection/properties/accounts",
        "connections.yml Connection/properties/all_accounts",
        "bank-accounts.yml BankAccount/properties/connection",
        "bank-accounts.yml BankAccountsList/properties/balances",
    }
    # The spec's own slip: `resume` is a string enum whose one value is YAML's boolean true.
    assert {label: problems for label, problems in found.items() if problems} == {
        "connections.yml ConnectionUpdateRequest": [
            "at $.resume: True is not of type 'string'",
        ]
    }


def _examples(node: Any, pointer: str) -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for example in node.get("examples", []) if isinstance(node.get("examples"), list) else []:
            yield pointer, example
        for key, value in node.items():
            if key not in ("examples", "example"):
                yield from _examples(
                    value, f"{pointer}/{key.replace('~', '~0').replace('/', '~1')}"
                )
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _examples(item, f"{pointer}/{index}")


@pytest.mark.parametrize(
    "state",
    [
        None,
        "SCARequired",
        "webauthRequired",
        "additionalInformationNeeded",
        "decoupled",
        "validating",
        "actionNeeded",
        "passwordExpired",
        "wrongpass",
        "rateLimiting",
        "websiteUnavailable",
        "bug",
    ],
)
def test_every_connection_state_and_null_is_accepted_in_state_and_error(contract, state):
    connection = {**CONNECTION, "state": state, "error": state}

    assert contract.check("GET", "/users/me/connections/17", 200, connection)


def test_nullable_things_take_null(contract):
    account = {
        **ACCOUNT,
        "id_parent": None,
        "currency": None,
        "balance": None,
        "iban": None,
        "connection": None,
        "loan": {"total_amount": 1000.0, "type": None, "rate": None, "maturity_date": None},
    }
    transaction = {
        **TRANSACTION,
        "counterparty": {"label": "ACME", "type": None, "account_scheme_name": None},
    }
    connection = {
        **CONNECTION,
        "id_user": None,
        "connector": None,
        "accounts": None,
        "sources": None,
    }

    assert contract.check("GET", "/users/me/accounts/101", 200, account)
    assert contract.check("GET", "/users/me/transactions/9001", 200, transaction)
    assert contract.check("GET", "/users/me/connections/17", 200, connection)


def test_expanded_objects_are_checked_inside_as_well(contract):
    connection = {
        **CONNECTION,
        "connector": CONNECTOR,
        "accounts": [ACCOUNT],
        "all_accounts": [ACCOUNT],
    }
    assert contract.check(
        "GET", "/users/me/connections/17?expand=connector,accounts", 200, connection
    )

    broken = {**CONNECTION, "accounts": [without(ACCOUNT, "id_source")]}
    message = refused(contract, "GET", "/users/me/connections/17", 200, broken)
    assert "at $.accounts[0]: 'id_source' is a required property" in message


# ---- what the spec refuses is refused, naming the field ----------------------------------------


def test_a_connection_without_id_connector_is_refused_naming_the_field_and_the_operation(contract):
    message = refused(
        contract,
        "GET",
        "/powens/demo/2.0/users/me/connections/17",
        200,
        without(CONNECTION, "id_connector"),
    )

    assert message == (
        "GET /powens/demo/2.0/users/me/connections/17 → 200 (getUserConnection), as connections.yml Connection:\n"
        "  at $: 'id_connector' is a required property"
    )
    assert contract.validated == {}


@pytest.mark.parametrize(
    ("file", "name", "body", "field"),
    [
        pytest.param(file, name, body, field, id=f"{name}-{field}")
        for file, name, body in OBJECTS
        for field in body
    ],
)
def test_each_field_is_missed_when_absent_exactly_when_the_spec_requires_it(
    spec, file, name, body, field
):
    ref = spec.component(file, name)
    required = required_of(spec, ref)

    problems = spec.problems(ref, without(body, field))

    if field in required:
        assert problems == [f"at $: '{field}' is a required property"]
    else:
        assert problems == []


def test_the_required_fields_are_the_ones_the_spec_lists(spec):
    """What the face must always send (the parametrized test above checks each one)."""
    required = {
        f"{file} {name}": required_of(spec, spec.component(file, name)) for file, name, _ in OBJECTS
    }

    assert required == {
        "users.yml User": ["id", "signin"],
        "authentication.yml AccessToken": ["auth_token", "type", "id_user"],
        "authentication.yml AuthCode": ["code", "type", "access"],
        "connectors.yml Connector": [
            "id",
            "uuid",
            "name",
            "charged",
            "beta",
            "capabilities",
            "auth_mechanism",
            "restricted",
        ],
        "connections.yml Connection": ["id", "id_connector", "created", "active"],
        "bank-accounts.yml BankAccount": [
            "id",
            "id_connection",
            "id_user",
            "id_source",
            "name",
            "original_name",
            "type",
            "id_type",
            "usage",
            "display",
            "bookmarked",
        ],
        "bank-accounts.yml BankAccountsList": ["accounts", "balances"],
        "bank-transactions.yml Transaction": [
            "id",
            "id_account",
            "date",
            "type",
            "date_scraped",
            "rdate",
            "coming",
            "active",
        ],
        "bank-transactions.yml TransactionsList": [
            "first_date",
            "last_date",
            "result_min_date",
            "result_max_date",
            "transactions",
        ],
        "core.yml ServiceError": ["code", "description"],
    }


def test_an_amount_written_as_a_string_is_refused(contract):
    transactions = copy.deepcopy(TRANSACTIONS)
    transactions["transactions"][0]["value"] = "-42.50"

    message = refused(contract, "GET", "/users/me/transactions", 200, transactions)

    assert "at $.transactions[0].value: '-42.50' is not of type 'number'" in message


def test_an_iso_datetime_is_refused_where_powens_writes_a_space(contract):
    message = refused(
        contract,
        "GET",
        "/users/me/connections/17",
        200,
        {**CONNECTION, "last_update": "2024-03-01T08:12:44"},
    )

    assert "at $.last_update: '2024-03-01T08:12:44' is not a 'sql-date-time'" in message
    assert (
        "at $.last_update: '2024-03-01T08:12:44' does not match '^\\\\d{4}-\\\\d{2}-\\\\d{2} \\\\d{2}:\\\\d{2}:\\\\d{2}$'"
        in message
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"last_update": "2024-02-30 08:12:44"},
            "at $.last_update: '2024-02-30 08:12:44' is not a 'sql-date-time'",
        ),
        (
            {"created": "2024-03-01 08:12:44\n"},
            "at $.created: '2024-03-01 08:12:44\\n' is not a 'sql-date-time'",
        ),
        ({"created": None}, "at $.created: null where the schema is not nullable (type 'string')"),
        ({"id": 17.0}, "at $.id: 17.0 is not of type 'integer'"),
        ({"id": "17"}, "at $.id: '17' is not of type 'integer'"),
        ({"id": 0}, "at $.id: 0 is less than the minimum of 1"),
        ({"active": 1}, "at $.active: 1 is not of type 'boolean'"),
        ({"connector_uuid": "338178e6-..."}, "at $.connector_uuid: '338178e6-...' is not a 'uuid'"),
        ({"state": "sca_required"}, "at $.state: 'sca_required' is not one of"),
        ({"error": "SCA_REQUIRED"}, "at $.error: 'SCA_REQUIRED' is not one of"),
        (
            {"id_user": "me"},
            "at $.id_user: 'me' is not valid under any of the given schemas ('me' is not of type 'integer'; 'me' is not of type 'null')",
        ),
    ],
)
def test_a_connection_field_of_the_wrong_kind_is_refused_by_name(contract, change, expected):
    message = refused(contract, "GET", "/users/me/connections/17", 200, {**CONNECTION, **change})

    assert expected in message


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"iban": "FR7630004000031234567890144"},
            "at $.iban: 'FR7630004000031234567890144' is not a 'iban'",
        ),
        ({"iban": "FR76 3000 4000 0312 3456 7890 143"}, "is not a 'iban'"),
        (
            {"currency": {"id": "eur", "name": "Euro", "symbol": "€", "precision": 2}},
            "at $.currency.id: 'eur' is not a 'iso-4217'",
        ),
        ({"type": "livret_a"}, "at $.type: 'livret_a' is not one of"),
        ({"usage": None}, "at $.usage: null where the schema is not nullable"),
        ({"bookmarked": 0}, "at $.bookmarked: 0 is not of type 'boolean'"),
        ({"balance": "2345.67"}, "at $.balance: '2345.67' is not of type 'number'"),
        ({"disabled": True}, "at $.disabled: True is not of type 'string'"),
    ],
)
def test_an_account_field_of_the_wrong_kind_is_refused_by_name(contract, change, expected):
    message = refused(contract, "GET", "/users/me/accounts/101", 200, {**ACCOUNT, **change})

    assert expected in message


def test_a_transaction_with_an_impossible_date_or_unknown_type_is_refused(contract):
    message = refused(
        contract,
        "GET",
        "/users/me/transactions/9001",
        200,
        {**TRANSACTION, "date": "2024-02-30", "type": "loan_repayment"},
    )

    assert "at $.date: '2024-02-30' is not a 'date'" in message
    assert "at $.type: 'loan_repayment' is not one of" in message


def test_powens_md_connector_sample_has_a_null_transfer_mechanism_the_spec_refuses(contract):
    """Where powens.md and the spec disagree, the spec is the contract: omit the key instead."""
    documented = {**CONNECTOR, "transfer_mechanism": None}

    message = refused(contract, "GET", "/connectors/40", 200, documented)

    assert (
        "at $.transfer_mechanism: null where the schema is not nullable (type 'string')" in message
    )


def test_a_connector_colour_is_six_hex_digits_without_a_hash(contract):
    message = refused(contract, "GET", "/connectors/40", 200, {**CONNECTOR, "color": "#0d72be"})

    assert "at $.color: '#0d72be' is not a 'hex-color'" in message


def test_every_format_the_spec_names_is_checked_or_said_why_not(spec):
    named = set(_formats(list(spec.documents.values())))

    assert named <= set(FORMATS.checkers) | set(UNCHECKED_FORMATS)
    assert named == {
        "date", "double", "float", "hex-color", "iban", "int32", "int64", "iso-3166-1-alpha-2",
        "iso-4217", "monetary", "regex", "sql-date-time", "url", "uuid", "year", "year-month",
    }  # fmt: skip


def _formats(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("format"), str):
            yield node["format"]
        for value in node.values():
            yield from _formats(value)
    elif isinstance(node, list):
        for item in node:
            yield from _formats(item)


# ---- errata -------------------------------------------------------------------------------------


def test_the_errata_correct_places_the_files_really_get_wrong():
    types = yaml.safe_load((SPEC_DIR / "bank-account-types.yml").read_text())
    core = yaml.safe_load((SPEC_DIR / "core.yml").read_text())
    accounts = yaml.safe_load((SPEC_DIR / "bank-accounts.yml").read_text())
    schemas = types["components"]["schemas"]

    assert [erratum.file for erratum in ERRATA] == ["bank-account-types.yml", "core.yml"]
    # An account type's id is a date bound in the file, while an account's id_type is an Id.
    assert (
        schemas["BankAccountType"]["properties"]["id"]["$ref"]
        == "core.yml#/components/schemas/CalendarBound"
    )
    assert (
        accounts["components"]["schemas"]["BankAccount"]["properties"]["id_type"]["$ref"]
        == "core.yml#/components/schemas/Id"
    )
    assert "missingParameter" not in core["components"]["schemas"]["ServiceErrorCode"]["enum"]


def test_an_account_type_has_an_integer_id(contract):
    checking = {
        "id": 2,
        "name": "checking",
        "id_parent": None,
        "is_invest": False,
        "display_name": "Compte chèque",
        "display_name_p": "Comptes chèque",
    }

    assert contract.check("GET", "/account_types/2", 200, checking)
    assert contract.check("GET", "/account_types", 200, {"accounttypes": [checking]})
    assert "at $.id: '2024-01' is not of type 'integer'" in refused(
        contract, "GET", "/account_types/2", 200, {**checking, "id": "2024-01"}
    )


def test_a_listed_400_takes_the_spec_codes_and_the_documented_common_ones(contract):
    for code in ("wrongpass", "noAccount", "missingParameter", "invalidValue"):
        error = {"code": code, "description": "..."}
        assert contract.check("POST", "/users/me/connections", 400, error)

    message = refused(
        contract, "POST", "/users/me/connections", 400, {"code": "notFound", "description": "..."}
    )
    assert "at $.code: 'notFound' is not one of" in message


# ---- statuses and bodies the operation does not list ---------------------------------------------


def test_an_unlisted_error_status_must_still_be_a_powens_error(contract):
    not_found = {"code": "notFound", "description": "Ressource was not found.", "request_id": None}
    assert contract.check("GET", "/users/me/connections/99", 404, not_found)
    assert contract.covered("getUserConnection", 404)

    native = {"error": {"code": "not_found", "message": "no such connection", "details": None}}
    message = refused(contract, "GET", "/users/me/connections/99", 404, native)
    assert message == (
        "GET /users/me/connections/99 → 404 (getUserConnection), as ServiceError:\n"
        "  at $: 'code' is a required property\n"
        "  at $: 'description' is a required property"
    )

    message = refused(contract, "GET", "/users/me/connections/99", 500, NO_BODY)
    assert (
        message
        == "GET /users/me/connections/99 → 500 (getUserConnection): the spec lists a JSON ServiceError, got none"
    )


def test_a_success_status_the_spec_does_not_list_is_refused(contract):
    message = refused(contract, "POST", "/users/me/connections", 201, CONNECTION)

    assert (
        message
        == "POST /users/me/connections → 201 (createUserConnection): the spec lists only 200, 400 for createUserConnection"
    )


def test_bodiless_responses_have_their_status_checked(contract):
    assert contract.check("DELETE", "/users/me/connections/17", 204)
    assert contract.check("GET", "/webauth?client_id=1&token=t&redirect_uri=x", 302)

    assert "the spec lists only 302" in refused(contract, "GET", "/webauth", 307, NO_BODY)
    assert "the spec lists only 204" in refused(contract, "DELETE", "/users/me", 200, NO_BODY)
    assert refused(contract, "DELETE", "/users/me", 204, {}) == (
        "DELETE /users/me → 204 (deleteUser): the spec lists no body for 204, got JSON"
    )
    assert refused(contract, "GET", "/users/me", 200, NO_BODY) == (
        "GET /users/me → 200 (getUser): the spec lists a JSON users.yml User, got none"
    )


def test_an_operation_the_spec_lacks_is_recorded_not_failed(contract):
    assert (
        contract.check(
            "GET", "/powens/demo/2.0/users/42/connections/17/sources", 200, {"sources": []}
        )
        is None
    )
    assert (
        contract.check("PUT", "/powens/demo/2.0/users/me/connections/17", 200, CONNECTION) is None
    )

    assert contract.unspecified == {
        ("GET", "/users/me/connections/17/sources", 200): 1,
        ("PUT", "/users/me/connections/17", 200): 1,
    }
    assert contract.validated == {}


# ---- finding the operation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "operation"),
    [
        ("GET", "/powens/demo/2.0/users/me/connections/17", "getUserConnection"),
        ("GET", "/powens/demo/2.0/users/42/connections/17", "getUserConnection"),
        ("POST", "/powens/demo/2.0/users/42/connections/17", "updateSyncUserConnection"),
        ("DELETE", "/powens/demo/2.0/users/me/connections/17", "deleteUserConnection"),
        ("post", "/powens/my-sandbox/2.0/users/me/connections", "createUserConnection"),
        ("GET", "/users/42/accounts", "listUserAccounts"),
        ("GET", "/powens/demo/2.0/users/me/accounts?all&expand=connection", "listUserAccounts"),
        ("GET", "/powens/demo/2.0/users/me", "getUser"),
        ("GET", "/powens/demo/2.0/users/42", "getUser"),
        ("DELETE", "/powens/demo/2.0/users/me", "deleteUser"),
        ("GET", "/powens/demo/2.0/connectors/40", "getConnector"),
        ("GET", f"/powens/demo/2.0/connectors/{UUID}", "getConnectorByUuid"),
        ("PUT", "/powens/demo/2.0/connectors/40,41", "batchEnableConnectorsById"),
        ("GET", "/powens/demo/2.0/account_types/2", "getBankAccountType"),
        ("GET", "/powens/demo/2.0/webauth?client_id=1&token=t", "openWebAuth"),
        ("POST", "/powens/demo/2.0/auth/init", "initUserToken"),
        ("DELETE", "/powens/demo/2.0/auth/token", "revokeAccessToken"),
        # A path parameter of the wrong kind still finds its operation, so that the error
        # answer is checked too.
        ("GET", "/powens/demo/2.0/users/me/connections/abc", "getUserConnection"),
    ],
)
def test_a_face_path_finds_its_operation(spec, method, path, operation):
    found = spec.find(method, path)

    assert found is not None and found.id == operation


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/powens/demo/2.0/users/me/connections/17/accounts"),  # documented alias only
        ("PUT", "/powens/demo/2.0/users/me/connections/17"),  # documented sync only
        ("GET", "/powens/demo/2.0/webauth-url"),
        ("GET", "/powens/demo/2.0/users/meat/accounts"),
        ("GET", "/powens/demo/2.0/users/me/accounts/"),
        ("PATCH", "/powens/demo/2.0/users/me"),
    ],
)
def test_a_path_the_spec_does_not_have_finds_nothing(spec, method, path):
    assert spec.find(method, path) is None


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/powens/demo/2.0/users/me/accounts", "/users/me/accounts"),
        ("/powens/demo/2.0/users/42/accounts?all", "/users/me/accounts"),
        ("/users/42", "/users/me"),
        ("/users/42x/accounts", "/users/42x/accounts"),
        ("/powens/demo/2.0", "/"),
        ("/powens/demo/2.0x/users/me", "/powens/demo/2.0x/users/me"),
    ],
)
def test_api_path_strips_the_mount_and_reads_a_numeric_user_as_me(path, expected):
    assert api_path(path) == expected


# ---- properties --------------------------------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=5,
)


@given(sample=st.sampled_from(OBJECTS), extra=st.dictionaries(st.text(), JSON, max_size=4))
def test_keys_the_schema_does_not_name_never_make_a_valid_body_invalid(spec, sample, extra):
    file, name, body = sample
    ref = spec.component(file, name)
    named = properties_of(spec, ref)

    assert spec.problems(ref, {**{k: v for k, v in extra.items() if k not in named}, **body}) == []


@given(when=st.datetimes(min_value=datetime(1900, 1, 1)))
def test_any_datetime_written_the_powens_way_is_accepted_and_the_iso_way_refused(spec, when):
    ref = spec.component("connections.yml", "Connection")
    powens = when.isoformat(sep=" ", timespec="seconds")
    iso = when.isoformat(timespec="seconds")

    assert spec.problems(ref, {**CONNECTION, "last_update": powens, "created": powens}) == []
    assert f"at $.created: '{iso}' is not a 'sql-date-time'" in spec.problems(
        ref, {**CONNECTION, "created": iso}
    )


@given(
    balances=st.dictionaries(
        st.from_regex(r"\A[A-Z]{3}\Z"),
        st.none() | st.integers() | st.floats(allow_nan=False, allow_infinity=False),
    ),
    amount=st.floats(allow_nan=False, allow_infinity=False) | st.integers(),
)
def test_balances_and_amounts_take_any_json_number(spec, balances, amount):
    ref = spec.component("bank-accounts.yml", "BankAccountsList")
    account = {**ACCOUNT, "balance": amount, "coming": amount}

    assert spec.problems(ref, {"accounts": [account], "balances": balances}) == []


@given(code=st.from_regex(r"\A[A-Z]{3}\Z"), text=st.text(min_size=1))
def test_a_balance_written_as_text_is_refused_by_currency(spec, code, text):
    ref = spec.component("bank-accounts.yml", "BankAccountsList")

    assert spec.problems(ref, {"accounts": [], "balances": {code: text}}) == [
        f"at $.balances.{code}: {text!r} is not of type 'number'"
    ]


# ---- checking a client's responses as they arrive ----------------------------------------------


def _face(request: Request) -> Response:
    """A stand-in for the Powens face: canned answers, some of them wrong on purpose."""
    connection_id = request.path_params.get("connection_id")
    if request.method == "DELETE":
        return Response(status_code=204)
    if connection_id == "17":
        return JSONResponse(CONNECTION)
    if connection_id == "18":
        return JSONResponse(without(CONNECTION, "id_connector"))
    if connection_id == "19":
        return Response('{"id": NaN}', media_type="application/json")
    return JSONResponse({"error": {"code": "not_found", "message": "no such connection"}}, 404)


def _face_app() -> Starlette:
    prefix = "/powens/demo/2.0"
    return Starlette(
        routes=[
            Route(
                f"{prefix}/users/{{user}}/connections/{{connection_id}}",
                _face,
                methods=["GET", "DELETE"],
            ),
            Route(
                f"{prefix}/users/me/connections/{{connection_id}}/sources",
                lambda _: JSONResponse({"sources": []}),
            ),
            Route(f"{prefix}/webauth", lambda _: RedirectResponse("http://127.0.0.1:9/bank", 302)),
            Route("/api/v1/users", lambda _: JSONResponse({"users": "anything"})),
            Route("/powens/demo/connect", lambda _: JSONResponse({"not": "checked"}, 500)),
        ]
    )


def test_a_wrapped_test_client_checks_every_powens_response_as_it_arrives(contract):
    client = validating(TestClient(_face_app()), contract)

    assert client.get("/powens/demo/2.0/users/me/connections/17").json() == CONNECTION
    assert client.delete("/powens/demo/2.0/users/42/connections/17").status_code == 204
    assert client.get("/powens/demo/2.0/webauth", follow_redirects=False).status_code == 302
    assert client.get("/powens/demo/2.0/users/me/connections/17/sources").status_code == 200
    with pytest.raises(
        ContractViolation,
        match=r"getUserConnection.*\n  at \$: 'id_connector' is a required property",
    ):
        client.get("/powens/demo/2.0/users/me/connections/18")
    with pytest.raises(ContractViolation, match="the body is not JSON"):
        client.get("/powens/demo/2.0/users/me/connections/19")
    with pytest.raises(ContractViolation, match=r"→ 404 \(getUserConnection\), as ServiceError"):
        client.get("/powens/demo/2.0/users/me/connections/20")

    assert contract.validated == {
        ("getUserConnection", 200): 1,
        ("deleteUserConnection", 204): 1,
        ("openWebAuth", 302): 1,
    }
    assert contract.unspecified == {("GET", "/users/me/connections/17/sources", 200): 1}


def test_responses_outside_the_powens_api_are_left_alone(contract):
    client = validating(TestClient(_face_app()), contract)

    assert client.get("/api/v1/users").status_code == 200
    assert client.get("/powens/demo/connect").status_code == 500
    assert contract.validated == {} and contract.unspecified == {}


def test_wrapping_twice_checks_once(contract):
    client = validating(validating(TestClient(_face_app()), contract), contract)

    client.get("/powens/demo/2.0/users/me/connections/17")

    assert contract.validated == {("getUserConnection", 200): 1}


def test_any_httpx_client_can_be_wrapped_sync_or_async(contract):
    def face(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, json=USER if request.url.path.endswith(("/me", "/42")) else {"id": 43}
        )

    with validating(httpx.Client(transport=httpx.MockTransport(face)), contract) as client:
        assert client.get("http://127.0.0.1:8000/powens/demo/2.0/users/me").json() == USER

    async def call_async() -> None:
        transport = httpx.MockTransport(face)
        async with validating(httpx.AsyncClient(transport=transport), contract) as client:
            await client.get("http://127.0.0.1:8000/powens/demo/2.0/users/42")
            with pytest.raises(ContractViolation, match=r"at \$: 'signin' is a required property"):
                await client.get("http://127.0.0.1:8000/powens/demo/2.0/users/43")

    # In a thread of its own: a browser test's event loop may be running on this one.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, call_async()).result()
    assert contract.validated == {("getUser", 200): 2}


def test_the_validated_fixture_uses_the_session_contract(validated, powens_contract):
    before = (powens_contract.validated.copy(), powens_contract.unspecified.copy())
    client = TestClient(_face_app())

    assert validated(client) is client
    with pytest.raises(ContractViolation, match="'id_connector' is a required property"):
        client.get("/powens/demo/2.0/users/me/connections/18")
    # A refused response is not recorded as validated.
    assert (powens_contract.validated, powens_contract.unspecified) == before
