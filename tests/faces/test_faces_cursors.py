"""The JSON faces' paging cursors: what one listing gives out it reads back, and nothing else."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sandbox.domain.transactions import BadCursor
from sandbox.faces.cursors import decode_cursor, encode_cursor

IDS = st.integers(min_value=1, max_value=2**63 - 1)


@given(last_id=IDS)
def test_a_cursor_reads_back_as_the_position_it_was_made_from(last_id):
    assert decode_cursor("webhooks", encode_cursor("webhooks", last_id)) == last_id


@given(last_id=IDS)
def test_a_cursor_of_another_listing_is_refused(last_id):
    with pytest.raises(BadCursor):
        decode_cursor("webhooks", encode_cursor("users", last_id))


@given(text=st.text(max_size=300))
def test_any_text_is_a_valid_position_or_a_bad_cursor_never_another_error(text):
    try:
        last_id = decode_cursor("webhooks", text)
    except BadCursor:
        return
    assert 0 < last_id < 2**63
