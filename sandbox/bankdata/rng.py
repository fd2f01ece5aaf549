"""Seed derivation: every random choice of the bank data starts from a stable hash of its inputs.

`hashlib.blake2b` over a text of the inputs gives the same number on every machine and every run
(Python's `hash()` is salted per process, the global `random` module is shared state), so a month
of an account can be generated on its own, anywhere, and always come out the same.
"""

from __future__ import annotations

from hashlib import blake2b
from random import Random

_SEPARATOR = "\x1f"


def derive(*parts: object) -> int:
    """A 64-bit number that depends only on `parts` (their `str()`), never on the process."""
    text = _SEPARATOR.join(map(str, parts))
    return int.from_bytes(blake2b(text.encode(), digest_size=8).digest(), "big")


def random_for(*parts: object) -> Random:
    """A private generator for one purpose (an account's month, an owner, a pool)."""
    return Random(derive(*parts))


def spread(amplitude: int, *parts: object) -> int:
    """Bounded integer noise in [-amplitude, amplitude], without building a generator."""
    if amplitude <= 0:
        return 0
    return derive(*parts) % (2 * amplitude + 1) - amplitude
