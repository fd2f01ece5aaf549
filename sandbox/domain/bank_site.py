"""The flow where the user is at the bank, not on the platform's pages (as the connect platform
documents it): the bank's own login page (webauth sources and redirect SCA), its approval page
(redirect SCA) and its phone app, which approves a decoupled SCA. A bank's page serves only a
flow at that bank.
"""

from __future__ import annotations

from sandbox.domain import sca
from sandbox.domain.bank_choice import find_bank
from sandbox.domain.connect import submit_credentials
from sandbox.domain.errors import WrongStep
from sandbox.domain.flow import Flow, after_sca, at, current_challenge, fail, send_back
from sandbox.domain.outcome import Exit
from sandbox.domain.progress import Step
from sandbox.domain.records import Challenge
from sandbox.domain.states import FINAL_SCA
from sandbox.errors import NotFound
from sandbox.scenario.model import ScaApproach
from sandbox.store.database import Database

REFUSED_AT_BANK = "Access was refused at the bank."


def _check_bank(flow: Flow, bank_id: str) -> None:
    bank = flow.bank
    if bank is None or bank.id != bank_id:
        find_bank(flow.tenant, bank_id)
        raise NotFound(f"This session has nothing to do at {bank_id!r}.")


def bank_page(db: Database, session_id: str, bank_id: str, page: str) -> Flow:
    """The flow when the bank's `authorize` (login) or `approve` (redirect SCA) page may be
    shown; WrongStep sends the user to where the flow is."""
    with at(db, session_id) as (conn, flow):
        _check_bank(flow, bank_id)
        step = flow.progress.step
        if page == "authorize" and step is Step.BANK_LOGIN:
            return flow
        if page == "approve" and step is Step.SCA:
            current = current_challenge(conn, flow)
            if current is not None and current.approach == ScaApproach.REDIRECT.value:
                return flow
        raise WrongStep(f"the flow is at {step.value!r}, not at the bank's {page} page")


def log_in_at_bank(db: Database, session_id: str, bank_id: str, login: str, password: str) -> Flow:
    """The bank's own login page (webauth sources and redirect SCA)."""
    with at(db, session_id, Step.BANK_LOGIN) as (conn, flow):
        _check_bank(flow, bank_id)
        return submit_credentials(conn, flow, login, password)


def bank_decision(db: Database, session_id: str, approve: bool) -> Flow:
    """The user approves or refuses access on the bank's own page (redirect SCA)."""
    with at(db, session_id, Step.SCA) as (conn, flow):
        current = current_challenge(conn, flow)
        if current is None or current.approach != ScaApproach.REDIRECT.value:
            raise WrongStep("this challenge is not decided on the bank's page")
        if not approve:
            return fail(conn, flow, "cancelled_at_bank", REFUSED_AT_BANK)
        return after_sca(conn, flow, sca.decide(conn, flow.tenant, current, True))


def cancel_at_bank(db: Database, session_id: str, bank_id: str) -> Exit:
    """The user cancels on the bank's page: the flow fails with `cancelled_at_bank` and the
    user goes back to the client at once."""
    with at(db, session_id, Step.BANK_LOGIN, Step.SCA) as (conn, flow):
        _check_bank(flow, bank_id)
        if flow.progress.step is Step.SCA:
            current = current_challenge(conn, flow)
            if current is None or current.approach != ScaApproach.REDIRECT.value:
                raise WrongStep("this challenge is not decided on the bank's page")
            if current.status not in FINAL_SCA:
                sca.decide(conn, flow.tenant, current, False)
        return send_back(conn, fail(conn, flow, "cancelled_at_bank", REFUSED_AT_BANK))


# --- The bank's app -------------------------------------------------------------------------------


def _app_challenge(current: Challenge | None) -> Challenge:
    if current is None or current.approach != ScaApproach.DECOUPLED.value:
        raise NotFound("No request is waiting in the bank app.")
    return current


def app_request(db: Database, session_id: str, bank_id: str) -> tuple[Flow, Challenge]:
    """The decoupled request the bank's app shows for this session."""
    with at(db, session_id) as (conn, flow):
        _check_bank(flow, bank_id)
        return flow, _app_challenge(current_challenge(conn, flow))


def app_decision(db: Database, session_id: str, bank_id: str, approve: bool) -> Challenge:
    """The user approves or rejects the request in the bank's app; a request already decided
    (twice pressed, timed out) stays as it is."""
    with at(db, session_id) as (conn, flow):
        _check_bank(flow, bank_id)
        current = _app_challenge(current_challenge(conn, flow))
        if current.status not in FINAL_SCA:
            current = sca.decide(conn, flow.tenant, current, approve)
        if flow.progress.step is Step.SCA:
            after_sca(conn, flow, current)
        return current
