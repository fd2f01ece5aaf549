"""The hosted pages driven from a test as a browser without scripts drives them: the page the
flow is at, a step's URL, and a step's form posted with the page's CSRF token. Any client with
httpx's `get` and `post` will do (httpx's own, or Starlette's TestClient)."""

from __future__ import annotations

import re
from typing import Any

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
ACCOUNT_KEYS = re.compile(r'name="accounts" value="([^"]+)"')


class HostedPages:
    """The hosted pages a face's entry sent the browser to: `answer` is that entry's 303."""

    def __init__(self, client: Any, answer: Any) -> None:
        assert answer.status_code == 303, answer.text[:500]
        self.client = client
        self.url = answer.headers["location"]
        assert re.fullmatch(r"/connect/[A-Za-z0-9_-]+", self.url), self.url

    def page(self) -> Any:
        return self.client.get(self.url, follow_redirects=False)

    def get(self, path: str) -> Any:
        return self.client.get(self.url + path, follow_redirects=False)

    def post(self, path: str, **fields: Any) -> Any:
        token = CSRF.search(self.page().text)
        assert token, self.page().text[:500]
        data = {"csrf_token": token[1], **fields}
        return self.client.post(self.url + path, data=data, follow_redirects=False)

    def offered_accounts(self) -> list[str]:
        """The keys of the accounts the consent page offers."""
        return ACCOUNT_KEYS.findall(self.page().text)
