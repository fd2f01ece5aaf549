"""Rules that relate several parts of a scenario: ids, references, dates against the clock.

They read the raw merged data rather than the validated model, so they still run (and report)
when some other part of the file has a type error: the user sees every problem at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from sandbox.clock import system_now
from sandbox.scenario.located import LocatedDict, Problem, locate

NEEDS_ACCOUNT = {"account_appears", "account_disappears"}


def cross_check(data: LocatedDict, file: str) -> list[Problem]:
    def at(loc: tuple, message: str) -> Problem:
        where_file, line, path = locate(data, loc, file)
        return Problem(where_file, line, path, message)

    problems = []
    problems += [at(loc, msg) for loc, msg in _duplicates(data)]
    problems += [at(loc, msg) for loc, msg in _bank_rules(data)]
    problems += [at(loc, msg) for loc, msg in _persona_rules(data)]
    return problems


def _items(data: Any, key: str) -> Iterator[tuple[int, dict]]:
    value = data.get(key) if isinstance(data, dict) else None
    if isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict):
                yield index, item


def _duplicates(data: dict) -> Iterator[tuple[tuple, str]]:
    unique = [
        ("tenants", "id"),
        ("tenants", "client_id"),
        ("tenants", "api_key"),
        ("banks", "id"),
    ]
    for list_key, field in unique:
        seen: dict[Any, int] = {}
        for index, item in _items(data, list_key):
            value = item.get(field)
            if value is None:
                continue
            if value in seen:
                yield (
                    (list_key, index, field),
                    f"duplicate {field} {value!r} (also {list_key}[{seen[value]}])",
                )
            else:
                seen[value] = index
    logins: dict[tuple, int] = {}
    for index, persona in _items(data, "personas"):
        key = (persona.get("bank"), persona.get("login"))
        if key in logins:
            yield (
                ("personas", index, "login"),
                f"duplicate persona {key[1]!r} at bank {key[0]!r} (also personas[{logins[key]}])",
            )
        else:
            logins[key] = index


def _bank_rules(data: dict) -> Iterator[tuple[tuple, str]]:
    for index, bank in _items(data, "banks"):
        history, most = bank.get("history_days", 90), bank.get("max_history_days")
        if isinstance(history, int) and isinstance(most, int) and most < history:
            yield (
                ("banks", index, "max_history_days"),
                f"{most} is less than history_days ({history})",
            )
        sources = [source for _, source in _items(bank, "sources")]
        kinds = [source.get("kind") for source in sources]
        for position, kind in enumerate(kinds):
            if kind in kinds[:position]:
                yield (("banks", index, "sources", position, "kind"), f"a second {kind!r} source")
        if sources and all(source.get("disabled") is True for source in sources):
            yield (("banks", index, "sources"), "every source is disabled: nobody could connect")
        types = bank.get("account_types")
        if isinstance(types, list):
            for position, kind in enumerate(types):
                if kind in types[:position]:
                    yield (("banks", index, "account_types", position), f"{kind!r} listed twice")


def _clock_start(data: dict) -> datetime | None:
    clock = data.get("clock")
    start = clock.get("start") if isinstance(clock, dict) else None
    if start in (None, "now"):
        return system_now()
    return start if isinstance(start, datetime) and start.tzinfo else None


def _persona_rules(data: dict) -> Iterator[tuple[tuple, str]]:
    banks = {bank.get("id"): bank for _, bank in _items(data, "banks")}
    start = _clock_start(data)
    for index, persona in _items(data, "personas"):
        bank_id = persona.get("bank")
        bank = banks.get(bank_id)
        if isinstance(bank_id, str) and bank_id != "*" and bank is None:
            known = ", ".join(str(key) for key in banks) or "none declared"
            yield (("personas", index, "bank"), f"unknown bank {bank_id!r} (banks: {known})")
        offered = bank.get("account_types", ["checking"]) if bank else None
        account_ids: dict[Any, int] = {}
        for position, account in _items(persona, "accounts"):
            loc = ("personas", index, "accounts", position)
            account_id = account.get("id")
            if account_id in account_ids:
                yield ((*loc, "id"), f"duplicate account id {account_id!r}")
            account_ids.setdefault(account_id, position)
            kind = account.get("type", "checking")
            if isinstance(offered, list) and kind not in offered:
                yield (
                    (*loc, "type"),
                    f"bank {bank_id!r} does not offer {kind!r} accounts "
                    f"(it offers {', '.join(map(str, offered))})",
                )
            opened = account.get("opened")
            if isinstance(opened, date) and start is not None and opened > start.date():
                yield ((*loc, "opened"), f"{opened} is after the clock start ({start.date()})")
        for position, behaviour in _items(persona, "behaviours"):
            loc = ("personas", index, "behaviours", position)
            account_id = behaviour.get("account")
            if behaviour.get("event") in NEEDS_ACCOUNT and account_id is None:
                yield (loc, f"{behaviour.get('event')} needs `account:` (which account)")
            elif account_id is not None and account_id not in account_ids:
                yield (
                    (*loc, "account"),
                    f"persona has no account {account_id!r} "
                    f"(accounts: {', '.join(map(str, account_ids))})",
                )
