"""The virtual clock: the one place that reads the system's time.

Each tenant has its own clock: real time plus an offset, or frozen at an instant. Everything else
asks a Clock (or is handed a datetime), which is what makes time travel and tests deterministic.
A Clock is an immutable value; moving it returns a new one for the store to save.

A clock's now stays within EARLIEST .. LATEST: centuries away from the ends of what Python's
datetime can hold, so every date the sandbox works out from now (consent expiry, history
windows, outages, retries) stays countable, and a test that moves a clock to year 9999 gets a
clear error instead of a tenant nobody can read any more.
"""

from __future__ import annotations

import re
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


EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)


class ClockError(SandboxError):
    """A clock move that would break causality (the virtual clock never runs backwards)."""

    code = "clock_backwards"


class ClockOutOfRange(SandboxError):
    """A clock moved, or started, outside EARLIEST .. LATEST."""

    code = "clock_out_of_range"


def in_range(instant: datetime) -> datetime:
    """`instant` in UTC, or ClockOutOfRange when a clock may not show it."""
    try:
        utc = instant.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:00:00-02:00 is past year 9999 in UTC
        utc = None
    if utc is None or not EARLIEST <= utc <= LATEST:
        raise _out_of_range(instant.isoformat())
    return utc


def _out_of_range(moment: str) -> ClockOutOfRange:
    return ClockOutOfRange(
        f"{moment} is outside the range a clock may show, "
        f"{EARLIEST.date()} to {LATEST.date()} (UTC)",
        details={"earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()},
    )


@dataclass(frozen=True)
class Clock:
    offset: timedelta = timedelta(0)
    frozen_at: datetime | None = None

    @classmethod
    def starting_at(cls, start: datetime | None, *, frozen: bool, real: datetime | None = None):
        """A clock whose now is `start` (or the real time when None)."""
        real = real or system_now()
        start = real if start is None else in_range(start)
        if frozen:
            return cls(frozen_at=start)
        return cls(offset=start - real)

    @property
    def frozen(self) -> bool:
        return self.frozen_at is not None

    def now(self, real: datetime | None = None) -> datetime:
        if self.frozen_at is not None:
            return self.frozen_at
        return (real or system_now()) + self.offset

    def advanced(self, delta: timedelta, real: datetime | None = None) -> Clock:
        if delta < timedelta(0):
            raise ClockError("the clock only moves forward; reset the tenant to start over")
        now = self.now(real)
        if delta > LATEST - now:  # compared before adding: the sum itself may not exist
            raise _out_of_range(f"{now.isoformat()} moved on by {delta}")
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
        return self.advanced(in_range(instant) - current, real)

    def freeze(self, real: datetime | None = None) -> Clock:
        return self if self.frozen_at is not None else Clock(frozen_at=self.now(real))

    def unfreeze(self, real: datetime | None = None) -> Clock:
        if self.frozen_at is None:
            return self
        return Clock(offset=self.frozen_at - (real or system_now()))


_DURATION = re.compile(
    r"^P(?!$)(?:(?P<d>\d+)D)?(?:T(?=\d)(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+)S)?)?$"
)


def parse_duration(text: str) -> timedelta:
    """ISO 8601 durations in days and time (`P181D`, `PT5M`, `P1DT2H`): calendar months and
    years are refused because their length depends on the date they start from."""
    match = _DURATION.match(text.strip().upper()) if isinstance(text, str) else None
    if not match:
        raise ValueError(f"{text!r} is not an ISO 8601 duration such as P181D, PT5M or P1DT12H")
    try:
        parts = {k: int(v) for k, v in match.groupdict(default="0").items()}
        return timedelta(days=parts["d"], hours=parts["h"], minutes=parts["m"], seconds=parts["s"])
    except (ValueError, OverflowError):  # more digits, or days, than a timedelta holds
        shown = text if len(text) <= 24 else text[:21] + "..."
        raise ValueError(
            f"{shown!r} is longer than the longest duration, P{timedelta.max.days}D"
        ) from None
