"""A connect flow's progress (`sandbox/domain/progress.py`): what a session stores reads back the
same, and the steps move only along their table (issue: "State machines as tables")."""

from __future__ import annotations

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sandbox.domain import connect
from sandbox.domain.errors import WrongStep
from sandbox.domain.flow import load
from sandbox.domain.progress import NEXT, STARTS, FlowError, Progress, Step, moved, start

ids = st.integers(min_value=1, max_value=2**63 - 1)
names = st.text(max_size=40)
progresses = st.builds(
    Progress,
    step=st.sampled_from(Step),
    face=st.none() | names,
    bank_login_ids=st.lists(ids, max_size=5).map(tuple),
    deleted_login_ids=st.lists(ids, max_size=5).map(tuple),
    bank_id=st.none() | names,
    account_type=st.none() | names,
    persona_login=st.none() | names,
    challenge_id=st.none() | ids,
    renew_login_id=st.none() | ids,
    renew_login=st.none() | names,
    extend_login_id=st.none() | ids,
    history_days=st.none() | st.integers(min_value=1, max_value=36500),
    connected_login_id=st.none() | ids,
    error=st.none() | st.builds(FlowError, names, names),
)


@given(progresses)
def test_a_progress_reads_back_as_the_session_stored_it(progress):
    stored = orjson.loads(orjson.dumps(progress.to_json()))
    assert Progress.from_json(stored) == progress


def test_a_progress_stored_before_a_field_existed_reads_it_as_unset():
    stored = {"step": "failed", "bank_login_ids": [], "error": {"code": "x", "message": "y"}}
    assert Progress.from_json(stored) == Progress(Step.FAILED, error=FlowError("x", "y"))


def test_every_step_is_reached_from_where_a_session_starts():
    reached, frontier = set(STARTS), list(STARTS)
    while frontier:
        for following in NEXT[frontier.pop()] - reached:
            reached.add(following)
            frontier.append(following)
    assert reached == set(Step)


def test_a_flow_that_ended_moves_no_more():
    assert NEXT[Step.DONE] == NEXT[Step.FAILED] == frozenset()


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (Step.BANK, Step.CONSENT),  # no login and no SCA skipped
        (Step.CREDENTIALS, Step.CONSENT),
        (Step.SCA, Step.DONE),
        (Step.FAILED, Step.MANAGE),
        (Step.DONE, Step.BANK),
    ],
)
def test_a_move_off_the_table_is_refused(before, after):
    with pytest.raises(WrongStep, match="cannot go"):
        moved(Progress(before), step=after)


def test_staying_at_a_step_is_no_move():
    progress = Progress(Step.CONSENT, bank_id="a")
    assert moved(progress, bank_id="b") == Progress(Step.CONSENT, bank_id="b")


def test_a_session_starts_only_where_sessions_start():
    with pytest.raises(WrongStep):
        start(Step.CONSENT)


def test_cancelling_to_the_list_keeps_the_face_and_the_connections_only(world):
    flow, _ = world.connect(multiple=True)
    connect.enter(world.db, flow.session.id, multiple=False, add_bank_login=True)
    connect.choose_bank(world.db, flow.session.id, "rheinwert-bank")
    connect.log_in(world.db, flow.session.id, "mia.schulz", "pass")
    before = load(world.db, flow.session.id).progress
    assert before.step is Step.SCA and before.challenge_id is not None
    after, back = connect.cancel(world.db, flow.session.id)
    assert back is None
    assert after.progress == Progress(
        Step.MANAGE, face=before.face, bank_login_ids=before.bank_login_ids
    )
