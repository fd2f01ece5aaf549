"""The virtual clock: the one place that reads the system's time.

Each tenant has its own clock: real time plus an offset, or frozen at an instant. Everything else
asks a Clock (or is handed a datetime), which is what makes time travel and tests deterministic.
A Clock is an immutable value; moving it returns a new one for the store to save.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sandbox.errors import SandboxError


def system_now() -> datetime:
    """The real time, in UTC. Only this module calls the system clock."""
    return datetime.now(UTC)


def system_ms() -> int:
    """The real time as whole milliseconds since the Unix epoch: what a log line's timestamp
    needs, without building a datetime per line."""
    return time.time_ns() // 1_000_000


def monotonic() -> float:
    """Seconds from an arbitrary start, for measuring how long something took."""
    return time.perf_counter()


class ClockError(SandboxError):
    """A clock move that would break causality (the virtual clock never runs backwards)."""

    code = "clock_backwards"


@dataclass(frozen=True)
class Clock:
    offset: timedelta = timedelta(0)
    frozen_at: datetime | None = None

    @classmethod
    def starting_at(cls, start: datetime | None, *, frozen: bool, real: datetime | None = None):
        """A clock whose now is `start` (or the real time when None)."""
        real = real or system_now()
        start = start or real
        if frozen:
            return cls(frozen_at=start.astimezone(UTC))
        return cls(offset=start - real)

    @property
    def frozen(self) -> bool:
        return self.frozen_at is not None

    def now(self, real: datetime | None = None) -> datetime:
        if self.frozen_at is not None:
            return self.frozen_at
        return (real or system_now()) + self.offset

    def advanced(self, delta: timedelta) -> Clock:
        if delta < timedelta(0):
            raise ClockError("the clock only moves forward; reset the tenant to start over")
        if self.frozen_at is not None:
            return Clock(frozen_at=self.frozen_at + delta)
        return Clock(offset=self.offset + delta)

    def set_to(self, instant: datetime, real: datetime | None = None) -> Clock:
        if instant.tzinfo is None:
            raise ClockError("give the time with a time zone, for example 2027-06-01T09:00:00Z")
        real = real or system_now()
        current = self.now(real)
        if instant < current:
            raise ClockError(
                f"{instant.isoformat()} is before the clock's now ({current.isoformat()}); "
                "the clock only moves forward, reset the tenant to start over"
            )
        return self.advanced(instant - current)

    def freeze(self, real: datetime | None = None) -> Clock:
        return self if self.frozen_at is not None else Clock(frozen_at=self.now(real))

    def unfreeze(self, real: datetime | None = None) -> Clock:
        if self.frozen_at is None:
            return self
        return Clock(offset=self.frozen_at - (real or system_now()))
