"""Memory: the server's resident set after loading the default scenario and serving 10,000
requests (issue 5, target 5: at most 120 MB).

B0 is the bare Starlette app of `http_speed.py` (a pre-serialized 12 KB body) under the same
uvicorn settings, sent the same number of requests. bank-sandbox starts on a new SQLite database
with the default scenario; three bank logins are connected through the control API (as a test
suite would), then 10,000 requests go out one after another: transaction pages of many sizes,
followed to their last page, accounts, users, banks, bank logins, the health check, and every
50th request a new connect session (a write, so kept answers are rebuilt). RSS and its peak
(VmHWM) come from /proc/<pid>/status.

Run: `.venv/bin/python bench/memory.py` (or `make bench`).
"""

from __future__ import annotations

import itertools
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
from harness import LOAD_CORE, Server, ensure_cores, free_port, python
from http_speed import BARE, bare_body
from targets import record

REQUESTS = 10_000
TARGET_MB = 120
API_KEY = "demo-api-key-0001"
BANK_LOGINS = [
    ("u1", "good", "rheinwert-bank"),
    ("u1", "credit-card", "nordlicht-sparbank"),
    ("u2", "multi-currency", "cigale"),
]


def resident_mb(server: Server) -> tuple[float, float]:
    """(VmRSS, VmHWM) of the server process in MB."""
    fields = {}
    for line in Path(f"/proc/{server.process.pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


def sandbox_requests(client: httpx.Client) -> Iterator[httpx.Response]:
    """The mix of reads, with a write every 50th request, for as long as asked."""
    reads = ["/api/v1/accounts", "/api/v1/users", "/api/v1/banks", "/healthz"]
    for n in itertools.count():
        if n % 50 == 49:
            body = {"user_id": f"mem-{n}", "redirect_uri": "http://127.0.0.1:3000/callback"}
            yield client.post("/api/v1/connect-sessions", json=body)
        elif n % 10 < 4:
            yield client.get(reads[n % 4])
        else:
            limit = 1 + n % 200
            page = client.get("/api/v1/transactions", params={"limit": limit})
            yield page
            cursor = page.json()["next_cursor"]
            if cursor and n % 3 == 0:
                yield client.get("/api/v1/transactions", params={"limit": limit, "cursor": cursor})


def bare_requests(client: httpx.Client) -> Iterator[httpx.Response]:
    while True:
        yield client.get("/api/v1/transactions?limit=50")


def serve(client_requests, server: Server) -> list[tuple[str, float, float]]:
    """RSS when started, then after REQUESTS requests of `client_requests`."""
    readings = [("started", *resident_mb(server))]
    headers = {"Authorization": f"Bearer {API_KEY}"}
    with httpx.Client(base_url=f"http://127.0.0.1:{server.port}", headers=headers) as client:
        if "bank-sandbox" in server.name:
            for user, login, bank in BANK_LOGINS:
                body = {"user_id": user, "bank_id": bank, "login": login}
                made = client.post("/_sandbox/tenants/demo/bank-logins", json=body)
                made.raise_for_status()
            readings.append(("3 bank logins connected", *resident_mb(server)))
        for response in itertools.islice(client_requests(client), REQUESTS):
            if response.status_code >= 400:
                raise RuntimeError(
                    f"{response.request.url}: {response.status_code} {response.text}"
                )
    readings.append((f"after {REQUESTS:,} requests", *resident_mb(server)))
    return readings


def main() -> None:
    ensure_cores("bench/memory.py needs two cores: the server on core 0, the client on core 1")
    os.sched_setaffinity(0, {int(LOAD_CORE)})
    env = {"SANDBOX_LOG_LEVEL": "warning"}
    with tempfile.TemporaryDirectory() as folder:
        body = Path(folder) / "body.json"
        body.write_bytes(bare_body())
        port = free_port()
        bare = Server("B0 bare Starlette", [python(), "-c", BARE, str(port), str(body)], port, env)
        try:
            baseline = serve(bare_requests, bare)
        finally:
            bare.stop()
        port = free_port()
        command = [python(), "-m", "sandbox", "serve", "--port", str(port)]
        command += ["--database", f"sqlite:///{folder}/state.db"]
        sandbox = Server("bank-sandbox, default scenario", command, port, env)
        try:
            measured = serve(sandbox_requests, sandbox)
        finally:
            sandbox.stop()
    b0 = baseline[-1][1]
    print(f"server memory, {REQUESTS:,} requests (target: RSS <= {TARGET_MB} MB after them)")
    print(f"{'run':<34}{'when':<28}{'RSS MB':>8}{'peak MB':>9}{'x B0':>7}")
    for name, readings in [("B0 bare Starlette", baseline), ("bank-sandbox, default", measured)]:
        for when, rss, peak in readings:
            print(f"{name:<34}{when:<28}{rss:>8.1f}{peak:>9.1f}{rss / b0:>7.2f}")
    final = measured[-1][1]
    print(f"target {'met' if final <= TARGET_MB else 'MISSED'}: {final:.1f} MB")
    what = f"RSS after default scenario + {REQUESTS:,} requests"
    measured_text = f"{final:.0f} MB ({final / b0:.1f} x B0)"
    record("rss", 5, what, measured_text, f"<= {TARGET_MB} MB", final <= TARGET_MB)


if __name__ == "__main__":
    main()
