"""Fixtures every browser test uses: the system's Chromium driven by Playwright, a fresh page per
test that fails the test on a console error or on any request leaving the machine, and a
screenshot helper writing to test-output/screenshots/.

Chromium is Debian's (`scripts/ensure-chromium` installs it); `playwright install` is never
needed, and would download a browser this offline machine cannot fetch.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-output" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
VIEWPORTS = {
    "phone": {"width": 390, "height": 844},
    "desktop": {"width": 1280, "height": 800},
}
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "allow_console_error(pattern): a console error matching this regex does not fail the test",
    )


def is_local(url: str) -> bool:
    """True for a URL that stays on this machine (or never leaves the browser)."""
    parts = urlsplit(url)
    if parts.scheme in {"data", "blob", "about", "chrome-error"}:
        return True
    host = parts.hostname or ""
    return host in LOOPBACK_HOSTS or host.startswith("127.")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure-chromium (as root)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def viewport(request: pytest.FixtureRequest) -> str:
    """The viewport's name; a test picks one with
    `@pytest.mark.parametrize("viewport", ["phone", "desktop"], indirect=True)`."""
    name = getattr(request, "param", "desktop")
    assert name in VIEWPORTS, f"unknown viewport {name!r}: one of {sorted(VIEWPORTS)}"
    return name


@pytest.fixture
def browser_context(browser: Browser, viewport: str) -> Iterator[BrowserContext]:
    phone = viewport == "phone"
    context = browser.new_context(
        viewport=VIEWPORTS[viewport],
        is_mobile=phone,
        has_touch=phone,
        locale="en-GB",
        timezone_id="Europe/Berlin",
        service_workers="block",
    )
    context.set_default_timeout(5_000)
    yield context
    context.close()


@pytest.fixture
def page(browser_context: BrowserContext, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A new page in a new context; the test fails if the page logged a console error, threw,
    or tried to reach any host but this machine (such requests are aborted, never sent)."""
    problems: list[str] = []
    allowed = [
        re.compile(marker.args[0]) for marker in request.node.iter_markers("allow_console_error")
    ]

    def guard(route: Route) -> None:
        url = route.request.url
        if is_local(url):
            route.continue_()
        else:
            problems.append(f"request to another host: {route.request.method} {url}")
            route.abort("blockedbyclient")

    def console(message) -> None:
        if message.type == "error" and not any(p.search(message.text) for p in allowed):
            location = message.location.get("url") or page.url
            problems.append(f"console error on {location}: {message.text}")

    browser_context.route("**/*", guard)
    page = browser_context.new_page()
    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(f"uncaught error on {page.url}: {error}"))
    yield page
    page.close()
    if problems:
        pytest.fail("the browser saw problems:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[[Page, str], Path]:
    """`screenshot(page, "consent")` saves the full page as
    test-output/screenshots/<test name>-consent.png and returns the path."""
    test_name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")

    def take(page: Page, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{test_name}-{name}.png"
        page.screenshot(path=str(path), full_page=True, animations="disabled")
        return path

    return take
