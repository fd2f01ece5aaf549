"""The hosted UI driven through the test client, as the route and error-page tests share it: a
session of a tenant with a frozen clock, its pages and forms, and what a response shows."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

from sandbox.domain import sessions, tenants
from sandbox.domain.records import ConnectSession
from sandbox.domain.tenants import Tenant

CALLBACK = "http://127.0.0.1:3000/callback"
FROZEN = "extends: default\nname: frozen\nclock: {start: 2026-01-15T09:00:00Z, frozen: true}\n"


def query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def h1(response) -> str:
    found = re.search(r"<h1[^>]*>(.*?)</h1>", response.text, re.DOTALL)
    assert found, response.text[:500]
    return unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip()


class Hosted:
    """A session of the hosted UI driven through the test client."""

    def __init__(self, client, platform, tenant: Tenant, session: ConnectSession) -> None:
        self.client, self.platform, self.tenant = client, platform, tenant
        self.id, self.csrf = session.id, session.csrf_token
        self.url = f"/connect/{session.id}"

    @classmethod
    def new(cls, client, platform, tenant: Tenant, kind: str, user: str, **options) -> Hosted:
        made = sessions.create_session(
            platform.db, tenant, kind=kind, external_user_id=user,
            redirect_uri=CALLBACK, state="st-1", options=options,
        )  # fmt: skip
        return cls(client, platform, tenant, made)

    def get(self, path: str = "", **params):
        return self.client.get(self.url + path, params=params, follow_redirects=False)

    def post(self, path: str, csrf: str | None = None, **fields):
        data = {"csrf_token": self.csrf if csrf is None else csrf, **fields}
        return self.client.post(self.url + path, data=data, follow_redirects=False)

    def follow(self, response):
        """The page a redirect leads to (within the sandbox)."""
        assert response.status_code == 303, response.text[:500]
        return self.client.get(response.headers["location"], follow_redirects=True)

    def to_sca(self, bank: str = "rheinwert-bank", login: str = "good") -> None:
        assert self.get(f"/banks/{bank}").status_code == 303
        if "account-type" in self.get().text:
            assert self.post("/account-type", account_type="checking").status_code == 303
        assert self.post("/login", login=login, password="pass").status_code == 303

    def to_consent(self, bank: str = "rheinwert-bank") -> None:
        self.to_sca(bank)
        assert self.post("/sca/method", method="sms").status_code == 303
        assert self.post("/sca/otp", otp="123456").status_code == 303
        assert h1(self.get()) == "Allow Demo Finance to access your accounts"

    def consent(self):
        keys = re.findall(r'name="accounts" value="([^"]+)"', self.get().text)
        return self.post("/consent", accounts=keys)


def advance(platform, tenant: Tenant, **delta) -> Tenant:
    return tenants.save_clock(platform.db, tenant, tenant.clock.advanced(timedelta(**delta)))
