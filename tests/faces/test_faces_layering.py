"""Faces are thin: they reach the platform only through `Platform`'s services. None imports the
store, SQLAlchemy or the scenario package, touches the database, or opens a transaction; and no
SQL is built in the domain (docs/architecture.md)."""

import ast
from pathlib import Path

import sandbox

PACKAGE = Path(sandbox.__file__).parent
FORBIDDEN_IMPORTS = ("sandbox.store", "sandbox.scenario", "sqlalchemy")
# What a face would write to reach the database or a transaction itself.
FORBIDDEN_ATTRIBUTES = {"db", "begin", "connect", "execute"}


def _modules(folder: str):
    for path in sorted((PACKAGE / folder).rglob("*.py")):
        yield path.relative_to(PACKAGE.parent), ast.parse(path.read_text(), str(path))


def _imported(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.lineno, node.module


def _starts(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


def test_no_face_imports_the_store_sqlalchemy_or_the_scenario_package():
    offenders = [
        f"{path}:{line}: import {name}"
        for path, tree in _modules("faces")
        for line, name in _imported(tree)
        if _starts(name, FORBIDDEN_IMPORTS)
    ]
    assert offenders == []


def test_no_face_touches_the_database_or_opens_a_transaction():
    offenders = [
        f"{path}:{node.lineno}: .{node.attr}"
        for path, tree in _modules("faces")
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_ATTRIBUTES
    ]
    assert offenders == []


def test_the_domain_builds_no_sql():
    offenders = [
        f"{path}:{line}: import {name}"
        for path, tree in _modules("domain")
        for line, name in _imported(tree)
        if _starts(name, ("sqlalchemy",)) and name != "sqlalchemy.engine"
    ]
    assert offenders == []


def test_the_scan_sees_an_offence_where_there_is_one():
    tree = ast.parse("import sqlalchemy as sa\nwith platform.db.begin() as conn: pass\n")
    assert [name for _, name in _imported(tree)] == ["sqlalchemy"]
    attributes = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    assert {"db", "begin"} <= attributes
