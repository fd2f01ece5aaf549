"""The project's documents name only what exists: every file, folder and module of the
repository that the README, `scenarios/README.md`, `bench/README.md` or `docs/` names is there."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [
    ROOT / "README.md",
    ROOT / "scenarios" / "README.md",
    ROOT / "bench" / "README.md",
    *sorted((ROOT / "docs").glob("*.md")),
]
# A repository path in backticks, up to a line number, a test id or the closing backtick.
NAMED = re.compile(r"`((?:sandbox|docs|scenarios|bench|tests|scripts)/[\w./-]+?)[:`(\s]")
# The scenario the README asks the reader to write: named there, never shipped.
READERS_OWN = {"scenarios/mine.yaml"}


def _exists(named: str) -> bool:
    path = ROOT / named.rstrip("./")
    if path.exists():
        return True
    # `package/module.function`: the module's file, defining that name.
    module, _, name = named.rpartition(".")
    source = ROOT / f"{module}.py"
    return source.is_file() and bool(re.search(rf"^(def|class) {name}\b", source.read_text(), re.M))


def test_every_path_the_documents_name_exists():
    missing = [
        f"{document.relative_to(ROOT)}: {named}"
        for document in DOCUMENTS
        for named in NAMED.findall(document.read_text())
        if named not in READERS_OWN and not _exists(named)
    ]
    assert missing == []


def test_the_check_sees_a_path_that_is_not_there():
    assert not _exists("sandbox/faces/dashboard.py")
    assert not _exists("sandbox/analytics/categories.no_such_function")
    assert _exists("sandbox/analytics/categories.categorise")
