"""A Powens domain of its own for a test: a fresh tenant with a frozen clock, its users, and
their banks connected through the domain (the accounts and transactions tests start from
there), as an integrator's calls see it."""

from __future__ import annotations

from sandbox.domain import connections, users

FROZEN = """\
extends: default
clock: {start: 2026-01-15T09:00:00Z, frozen: true}
personas:
  - login: exotic
    bank: "*"
    accounts:
      - {id: yen, type: checking, currency: JPY, opened: 2024-01-10, opening_balance: 250000}
      - {id: dinar, type: savings, currency: BHD, opened: 2024-01-10, opening_balance: 1234.567}
"""


class Integrator:
    """One Powens domain (a fresh tenant with a frozen clock) and its users."""

    def __init__(self, client, platform) -> None:
        made = client.post("/_sandbox/tenants", json={"scenario_yaml": FROZEN})
        assert made.status_code == 201, made.text
        self.client, self.platform = client, platform
        self.tenant_id = made.json()["tenant_id"]
        self.keys = made.json()["powens"]
        self.base = f"/powens/{self.keys['domain']}/2.0"
        self.config = {"Authorization": f"Bearer {self.keys['config_token']}"}

    def user(self) -> tuple[dict[str, str], int]:
        """A permanent user: its `Authorization` header and its id."""
        body = {"client_id": self.keys["client_id"], "client_secret": self.keys["client_secret"]}
        made = self.client.post(f"{self.base}/auth/init", json=body).json()
        return {"Authorization": f"Bearer {made['auth_token']}"}, made["id_user"]

    def connect(
        self, user_id: int, persona: str = "good", bank: str = "rheinwert-bank", activate=None
    ) -> int:
        """The user's bank connected with its first sync done; `activate`: the bank's account
        ids shared (None: every one), the others arrive disabled."""
        tenant = self.platform.tenants.get(self.tenant_id)
        with self.platform.db.begin() as conn:
            login, _ = connections.establish(
                conn, tenant, user=users.user_for(conn, tenant, str(user_id)),
                bank=tenant.scenario.bank(bank), persona=tenant.scenario.persona(bank, persona),
                account_type=None, activate=activate,
            )  # fmt: skip
        return login

    def advance(self, duration: str) -> None:
        moved = self.client.post(
            f"/_sandbox/tenants/{self.tenant_id}/clock", json={"advance": duration}
        )
        assert moved.status_code == 200, moved.text

    def get(self, path: str, headers: dict, **params):
        return self.client.get(f"{self.base}{path}", headers=headers, params=params or None)

    def post(self, path: str, headers: dict, **kwargs):
        return self.client.post(f"{self.base}{path}", headers=headers, **kwargs)

    def put(self, path: str, headers: dict, **kwargs):
        return self.client.put(f"{self.base}{path}", headers=headers, **kwargs)


def assert_error(answer, status: int, code: str) -> dict:
    """A Powens error: its status, its code, and Powens' four keys."""
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert set(body) == {"code", "description", "message", "request_id"}
    assert body["code"] == code and body["description"]
    return body
