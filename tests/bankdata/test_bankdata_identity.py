"""IBANs, BICs and card numbers: valid for the bank's country and consistent with each other."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from schwifty import IBAN

from sandbox.bankdata import account, accounts, transactions
from sandbox.bankdata.identity import valid_iban
from sandbox.scenario.model import AccountSpec, Bank, Persona, Scenario


def _bank(**bank_values) -> Scenario:
    bank = Bank(id="b", name="B", **bank_values)
    return Scenario(seed=3, banks=[bank], personas=[Persona(login="p", bank="b")])


def _main(scenario: Scenario):
    return account(scenario, scenario.personas[0], scenario.banks[0], "main")


def test_a_declared_bank_code_is_in_every_iban():
    main = _main(_bank(country="DE", bank_code="37040044"))
    assert main.iban[4:12] == "37040044" and valid_iban(main.iban)
    assert main.bic == "COBADEFFXXX"


def test_a_declared_bic_wins_and_its_bank_code_is_used():
    main = _main(_bank(country="DE", bic="COBADEFFXXX"))
    assert main.bic == "COBADEFFXXX"
    assert str(IBAN(main.iban).bic) == "COBADEFFXXX"


@pytest.mark.parametrize("country", ["DE", "FR", "PL", "ES", "IT", "NL", "GB", "AT", "BE", "CH"])
def test_without_a_bank_code_iban_and_bic_belong_to_one_registry_bank(country):
    main = _main(_bank(country=country))
    assert main.iban.startswith(country) and valid_iban(main.iban)
    assert main.bic is not None and str(IBAN(main.iban).bic) == main.bic


def test_a_country_without_ibans_has_none():
    scenario = _bank(country="US")
    main = _main(scenario)
    assert main.iban is None and main.bic is None
    listed = transactions(
        scenario,
        scenario.personas[0],
        scenario.banks[0],
        "main",
        date(2024, 1, 1),
        date(2024, 1, 31),
    )
    assert listed and all(t.counterparty_iban is None for t in listed)


def test_a_bank_code_that_cannot_be_an_iban_is_a_clear_error():
    with pytest.raises(ValueError, match="bank code 'ABC'"):
        _main(_bank(country="DE", bank_code="ABC"))


def test_accounts_of_one_persona_have_distinct_ibans():
    scenario = Scenario(
        seed=5,
        banks=[Bank(id="b", name="B", country="FR")],
        personas=[
            Persona(login="p", bank="b", accounts=[AccountSpec(id=f"a{n}") for n in range(6)])
        ],
    )
    ibans = [a.iban for a in accounts(scenario, scenario.personas[0], scenario.banks[0])]
    assert len(set(ibans)) == 6


def test_importing_bankdata_loads_neither_faker_nor_schwifty():
    # The server imports the domain, which imports bankdata; startup must stay fast.
    code = (
        "import sys, sandbox.bankdata\n"
        "heavy = [m for m in ('faker', 'schwifty', 'rich') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("country", ["IT", "DE", "FR", "PL", "ES", "NL"])
def test_an_owner_is_the_same_in_every_process_whatever_its_hash_seed(country):
    """Python salts string hashes per process; no generated value may depend on that."""
    code = (
        "from sandbox.bankdata import owner\n"
        "from sandbox.scenario.model import Bank, Persona, Scenario\n"
        f"bank = Bank(id='b', name='B', country={country!r})\n"
        "scenario = Scenario(seed=3, banks=[bank], personas=[Persona(login='p', bank='b')])\n"
        "print(owner(scenario, scenario.personas[0], bank))\n"
    )
    seen = {
        subprocess.run(
            [sys.executable, "-c", code],
            check=True,
            capture_output=True,
            text=True,
            env={"PYTHONHASHSEED": seed, "PATH": ""},
            cwd=Path(__file__).resolve().parents[2],
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(seen) == 1, seen
