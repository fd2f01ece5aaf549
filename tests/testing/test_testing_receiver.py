"""The webhook receiver integrators import: its documented example runs as written."""

from __future__ import annotations

import textwrap

from sandbox.testing import receiver


def documented_example() -> str:
    """The module docstring's code block: its indented lines, which end the docstring."""
    lines = (receiver.__doc__ or "").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("    "))
    return textwrap.dedent("\n".join(lines[start:]))


def test_the_docstring_example_runs_against_a_live_sandbox(live_server):
    code = documented_example()
    assert "wait_for" in code and "verify" in code
    exec(compile(code, "receiver.__doc__", "exec"), {"sandbox": live_server})
