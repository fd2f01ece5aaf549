"""The verdicts of issue 5's targets: each benchmark records the ones it measures, and
`bench/summary.py`, the last step of `make bench`, prints them all as one table.

Results go to `.sandbox/bench/results.json`, which `make bench` empties first, so the table
only ever shows what this run measured.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

RESULTS = Path(__file__).resolve().parents[1] / ".sandbox" / "bench" / "results.json"


def read() -> dict[str, dict]:
    return json.loads(RESULTS.read_text()) if RESULTS.exists() else {}


def record(key: str, target: int, what: str, measured: str, goal: str, met: bool) -> None:
    """Keep one verdict, e.g. record("T1 req/s", 1, "GET /transactions, 10k tx", "0.71 x B0",
    ">= 0.5 x B0", True); a later run of the same benchmark replaces it."""
    results = read()
    results[key] = {"target": target, "what": what, "measured": measured, "goal": goal, "met": met}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    partial = RESULTS.with_suffix(f".{os.getpid()}")
    partial.write_text(json.dumps(results, indent=1))
    partial.replace(RESULTS)
