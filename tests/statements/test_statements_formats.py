"""Every format, whatever bytes it is given: it reads them or refuses them with problems that
each say where, never another exception (the upload route turns only StatementError into its
422)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from statement_cases import statements

from sandbox.statements import formats
from sandbox.statements.model import Statement, StatementError

TEXT_FORMATS = ("json", "csv", "mt940", "camt053")


def read_or_refused(format_name: str, data: bytes) -> None:
    try:
        formats.parse(format_name, data)
    except StatementError as error:
        assert error.problems
        assert all(problem.where and problem.message for problem in error.problems)


@pytest.mark.parametrize("format_name", formats.NAMES)
@settings(max_examples=100, deadline=None)
@given(data=st.binary(max_size=300))
def test_any_bytes_are_read_or_refused_with_their_places(format_name: str, data: bytes) -> None:
    read_or_refused(format_name, data)


@pytest.mark.parametrize("format_name", TEXT_FORMATS)
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(statement=statements(max_accounts=1), data=st.data())
def test_a_damaged_export_is_read_or_refused_with_its_places(
    format_name: str, statement: Statement, data: st.DataObject
) -> None:
    written = formats.render(format_name, statement)
    at = data.draw(st.integers(0, len(written) - 1))
    damaged = written[:at] + data.draw(st.binary(min_size=1, max_size=3)) + written[at + 1 :]
    read_or_refused(format_name, damaged)
