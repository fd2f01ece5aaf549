"""What every step of a connect flow shares (`sandbox/domain/flow.py`): the history it asks the
user to share, and the neutral outcome it ends with for the face that opened it (issue:
"Callbacks")."""

from __future__ import annotations

from sandbox.domain import connect, connections, history, sessions
from sandbox.domain.flow import load
from sandbox.domain.outcome import Exit, Outcome
from sandbox.domain.progress import FlowError

CALLBACK = "http://127.0.0.1:3000/callback"


def test_the_history_a_flow_asks_for_is_the_extensions_else_the_banks_default(world):
    connecting = load(world.db, world.session(bank_id="nordlicht-sparbank"))
    assert connecting.history_days == 90
    login, _ = connections.connect_directly(
        world.db, world.tenant, external_user_id="u1", bank_id="nordlicht-sparbank",
        login="ten-years-history",
    )  # fmt: skip
    extending = history.create_history_session(
        world.db, world.tenant, bank_login_id=login.id, days=3650, redirect_uri=CALLBACK,
        state=None,
    )  # fmt: skip
    assert load(world.db, extending.id).history_days == 3650


def test_a_flow_ends_with_a_neutral_outcome_for_the_face_that_opened_it(world):
    made = sessions.create_session(
        world.db, world.tenant, kind="connect", external_user_id="u1", redirect_uri=CALLBACK,
        state="s1", options={}, face="powens",
    )  # fmt: skip
    connect.choose_bank(world.db, made.id, "rheinwert-bank")
    connect.log_in(world.db, made.id, "locked", "pass")
    assert connect.leave(world.db, made.id) == Exit(
        made.id,
        CALLBACK,
        "s1",
        "powens",
        Outcome.failure(FlowError("error", "The bank has locked this login.")),
    )


def test_a_link_that_is_over_still_knows_its_way_back_and_its_face(world):
    made = sessions.create_session(
        world.db, world.tenant, kind="connect", external_user_id="u1", redirect_uri=CALLBACK,
        state=None, options={}, face="powens",
    )  # fmt: skip
    connect.leave(world.db, made.id)
    back = sessions.trace_session(world.db, made.id).exit
    assert back is not None and back.face == "powens"
    assert back.outcome.error == FlowError(
        "session_used", "The link was already used: the app has had its answer."
    )
