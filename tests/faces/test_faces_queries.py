"""Cursors: what a listing hands out is opaque, typed by listing, and only what it handed out
is taken back."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sandbox.domain.transactions import Position
from sandbox.faces import queries
from sandbox.faces.queries import BadCursor, BadQuery, decode_last_id, encode_last_id


def test_a_transaction_cursor_holds_the_last_rows_date_and_id():
    cursor = queries.encode_position(Position(date(2026, 1, 2), 42))
    assert "=" not in cursor and "42" not in cursor
    assert queries.decode_position(cursor) == Position(date(2026, 1, 2), 42)


def test_a_users_cursor_is_not_taken_for_transactions():
    cursor = queries.encode_user_cursor(42)
    assert queries.decode_user_cursor(cursor) == 42
    try:
        queries.decode_position(cursor)
    except BadCursor as error:
        assert error.code == "invalid_cursor"
    else:
        raise AssertionError("a users cursor was read as a transactions one")


@given(st.text(max_size=300))
def test_decoding_any_text_gives_a_position_or_bad_cursor(text):
    try:
        booked_on, last_id = queries.decode_position(text)
    except BadCursor as error:
        assert error.details["parameter"] == "cursor"
    else:
        assert isinstance(booked_on, date) and last_id > 0


@given(st.binary(max_size=150))
def test_decoding_any_bytes_gives_a_user_id_or_bad_cursor(raw):
    import base64

    text = base64.urlsafe_b64encode(raw).decode()
    try:
        last_id = queries.decode_user_cursor(text)
    except BadCursor:
        pass
    else:
        assert 0 < last_id < 2**63


def test_bad_query_names_its_parameter():
    error = BadQuery("from", "is not a date")
    assert error.message == "`from` is not a date"
    assert error.details == {"parameter": "from", "message": "is not a date"}


IDS = st.integers(min_value=1, max_value=2**63 - 1)


@given(last_id=IDS)
def test_a_cursor_reads_back_as_the_position_it_was_made_from(last_id):
    assert decode_last_id("webhooks", encode_last_id("webhooks", last_id)) == last_id


@given(last_id=IDS)
def test_a_cursor_of_another_listing_is_refused(last_id):
    with pytest.raises(BadCursor):
        decode_last_id("webhooks", encode_last_id("users", last_id))


@given(text=st.text(max_size=300))
def test_any_text_is_a_valid_position_or_a_bad_cursor_never_another_error(text):
    try:
        last_id = decode_last_id("webhooks", text)
    except BadCursor:
        return
    assert 0 < last_id < 2**63
