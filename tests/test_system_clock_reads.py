"""Only sandbox/clock.py may read the system clock: everything else goes through a Clock."""

import ast
from pathlib import Path

import sandbox

PACKAGE = Path(sandbox.__file__).parent
WALL_CLOCK = {
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("time", "time"),
    ("time", "time_ns"),
    ("time", "localtime"),
    ("time", "gmtime"),
    ("time", "ctime"),
    ("time", "monotonic"),
    ("time", "perf_counter"),
}
GLOBAL_RANDOM = {"random", "randint", "choice", "choices", "shuffle", "uniform", "sample", "seed"}


def _calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", None)
            yield node.lineno, name, node.func.attr


def test_no_module_but_clock_reads_the_system_clock():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path == PACKAGE / "clock.py":
            continue
        tree = ast.parse(path.read_text(), str(path))
        for line, owner, attribute in _calls(tree):
            if (owner, attribute) in WALL_CLOCK:
                offenders.append(f"{path.relative_to(PACKAGE)}:{line}: {owner}.{attribute}()")
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "time":
                names = {alias.name for alias in node.names}
                if names & {"time", "time_ns", "monotonic", "perf_counter", "localtime"}:
                    offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: from time import")
    assert offenders == []


def test_no_module_uses_the_global_random_generator():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        for line, owner, attribute in _calls(ast.parse(path.read_text(), str(path))):
            if owner == "random" and attribute in GLOBAL_RANDOM:
                offenders.append(f"{path.relative_to(PACKAGE)}:{line}: random.{attribute}()")
    assert offenders == []


def test_the_check_recognises_a_wall_clock_read():
    tree = ast.parse("import datetime\nx = datetime.datetime.now()\n")
    assert ("datetime", "now") in {(owner, attr) for _, owner, attr in _calls(tree)}
