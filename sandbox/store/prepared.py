"""Statements compiled once and run straight on the driver's cursor.

Every page of the hosted UI and every import runs the same few dozen statements. Through
`Connection.execute` each costs SQLAlchemy some 30 µs of Python (cache key, execution context,
result object) on top of the 5 µs SQLite needs; a `Prepared` statement is compiled by SQLAlchemy
once per dialect (and, for an INSERT or UPDATE, per set of columns given), converts values with
the column types' own bind and result processors, and hands the SQL to the driver. What it
returns reads like SQLAlchemy's results for the calls the store makes (`one`, `scalar_one`,
`mappings`, …), and driver errors come out as SQLAlchemy's (`IntegrityError`, …).

It runs in the caller's transaction: a connection that has not begun one begins it first, as
SQLAlchemy's autobegin would, so a read still sees one snapshot.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql.dml import UpdateBase

Processor = Callable[[Any], Any]


@dataclass(frozen=True)
class _Form:
    """The statement compiled for one dialect and one set of given columns."""

    sql: str
    names: tuple[str, ...]  # bind names, in the statement's order
    positional: bool
    binds: tuple[tuple[str, Processor], ...]
    defaults: dict[str, Any]  # values written into the statement (`status == "pending"`)
    columns: tuple[str, ...]  # result column names
    results: tuple[tuple[int, Processor], ...]


class Prepared:
    """One Core statement (select, insert, update, delete), run without per-call compiling."""

    def __init__(self, statement: sa.Executable) -> None:
        self.statement = statement
        self._dml = isinstance(statement, UpdateBase)
        self._forms: dict[tuple[type, frozenset[str]], _Form] = {}

    def run(self, conn: Connection, params: Mapping[str, Any] | None = None) -> Rows:
        params = params or {}
        form = self._form(conn.dialect, params)
        cursor = on_driver(
            conn, form.sql, lambda cursor, sql: cursor.execute(sql, _bound(form, params))
        )
        rows = cursor.fetchall() if form.columns else []
        if form.results:
            rows = [_processed(row, form.results) for row in rows]
        return Rows(form.columns, rows, cursor.rowcount)

    def run_many(self, conn: Connection, many: Sequence[Mapping[str, Any]]) -> None:
        """One statement for every mapping (all with the same keys): the driver's executemany."""
        if not many:
            return
        form = self._form(conn.dialect, many[0])
        bound = [_bound(form, params) for params in many]
        on_driver(conn, form.sql, lambda cursor, sql: cursor.executemany(sql, bound))

    def _form(self, dialect: Dialect, params: Mapping[str, Any]) -> _Form:
        keys = frozenset(params) if self._dml else frozenset()
        key = (type(dialect), keys)
        form = self._forms.get(key)
        if form is None:
            form = self._forms[key] = _compile(self.statement, dialect, sorted(keys))
        return form


@dataclass(frozen=True)
class Rows:
    """What a statement returned, already converted to Python values."""

    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    rowcount: int

    def all(self) -> list[tuple[Any, ...]]:
        return self.rows

    def one(self) -> tuple[Any, ...]:
        if len(self.rows) != 1:
            raise sa.exc.NoResultFound() if not self.rows else sa.exc.MultipleResultsFound()
        return self.rows[0]

    def one_or_none(self) -> tuple[Any, ...] | None:
        if len(self.rows) > 1:
            raise sa.exc.MultipleResultsFound()
        return self.rows[0] if self.rows else None

    def scalar_one(self) -> Any:
        return self.one()[0]

    def scalar_one_or_none(self) -> Any:
        row = self.one_or_none()
        return None if row is None else row[0]

    def scalars(self) -> Iterator[Any]:
        return (row[0] for row in self.rows)

    def mappings(self) -> list[dict[str, Any]]:
        columns = self.columns
        return [dict(zip(columns, row, strict=True)) for row in self.rows]

    def mapping(self) -> dict[str, Any]:
        return dict(zip(self.columns, self.one(), strict=True))

    def mapping_or_none(self) -> dict[str, Any] | None:
        row = self.one_or_none()
        return None if row is None else dict(zip(self.columns, row, strict=True))


def _compile(statement: sa.Executable, dialect: Dialect, keys: list[str]) -> _Form:
    compiled = statement.compile(dialect=dialect, column_keys=keys or None)
    positional = bool(compiled.positional)
    names = tuple(compiled.positiontup or ()) if positional else tuple(compiled.binds)
    binds = []
    defaults = {}
    for name in dict.fromkeys(names):
        bind = compiled.binds[name]
        if bind.expanding:
            raise ValueError("a Prepared statement takes no expanding (IN list) parameter")
        if not bind.required and not bind.callable:
            defaults[name] = bind.effective_value
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            binds.append((name, process))
    exported = list(statement.exported_columns)  # a DML statement's: what it returns
    columns = tuple(column.key for column in exported)
    if len(set(columns)) != len(columns):
        raise ValueError(f"result columns share a name: {columns}")
    results = []
    for index, column in enumerate(exported):
        process = column.type.dialect_impl(dialect).result_processor(dialect, None)
        if process is not None:
            results.append((index, process))
    return _Form(
        compiled.string, names, positional, tuple(binds), defaults, columns, tuple(results)
    )


def _bound(form: _Form, params: Mapping[str, Any]) -> Sequence[Any] | dict[str, Any]:
    values = {**form.defaults, **params}
    for name, process in form.binds:
        if name in values:
            values[name] = process(values[name])
    if form.positional:
        return [values[name] for name in form.names]
    return values


def _processed(row: Sequence[Any], results: tuple[tuple[int, Processor], ...]) -> tuple:
    values = list(row)
    for index, process in results:
        values[index] = process(values[index])
    return tuple(values)


def on_driver(conn: Connection, sql: str, call: Callable[[Any, str], Any]) -> Any:
    """`call(cursor, sql)` on a cursor of the driver's own, in the connection's transaction
    (begun first if it has none), with a driver error raised as SQLAlchemy's."""
    if not conn.in_transaction():
        conn.begin()  # what SQLAlchemy's autobegin does before a statement
    cursor = conn.connection.driver_connection.cursor()
    dbapi = conn.dialect.loaded_dbapi
    try:
        call(cursor, sql)
        return cursor
    except dbapi.Error as error:
        raise sa.exc.DBAPIError.instance(sql, None, error, dbapi.Error) from error
