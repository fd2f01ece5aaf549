"""Where a connect flow's CPU goes, step by step, with no HTTP server in between.

`bench/connect_flows.py` measures the whole server (uvicorn, the webhook worker, the machine's
mood); this sends the same ten requests of a flow straight to the ASGI app in this process and
times each step's thread CPU, so a change to one step shows as that step's number. No target:
it is the tool for finding what to make cheaper. The webhook worker does not run (its
deliveries stay pending), so the numbers are the requests' own.

Run: `.venv/bin/python bench/connect_steps.py [--flows 300] [--profile out.pstats]`
(pinned to one core with `taskset -c 0` for steadier numbers); `--profile` writes the flows'
cProfile statistics for `python -m pstats`.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import re
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sandbox.app import create_app  # noqa: E402 (the checkout's package, not an installed one)
from sandbox.domain.platform import Platform  # noqa: E402
from sandbox.settings import Settings  # noqa: E402

SCENARIO = Path(__file__).with_name("connect_flows.yaml")
HOST = (b"host", b"127.0.0.1:8000")
AUTH = (b"authorization", b"Bearer demo-api-key-0001")
CALLBACK = "http://127.0.0.1:3000/callback"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_ACCOUNT_KEY = re.compile(r'name="accounts" value="([^"]+)"')


class Driver:
    """Requests sent to the app as ASGI calls, each step's thread CPU summed by name."""

    def __init__(self, app) -> None:
        self.app = app
        self.cpu: dict[str, float] = defaultdict(float)

    async def call(
        self, step: str, method: str, target: str, *, form=None, body=None, auth=False
    ) -> tuple[int, str | None, str]:
        path, _, query = target.partition("?")
        headers = [HOST, AUTH] if auth else [HOST]
        data = b""
        if form is not None:
            data = urlencode(form, doseq=True).encode()
            headers.append((b"content-type", b"application/x-www-form-urlencoded"))
        elif body is not None:
            data = json.dumps(body).encode()
            headers.append((b"content-type", b"application/json"))
        headers.append((b"content-length", str(len(data)).encode()))
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
            "method": method, "scheme": "http", "path": path, "raw_path": path.encode(),
            "query_string": query.encode(), "root_path": "", "headers": headers,
            "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000),
        }  # fmt: skip
        received = False
        answer: dict = {"status": 0, "headers": [], "body": b""}

        async def receive() -> dict:
            nonlocal received
            if received:  # the app waits for a disconnect that never comes
                await asyncio.sleep(3600)
            received = True
            return {"type": "http.request", "body": data, "more_body": False}

        async def send(message: dict) -> None:
            if message["type"] == "http.response.start":
                answer["status"], answer["headers"] = message["status"], message["headers"]
            else:
                answer["body"] += message.get("body", b"")

        started = time.thread_time()
        await self.app(scope, receive, send)
        self.cpu[step] += time.thread_time() - started
        location = dict(answer["headers"]).get(b"location")
        return answer["status"], location and location.decode(), answer["body"].decode()

    async def flow(self, user_id: str) -> None:
        """One user's connection, as `bench/connect_flows.py` makes it; any other answer stops."""
        body = {"user_id": user_id, "redirect_uri": CALLBACK, "state": user_id}
        status, _, text = await self.call(
            "create session", "POST", "/api/v1/connect-sessions", body=body, auth=True
        )
        assert status == 201, text
        base = f"/connect/{json.loads(text)['session_id']}"
        await self.call("bank list", "GET", base)
        _, here, _ = await self.call("choose bank", "GET", f"{base}/banks/rheinwert-bank")
        _, _, page = await self.call("credentials page", "GET", urlsplit(here).path)
        form = {"csrf_token": _CSRF.search(page)[1], "login": "sophie.wagner", "password": "pass"}
        _, here, _ = await self.call("log in", "POST", f"{base}/login", form=form)
        _, _, page = await self.call("code page", "GET", urlsplit(here).path)
        form = {"csrf_token": _CSRF.search(page)[1], "otp": "123456"}
        _, here, _ = await self.call("enter code", "POST", f"{base}/sca/otp", form=form)
        _, _, page = await self.call("consent page", "GET", urlsplit(here).path)
        form = {"csrf_token": _CSRF.search(page)[1], "accounts": _ACCOUNT_KEY.findall(page)}
        status, back, _ = await self.call("consent", "POST", f"{base}/consent", form=form)
        assert status == 303 and back and "status=success" in back, back
        status, _, text = await self.call(
            "list accounts", "GET", f"/api/v1/accounts?user_id={user_id}", auth=True
        )
        assert status == 200 and len(json.loads(text)["accounts"]) == 3, text


async def run(driver: Driver, flows: int, profile: cProfile.Profile | None) -> float:
    for number in range(20):  # templates compiled, months generated, caches warm
        await driver.flow(f"warm-{number}")
    driver.cpu.clear()
    started = time.thread_time()
    if profile:
        profile.enable()
    for number in range(flows):
        await driver.flow(f"user-{number}")
    if profile:
        profile.disable()
    return time.thread_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flows", type=int, default=300)
    parser.add_argument("--profile", type=Path, help="write cProfile statistics here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            database_url=f"sqlite:///{folder}/state.db", scenario=str(SCENARIO), log_level="warning"
        )
        platform = Platform.open(settings)
        try:
            driver = Driver(create_app(platform))
            profile = cProfile.Profile() if args.profile else None
            total = asyncio.run(run(driver, args.flows, profile))
        finally:
            platform.close()
    print(f"CPU per step of a connect flow, in-process, mean of {args.flows} flows")
    for step, seconds in driver.cpu.items():
        print(f"  {step:<18}{seconds / args.flows * 1e3:8.3f} ms")
    print(f"  {'whole flow':<18}{total / args.flows * 1e3:8.3f} ms")
    if profile and args.profile:
        profile.dump_stats(args.profile)
        print(f"cProfile statistics: {args.profile}")


if __name__ == "__main__":
    main()
