"""Powens API connections per second over HTTP (issue 16): what an integration written for
Powens does to connect a user's bank without the webview, as plain HTTP requests:

    POST /powens/demo/2.0/auth/init (client credentials)    → a new user's permanent token
    POST /users/me/connections (Rheinwert Bank, login)      → additionalInformationNeeded, otp
    POST /users/me/connections/{id} {"otp": "123456"}       → state null: synced, accounts off
    GET  /users/me/accounts?all                             → the 3 accounts, disabled (GDPR)
    POST /users/me/accounts/{id}?all {"disabled": false}    → each enabled: its 90 days imported
    GET  /users/me/transactions?limit=50                    → the newest 50 transactions

The server (`bank-sandbox serve`, SQLite in a fresh temporary file, the scenario of
`bench/connect_flows.py`: a Rheinwert customer with three current accounts) is pinned to core 0,
this client to core 1, CONCURRENCY connections in flight, each thread with its own keep-alive
connection. There is no target: the figure is recorded next to the hosted flow's, with the
server's CPU per connection. Any other answer at any step stops the benchmark.

Run: `.venv/bin/python bench/powens_connect.py` (or `make bench`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

from connect_flows import ACCOUNTS, LOGIN, OTP, PASSWORD, SCENARIO, Client, FlowFailed, Round
from harness import LOAD_CORE, SERVER_CORE, Server, ensure_cores, free_port, serve_command
from targets import record

BASE = "/powens/demo/2.0"
CLIENT = {"client_id": "10000001", "client_secret": "demo-powens-secret"}
RHEINWERT = "7f86fbbe-6d39-5110-a7d4-3ffbd9dfea8a"  # its connector uuid (faces/powens/ids.py)
CONCURRENCY = 8


class Connection:
    """One user's API connection, step by step; counts its requests."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.requests = 0
        self.headers: dict[str, str] = {}

    def call(self, method: str, path: str, body: dict | None = None, expect: int = 200) -> dict:
        self.requests += 1
        reply = self.client.request(method, BASE + path, body=body, headers=self.headers)
        if reply.status != expect:
            raise FlowFailed(f"{method} {path}: {reply.status} {reply.text[:300]}")
        return reply.json()

    def run(self) -> int:
        """The transactions of the last step's page."""
        token = self.call("POST", "/auth/init", CLIENT)["auth_token"]
        self.headers = {"Authorization": f"Bearer {token}"}
        body = {"connector_uuid": RHEINWERT, "login": LOGIN, "password": PASSWORD}
        made = self.call("POST", "/users/me/connections", body)
        if made["state"] != "additionalInformationNeeded":
            raise FlowFailed(f"the new connection reads {made['state']}")
        done = self.call("POST", f"/users/me/connections/{made['id']}", {"otp": OTP})
        if done["state"] is not None:
            raise FlowFailed(f"after the code the connection reads {done['state']}")
        accounts = self.call("GET", "/users/me/accounts?all")["accounts"]
        if len(accounts) != ACCOUNTS or not all(a["disabled"] for a in accounts):
            raise FlowFailed(f"accounts after connecting: {accounts}")
        for account in accounts:
            self.call("POST", f"/users/me/accounts/{account['id']}?all", {"disabled": False})
        return len(self.call("GET", "/users/me/transactions?limit=50")["transactions"])


def round_(port: int, concurrency: int, seconds: float, server: Server) -> Round:
    clients = [Client(port) for _ in range(concurrency)]

    def worker(client: Client) -> tuple[int, int]:
        flows = requests = 0
        while time.perf_counter() < deadline:
            connection = Connection(client)
            if connection.run() != 50:
                raise FlowFailed("the transactions page is not 50 long")
            flows += 1
            requests += connection.requests
        return flows, requests

    with ThreadPoolExecutor(concurrency) as pool:
        cpu_before, client_before = server.cpu_seconds(), time.process_time()
        started = time.perf_counter()
        deadline = started + seconds
        done = [f.result() for f in [pool.submit(worker, c) for c in clients]]
        elapsed = time.perf_counter() - started
        cpu_after, client_after = server.cpu_seconds(), time.process_time()
    for client in clients:
        client.close()
    return Round(
        flows=sum(f for f, _ in done),
        seconds=elapsed,
        requests=sum(r for _, r in done),
        server_cpu=cpu_after - cpu_before,
        client_cpu=client_after - client_before,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--warmup", type=float, default=2)
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY)
    args = parser.parse_args()
    ensure_cores("bench/powens_connect.py needs two cores: the server on core 0, load on core 1")
    env = {"SANDBOX_LOG_LEVEL": "warning"}
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        command = serve_command(port, f"sqlite:///{folder}/state.db", SCENARIO)
        server = Server("bank-sandbox", command, port, env)
        try:
            os.sched_setaffinity(0, {int(LOAD_CORE)})
            round_(port, args.concurrency, args.warmup, server)
            rounds = []
            for number in range(args.rounds):
                result = round_(port, args.concurrency, args.seconds, server)
                rounds.append(result)
                print(
                    f"  round {number + 1}: {result.flows:,} connections in "
                    f"{result.seconds:.2f} s, {result.rate:,.1f}/s, server CPU "
                    f"{result.server_cpu / result.flows * 1e3:.2f} ms each",
                    file=sys.stderr,
                )
        finally:
            server.stop()
    report(rounds, args)


def report(rounds: list[Round], args) -> None:
    def med(value) -> float:
        return statistics.median(value(r) for r in rounds)

    rate = med(lambda r: r.rate)
    cpu = med(lambda r: r.server_cpu / r.flows) * 1e3
    print(
        f"Powens API connections over HTTP (init, create, OTP, {ACCOUNTS} accounts enabled, "
        f"transactions listed), {args.concurrency} in flight, server on core {SERVER_CORE}, "
        f"client on core {LOAD_CORE}; medians of {args.rounds} rounds of {args.seconds:g} s"
    )
    print(f"{'connections/s':>14}{'server CPU ms each':>20}{'requests each':>15}")
    print(f"{rate:>14.1f}{cpu:>20.2f}{med(lambda r: r.requests / r.flows):>15.1f}")
    what = "Powens API connects (create, OTP, enable, list)"
    record("powens connect", 16, what, f"{rate:.1f}/s ({cpu:.1f} ms CPU)", "measured", True)


if __name__ == "__main__":
    main()
