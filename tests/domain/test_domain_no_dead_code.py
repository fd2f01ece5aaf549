"""Nothing in the domain exists for tests alone: every public function, class and service
method of `sandbox/domain` is used somewhere in the package besides where it is defined."""

import ast
import re
from collections import Counter
from pathlib import Path

import sandbox

PACKAGE = Path(sandbox.__file__).parent
DEFINED = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


def _public(node: ast.AST) -> bool:
    return isinstance(node, DEFINED) and not node.name.startswith("_")


def _unused() -> list[str]:
    sources = {path: path.read_text() for path in PACKAGE.rglob("*.py")}
    everything = "\n".join(sources.values())
    mentions = Counter(re.findall(r"\w+", everything))
    attributes = set(re.findall(r"\.(\w+)", everything))
    unused = []
    for path in sorted((PACKAGE / "domain").rglob("*.py")):
        where = path.relative_to(PACKAGE)
        for node in filter(_public, ast.parse(sources[path]).body):
            if mentions[node.name] < 2:  # its definition is one mention; a use is another
                unused.append(f"{where}: {node.name}")
            methods = node.body if isinstance(node, ast.ClassDef) else []
            unused += [
                f"{where}: {node.name}.{item.name}"
                for item in filter(_public, methods)
                if not item.decorator_list and item.name not in attributes
            ]
    return unused


def test_every_public_name_of_the_domain_is_used_by_the_package():
    assert _unused() == []
