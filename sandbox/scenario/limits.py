"""How big a scenario may be, and the check of a parsed YAML document against those limits.

A scenario may come from anyone who can reach the control API, and YAML aliases let a few
hundred bytes stand for billions of values ("billion laughs"). So the node graph the parser
composes is measured before anything is built from it: the count is that of the document with
every alias written out, worked out once per node, so measuring costs no more than the text
did. The limits are some fifty times what the shipped default scenario uses (23 kB, 1,900
nodes, 7 levels, 31 personas), and `scenarios/README.md` lists them.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_CHARS = 1_000_000
MAX_NODES = 100_000
MAX_DEPTH = 32
MAX_PERSONAS = 1_000


class LimitExceeded(yaml.MarkedYAMLError):
    """A YAML document over one of the limits; `problem_mark` is where it goes over."""

    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(problem=f"scenario too large: {message}", problem_mark=mark)


TOO_LONG = f"scenario too large: longer than the limit of {MAX_CHARS} characters"
TOO_MANY_PERSONAS = f"scenario too large: more than the limit of {MAX_PERSONAS} personas"


def too_deep(mark: Any) -> LimitExceeded:
    return LimitExceeded(f"nested deeper than the limit of {MAX_DEPTH} levels", mark)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return node.value
    return []


def check_size(root: yaml.Node) -> None:
    """Raise LimitExceeded when `root`, aliases written out, has more than MAX_NODES nodes or
    more than MAX_DEPTH levels, or when an alias sits inside the node it names."""
    # Per mapping or list: (nodes, levels) once measured, None while its children are.
    # Scalars, most of a document, count (1, 1) without an entry.
    measured: dict[int, tuple[int, int] | None] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            nodes, levels = 1, 1
            for child in _children(node):
                size = measured.get(id(child)) or (1, 1)
                nodes, levels = nodes + size[0], max(levels, size[1] + 1)
            if nodes > MAX_NODES:
                raise LimitExceeded(
                    f"more than the limit of {MAX_NODES} values (an alias counts as all it "
                    "stands for)",
                    node.start_mark,
                )
            measured[id(node)] = (nodes, levels)
        elif id(node) not in measured and not isinstance(node, yaml.ScalarNode):
            measured[id(node)] = None
            stack.append((node, True))
            for child in _children(node):
                if id(child) not in measured:
                    stack.append((child, False))
                elif measured[id(child)] is None:
                    raise LimitExceeded(
                        "an alias inside the node it names repeats for ever", child.start_mark
                    )
    levels = measured[id(root)][1] if id(root) in measured else 1
    if levels > MAX_DEPTH:
        raise too_deep(_at_level(root, MAX_DEPTH + 1, measured).start_mark)


def _at_level(node: yaml.Node, level: int, measured: dict) -> yaml.Node:
    """The node at `level` on the deepest branch from `node` (level 1): where it goes too deep."""
    for _ in range(level - 1):
        node = max(_children(node), key=lambda child: (measured.get(id(child)) or (1, 1))[1])
    return node
