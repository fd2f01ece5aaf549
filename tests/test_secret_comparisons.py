"""Every secret the sandbox checks is compared in constant time (`hmac.compare_digest`): no
`==` or `!=` between a caller's secret and the one it must match, whose timing would tell an
attacker how much of a guess was right."""

import ast
import re
from pathlib import Path

import sandbox

PACKAGE = Path(sandbox.__file__).parent
# Names that hold a secret, a signature or something a caller must prove it knows.
SECRET = re.compile(r"(^|_)(secret|signature|password|api_key|otp|token|pin)(_|$)", re.I)


def _name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript):
        key = node.slice
        return key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else None
    if isinstance(node, ast.Call):
        return _name(node.func)
    return None


def _sql(node: ast.AST) -> bool:
    """A SQLAlchemy column (`table.c.name`): the database looks a hashed secret up by its
    index, which a comparison in Python cannot do."""
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Attribute)
        and (node.value.attr == "c")
    )


def offences(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Compare):
            continue
        if not any(isinstance(op, ast.Eq | ast.NotEq) for op in node.ops):
            continue
        sides = [node.left, *node.comparators]
        if any(isinstance(side, ast.Constant) for side in sides) or any(map(_sql, sides)):
            continue  # against a literal (None, "", a fixed word) or in SQL
        if any(SECRET.search(_name(side) or "") for side in sides):
            found.append(f"{node.lineno}: {ast.unparse(node)}")
    return found


def test_no_secret_is_compared_with_equals():
    found = [
        f"{path.relative_to(PACKAGE)}:{offence}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for offence in offences(path.read_text())
    ]
    assert found == []


def test_the_scan_sees_an_offence_where_there_is_one():
    assert offences("ok = given == tenant.client_secret\n") == ["1: given == tenant.client_secret"]
    assert offences("if body['otp'] != challenge.otp: pass\n") != []
    assert offences("same = hmac.compare_digest(given, tenant.client_secret)\n") == []
    assert offences("gone = row.secret_hash == None\n") == []
