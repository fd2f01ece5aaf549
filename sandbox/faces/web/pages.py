"""The HTML pages of the hosted connect UI, the management UI and the fake banks' own pages.

One Jinja2 environment renders them all from `templates/`, with autoescaping on and undefined
variables raising, so a route that forgets a variable of the template contract fails loudly.
Pages load their CSS and JS from `STATIC_DIR`, which the web face mounts at `STATIC_URL`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import date, datetime
from functools import cache, lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from sandbox.domain.banks import country_name

TEMPLATES_DIR = Path(__file__).resolve().parents[3] / "templates"
STATIC_DIR = Path(__file__).resolve().parent / "static"
STATIC_URL = "/static"

# What a page shows when a colour is not `#rrggbb`: a style attribute never carries anything else.
FALLBACK_COLOUR = "#1f6feb"
_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def colour(value: object) -> str:
    """The colour itself when it is `#rrggbb`, else the fallback."""
    return value if isinstance(value, str) and _HEX_COLOUR.match(value) else FALLBACK_COLOUR


def _channels(value: object) -> tuple[float, float, float]:
    hex_digits = colour(value)[1:]
    return tuple(int(hex_digits[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def _luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG relative luminance."""
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: float, b: float) -> float:
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


# The colour filters run for every page and their answers depend only on the colour (or name)
# text, of which a sandbox has a handful: each is worked out once.


def ink(value: object) -> str:
    """Text colour for text on a background of this colour: white or near-black, whichever reads."""
    return _ink(colour(value))


@lru_cache(maxsize=256)
def _ink(value: str) -> str:
    background = _luminance(_channels(value))
    dark = _luminance(_channels("#111827"))
    return "#ffffff" if _contrast(background, 1.0) >= _contrast(background, dark) else "#111827"


def on_white(value: object) -> str:
    """This colour, darkened until text in it reads on white (WCAG AA, 4.5:1)."""
    return _on_white(colour(value))


@lru_cache(maxsize=256)
def _on_white(value: str) -> str:
    rgb = _channels(value)
    while _contrast(_luminance(rgb), 1.0) < 4.5:
        rgb = tuple(c * 0.9 for c in rgb)  # type: ignore[assignment]
    return "#" + "".join(f"{round(c * 255):02x}" for c in rgb)


def initials(name: object) -> str:
    """Up to two letters for a logo tile: "Nordlicht Sparbank" → "NS", "Cigale" → "CI"."""
    return _initials(str(name))


@lru_cache(maxsize=256)
def _initials(name: str) -> str:
    words = [word for word in re.split(r"[\s\-_/&.]+", name) if word[:1].isalnum()]
    if not words:
        return "?"
    if len(words) == 1:
        return words[0][:2].upper()
    return (words[0][0] + words[-1][0]).upper()


def format_date(value: object) -> str:
    """ "12 May 2026" for a date or datetime; a string is already displayable and passes through."""
    if isinstance(value, datetime | date):
        return f"{value.day} {value:%b %Y}"
    return "" if value is None else str(value)


def plural(count: int, singular: str, many: str | None = None) -> str:
    """`{{ n|plural("attempt") }}` → "1 attempt", "3 attempts"."""
    return f"{count} {singular if count == 1 else (many or singular + 's')}"


@cache
def _fingerprint(path: str) -> str:
    return hashlib.sha256((STATIC_DIR / path).read_bytes()).hexdigest()[:10]


def static(path: str) -> str:
    """URL of a static file, with its content's fingerprint so a browser never keeps a stale one."""
    return f"{STATIC_URL}/{path}?v={_fingerprint(path)}"


templates = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    # Templates ship with the package and do not change while it runs: no stat() per render.
    auto_reload=False,
)
templates.filters.update(
    colour=colour,
    ink=ink,
    on_white=on_white,
    initials=initials,
    date=format_date,
    country_name=country_name,
    plural=plural,
)


def _kept_macro(name: str) -> Callable[..., Markup]:
    """A macro of `_pure.html`, whose output depends only on its arguments: rendered once per
    arguments and kept (a connect page shows a dozen icons; each macro call cost more than
    all of a page's variables)."""

    @lru_cache(maxsize=1024)
    def call(*args: object) -> Markup:
        return Markup(getattr(templates.get_template("_pure.html").module, name)(*args))

    return call


class _Macros:
    """`_macros.html` as the global `ui`, its module built on first use. Its macros take
    everything as arguments, so one module serves every page; an `{% import %}` in each
    template cost a template lookup and a check of the globals on every render."""

    def __getattr__(self, name: str) -> object:
        return getattr(_macros(), name)


@cache
def _macros() -> object:
    return templates.get_template("_macros.html").module


templates.globals.update(
    ui=_Macros(),
    static=static,
    icon=_kept_macro("icon"),
    logo=_kept_macro("logo"),
    steps_nav=_kept_macro("steps_nav"),
    bank_row=_kept_macro("bank_row"),
)


def render(name: str, **context: object) -> str:
    """The page `name` (e.g. "connect/banks.html") rendered with the template contract's context."""
    return templates.get_template(name).render(**context)
