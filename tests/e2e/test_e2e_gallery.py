"""Every page template, rendered with its sample context, opened in Chromium at phone and desktop
width: it loads its own CSS and JS, logs no error, asks no other host for anything, fits the
screen, and leaves a screenshot in test-output/screenshots/ for a person to look at.
A few tests then drive connect.js: the bank search, the decoupled wait and the remove step."""

from __future__ import annotations

import importlib.util
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import Page, expect
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from sandbox.clock import monotonic
from sandbox.faces.kontomatik.embed import ASSETS_DIR, ASSETS_URL
from sandbox.faces.web.pages import STATIC_DIR, STATIC_URL, render
from sandbox.testing.server import free_port


def _load_samples() -> Any:
    path = Path(__file__).resolve().parents[1] / "faces" / "web" / "samples.py"
    spec = importlib.util.spec_from_file_location("web_page_samples", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


samples = _load_samples()
SAMPLES = {sample.name: sample for sample in samples.SAMPLES}
WAIT = SAMPLES["connect-sca-wait"].context


class Gallery:
    """A tiny app serving each sample page at /pages/<name>, the static files, the decoupled
    status the wait page polls, and an echo of whatever a form posts."""

    def __init__(self) -> None:
        self.status: dict[str, Any] = {"status": "pending", "next_url": None}
        self.app = Starlette(
            routes=[
                Route("/pages/{name}", self.page),
                Route("/not-found/{name}", self.not_found),
                Route(WAIT["status_url"], self.decoupled_status),
                Mount(STATIC_URL, app=StaticFiles(directory=STATIC_DIR)),
                # The Kontomatik demo page's scripts, and a stand-in for the widget's iframe.
                Mount(ASSETS_URL, app=StaticFiles(directory=ASSETS_DIR)),
                Route("/kontomatik/signin", self.widget_frame),
                Route("/{path:path}", self.posted, methods=["POST"]),
            ]
        )

    async def page(self, request: Request) -> Response:
        sample = SAMPLES[request.path_params["name"]]
        return HTMLResponse(render(sample.template, **sample.context))

    async def widget_frame(self, request: Request) -> Response:
        return HTMLResponse("<!doctype html><html lang=en><title>sign-in</title><p>Sign in</p>")

    async def not_found(self, request: Request) -> Response:
        response = await self.page(request)
        response.status_code = 404
        return response

    async def decoupled_status(self, request: Request) -> Response:
        return JSONResponse(self.status)

    async def posted(self, request: Request) -> Response:
        form = await request.form()
        fields = "".join(f"<li>{key}={value}</li>" for key, value in form.multi_items())
        return HTMLResponse(
            f"<!doctype html><html lang=en><title>posted</title>"
            f"<h1>POST {request.url.path}</h1><ul>{fields}</ul></html>"
        )


@pytest.fixture(scope="module")
def gallery() -> Iterator[tuple[Gallery, str]]:
    gallery = Gallery()
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(gallery.app, host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = monotonic() + 10
    while not server.started:
        assert monotonic() < deadline, "the gallery server did not start"
        assert thread.is_alive(), "the gallery server died"
        threading.Event().wait(0.02)
    yield gallery, f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=5)


@pytest.fixture
def gallery_url(gallery: tuple[Gallery, str]) -> str:
    gallery[0].status = {"status": "pending", "next_url": None}
    return gallery[1]


@pytest.mark.parametrize("viewport", ["phone", "desktop"], indirect=True)
def test_gallery(page: Page, gallery_url: str, viewport: str, screenshot: Callable) -> None:
    problems = []
    for name in SAMPLES:
        response = page.goto(f"{gallery_url}/pages/{name}", wait_until="load")
        assert response is not None and response.ok, name
        styled = page.evaluate(
            "() => getComputedStyle(document.body).getPropertyValue('--bg') !== ''"
        )
        if not styled:
            problems.append(f"{name}: app.css did not load")
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            problems.append(f"{name}: {overflow}px wider than the {viewport} screen")
        if not page.get_by_text("test environment, no real bank").is_visible():
            problems.append(f"{name}: the sandbox footer is not visible")
        screenshot(page, name)
    assert problems == []


def test_bank_search_filters_as_you_type(page: Page, gallery_url: str) -> None:
    page.goto(f"{gallery_url}/pages/connect-banks")
    banks = page.locator("#bank-list li:visible")
    expect(banks).to_have_count(9)

    page.get_by_label("Bank name").fill("wislany")
    expect(banks).to_have_count(1)
    expect(banks.first).to_contain_text("Bank Wiślany")

    page.get_by_label("Bank name").fill("")
    page.get_by_label("Country").select_option("FR")
    expect(banks).to_have_count(2)
    expect(page.locator("[data-result-count]")).to_have_text("2 banks")

    page.get_by_label("Bank name").fill("zzz")
    page.keyboard.press("Enter")  # no round trip: the page stays, the list is already filtered
    expect(banks).to_have_count(0)
    expect(page.get_by_text("No bank matches your search")).to_be_visible()
    assert page.url.endswith("/pages/connect-banks")


def test_wait_page_moves_on_when_the_bank_app_approves(
    page: Page, gallery: tuple[Gallery, str], gallery_url: str
) -> None:
    page.goto(f"{gallery_url}/pages/connect-sca-wait")
    expect(page.get_by_role("status")).to_have_text("Waiting for your approval…")
    gallery[0].status = {"status": "approved", "next_url": "/pages/connect-consent"}
    page.wait_for_url("**/pages/connect-consent", timeout=5_000)


def test_remove_asks_before_it_posts(page: Page, gallery_url: str) -> None:
    page.goto(f"{gallery_url}/pages/manage-list")
    card = page.locator("#bank-login-bl_2")
    card.get_by_role("button", name="Remove").click()
    yes = card.get_by_role("button", name="Yes, remove")
    expect(yes).to_be_focused()

    card.get_by_role("button", name="Keep").click()
    expect(yes).to_be_hidden()

    card.get_by_role("button", name="Remove").click()
    yes.click()
    expect(page.get_by_role("heading")).to_have_text("POST /manage/ms_77/bank-logins/bl_2/delete")
    expect(page.get_by_text(f"csrf_token={samples.CSRF}")).to_be_visible()


def test_consent_needs_at_least_one_account(page: Page, gallery_url: str) -> None:
    page.goto(f"{gallery_url}/pages/connect-consent")
    for box in page.locator("input[name=accounts]").all():
        box.uncheck()
    page.get_by_role("button", name="Allow", exact=True).click()
    expect(page.get_by_text("Choose at least one account to share.")).to_be_visible()

    page.get_by_label("Tagesgeld").check()
    page.get_by_role("button", name="Allow", exact=True).click()
    expect(page.get_by_text("accounts=tagesgeld")).to_be_visible()


@pytest.mark.allow_console_error(r"status of 404")
def test_an_error_page_may_come_with_an_error_status(page: Page, gallery_url: str) -> None:
    # Chromium logs "Failed to load resource" for a 404 document: a test of an error page says so.
    response = page.goto(f"{gallery_url}/not-found/error-unbranded")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
