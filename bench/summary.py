"""The last step of `make bench`: every target the benchmarks measured (issue 5's six, issue
16's for the Powens face, issue 17's for analytics), as one table, and whether all of them are
met (exit status 1 when one is missed or one of issue 5's is missing)."""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from targets import RESULTS, read

TARGETS = 6
LOOP_STEPS = 5_000_000


def pace() -> float:
    """Seconds a fixed pure-Python loop takes on core 0, median of 5: this machine's speed
    varies by two or three times over a day, and the absolute targets (3 and 5) move with it,
    so every table says how fast the machine was when it was printed."""
    os.sched_setaffinity(0, {0})
    times = []
    for _ in range(5):
        started = time.perf_counter()
        total = 0
        for step in range(LOOP_STEPS):
            total += step
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    results = read()
    if not results:
        print(f"no results in {RESULTS}: run the benchmarks first (make bench)")
        return 1
    info = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in info if "model name" in line), "?")
    machine = f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"
    print()
    issues = "1-6: issue 5; 16: issue 16, the Powens face; 17: issue 17, analytics"
    print(f"targets ({issues}), {date.today()}, {machine}")
    print(f"machine speed now: a {LOOP_STEPS:,}-step Python loop takes {pace():.3f} s on core 0")
    print(f"{'#':<3}{'what':<49}{'measured':<24}{'goal':<16}verdict")
    rows = sorted(results.values(), key=lambda row: row["target"])
    for row in rows:
        verdict = "met" if row["met"] else "MISSED"
        print(f"{row['target']:<3}{row['what']:<49}{row['measured']:<24}{row['goal']:<16}{verdict}")
    missing = sorted(set(range(1, TARGETS + 1)) - {row["target"] for row in rows})
    missed = [row for row in rows if not row["met"]]
    if missing:
        print(f"not measured: target {', '.join(map(str, missing))}")
    print("every target met" if not missed and not missing else f"{len(missed)} missed")
    return 1 if missed or missing else 0


if __name__ == "__main__":
    sys.exit(main())
