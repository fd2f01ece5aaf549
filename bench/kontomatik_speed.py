"""The Kontomatik face over HTTP (issue 18), two figures:

K1  a poll of a finished default import (`GET /kontomatik/v1/command/{id}.xml`: 90 days of
    three accounts, about 300 money transactions with labels, ~150 KB of XML) against B0, a
    bare Starlette app serving the same bytes; wrk on core 1, each server on core 0 in turn,
    rounds alternating B0 and K1. Goal: >= 0.05 x B0 requests/s (a finished command is kept as
    written while the data version holds; the first poll that sees it finished writes it).
K2  imports per second as a Kontomatik client runs them: `mock-session.xml` for a new owner,
    `default-import.xml`, polls until `successful` (the scenario's import speed: 3 polls),
    each client thread with its own keep-alive connection. Recorded, no goal.

The server is `bank-sandbox serve` on SQLite in a fresh temporary file, with the scenario of
`bench/connect_flows.py` (a Rheinwert Bank customer with three current accounts) and the demo
tenant's webhooks going to a receiver on core 1, as an integrator's would; the polls start
once the imports' webhooks are delivered.
Run: `.venv/bin/python bench/kontomatik_speed.py` (or `make bench`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from xml.etree.ElementTree import fromstring

from connect_flows import (
    ACCOUNTS,
    LOGIN,
    RECEIVER,
    Client,
    FlowFailed,
    scenario_file,
    wait_for_webhooks,
)
from harness import (
    LOAD_CORE,
    SERVER_CORE,
    Server,
    ensure_cores,
    free_port,
    python,
    serve_command,
)
from http_speed import BARE, ensure_tools, parse_wrk
from targets import record

API_KEY = "demo-kontomatik-api-key-0001"
HEADERS = {"X-Api-Key": API_KEY}
BASE = "/kontomatik/v1"
TARGET = "RheinwertBankApi_de"
CONNECTIONS = 8
CONCURRENCY = 8
MIN_RATIO = 0.05

POLL_ROUTE = "/kontomatik/v1/command/{id}.xml"  # for B0, which answers every id alike


class Importer:
    """One owner's import as a Kontomatik client does it; counts its requests."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.requests = 0

    def call(self, method: str, path: str, form: dict | None = None, expect: int = 200):
        self.requests += 1
        reply = self.client.request(method, BASE + path, form=form, headers=HEADERS)
        if reply.status != expect:
            raise FlowFailed(f"{method} {path}: {reply.status} {reply.text[:300]}")
        return fromstring(reply.text.encode())

    def run(self, owner: str) -> tuple[str, int]:
        """The finished command's id and its transactions."""
        form = {"login": LOGIN, "target": TARGET, "ownerExternalId": owner}
        session = self.call("POST", "/mock-session.xml", form).find("session")
        signed = {"sessionId": session.get("id"), "sessionIdSignature": session.get("signature")}
        started = self.call("POST", "/command/default-import.xml", signed, expect=202)
        command = started.find("command").get("id")
        for _ in range(20):
            polled = self.call("GET", f"/command/{command}.xml").find("command")
            if polled.get("state") == "successful":
                accounts = polled.findall("result/accounts/account")
                if len(accounts) != ACCOUNTS:
                    raise FlowFailed(f"{len(accounts)} accounts imported, not {ACCOUNTS}")
                return command, len(polled.findall(".//moneyTransaction"))
            if polled.get("state") not in ("setup", "in_progress"):
                raise FlowFailed(f"the import ended {polled.get('state')}")
        raise FlowFailed("the import did not finish in 20 polls")


def imports_round(
    port: int, seconds: float, server: Server, first: int
) -> tuple[int, float, float]:
    """(imports, seconds, server CPU seconds) of CONCURRENCY clients importing new owners."""
    clients = [Client(port) for _ in range(CONCURRENCY)]

    def worker(number: int) -> int:
        done = 0
        while time.perf_counter() < deadline:
            Importer(clients[number]).run(f"bench-owner-{first}-{number}-{done}")
            done += 1
        return done

    with ThreadPoolExecutor(CONCURRENCY) as pool:
        cpu_before = server.cpu_seconds()
        started = time.perf_counter()
        deadline = started + seconds
        done = sum(pool.map(worker, range(CONCURRENCY)))
        elapsed = time.perf_counter() - started
        cpu = server.cpu_seconds() - cpu_before
    for client in clients:
        client.close()
    return done, elapsed, cpu


def wrk(server: Server, path: str, seconds: int) -> tuple[float, float]:
    """requests/s and server CPU seconds per request."""
    command = [
        "taskset", "-c", LOAD_CORE, "wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s",
        "--latency", "-H", f"X-Api-Key: {API_KEY}", f"http://127.0.0.1:{server.port}{path}",
    ]  # fmt: skip
    before = server.cpu_seconds()
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps, _, _, requests = parse_wrk(output)
    return rps, (server.cpu_seconds() - before) / max(requests, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=8)
    args = parser.parse_args()
    ensure_tools()
    ensure_cores("bench/kontomatik_speed.py needs two cores: servers on core 0, load on core 1")
    env = {"SANDBOX_LOG_LEVEL": "warning"}
    with tempfile.TemporaryDirectory() as folder:
        receiver_port = free_port()
        receiver_command = [python(), "-c", RECEIVER, str(receiver_port)]
        receiver = Server("webhook receiver", receiver_command, receiver_port, env, LOAD_CORE)
        port = free_port()
        scenario = scenario_file(Path(folder), receiver.port)
        command = serve_command(port, f"sqlite:///{folder}/state.db", scenario)
        sandbox = Server("bank-sandbox", command, port, env)
        try:
            os.sched_setaffinity(0, {int(LOAD_CORE)})
            client = Client(port)
            finished, transactions = Importer(client).run("bench-polled-owner")
            path = f"{BASE}/command/{finished}.xml"
            body = client.request("GET", path, headers=HEADERS).text.encode()
            client.close()
            imports_round(port, 2, sandbox, 0)  # warm-up
            import_rounds = [imports_round(port, args.seconds, sandbox, n + 1) for n in range(3)]
            for number, (done, elapsed, cpu) in enumerate(import_rounds, 1):
                print(
                    f"  imports round {number}: {done} in {elapsed:.2f} s, {done / elapsed:.1f}/s, "
                    f"server CPU {cpu / done * 1e3:.1f} ms each",
                    file=sys.stderr,
                )
            # the imports' webhooks delivered, so nothing writes while the polls run
            wait_for_webhooks(receiver, expected=10**9)
            body_file = Path(folder) / "poll.xml"
            body_file.write_bytes(body)
            ours, bare = [], []
            for number in range(args.rounds):
                bare_port = free_port()
                bare_command = [python(), "-c", BARE, str(bare_port), str(body_file)]
                b0 = Server("B0", [*bare_command, POLL_ROUTE, "application/xml"], bare_port, {})
                try:
                    bare.append(wrk(b0, path, args.seconds))
                finally:
                    b0.stop()
                ours.append(wrk(sandbox, path, args.seconds))
                print(
                    f"  poll round {number + 1}: B0 {bare[-1][0]:,.0f}/s, "
                    f"K1 {ours[-1][0]:,.0f}/s ({ours[-1][1] * 1e3:.2f} ms CPU each)",
                    file=sys.stderr,
                )
        finally:
            sandbox.stop()
            receiver.stop()
    report(ours, bare, import_rounds, len(body), transactions)


def report(ours, bare, import_rounds, size: int, transactions: int) -> None:
    k1 = statistics.median(rps for rps, _ in ours)
    b0 = statistics.median(rps for rps, _ in bare)
    cpu = statistics.median(c for _, c in ours) * 1e3
    rate = statistics.median(done / elapsed for done, elapsed, _ in import_rounds)
    per_import = statistics.median(c / d for d, _, c in import_rounds) * 1e3
    ratio = k1 / b0
    print(
        f"Kontomatik face: a poll of a finished default import ({ACCOUNTS} accounts, "
        f"{transactions} transactions, {size / 1024:.0f} KB of XML) against B0 serving the same "
        f"bytes, wrk -c{CONNECTIONS} on core {LOAD_CORE}, servers on core {SERVER_CORE}"
    )
    print(f"  B0 {b0:,.0f} req/s, K1 {k1:,.0f} req/s = {ratio:.3f} x B0, {cpu:.2f} ms CPU a poll")
    print(
        f"  imports (mock-session, default import, polls to successful), {CONCURRENCY} clients: "
        f"{rate:.1f}/s, {per_import:.1f} ms server CPU each"
    )
    met = ratio >= MIN_RATIO
    print(f"target K1 >= {MIN_RATIO} x B0: {'met' if met else 'MISSED'}")
    record(
        "K1 poll",
        18,
        "Kontomatik poll of a finished default import",
        f"{ratio:.3f} x B0",
        f">= {MIN_RATIO} x B0",
        met,
    )
    record("K2 imports/s", 18, "Kontomatik imports (mock-session → successful)",
           f"{rate:.1f}/s", "recorded", True)  # fmt: skip


if __name__ == "__main__":
    main()
