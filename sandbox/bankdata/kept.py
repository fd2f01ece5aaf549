"""Months of bank truth kept for imports: a persona connected again and again (every test of a
suite, every demo) imports the same months, and generating them is a pure function of the plan
and the month, so each is generated once and kept while there is room.

Only what imports read is kept (`transactions_minor`, a month's opening balance and events for
balances); `months.transactions` and the generators themselves are never cached, so what the
generation benchmark measures is generation. Kept months are shared: every value is a tuple, and
the lists are never handed out to be changed (`truth.window` copies what it keeps of them).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from sandbox.bankdata import months
from sandbox.bankdata.dates import month_days
from sandbox.bankdata.months import Event, MinorTransaction
from sandbox.bankdata.plans import Plan

# Transactions (or events) kept in all, about 250 bytes each: some 12 MB at most.
MAX_KEPT = 50_000

# Keyed by the plan's identity (a Plan holds a dict, so it has no hash): each entry keeps its
# plan alive, so no other plan can take that identity while the entry is here.
_KEPT: OrderedDict[tuple[int, int, str], tuple[Plan, Any, int]] = OrderedDict()
_LOCK = threading.Lock()
_size = 0


def transactions_minor(plan: Plan, month: int) -> list[MinorTransaction]:
    """`months.transactions_minor`, generated once per plan and month while kept."""
    return _kept(plan, month, "minor", lambda: months.transactions_minor(plan, month), len)


def events_of(plan: Plan, month: int) -> tuple[int, list[Event]]:
    """`months.events_of` for the month: its opening balance and its events."""
    return _kept(
        plan, month, "events", lambda: months.events_of(plan, month_days(month)), _events_size
    )


def clear() -> None:
    global _size
    with _LOCK:
        _KEPT.clear()
        _size = 0


def _events_size(found: tuple[int, list[Event]]) -> int:
    return len(found[1])


def _kept(plan: Plan, month: int, kind: str, make: Callable[[], Any], size: Callable) -> Any:
    global _size
    key = (id(plan), month, kind)
    with _LOCK:
        found = _KEPT.get(key)
        if found is not None:
            _KEPT.move_to_end(key)
            return found[1]
    value = make()
    weight = max(size(value), 1)
    with _LOCK:
        if key not in _KEPT:
            _KEPT[key] = (plan, value, weight)
            _size += weight
            while _size > MAX_KEPT and _KEPT:
                _, (_, _, dropped) = _KEPT.popitem(last=False)
                _size -= dropped
    return value
