"""YAML read into plain dicts and lists that remember the file and line of every key and item.

Errors found later, after `extends:` has merged several files, can then still name the file and
line where the offending value was written. Booleans follow YAML 1.2 (`true`/`false` only), so
`on:` stays a key and the country code `NO` stays Norway.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from sandbox.scenario.limits import (
    MAX_CHARS,
    MAX_DEPTH,
    TOO_LONG,
    LimitExceeded,
    check_size,
    too_deep,
)

Path = tuple[str | int, ...]


class LocatedDict(dict):
    """A mapping with the file it came from, its own line and the line of each key."""

    file: str
    line: int
    path: Path
    key_lines: dict[Any, int]
    key_files: dict[Any, str]  # only where a merge brought keys from several files


class LocatedList(list):
    """A sequence with the file it came from, its own line and the line of each item."""

    file: str
    line: int
    path: Path
    item_lines: list[int]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario, printed as `FILE:LINE: path.to.key: message`."""

    file: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.path or '(top)'}: {self.message}"


class BadValue(yaml.MarkedYAMLError):
    """A scalar that is valid YAML but cannot be a value (a date that does not exist)."""

    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(problem=message, problem_mark=mark)


def _mapping(loader: Any, node: yaml.MappingNode) -> LocatedDict:
    loader.flatten_mapping(node)
    result = LocatedDict()
    result.file, result.line, result.key_lines = loader.file, node.start_mark.line + 1, {}
    result.key_files = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, str | int):
            loader.problems.append(Problem(loader.file, line, "", f"key {key!r} is not text"))
            continue
        if key in result:
            first = result.key_lines[key]
            loader.problems.append(
                Problem(loader.file, line, str(key), f"duplicate key (first given on line {first})")
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
    return result


def _sequence(loader: Any, node: yaml.SequenceNode) -> LocatedList:
    result = LocatedList(loader.construct_object(item, deep=True) for item in node.value)
    result.file, result.line = loader.file, node.start_mark.line + 1
    result.item_lines = [item.start_mark.line + 1 for item in node.value]
    return result


def _locating(base: type) -> type:
    """`base` (a safe loader) with YAML 1.2 booleans, mappings that record where they were
    written, and the size limits checked before anything is built."""

    class Loader(base):  # type: ignore[misc, valid-type]
        def __init__(self, stream: str, file: str) -> None:
            super().__init__(stream)
            self.file = file
            self.problems: list[Problem] = []
            self.depth = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            # The Python composer recurses per level: stop before Python's own limit does.
            # (libyaml composes in C and refuses more than 1,000 levels itself.)
            self.depth += 1
            try:
                if self.depth > MAX_DEPTH:
                    raise too_deep(self.peek_event().start_mark)
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

        def get_single_data(self) -> Any:
            node = self.get_single_node()
            if node is None:
                return None
            check_size(node)
            return self.construct_document(node)

        def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
            try:
                return super().construct_object(node, deep)
            except (ValueError, OverflowError) as error:  # 2026-02-30, 5,000-digit numbers
                shown = repr(node.value) if len(repr(node.value)) <= 40 else "the value"
                reason = str(error).split(";")[0]
                raise BadValue(f"cannot read {shown}: {reason}", node.start_mark) from None

    Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
        for first, resolvers in base.yaml_implicit_resolvers.items()
    }
    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool",
        re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"),
    )
    Loader.add_constructor("tag:yaml.org,2002:map", _mapping)
    Loader.add_constructor("tag:yaml.org,2002:seq", _sequence)
    return Loader


_Loader = _locating(yaml.SafeLoader)
# libyaml's parser, when PyYAML was built with it, reads the default scenario in 11 ms instead
# of 64 (most of a server's start). Text it refuses goes to the Python parser, whose messages
# are the ones users see.
_FastLoader = _locating(yaml.CSafeLoader) if yaml.__with_libyaml__ else None


def _assign_paths(value: Any, path: Path, seen: set[int]) -> None:
    """Give each mapping and list its path: where it is first written, which for an alias's
    value is where its anchor is, so each is visited once."""
    if not isinstance(value, LocatedDict | LocatedList) or id(value) in seen:
        return
    seen.add(id(value))
    value.path = path
    items = value.items() if isinstance(value, LocatedDict) else enumerate(value)
    for key, item in items:
        _assign_paths(item, (*path, key), seen)


def _refused(file: str, error: LimitExceeded | BadValue) -> list[Problem]:
    line = error.problem_mark.line + 1 if error.problem_mark else 1
    return [Problem(file, line, "", str(error.problem))]


def read_yaml(text: str, file: str) -> tuple[Any, list[Problem]]:
    """Parse `text`; syntax errors and sizes over the limits come back as problems, never as
    exceptions."""
    if len(text) > MAX_CHARS:
        return None, [Problem(file, 1, "", TOO_LONG)]
    if _FastLoader is not None and not yaml.reader.Reader.NON_PRINTABLE.search(text):
        fast = _FastLoader(text, file)
        try:
            data = fast.get_single_data()
        except (LimitExceeded, BadValue) as error:
            return None, _refused(file, error)
        except yaml.YAMLError:
            pass  # read again below, for the Python parser's account of what is wrong
        else:
            _assign_paths(data, (), set())
            return data, fast.problems
        finally:
            fast.dispose()
    try:
        loader = _Loader(text, file)  # the reader already refuses unprintable characters here
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        return None, [
            Problem(file, line, "", f"YAML: character #x{error.character:04x} is not allowed")
        ]
    try:
        data = loader.get_single_data()
    except (LimitExceeded, BadValue) as error:
        return None, _refused(file, error)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        reason = error.problem or error.context or "not valid YAML"
        return None, [Problem(file, line, "", f"YAML syntax: {reason}")]
    except yaml.YAMLError as error:
        return None, [Problem(file, 1, "", f"YAML: {error}")]
    finally:
        loader.dispose()
    _assign_paths(data, (), set())
    return data, loader.problems


def dotted(path: Path) -> str:
    """`("personas", 3, "accounts")` as `personas[3].accounts`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def locate(root: Any, loc: Path, default_file: str) -> tuple[str, int, str]:
    """File, line and readable path of `loc` in a (possibly merged) located tree.

    The path is spelled as in the file that wrote the value, so list indices match what the
    reader sees in that file even after `extends:` merged several lists.
    """
    file, line = getattr(root, "file", default_file), getattr(root, "line", 1)
    base, rest = getattr(root, "path", ()), list(loc)
    node: Any = root
    for index, part in enumerate(loc):
        if isinstance(node, LocatedDict) and part in node:
            file, line = node.key_files.get(part, node.file), node.key_lines[part]
        elif isinstance(node, LocatedList) and isinstance(part, int) and 0 <= part < len(node):
            file, line = getattr(node[part], "file", node.file), node.item_lines[part]
        else:
            break
        base, rest = (*node.path, part), list(loc[index + 1 :])
        node = node[part]
        if isinstance(node, LocatedDict | LocatedList):
            base, rest = node.path, list(loc[index + 1 :])
    return file, line, dotted((*base, *rest))
