"""Rendered pages kept with their secrets cut out, so the next flow at the same step is a copy.

Every user of a tenant sees the same page at a step of the flow (the same bank, brand, words and
accounts offered) but for the flow's own session id and CSRF token, which are in its links and
forms. Rendering a page costs hundreds of microseconds; so a page is rendered once with each
secret replaced by a mask (random letters of the same length, fixed for the process), kept under
its template and everything else of its context, and handed out with the masks replaced by the
request's secrets. The key is the whole context, so a page is only reused for the same input.

A secret is only cut out when it is made of URL-safe letters (session ids and tokens are), so
that escaping and URL quoting leave it and its mask alike; a context holding a mask already, or
a value that cannot be compared reliably, is rendered afresh.
"""

from __future__ import annotations

import re
import secrets
import string
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any

Render = Callable[[str, dict[str, Any]], tuple[str, str]]
"""A template's name and context → the page and its Content-Security-Policy."""

_SECRET = re.compile(r"[A-Za-z0-9_-]{16,256}")
_LETTERS = string.ascii_letters + string.digits
# Values compared by value and type (True and 1 are equal, but render differently).
_SCALARS = (bool, int, float, date, Enum, type(None))


class _NotKept(Exception):
    """This context is rendered afresh."""


class Stencils:
    """`render` with the most recent `size` pages kept."""

    def __init__(self, render: Render, size: int = 256) -> None:
        self._render = render
        self._size = size
        self._kept: OrderedDict[tuple[Any, ...], tuple[str, str]] = OrderedDict()
        self._masks: dict[tuple[int, int], str] = {}
        self._lock = threading.Lock()  # a page may be rendered on a worker thread too

    def __call__(
        self, name: str, context: dict[str, Any], private: Sequence[str]
    ) -> tuple[str, str]:
        """The page and its policy, with `private` (the flow's secrets) in it."""
        try:
            swaps = self._swaps(private)
            masked, key = _freeze(context, swaps)
        except _NotKept:
            return self._render(name, context)
        key = (name, key)
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None:
                self._kept.move_to_end(key)
        if kept is None:
            kept = self._render(name, masked)
            if any(mask in kept[1] for _, mask in swaps):  # a secret in the policy: never
                return self._render(name, context)
            with self._lock:
                self._kept[key] = kept
                if len(self._kept) > self._size:
                    self._kept.popitem(last=False)
        page, policy = kept
        for secret, mask in swaps:
            page = page.replace(mask, secret)
        return page, policy

    def _swaps(self, private: Sequence[str]) -> tuple[tuple[str, str], ...]:
        """Each secret with its mask; a secret that is not URL-safe letters keeps nothing."""
        swaps = []
        for index, secret in enumerate(private):
            if not _SECRET.fullmatch(secret):
                raise _NotKept
            mask = self._masks.get((index, len(secret)))
            if mask is None:
                made = "".join(secrets.choice(_LETTERS) for _ in secret)
                mask = self._masks.setdefault((index, len(secret)), made)
            swaps.append((secret, mask))
        return tuple(swaps)


def _freeze(value: Any, swaps: tuple[tuple[str, str], ...]) -> tuple[Any, Any]:
    """The value with every secret masked, and a hashable key that equals another value's key
    only when the two render alike."""
    kind = type(value)
    if kind is str:  # most of a context: tested first
        masked = _masked(value, swaps)
        return masked, masked
    if kind is dict:
        masked, keys = {}, []
        for name, item in value.items():
            if type(item) is str:
                masked[name] = text = _masked(item, swaps)
                keys.append((name, text))
            else:
                masked[name], key = _freeze(item, swaps)
                keys.append((name, key))
        return masked, (dict, tuple(keys))
    if kind is list or kind is tuple:
        frozen = [_freeze(item, swaps) for item in value]
        return kind(item for item, _ in frozen), (kind, tuple(key for _, key in frozen))
    if isinstance(value, str):  # Markup and str of the same text render differently
        masked = _masked(value, swaps)
        return masked, (kind, masked)
    if isinstance(value, datetime):  # equal instants in two zones read differently
        return value, (datetime, value, value.tzinfo)
    if isinstance(value, _SCALARS):
        return value, (kind, value)
    raise _NotKept


def _masked(text: str, swaps: tuple[tuple[str, str], ...]) -> str:
    for secret, mask in swaps:
        if mask in text:
            raise _NotKept
        text = text.replace(secret, mask)
    return text
