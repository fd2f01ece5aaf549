"""The modules of `sandbox.bankdata` import each other as a DAG: every import counts, also one
inside a function or under TYPE_CHECKING, since those are how a cycle is usually hidden."""

from __future__ import annotations

import ast
from graphlib import TopologicalSorter
from pathlib import Path

import sandbox.bankdata

PACKAGE = "sandbox.bankdata"
FOLDER = Path(sandbox.bankdata.__file__).parent
MODULES = {path.stem for path in FOLDER.glob("*.py")} - {"__init__"}


def imported_modules(path: Path) -> set[str]:
    """The package's modules that `path` imports anywhere in its text."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            # `from . import x` and `from .x import y` name the package's modules too.
            base = ".".join(filter(None, (PACKAGE if node.level else None, node.module)))
            names = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[:2] == PACKAGE.split(".") and len(parts) > 2 and parts[2] in MODULES:
                found.add(parts[2])
    return found


def import_graph() -> dict[str, set[str]]:
    return {module: imported_modules(FOLDER / f"{module}.py") for module in MODULES}


def test_an_import_inside_a_function_or_for_type_checking_counts(tmp_path):
    hidden = tmp_path / "hidden.py"
    hidden.write_text(
        "import sandbox.bankdata.rng\n"
        "def clear():\n"
        "    from sandbox.bankdata import kept, months as m\n"
        "    from .plans import Plan\n"
        "    from . import dates\n"
    )
    assert imported_modules(hidden) == {"rng", "kept", "months", "plans", "dates"}
    assert "plans" in import_graph()["balances"]  # under TYPE_CHECKING


def test_bankdata_modules_import_each_other_without_a_cycle():
    order = list(TopologicalSorter(import_graph()).static_order())  # CycleError names it
    assert set(order) == MODULES
