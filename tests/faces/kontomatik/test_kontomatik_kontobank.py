"""KontoBank, Kontomatik's own test bank, in the default scenario: the logins Kontomatik
documents (test1 and test2, password and code Test123) reach the owners, accounts and IBANs
Kontomatik's test API shows for them (reference/kontomatik.md §13)."""

from __future__ import annotations

import pytest
from kontomatik_replies import root_of

from sandbox.domain import users
from sandbox.domain.errors import BankRefusal
from sandbox.domain.states import LoginState


def test_the_catalog_lists_kontobanks_targets_as_kontomatik_names_them(integrator):
    reply = root_of(integrator.get("/command-catalog.xml", country="all").content)
    names = {target.get("name") for target in reply.iter("target")}
    assert {"KontoBankApi", "KontoBank", "KontoBank_es"} <= names
    api = next(t for t in reply.iter("target") if t.get("name") == "KontoBankApi")
    assert (api.get("country"), api.get("psd2"), api.get("institution")) == (
        "pl",
        "true",
        "KontoBank",
    )


def connected(integrator, user: str, bank: str, login: str):
    answer = integrator.client.post(
        f"/_sandbox/tenants/{integrator.tenant_id}/bank-logins",
        json={"user_id": user, "bank_id": bank, "login": login},
    )
    assert answer.status_code == 201, answer.text
    return root_of(integrator.get("/data.xml", ownerExternalId=user).content)


def test_test1_is_maria_sochacka_with_her_co_owner_and_konto_0(integrator):
    reply = connected(integrator, "maria", "kontobank", "test1")
    (target,) = reply.findall("owner/target")
    assert target.get("name") == "KontoBankApi"
    owners = [
        (o.findtext("name"), o.findtext("address"), o.findtext("kind"))
        for o in target.findall("owners/owner")
    ]
    assert owners == [
        ("Tadeusz Krajowy", None, "CO_OWNER"),
        ("Maria Sochacka", "Stolarska 15/2 33-543 Jaworzno", "OWNER"),
    ]
    (account,) = target.findall("accounts/account")
    assert account.findtext("name") == "Konto 0"
    assert account.findtext("iban") == "PL69137013140000049678278112"
    assert account.findtext("currencyName") == "PLN"
    booked = sorted(m.findtext("bookedOn") for m in account.iter("moneyTransaction"))
    assert len(booked) > 100  # about six months of history: the bank serves 180 days
    assert booked[0] >= "2025-07-15"


def test_test2_is_juan_manuel_hurtado_at_kontobank_es(integrator):
    reply = connected(integrator, "juan", "kontobank-es", "test2")
    (target,) = reply.findall("owner/target")
    assert target.get("name") == "KontoBank_es"
    assert target.findtext("owners/owner/name") == "Juan Manuel Hurtado"
    (account,) = target.findall("accounts/account")
    assert account.findtext("iban") == "ES1901300000028318503650"
    assert account.findtext("currencyName") == "EUR"


def _user(integrator, platform, external_id: str):
    tenant = platform.tenants.get(integrator.tenant_id)
    with platform.db.begin() as conn:
        return tenant, users.user_for(conn, tenant, external_id)


@pytest.mark.parametrize(("bank", "login"), [("kontobank", "test1"), ("kontobank-es", "test2")])
def test_password_and_code_are_test123(integrator, platform, bank, login):
    tenant, user = _user(integrator, platform, f"who-{login}")
    standing = platform.bank_logins.connect_with_credentials(
        tenant, user=user, bank_id=bank, login=login, password="Test123"
    )
    assert standing.pending is not None  # the code is asked for
    wrong = platform.bank_logins.answer_otp(tenant, standing.login.id, "123456")
    assert not wrong.up_to_date
    right = platform.bank_logins.answer_otp(tenant, standing.login.id, "Test123")
    assert right.up_to_date and right.login.state is LoginState.CONNECTED


def test_a_wrong_password_is_refused(integrator, platform):
    tenant, user = _user(integrator, platform, "who-wrong")
    with pytest.raises(BankRefusal) as refused:
        platform.bank_logins.connect_with_credentials(
            tenant, user=user, bank_id="kontobank", login="test1", password="pass"
        )
    assert refused.value.state is LoginState.WRONG_CREDENTIALS
