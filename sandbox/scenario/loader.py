"""Loading a scenario: read YAML, apply `extends:`, validate, and report every problem at once."""

from __future__ import annotations

import difflib
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from sandbox.scenario.limits import MAX_PERSONAS, TOO_MANY_PERSONAS
from sandbox.scenario.located import LocatedDict, LocatedList, Problem, locate, read_yaml
from sandbox.scenario.model import ID_PATTERN, Scenario
from sandbox.scenario.rules import cross_check
from sandbox.urls import registration_context

SHIPPED = Path(__file__).resolve().parents[2] / "scenarios"
MAX_EXTENDS_DEPTH = 8

# Lists merged item by item under `extends:`; the key says which items are the same one.
MERGE_KEYS = {
    "tenants": lambda item: item.get("id"),
    "banks": lambda item: item.get("id"),
    "personas": lambda item: (item.get("bank"), item.get("login")),
}

PATTERN_WORDS = {
    ID_PATTERN: "an id of lowercase letters, digits, '.', '_' or '-' (at most 63)",
    r"^#[0-9a-fA-F]{6}$": "a colour like #1f6feb",
    r"^[A-Z]{2}$": "a two-letter ISO country code like DE",
    r"^[A-Z]{3}$": "a three-letter ISO currency code like EUR",
    r"^(\*|[a-z0-9][a-z0-9_.-]{0,62})$": 'a bank id, or "*" for every bank',
}


class ScenarioError(ValueError):
    """A scenario that cannot be used; `problems` lists every reason, in file order."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.path))
        super().__init__("\n".join(str(p) for p in self.problems))


def shipped_scenarios() -> dict[str, Path]:
    """The scenarios that come with bank-sandbox, by name."""
    return {path.stem: path for path in sorted(SHIPPED.glob("*.yaml"))}


def resolve(name_or_path: str | Path) -> Path:
    """A shipped scenario's name (`default`) or a path to a YAML file."""
    text = str(name_or_path)
    if "/" not in text and not text.endswith((".yaml", ".yml")):
        shipped = shipped_scenarios()
        if text not in shipped:
            known = ", ".join(shipped) or "none"
            raise ScenarioError([Problem(text, 1, "", f"no shipped scenario {text!r} ({known})")])
        return shipped[text]
    return Path(text)


def load_scenario(name_or_path: str | Path, *, allow_link_local: bool = False) -> Scenario:
    """Load a shipped scenario by name or a scenario file; raises ScenarioError.
    `allow_link_local`: SANDBOX_WEBHOOK_ALLOW_LINK_LOCAL (see `sandbox/urls.py`)."""
    path = resolve(name_or_path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ScenarioError([Problem(str(path), 1, "", f"cannot read: {error.strerror}")]) from None
    return load_scenario_text(
        text,
        str(path),
        base_dir=path.parent,
        default_name=path.stem,
        allow_link_local=allow_link_local,
    )


def load_scenario_text(
    text: str,
    file: str = "<scenario>",
    *,
    base_dir: Path | None = None,
    default_name: str = "",
    allow_link_local: bool = False,
) -> Scenario:
    """Load scenario YAML given as text. Without `base_dir` (text sent over the API),
    `extends:` may only name a shipped scenario, never a path on the server's disk."""
    problems: list[Problem] = []
    data = _read_with_extends(text, file, base_dir, problems, depth=0)
    personas = data.get("personas")
    if isinstance(personas, list) and len(personas) > MAX_PERSONAS:
        problems.append(Problem(*locate(data, ("personas",), file), TOO_MANY_PERSONAS))
    if problems:
        raise ScenarioError(problems)
    if "name" not in data and default_name:
        data["name"] = default_name
    scenario = None
    try:
        scenario = Scenario.model_validate(data, context=registration_context(allow_link_local))
    except ValidationError as error:
        problems.extend(_problems_from(error, data, file))
    problems.extend(cross_check(data, file))
    if problems:
        raise ScenarioError(problems)
    assert scenario is not None
    return scenario


def _read_with_extends(
    text: str, file: str, base_dir: Path | None, problems: list[Problem], depth: int
) -> LocatedDict:
    data, found = read_yaml(text, file)
    problems.extend(found)
    if data is None and not found:
        data = LocatedDict()
        data.file, data.line, data.path, data.key_lines, data.key_files = file, 1, (), {}, {}
    if not isinstance(data, LocatedDict):
        if not found:
            problems.append(Problem(file, 1, "", "a scenario is a mapping of keys such as banks:"))
        empty = LocatedDict()
        empty.file, empty.line, empty.path, empty.key_lines, empty.key_files = file, 1, (), {}, {}
        return empty
    parent_ref = data.pop("extends", None)
    if parent_ref is None:
        return data
    line = data.key_lines["extends"]
    if not isinstance(parent_ref, str):
        problems.append(Problem(file, line, "extends", "give a scenario name or a file path"))
        return data
    if depth >= MAX_EXTENDS_DEPTH:
        problems.append(Problem(file, line, "extends", "extends goes too deep (a cycle?)"))
        return data
    try:
        parent_path = _parent_path(parent_ref, base_dir)
        parent_text = parent_path.read_text(encoding="utf-8")
    except ScenarioError as error:
        problems.append(Problem(file, line, "extends", error.problems[0].message))
        return data
    except (OSError, ValueError) as error:
        problems.append(Problem(file, line, "extends", f"cannot read {parent_ref!r}: {error}"))
        return data
    parent = _read_with_extends(
        parent_text, str(parent_path), parent_path.parent, problems, depth + 1
    )
    return merge(parent, data)


def _parent_path(ref: str, base_dir: Path | None) -> Path:
    if "/" not in ref and not ref.endswith((".yaml", ".yml")):
        return resolve(ref)
    if base_dir is None:
        raise ValueError("a scenario sent as text may only extend a shipped scenario by name")
    return (base_dir / ref).resolve()


def merge(parent: LocatedDict, child: LocatedDict) -> LocatedDict:
    """`child` on top of `parent`: scalars and `clock` keys override, lists of tenants, banks
    and personas merge item by item (same key replaces, new key appends)."""
    merged = LocatedDict(parent)
    merged.file, merged.line, merged.path = child.file, child.line, ()
    merged.key_lines = dict(parent.key_lines)
    merged.key_files = {key: parent.key_files.get(key, parent.file) for key in parent}
    for key, value in child.items():
        old = parent.get(key)
        if key in MERGE_KEYS and isinstance(old, LocatedList) and isinstance(value, LocatedList):
            value = _merge_list(old, value, MERGE_KEYS[key])
        elif key == "clock" and isinstance(old, LocatedDict) and isinstance(value, LocatedDict):
            value = _merge_dict(old, value)
        merged[key] = value
        merged.key_lines[key] = child.key_lines[key]
        merged.key_files[key] = child.key_files.get(key, child.file)
    return merged


def _merge_list(parent: LocatedList, child: LocatedList, key_of: Any) -> LocatedList:
    items = list(zip(parent, parent.item_lines, strict=True))
    index = {key_of(item): i for i, (item, _) in enumerate(items) if isinstance(item, dict)}
    for item, line in zip(child, child.item_lines, strict=True):
        key = key_of(item) if isinstance(item, dict) else None
        if key is not None and key in index:
            items[index[key]] = (item, line)
        else:
            index[key] = len(items)
            items.append((item, line))
    merged = LocatedList(item for item, _ in items)
    merged.file, merged.line, merged.path = child.file, child.line, child.path
    merged.item_lines = [line for _, line in items]
    return merged


def _merge_dict(parent: LocatedDict, child: LocatedDict) -> LocatedDict:
    merged = LocatedDict({**parent, **child})
    merged.file, merged.line, merged.path = child.file, child.line, child.path
    merged.key_lines = {**parent.key_lines, **child.key_lines}
    merged.key_files = {
        **{key: parent.file for key in parent},
        **{key: child.file for key in child},
    }
    return merged


def _problems_from(error: ValidationError, data: LocatedDict, file: str) -> list[Problem]:
    problems = []
    for detail in error.errors(include_url=False):
        loc = tuple(detail["loc"])
        where_file, line, path = locate(data, loc, file)
        problems.append(Problem(where_file, line, path, _message(detail, loc)))
    return problems


def _message(detail: Any, loc: tuple) -> str:
    kind, value = detail["type"], detail.get("input")
    if kind == "extra_forbidden":
        allowed = _fields_at(loc[:-1])
        guess = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.6)
        hint = f"; did you mean `{guess[0]}`?" if guess else f"; known keys: {', '.join(allowed)}"
        return f"unknown key `{loc[-1]}`{hint}"
    if kind == "missing":
        return "required key is missing"
    if kind == "string_pattern_mismatch":
        pattern = detail.get("ctx", {}).get("pattern", "")
        return f"{value!r} is not {PATTERN_WORDS.get(pattern, f'in the form {pattern}')}"
    message = detail["msg"].removeprefix("Value error, ")
    if (
        isinstance(value, str | int | float)
        and not isinstance(value, bool)
        and repr(value) not in message
    ):
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
        message += f" (got {shown})"
    return message


def _fields_at(loc: tuple) -> list[str]:
    """Field names of the scenario object at `loc`, for "did you mean"."""
    kind: Any = Scenario
    for part in loc:
        kind = _unwrap(kind)
        if isinstance(part, int):
            args = typing.get_args(kind)
            kind = args[0] if args else None
        elif isinstance(kind, type) and issubclass(kind, BaseModel) and part in kind.model_fields:
            kind = kind.model_fields[part].annotation
        else:
            return []
    kind = _unwrap(kind)
    return list(kind.model_fields) if isinstance(kind, type) and issubclass(kind, BaseModel) else []


def _unwrap(kind: Any) -> Any:
    """Strip Annotated[...] and `X | None` down to the type that has fields or items."""
    while True:
        origin = typing.get_origin(kind)
        if origin is typing.Annotated:
            kind = typing.get_args(kind)[0]
        elif origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
            options = [arg for arg in typing.get_args(kind) if arg is not type(None)]
            kind = options[0] if len(options) == 1 else kind
            if len(options) != 1:
                return kind
        else:
            return kind
