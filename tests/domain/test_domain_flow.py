"""What every step of a connect flow shares (`sandbox/domain/flow.py`): the history it asks the
user to share, and the neutral outcome it ends with for the face that opened it (issue:
"Callbacks")."""

from __future__ import annotations

import pytest

from sandbox.domain import connect, connections, history, manage, sessions, users
from sandbox.domain.flow import load
from sandbox.domain.outcome import Exit, FlowKind, Outcome
from sandbox.domain.progress import FlowError
from sandbox.errors import InvalidInput

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
        tenant_id=world.tenant.id,
        user_id=made.user_id,
        kind=FlowKind.CONNECT,
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


def test_a_flow_for_a_new_user_makes_the_user_with_the_session_and_says_so_at_the_end(world):
    made = sessions.create_session(
        world.db, world.tenant, kind="connect", external_user_id=None, redirect_uri=CALLBACK,
        state=None, options={}, face="powens",
    )  # fmt: skip
    user = users.get_user_by_id(world.db, world.tenant, made.user_id)
    assert user.external_id == str(user.id) and user.expires_at is None
    back = connect.leave(world.db, made.id)
    assert back.new_user and back.user_id == user.id and back.kind is FlowKind.CONNECT
    assert not world.connect()[1].new_user  # a flow for a user the client named


def test_a_flow_that_cannot_be_opened_makes_no_user(world):
    before = users.list_users(world.db, world.tenant, 0, 100)
    with pytest.raises(InvalidInput):
        sessions.create_session(
            world.db, world.tenant, kind="connect", external_user_id=None,
            redirect_uri="http://elsewhere.example/cb", state=None, options={},
        )  # fmt: skip
    with pytest.raises(InvalidInput):
        sessions.create_session(
            world.db, world.tenant, kind="management", external_user_id=None,
            redirect_uri=CALLBACK, state=None, options={},
        )  # fmt: skip
    assert users.list_users(world.db, world.tenant, 0, 100) == before


def test_an_exit_says_what_the_flow_was_for(world):
    login, _ = connections.connect_directly(
        world.db, world.tenant, external_user_id="u1", bank_id="banque-lumiere", login="good",
    )  # fmt: skip
    renewal = sessions.create_renewal_session(
        world.db, world.tenant, bank_login_id=login.id, redirect_uri=CALLBACK, state=None
    )
    extension = history.create_history_session(
        world.db, world.tenant, bank_login_id=login.id, days=365, redirect_uri=CALLBACK,
        state=None,
    )  # fmt: skip
    listing = sessions.create_session(
        world.db, world.tenant, kind="management", external_user_id="u1", redirect_uri=CALLBACK,
        state=None, options={},
    )  # fmt: skip
    kinds = [connect.leave(world.db, made.id).kind for made in (renewal, extension, listing)]
    assert kinds == [FlowKind.RENEWAL, FlowKind.HISTORY, FlowKind.MANAGEMENT]


def test_leaving_the_management_list_tells_which_bank_logins_were_removed(world):
    logins = [
        connections.connect_directly(
            world.db, world.tenant, external_user_id="u1", bank_id=bank, login="good"
        )[0]
        for bank in ("rheinwert-bank", "bursztyn-bank", "cigale")
    ]
    listing = sessions.create_session(
        world.db, world.tenant, kind="management", external_user_id="u1", redirect_uri=CALLBACK,
        state=None, options={},
    )  # fmt: skip
    manage.remove_bank_login(world.db, listing.id, logins[2].id)
    manage.remove_bank_login(world.db, listing.id, logins[0].id)
    outcome = connect.leave(world.db, listing.id).outcome
    assert outcome == Outcome.success((), listed=True, deleted=(logins[2].id, logins[0].id))
