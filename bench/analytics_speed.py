"""Analytics speed: each analytics module over ten years of a user's history, against the time
to list the same transactions (issue 17: at most 2 x).

The default scenario's `ten-years-history` persona is connected at Nordlicht Sparbank (which
serves all ten years) through the domain, and its history extended to the bank's 3,650 days,
before the server starts on that SQLite file. Then, over HTTP with the read cache off (both
sides do their work every time): the listing pages through `GET /api/v1/transactions?user_id=
&limit=500` to its end; each module is one `GET /api/v1/users/{id}/analytics/{module}`
(cashflow from the first transaction). Rounds alternate listing and modules; the table shows
medians of wall time. Server on core 0, client on core 1.

Run: `.venv/bin/python bench/analytics_speed.py` (or `make bench`).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

import httpx
from harness import LOAD_CORE, Server, ensure_cores, free_port, python
from targets import record

from sandbox.domain import connections
from sandbox.domain.platform import Platform
from sandbox.settings import Settings

USER = "ten-years"
HEADERS = {"Authorization": "Bearer demo-api-key-0001"}
MODULES = ("categories", "income", "recurring", "cashflow", "score")
ROUNDS = 5
TARGET = 2.0


def seed(database_url: str) -> None:
    platform = Platform.open(Settings(database_url=database_url))
    try:
        tenant = platform.tenants.get("demo")
        login, _ = connections.connect_directly(
            platform.db,
            tenant,
            external_user_id=USER,
            bank_id="nordlicht-sparbank",
            login="ten-years-history",
        )
        bank = tenant.scenario.bank("nordlicht-sparbank")
        with platform.db.begin() as conn:
            connections.sync_login(
                conn, tenant, login, bank, user_present=True, history_days=bank.max_history_days
            )
    finally:
        platform.close()


def listing(client: httpx.Client) -> int:
    count, cursor = 0, None
    while True:
        params = {"user_id": USER, "limit": 500, **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/v1/transactions", params=params)
        page.raise_for_status()
        body = page.json()
        count += len(body["transactions"])
        cursor = body["next_cursor"]
        if cursor is None:
            return count


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> None:
    ensure_cores("the analytics benchmark needs two cores")
    os.sched_setaffinity(0, {int(LOAD_CORE)})
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'analytics.db'}"
        seed(url)
        port = free_port()
        server = Server(
            "bank-sandbox",
            [python(), "-m", "sandbox", "serve", "--port", str(port), "--database", url],
            port,
            {"SANDBOX_LOG_LEVEL": "warning", "SANDBOX_READ_CACHE_MB": "0"},
        )
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=HEADERS) as client:
                count = listing(client)
                first = client.get(
                    "/api/v1/transactions", params={"user_id": USER, "limit": 1}
                ).json()
                oldest = min(
                    t["booked_on"]
                    for t in client.get(f"/api/v1/users/{USER}/analytics/categories").json()[
                        "transactions"
                    ]
                )
                assert first["transactions"], "the seeded user has no transactions"

                def module(name: str) -> None:
                    params = {"from": oldest} if name == "cashflow" else {}
                    answer = client.get(f"/api/v1/users/{USER}/analytics/{name}", params=params)
                    answer.raise_for_status()

                times: dict[str, list[float]] = {name: [] for name in ("list", *MODULES)}
                for _ in range(ROUNDS):
                    times["list"].append(timed(lambda: listing(client)))
                    for name in MODULES:
                        times[name].append(timed(lambda name=name: module(name)))
        finally:
            server.stop()
    base = statistics.median(times["list"])
    print(
        f"analytics over {USER} ({count} transactions, {oldest} to today), medians of "
        f"{ROUNDS} rounds; listing = every page of GET /api/v1/transactions?limit=500"
    )
    print(f"{'what':>12} {'ms':>8} {'x listing':>10}")
    print(f"{'listing':>12} {base * 1000:8.1f} {1:10.2f}")
    worst = 0.0
    for name in MODULES:
        took = statistics.median(times[name])
        worst = max(worst, took / base)
        print(f"{name:>12} {took * 1000:8.1f} {took / base:10.2f}")
        record(
            f"analytics {name}",
            17,
            f"GET analytics/{name}, {count} tx over ten years",
            f"{took / base:.2f} x listing",
            f"<= {TARGET:g} x listing",
            took / base <= TARGET,
        )
    verdict = "met" if worst <= TARGET else "MISSED"
    print(f"target: every module <= {TARGET:g} x the listing: {verdict} (worst {worst:.2f} x)")


if __name__ == "__main__":
    main()
