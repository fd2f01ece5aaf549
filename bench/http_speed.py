"""HTTP throughput of `GET /api/v1/transactions?limit=50` against the baseline B0 (issue 5).

The server under test is pinned to core 0 (`taskset -c 0`), the load generator `wrk` to core 1.
B0 is a bare Starlette app returning a pre-serialized ~12 KB JSON body of 50 transactions under
the same uvicorn settings as `bank-sandbox serve`. Rounds alternate B0 and the targets in the
same run (B0, T1, T2, B0, T1, T2, ...). For each run: requests/s, p50 and p99 latency from wrk,
and server CPU per request from /proc/<pid>/stat (utime + stime before and after).

Targets:
  T1  SQLite, one account with 10,000 transactions, 32 connections, the server as `make run`
      starts it (one JSON log line per request to stderr): >= 0.5 x B0 requests/s,
      p99 <= 3 x B0's p99; the same server with logging off (SANDBOX_LOG_LEVEL=warning) runs
      too, for comparison only;
  T2  the same with 1,000,000 transactions across 100 tenants, logging off: >= 0.45 x B0
      requests/s;
  P1  (issue 16) `GET /powens/demo/2.0/users/me/transactions?limit=50` on T1's database and
      server, with the seeded user's Powens token (made through `/auth/renew`): >= 0.5 x B0.

Seeded databases are cached under `.sandbox/bench/`, keyed by SEED_VERSION and the schema
version; each run works on a fresh copy so nothing the server writes leaks into the next run.
Run: `.venv/bin/python bench/http_speed.py` (or `make bench`).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from harness import LOAD_CORE, ROOT, SERVER_CORE, ensure_cores, free_port
from harness import Server as PinnedServer
from targets import record

CACHE = ROOT / ".sandbox" / "bench"
SEED_VERSION = 1
API_KEY = "demo-api-key-0001"
PATH = "/api/v1/transactions?limit=50"
POWENS_PATH = "/powens/demo/2.0/users/me/transactions?limit=50"
POWENS_CLIENT = {"client_id": "10000001", "client_secret": "demo-powens-secret"}
CONNECTIONS = 32

BARE = """
import sys, uvicorn
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route
BODY = open(sys.argv[2], "rb").read()
PATH = sys.argv[3] if len(sys.argv) > 3 else "/api/v1/transactions"
MEDIA_TYPE = sys.argv[4] if len(sys.argv) > 4 else "application/json"
async def answer(request):
    return Response(BODY, media_type=MEDIA_TYPE)
async def healthz(request):
    return Response(b'{"status":"ok"}', media_type="application/json")
app = Starlette(routes=[Route(PATH, answer), Route("/healthz", healthz)])
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), loop="uvloop", http="httptools",
            access_log=False, log_level="warning")
"""

MERCHANTS = [
    ("REWE Markt GmbH", "groceries", "REWE SAGT DANKE 4471"),
    ("Deutsche Bahn Fernverkehr", "transport", "DB Vertrieb GmbH Ticket 9F2K"),
    ("Stadtwerke Muenchen", "utilities", "Abschlag Strom Gas Kundennr 20931"),
    ("Amazon EU S.a r.l.", "shopping", "AMZN Mktp DE 302-1182739-88"),
    ("Acme Consulting GmbH", "income", "Gehalt Lohn Monat"),
    ("Spotify AB", "subscriptions", "Spotify P1A2B3C4D5 Premium"),
]


# --- B0 body --------------------------------------------------------------------------------


def bare_body() -> bytes:
    """50 transactions shaped like the native API's, pre-serialized, about 12 KB."""
    items = []
    for n in range(50):
        name, category, text = MERCHANTS[n % len(MERCHANTS)]
        day = (date(2026, 11, 20) - timedelta(days=n // 2)).isoformat()
        items.append(
            {
                "id": 10_000 - n,
                "account_id": 1,
                "booked_on": day,
                "value_on": day,
                "amount": f"-{12 + n * 7 % 90}.{n * 13 % 100:02d}",
                "currency": "EUR",
                "counterparty": {
                    "name": name[:10],
                    "iban": None if n % 4 else f"DE893704004405{n:08d}",
                },
                "description": text[:5],
                "category": category[:5],
                "status": "booked",
                "balance_after": f"{2400 + n * 31 % 1000}.{n * 17 % 100:02d}",
            }
        )
    cursor = "eyJiIjoiMjAyNi0xMC0wMSIsImkiOjk5NTB9"
    body = json.dumps({"transactions": items, "next_cursor": cursor}, separators=(",", ":"))
    return body.encode()


# --- seeding --------------------------------------------------------------------------------


def seeded(tenants: int, per_tenant: int) -> Path:
    """The cached SQLite file with `tenants` tenants (the first is `demo`), each with one user,
    one connected bank login and one account holding `per_tenant` transactions."""
    from sandbox.store.schema import SCHEMA_VERSION

    schema = re.sub(r"[^A-Za-z0-9_.-]", "_", str(SCHEMA_VERSION))
    path = CACHE / f"tx-v{SEED_VERSION}-s{schema}-{tenants}x{per_tenant}.db"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    for leftover in CACHE.glob(partial.name + "*"):
        leftover.unlink()
    started = time.perf_counter()
    _seed(f"sqlite:///{partial}", tenants, per_tenant)
    partial.rename(path)
    total = tenants * per_tenant
    print(f"seeded {total:,} transactions in {time.perf_counter() - started:.1f} s: {path}")
    return path


def _seed(url: str, tenants: int, per_tenant: int) -> None:
    import sqlalchemy as sa

    from sandbox.domain.platform import Platform
    from sandbox.domain.tenants import TenantOptions, create_tenant
    from sandbox.settings import Settings
    from sandbox.store import schema as s

    platform = Platform.open(Settings(database_url=url))  # creates the scenario's `demo` tenant
    db = platform.db
    ids = ["demo"]
    for n in range(1, tenants):
        tenant = create_tenant(
            db, platform.scenario, platform.scenario_name, TenantOptions(tenant_id=f"bench{n:03d}")
        )
        ids.append(tenant.id)
    bank = platform.scenario.banks[0]
    now = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    newest = date(2026, 11, 20)
    with db.begin() as conn:
        for number, tenant_id in enumerate(ids):
            user_id = conn.execute(
                sa.insert(s.users).values(
                    tenant_id=tenant_id, external_id="bench-user", created_at=now
                )
            ).inserted_primary_key[0]
            login_id = conn.execute(
                sa.insert(s.bank_logins).values(
                    tenant_id=tenant_id,
                    user_id=user_id,
                    bank_id=bank.id,
                    persona_login="bench",
                    account_type=None,
                    state="connected",
                    sync_count=1,
                    last_sync_at=now,
                    last_attempt_at=now,
                    created_at=now,
                    updated_at=now,
                )
            ).inserted_primary_key[0]
            account_id = conn.execute(
                sa.insert(s.accounts).values(
                    tenant_id=tenant_id,
                    user_id=user_id,
                    bank_login_id=login_id,
                    bank_key="checking-1",
                    origin="bank",
                    type="checking",
                    name="Girokonto",
                    currency="EUR",
                    iban=f"DE8937040044{number:010d}",
                    balance_minor=240_000,
                    disabled=False,
                    discovered_at=now,
                    activated_at=now,
                    last_update=now,
                )
            ).inserted_primary_key[0]
            rows = []
            balance = 240_000
            for n in range(per_tenant):
                name, category, text = MERCHANTS[n % len(MERCHANTS)]
                day = newest - timedelta(days=n // 3)  # three a day, newest first
                amount = 250_000 if category == "income" else -(500 + (n * 7919) % 12_000)
                rows.append(
                    {
                        "tenant_id": tenant_id,
                        "user_id": user_id,
                        "account_id": account_id,
                        "bank_ref": f"ref-{n:08d}",
                        "origin": "bank",
                        "booked_on": day,
                        "value_on": day,
                        "amount_minor": amount,
                        "currency": "EUR",
                        "counterparty_name": name,
                        "counterparty_iban": f"DE89370400440532{n % 1_000_000:06d}",
                        "description": f"{text} {n:06d} SEPA-LASTSCHRIFT",
                        "category": category,
                        "status": "booked",
                        "balance_after_minor": balance,
                        "imported_at": now,
                    }
                )
                balance -= amount
            conn.execute(sa.insert(s.transactions), rows)
    with db.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    platform.close()


# --- processes and measurement ----------------------------------------------------------------


def ensure_tools() -> None:
    ensure_cores("bench/http_speed.py needs two cores: the server on core 0, wrk on core 1")
    if shutil.which("wrk") is not None:
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk is missing: installing it with apt-get", file=sys.stderr)
        install = ["apt-get", "install", "-y", "-q", "wrk"]
        if subprocess.run(install, stdout=subprocess.DEVNULL).returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], stdout=subprocess.DEVNULL, check=True)
            subprocess.run(install, stdout=subprocess.DEVNULL, check=True)
        return
    sys.exit("wrk is missing: install it with `sudo apt-get install wrk` (Debian/Ubuntu)")


class Server(PinnedServer):
    """A server that also answers `path` with 50 transactions; `body_bytes` is that body's
    size. A Powens target's token is the seeded user's, made through `/auth/renew`."""

    def __init__(
        self,
        name: str,
        command: list[str],
        port: int,
        env: dict[str, str],
        path: str = PATH,
        powens: bool = False,
    ) -> None:
        super().__init__(name, command, port, env)
        self.path, self.authorization = path, AUTH["Authorization"]
        if powens:
            renewed = httpx.post(
                f"http://127.0.0.1:{port}/powens/demo/2.0/auth/renew",
                json={**POWENS_CLIENT, "id_user": 1},
                timeout=10,
            )
            if renewed.status_code != 200:
                self.stop()
                raise RuntimeError(
                    f"{name}: /auth/renew gave {renewed.status_code}: {renewed.text}"
                )
            self.authorization = f"Bearer {renewed.json()['access_token']}"
        headers = {"Authorization": self.authorization}
        reply = httpx.get(f"http://127.0.0.1:{port}{path}", headers=headers, timeout=10)
        if reply.status_code != 200 or len(reply.json()["transactions"]) != 50:
            self.stop()
            raise RuntimeError(f"{name}: {path} gave {reply.status_code}: {reply.text[:300]}")
        self.body_bytes = len(reply.content)


AUTH = {"Authorization": f"Bearer {API_KEY}"}


@dataclass
class Sample:
    rps: float
    p50: float  # seconds
    p99: float
    cpu_per_request: float  # seconds
    requests: int


_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def _duration(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def parse_wrk(output: str) -> tuple[float, float, float, int]:
    """requests/s, p50 and p99 in seconds, and the request count from `wrk --latency`."""
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise RuntimeError(f"wrk saw {errors.group(1)} non-2xx responses:\n{output}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _duration(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = _duration(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    return rps, p50, p99, requests


def wrk(server: Server, seconds: int) -> Sample:
    command = [
        "taskset", "-c", LOAD_CORE, "wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s",
        "--latency", "-H", f"Authorization: {server.authorization}",
        f"http://127.0.0.1:{server.port}{server.path}",
    ]  # fmt: skip
    before = server.cpu_seconds()
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    after = server.cpu_seconds()
    rps, p50, p99, requests = parse_wrk(output)
    return Sample(rps, p50, p99, (after - before) / max(requests, 1), requests)


# --- the run --------------------------------------------------------------------------------


# The server's log level: `info` is the default, as `make run` starts it (a line per request);
# `warning` turns the request lines off.
LOGGING_ON, LOGGING_OFF = {"SANDBOX_LOG_LEVEL": "info"}, {"SANDBOX_LOG_LEVEL": "warning"}


@dataclass
class Target:
    label: str
    tenants: int
    per_tenant: int
    env: dict[str, str]
    number: int | None  # the target this run measures; None: shown for comparison only
    min_ratio: float = 0.0
    max_p99_ratio: float | None = None
    path: str = PATH
    powens: bool = False  # called with a Powens user token, made when the server is up


TARGETS = [
    Target("T1 10k tx, logging on", 1, 10_000, LOGGING_ON, 1, 0.5, 3.0),
    Target("T1 10k tx, logging off", 1, 10_000, LOGGING_OFF, None),
    Target("T2 1M tx, 100 tenants", 100, 10_000, LOGGING_OFF, 2, 0.45),
    # Issue 16: the Powens face's listing, as target 1 (the server as `make run` starts it).
    Target("P1 Powens 10k tx, logging on", 1, 10_000, LOGGING_ON, 16, 0.5, None, POWENS_PATH, True),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per run")
    parser.add_argument("--warmup", type=int, default=2, help="wrk seconds before the rounds")
    args = parser.parse_args()
    ensure_tools()
    files = [seeded(t.tenants, t.per_tenant) for t in TARGETS]
    python = str(ROOT / ".venv" / "bin" / "python")
    if not Path(python).exists():
        python = sys.executable
    servers: list[Server] = []
    with tempfile.TemporaryDirectory() as folder:
        body = Path(folder) / "body.json"
        body.write_bytes(bare_body())
        try:
            port = free_port()
            servers.append(
                Server("B0 bare Starlette, 12 KB", [python, "-c", BARE, str(port), str(body)],
                       port, LOGGING_OFF)
            )  # fmt: skip
            for number, (target, cached) in enumerate(zip(TARGETS, files, strict=True)):
                copy = Path(folder) / f"{number}-{cached.name}"  # each server its own copy
                shutil.copyfile(cached, copy)
                port = free_port()
                serve = [python, "-m", "sandbox", "serve", "--port", str(port), "--database"]
                command = [*serve, f"sqlite:///{copy}"]
                servers.append(
                    Server(target.label, command, port, target.env, target.path, target.powens)
                )
            for server in servers:
                wrk(server, args.warmup)
            samples: dict[str, list[Sample]] = {s.name: [] for s in servers}
            for round_ in range(args.rounds):
                for server in servers:
                    sample = wrk(server, args.seconds)
                    samples[server.name].append(sample)
                    print(
                        f"  round {round_ + 1} {server.name:<26} {sample.rps:>9,.0f} req/s "
                        f"p50 {sample.p50 * 1e3:6.2f} ms p99 {sample.p99 * 1e3:6.2f} ms",
                        file=sys.stderr,
                    )
        finally:
            for server in servers:
                server.stop()
    report(servers, samples, args)


def report(
    servers: list[Server], samples: dict[str, list[Sample]], args: argparse.Namespace
) -> None:
    def med(name: str, field: str) -> float:
        return statistics.median(getattr(s, field) for s in samples[name])

    b0 = servers[0].name
    print(
        f"GET {PATH}, wrk -t1 -c{CONNECTIONS} -d{args.seconds}s, server on core {SERVER_CORE}, "
        f"wrk on core {LOAD_CORE}; medians of {args.rounds} alternating rounds"
    )
    header = (
        f"{'run':<28}{'body B':>8}{'req/s':>9}{'p50 ms':>8}{'p99 ms':>8}"
        f"{'CPU µs/req':>11}{'x B0 req/s':>11}{'x B0 p99':>9}"
    )
    print(header)
    for server in servers:
        name = server.name
        print(
            f"{name:<28}{server.body_bytes:>8,}{med(name, 'rps'):>9,.0f}"
            f"{med(name, 'p50') * 1e3:>8.2f}{med(name, 'p99') * 1e3:>8.2f}"
            f"{med(name, 'cpu_per_request') * 1e6:>11.0f}"
            f"{med(name, 'rps') / med(b0, 'rps'):>11.2f}{med(name, 'p99') / med(b0, 'p99'):>9.2f}"
        )
    for target, server in zip(TARGETS, servers[1:], strict=True):
        number = target.number
        if number is None:
            rps, cpu = med(server.name, "rps"), med(server.name, "cpu_per_request")
            print(
                f"{target.label}: {rps / med(b0, 'rps'):.2f} x B0 req/s, "
                f"{cpu * 1e6:.0f} µs of server CPU a request (for comparison, no target)"
            )
            continue
        rps = med(server.name, "rps")
        ratio = rps / med(b0, "rps")
        verdicts = [f"req/s {ratio:.2f} x B0 (target >= {target.min_ratio})"]
        met = ratio >= target.min_ratio
        what = f"GET {target.path.split('/v1')[-1]}, {target.label[3:]}"
        if target.powens:
            what = "Powens GET /users/me/transactions?limit=50, 10k tx"
        measured = f"{ratio:.2f} x B0 ({rps:,.0f}/s)"
        key = f"{target.label.split()[0]} req/s"
        record(key, number, what, measured, f">= {target.min_ratio} x B0", met)
        if target.max_p99_ratio is not None:
            p99 = med(server.name, "p99") / med(b0, "p99")
            verdicts.append(f"p99 {p99:.2f} x B0 (target <= {target.max_p99_ratio})")
            p99_met = p99 <= target.max_p99_ratio
            what = f"  p99 latency at {CONNECTIONS} connections"
            measured = f"{p99:.2f} x B0 ({med(server.name, 'p99') * 1e3:.1f} ms)"
            record(
                f"T{number} p99", number, what, measured, f"<= {target.max_p99_ratio} x B0", p99_met
            )
            met = met and p99_met
        print(f"{target.label}: {'met' if met else 'MISSED'}: {'; '.join(verdicts)}")


if __name__ == "__main__":
    main()
