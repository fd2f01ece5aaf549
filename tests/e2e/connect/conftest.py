"""A live sandbox for the connect-flow browser tests: the app served by uvicorn in a thread on
a free loopback port, over a SQLite file, with the default scenario. Tests create sessions
through the domain (as the native API would) and end on the client's redirect URI, which
nothing serves: `callback` answers it inside the browser so the test can read its query.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import count
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import uvicorn
from playwright.sync_api import Page, Route

from sandbox.app import create_app
from sandbox.clock import monotonic
from sandbox.domain import sessions, tenants
from sandbox.domain.platform import Platform
from sandbox.domain.tenants import Tenant
from sandbox.scenario import load_scenario
from sandbox.settings import Settings
from sandbox.testing.server import free_port

CALLBACK = "http://127.0.0.1:3000/callback"


@dataclass
class Live:
    platform: Platform
    url: str
    users: Iterator[int] = field(default_factory=lambda: count(1))

    @property
    def demo(self) -> Tenant:
        return tenants.get_tenant(self.platform.db, "demo")

    def new_tenant(self) -> Tenant:
        """A tenant of its own, for a test that moves the clock."""
        return tenants.create_tenant(
            self.platform.db,
            self.platform.scenario,
            self.platform.scenario_name,
            tenants.TenantOptions(redirect_uris=[CALLBACK]),
        )

    def advance(self, tenant: Tenant, **delta: float) -> Tenant:
        """Moves the tenant's virtual clock forward."""
        moved = tenant.clock.advanced(timedelta(**delta))
        return tenants.save_clock(self.platform.db, tenant, moved)

    def user(self) -> str:
        return f"e2e-user-{next(self.users)}"

    def session(
        self,
        kind: str = "connect",
        *,
        user: str | None = None,
        tenant: Tenant | None = None,
        state: str = "st-e2e",
        **options: Any,
    ) -> str:
        """The entry URL of a new hosted-UI session."""
        made = sessions.create_session(
            self.platform.db,
            tenant or self.demo,
            kind=kind,
            external_user_id=user or self.user(),
            redirect_uri=CALLBACK,
            state=state,
            options=options,
        )
        return f"{self.url}/connect/{made.id}"


# Per module, not per package: `tests/` has no __init__.py files, so pytest would stretch a
# package-scoped server over the rest of the session, and its webhook worker (retrying the demo
# tenant's events against a closed port) would log into other tests.
@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    folder: Path = tmp_path_factory.mktemp("e2e-connect")
    platform = Platform.open(
        Settings(database_url=f"sqlite:///{folder}/e2e.db"), load_scenario("default")
    )
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(platform), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = monotonic() + 10
    while not server.started:
        assert monotonic() < deadline, "the sandbox did not start"
        assert thread.is_alive(), "the sandbox died while starting"
        threading.Event().wait(0.02)
    yield Live(platform, f"http://127.0.0.1:{port}")
    server.should_exit = True
    thread.join(timeout=5)
    assert not thread.is_alive(), "the sandbox did not stop"
    platform.close()


@pytest.fixture
def callback(page: Page) -> Callable[[], dict[str, str]]:
    """Answers the client's redirect URI in the browser; call it to read the query the user
    arrived with."""

    def fulfill(route: Route) -> None:
        route.fulfill(
            status=200,
            content_type="text/html",
            body="<!doctype html><html lang=en><title>Demo Finance</title>"
            "<h1>Back at Demo Finance</h1></html>",
        )

    page.route(f"{CALLBACK.rsplit('/', 1)[0]}/**", fulfill)

    def arrived() -> dict[str, str]:
        page.wait_for_url(f"{CALLBACK}?**")
        query = parse_qs(urlsplit(page.url).query)
        return {key: values[0] for key, values in query.items()}

    return arrived
