"""Fixtures of the Powens face tests: the session's Powens contract (`contract.py`), and
`validated`, which makes a client check every Powens response it receives against Powens' own
OpenAPI files (`client = validated(client)`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import httpx
import pytest
from contract import Contract, session_contract, validating

Client = TypeVar("Client", httpx.Client, httpx.AsyncClient)


@pytest.fixture(scope="session")
def powens_contract() -> Contract:
    """The spec, loaded once, and the session's record: `powens_contract.covered(op, status)`."""
    return session_contract()


@pytest.fixture
def validated(powens_contract: Contract) -> Callable[[Client], Client]:
    def wrap(client: Client) -> Client:
        return validating(client, powens_contract)

    return wrap


@pytest.fixture
def client(client, powens_contract: Contract):
    """Every Powens test's client checks each Powens response against Powens' own spec."""
    return validating(client, powens_contract)
