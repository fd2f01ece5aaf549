"""Kontomatik's replies as shapes: every element's path and the names of its attributes, read
with defusedxml, so a reply of the sandbox can be held against one captured from Kontomatik's
test API (`tests/reference/kontomatik-xml/`)."""

from __future__ import annotations

import re
from pathlib import Path

from defusedxml import ElementTree

CAPTURED = Path(__file__).resolve().parents[2] / "reference" / "kontomatik-xml"
TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")


def shape(data: bytes | str) -> set[tuple[str, frozenset[str]]]:
    """(path, attribute names) of every element; the `xsi:` schema attribute by its local name."""
    root = ElementTree.fromstring(data.encode() if isinstance(data, str) else data)
    found: set[tuple[str, frozenset[str]]] = set()

    def walk(element, path: str) -> None:
        names = frozenset(name.rpartition("}")[2] for name in element.attrib)
        found.add((path, names))
        for child in element:
            walk(child, f"{path}/{child.tag}")

    walk(root, root.tag)
    return found


def captured(name: str) -> set[tuple[str, frozenset[str]]]:
    return shape((CAPTURED / name).read_bytes())


def root_of(data: bytes):
    return ElementTree.fromstring(data)
