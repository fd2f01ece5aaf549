"""Sources: a bank's ways in (`api`, `web`), tried by a sync in priority order.

A sync goes through the first enabled source that answers and falls back to the next when one is
down (Powens: "honor the priority order of sources"); a disabled source is never tried. Each
source of the login keeps the outcome of the last sync that tried it (`ok` or the failure) and
when it last succeeded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Connection

from sandbox.domain.fakebank import BankRefusal, Moment, source_outage, sources_in_order
from sandbox.domain.states import LoginState
from sandbox.scenario.model import Bank, Persona, Source
from sandbox.store import bank_logins as rows

OK = "ok"


@dataclass(frozen=True)
class SourceChoice:
    """The source a sync goes through (None: every enabled source is down) and the ones that
    failed before it, each with when its outage ends (None: unknown)."""

    used: Source | None
    down: tuple[tuple[Source, datetime | None], ...]

    def refusal(self) -> BankRefusal:
        """What the login reads when no source answered: back when the first outage ends."""
        ends = [until for _, until in self.down if until is not None]
        until = min(ends) if ends and len(ends) == len(self.down) else None
        kinds = ", ".join(source.kind.value for source, _ in self.down) or "none enabled"
        return BankRefusal(
            LoginState.BANK_UNAVAILABLE,
            f"No source of the bank can be reached ({kinds}).",
            "sources_down",
            until,
        )


def choose(
    bank: Bank, persona: Persona, moment: Moment, switched_off: frozenset[str] = frozenset()
) -> SourceChoice:
    """The first of the bank's sources, in priority order, that answers now; `switched_off`:
    the kinds the client turned off for this login (Powens' connection sources), never tried."""
    down = []
    for source in sources_in_order(bank):
        if source.kind.value in switched_off:
            continue
        unreachable, until = source_outage(persona, bank, source, moment)
        if not unreachable:
            return SourceChoice(source, tuple(down))
        down.append((source, until))
    return SourceChoice(None, tuple(down))


def outcomes(choice: SourceChoice, now: datetime) -> dict[str, tuple[str, datetime | None]]:
    """Each tried source's outcome by kind: its state, and when it last succeeded if now."""
    down = LoginState.BANK_UNAVAILABLE.value
    tried: dict[str, tuple[str, datetime | None]] = {
        source.kind.value: (down, None) for source, _ in choice.down
    }
    if choice.used is not None:
        tried[choice.used.kind.value] = (OK, now)
    return tried


def record(conn: Connection, bank_login_id: int, choice: SourceChoice, now: datetime) -> None:
    """Write each tried source's outcome on the login (a failure keeps its last success)."""
    for kind, (state, succeeded) in outcomes(choice, now).items():
        changes = {"state": state} if succeeded is None else {"state": state, "last_update": now}
        rows.update_source(conn, bank_login_id, kind, **changes)
