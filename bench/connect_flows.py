"""Complete connect flows per second over HTTP, without a browser (issue 5, target 3).

One flow is what an integrator's user does in the hosted UI, as plain HTTP requests:

    POST /api/v1/connect-sessions (a new user_id)  → the hosted URL
    GET  the hosted URL (the bank list)            → the link of Rheinwert Bank
    GET  /connect/{id}/banks/rheinwert-bank        → 303 to the credentials page
    GET  the credentials page                      → CSRF token and the form's action
    POST /connect/{id}/login                       → 303 to the one-time-code page
    GET  the one-time-code page
    POST /connect/{id}/sca/otp (123456)            → 303 to the consent page
    GET  the consent page                          → the accounts offered
    POST /connect/{id}/consent (every account)     → 303 to the client's callback
    GET  /api/v1/accounts?user_id=…                → the 3 accounts, imported and enabled

Consenting imports the 90 days of history of the 3 accounts (about 300 transactions) before the
callback redirect is answered. The callback itself (127.0.0.1:3000) is never fetched: its
Location must carry status=success, the session, the bank login and the state sent. Any other
answer at any step stops the benchmark with what was seen.

Rheinwert Bank is the default scenario's bank with embedded SCA, but its customers hold one
account each, so the server serves `bench/connect_flows.yaml`: the default scenario plus one
Rheinwert customer with three current accounts. The `demo` tenant's webhook points at a small
receiver on the client's core that answers 204 and counts: every flow's 9 events must arrive,
each once (the default URL, port 3000, refuses them and the server would retry each 8 times).

The server (`bank-sandbox serve`, SQLite in a fresh temporary file) is pinned to core 0, this
client to core 1; it keeps CONCURRENCY flows in flight, one thread and keep-alive connection
each (the standard library's http.client). Each round starts flows for a fixed time and waits
for those in flight; flows/s is completed flows over the round's time. Server CPU per flow is
utime + stime from /proc/<pid>/stat before and after a round; the client's own CPU per flow
shows that it is not the bottleneck. There is no baseline: the target, >= 100 complete
flows/s, is absolute.

After the rounds, with the server stopped, this process takes core 0 and makes the same
connection through the domain alone, as the control API's `POST .../bank-logins` does (user,
bank login, consent, the 3 accounts, their transactions and the webhook events in one
transaction, then the bank login read back, on the database the rounds left): no HTTP, no
pages, no session. Its CPU per
connection is what the flow costs before any page is served, so it shows how much of a flow is
the import itself.

Run: `.venv/bin/python bench/connect_flows.py` (or `make bench`).
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import re
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import yaml
from harness import LOAD_CORE, ROOT, SERVER_CORE, Server, ensure_cores, free_port, python
from targets import record

SCENARIO = Path(__file__).with_name("connect_flows.yaml")
DEFAULT = ROOT / "scenarios" / "default.yaml"
API_KEY = "demo-api-key-0001"
AUTH = {"Authorization": f"Bearer {API_KEY}"}
CALLBACK = "http://127.0.0.1:3000/callback"
BANK_ID = "rheinwert-bank"
LOGIN, PASSWORD, OTP = "sophie.wagner", "pass", "123456"
ACCOUNTS = 3
# The webhooks of one flow: user.created, account.discovered for each account,
# bank_login.accounts_fetched, account.synced for each account, bank_login.synced.
EVENTS = 3 + 2 * ACCOUNTS
TARGET = 100.0  # complete flows per second
CONCURRENCY = 8

# The tenant's webhook endpoint: counts the deliveries and answers 204, on the client's core.
RECEIVER = """
import sys, uvicorn
count = 0
async def app(scope, receive, send):
    global count
    if scope["type"] != "http":
        return
    more = True
    while more:
        more = (await receive()).get("more_body", False)
    if scope["method"] == "POST":
        count += 1
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": str(count).encode()})
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), loop="uvloop", http="httptools",
            lifespan="off", access_log=False, log_level="warning")
"""

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.DOTALL)
_ACCOUNT_KEY = re.compile(r'name="accounts" value="([^"]+)"')


class FlowFailed(RuntimeError):
    """A step answered something a successful flow never sees."""


@dataclass
class Round:
    flows: int
    seconds: float
    requests: int
    server_cpu: float  # seconds
    client_cpu: float

    @property
    def rate(self) -> float:
        return self.flows / self.seconds


# --- one flow --------------------------------------------------------------------------------


@dataclass
class Reply:
    method: str
    path: str
    status: int
    location: str | None
    text: str

    def json(self):
        return json.loads(self.text)


class Client:
    """One keep-alive HTTP/1.1 connection to the server. The standard library's client, not
    httpx: here httpx spends about 0.85 ms of CPU on a request and http.client 0.28 ms, and at
    10 requests a flow the client's core would otherwise cap the rate near the target."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(
        self,
        method: str,
        path: str,
        *,
        form: dict | None = None,
        body: dict | None = None,
        auth: bool = False,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        headers = {**(AUTH if auth else {}), **(headers or {})}
        data = None
        if form is not None:
            data = urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        self.connection.request(method, path, body=data, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode()
        return Reply(method, path, response.status, response.getheader("location"), text)

    def close(self) -> None:
        self.connection.close()


class Flow:
    """One user's connection, step by step; counts the requests it makes."""

    def __init__(self, client: Client, user_id: str) -> None:
        self.client = client
        self.user_id = user_id
        self.requests = 0

    def call(self, method: str, path: str, **kwargs) -> Reply:
        self.requests += 1
        return self.client.request(method, path, **kwargs)

    def fail(self, step: str, reply: Reply, why: str) -> FlowFailed:
        return FlowFailed(
            f"flow of {self.user_id}, {step}: {why}; {reply.method} {reply.path} gave "
            f"{reply.status}: {reply.text[:400]!r}"
        )

    def redirect(self, step: str, reply: Reply) -> str:
        if reply.status != 303 or not reply.location:
            raise self.fail(step, reply, "expected a 303 redirect")
        return reply.location

    def page(self, step: str, path: str, heading: str) -> tuple[Reply, str]:
        """The page at `path`, which must be the step titled `heading`; its CSRF token."""
        reply = self.call("GET", path)
        found = _H1.search(reply.text) if reply.status == 200 else None
        title = unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip() if found else None
        if title != heading:
            raise self.fail(step, reply, f"expected the page {heading!r}, got {title!r}")
        token = _CSRF.search(reply.text)
        if token is None:
            raise self.fail(step, reply, "no CSRF token on the page")
        return reply, token.group(1)

    def run(self) -> int:
        """The whole flow; returns the bank login's id."""
        created = self.call(
            "POST",
            "/api/v1/connect-sessions",
            auth=True,
            body={"user_id": self.user_id, "redirect_uri": CALLBACK, "state": self.user_id},
        )
        if created.status != 201:
            raise self.fail("create session", created, "expected 201")
        session = created.json()
        base = f"/connect/{session['session_id']}"
        hosted = urlsplit(session["url"])
        if hosted.port != self.client.port or hosted.path != base:
            raise self.fail("create session", created, f"the hosted URL is not {base}")

        banks, _ = self.page("bank list", base, "Choose your bank")
        link = f'href="{base}/banks/{BANK_ID}"'
        if link not in banks.text:
            raise self.fail("bank list", banks, f"no link {link}")
        here = self.redirect("choose bank", self.call("GET", f"{base}/banks/{BANK_ID}"))

        _, csrf = self.page("credentials", here, "Log in to your bank")
        form = {"csrf_token": csrf, "login": LOGIN, "password": PASSWORD}
        here = self.redirect("log in", self.call("POST", f"{base}/login", form=form))

        _, csrf = self.page("one-time code", here, "Enter your code")
        form = {"csrf_token": csrf, "otp": OTP}
        here = self.redirect("one-time code", self.call("POST", f"{base}/sca/otp", form=form))

        consent, csrf = self.page("consent", here, "Allow Demo Finance to access your accounts")
        keys = _ACCOUNT_KEY.findall(consent.text)
        if len(keys) != ACCOUNTS:
            raise self.fail("consent", consent, f"{len(keys)} accounts offered, not {ACCOUNTS}")
        form = {"csrf_token": csrf, "accounts": keys}
        granted = self.call("POST", f"{base}/consent", form=form)
        callback = self.redirect("consent", granted)
        answer = {key: values[0] for key, values in parse_qs(urlsplit(callback).query).items()}
        expected = {"status": "success", "session_id": session["session_id"], "state": self.user_id}
        if not callback.startswith(CALLBACK + "?") or any(
            answer.get(key) != value for key, value in expected.items()
        ):
            raise self.fail("consent", granted, f"callback {callback!r}, expected {expected}")
        bank_login_id = int(answer["bank_login_id"])

        listed = self.call("GET", f"/api/v1/accounts?user_id={self.user_id}", auth=True)
        accounts = listed.json().get("accounts", []) if listed.status == 200 else []
        imported = [
            a
            for a in accounts
            if a["bank_login_id"] == bank_login_id and not a["disabled"] and a["last_update"]
        ]
        if len(imported) != ACCOUNTS:
            raise self.fail("accounts", listed, f"expected {ACCOUNTS} imported accounts")
        return bank_login_id


def imported_transactions(client: Client, user_id: str) -> dict[int, int]:
    """Transactions stored for the user, per account (every page)."""
    counts: dict[int, int] = {}
    query = {"user_id": user_id, "limit": "100"}
    while True:
        reply = client.request("GET", f"/api/v1/transactions?{urlencode(query)}", auth=True)
        if reply.status != 200:
            raise FlowFailed(f"transactions of {user_id}: {reply.status}: {reply.text[:400]!r}")
        body = reply.json()
        for transaction in body["transactions"]:
            counts[transaction["account_id"]] = counts.get(transaction["account_id"], 0) + 1
        if not body["next_cursor"]:
            return counts
        query["cursor"] = body["next_cursor"]


# --- rounds ----------------------------------------------------------------------------------


class Load:
    """Flows against one server, `concurrency` at a time, each thread with its own keep-alive
    connection; user ids never repeat."""

    def __init__(self, server: Server, concurrency: int) -> None:
        self.server = server
        self.concurrency = concurrency
        self.users = itertools.count(1)

    def client(self) -> Client:
        return Client(self.server.port)

    def next_user(self) -> str:
        return f"bench-user-{next(self.users):07d}"

    def flows_started(self) -> int:
        return next(self.users) - 1  # every flow that started has completed by now

    def check(self) -> tuple[int, int]:
        """One flow on its own, then the transactions it imported: requests per flow and
        transactions per flow. Every account must hold some."""
        client = self.client()
        flow = Flow(client, self.next_user())
        flow.run()
        counts = imported_transactions(client, flow.user_id)
        client.close()
        if len(counts) != ACCOUNTS or min(counts.values()) == 0:
            raise FlowFailed(f"{flow.user_id}: transactions per account {counts}")
        return flow.requests, sum(counts.values())

    def round(self, seconds: float) -> Round:
        """Flows started until `seconds` have passed, and those in flight then finished."""
        clients = [self.client() for _ in range(self.concurrency)]
        for client in clients:  # connected before the clock starts
            if client.request("GET", "/healthz").status != 200:
                raise FlowFailed("the server stopped answering /healthz")

        def worker(client: Client) -> tuple[int, int]:
            flows = requests = 0
            while time.perf_counter() < deadline:
                flow = Flow(client, self.next_user())
                flow.run()
                flows += 1
                requests += flow.requests
            return flows, requests

        with ThreadPoolExecutor(self.concurrency) as pool:
            cpu_before, client_before = self.server.cpu_seconds(), time.process_time()
            started = time.perf_counter()
            deadline = started + seconds
            done = [f.result() for f in [pool.submit(worker, c) for c in clients]]
            elapsed = time.perf_counter() - started
            cpu_after, client_after = self.server.cpu_seconds(), time.process_time()
        for client in clients:
            client.close()
        return Round(
            flows=sum(flows for flows, _ in done),
            seconds=elapsed,
            requests=sum(requests for _, requests in done),
            server_cpu=cpu_after - cpu_before,
            client_cpu=client_after - client_before,
        )


def scenario_file(folder: Path, webhook_port: int) -> Path:
    """SCENARIO with the `demo` tenant's webhook pointed at the receiver: each event is
    delivered once, as to an integrator's endpoint, instead of retried against a closed port."""
    demo = next(t for t in yaml.safe_load(DEFAULT.read_text())["tenants"] if t["id"] == "demo")
    demo["webhook"]["url"] = f"http://127.0.0.1:{webhook_port}/webhooks"
    text = json.dumps({"extends": str(SCENARIO), "tenants": [demo]}, indent=2)  # JSON is YAML
    path = folder / "scenario.yaml"
    path.write_text(text)
    return path


def delivered(receiver: Server) -> int:
    return int(httpx.get(f"http://127.0.0.1:{receiver.port}/count", timeout=10).text)


def wait_for_webhooks(receiver: Server, expected: int, seconds: float = 30) -> int:
    """The deliveries the receiver has counted, once they reach `expected` or stop growing."""
    deadline, last, still = time.monotonic() + seconds, -1, 0
    while (count := delivered(receiver)) < expected and time.monotonic() < deadline:
        still = still + 1 if count == last else 0
        if still >= 20:  # 2 s without a new delivery
            break
        last = count
        time.sleep(0.1)
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10, help="duration of a round")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of flows before rounds")
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY, help="flows in flight")
    args = parser.parse_args()
    ensure_cores("bench/connect_flows.py needs two cores: the server on core 0, flows on core 1")
    env = {"SANDBOX_LOG_LEVEL": "warning"}
    servers: list[Server] = []
    with tempfile.TemporaryDirectory() as folder:
        try:
            port = free_port()
            receiver = Server(
                "webhook receiver", [python(), "-c", RECEIVER, str(port)], port, env, LOAD_CORE
            )
            servers.append(receiver)
            scenario = scenario_file(Path(folder), receiver.port)
            port = free_port()
            command = [
                python(), "-m", "sandbox", "serve", "--port", str(port),
                "--scenario", str(scenario), "--database", f"sqlite:///{folder}/state.db",
            ]  # fmt: skip
            server = Server("bank-sandbox", command, port, env)
            servers.append(server)
            os.sched_setaffinity(0, {int(LOAD_CORE)})  # the server keeps core 0
            load = Load(server, args.concurrency)
            per_flow, transactions = load.check()
            if (events := wait_for_webhooks(receiver, EVENTS)) != EVENTS:
                raise FlowFailed(f"one flow delivered {events} webhooks, not {EVENTS}")
            load.round(args.warmup)
            rounds = []
            for number in range(args.rounds):
                result = load.round(args.seconds)
                rounds.append(result)
                print(
                    f"  round {number + 1}: {result.flows:,} flows in {result.seconds:.2f} s, "
                    f"{result.rate:,.1f} flows/s, server CPU "
                    f"{result.server_cpu / result.flows * 1e3:.2f} ms/flow",
                    file=sys.stderr,
                )
            flows = load.flows_started()
            events = wait_for_webhooks(receiver, flows * EVENTS)
            if events != flows * EVENTS:
                raise FlowFailed(f"{flows} flows delivered {events} webhooks, not {EVENTS} each")
        finally:
            for running in reversed(servers):
                running.stop()
        domain = domain_only(scenario, f"sqlite:///{folder}/state.db")
    report(rounds, per_flow, transactions, domain, args)


def domain_only(scenario: Path, database: str, count: int = 200) -> float:
    """CPU seconds per connection made by the domain alone (`connect_directly`), on core 0."""
    from sandbox.domain import connections, tenants
    from sandbox.domain.platform import Platform
    from sandbox.settings import Settings

    os.sched_setaffinity(0, {int(SERVER_CORE)})
    platform = Platform.open(Settings(database_url=database, scenario=str(scenario)))
    try:
        tenant = tenants.get_tenant(platform.db, "demo")
        users = (f"domain-user-{n:07d}" for n in itertools.count(1))

        def connect() -> None:
            _, result = connections.connect_directly(
                platform.db, tenant, external_user_id=next(users), bank_id=BANK_ID, login=LOGIN
            )
            if result.new_accounts != ACCOUNTS:
                raise FlowFailed(f"the domain made {result.new_accounts} accounts")

        for _ in range(count // 10):
            connect()
        started = time.thread_time()
        for _ in range(count):
            connect()
        return (time.thread_time() - started) / count
    finally:
        platform.close()


def report(rounds: list[Round], per_flow: int, transactions: int, domain: float, args) -> None:
    def med(value) -> float:
        return statistics.median(value(r) for r in rounds)

    rate = med(lambda r: r.rate)
    print(
        f"connect flows over HTTP ({BANK_ID}, embedded SCA, {ACCOUNTS} accounts, "
        f"{transactions} transactions imported per flow), {args.concurrency} in flight, "
        f"server on core {SERVER_CORE}, client on core {LOAD_CORE}; "
        f"medians of {args.rounds} rounds of {args.seconds:g} s"
    )
    print(
        f"{'flows':>8}{'flows/s':>9}{'server CPU ms/flow':>20}{'client CPU ms/flow':>20}"
        f"{'requests/flow':>15}"
    )
    print(
        f"{med(lambda r: r.flows):>8,.0f}{rate:>9.1f}"
        f"{med(lambda r: r.server_cpu / r.flows) * 1e3:>20.2f}"
        f"{med(lambda r: r.client_cpu / r.flows) * 1e3:>20.2f}"
        f"{med(lambda r: r.requests / r.flows):>15.1f}"
    )
    print(
        f"the same connection by the domain alone (no HTTP, pages or session), in-process on "
        f"core {SERVER_CORE}: {domain * 1e3:.2f} ms CPU, at most {1 / domain:,.0f} per second"
    )
    if any(r.requests != r.flows * per_flow for r in rounds):
        print(f"note: flows made other than {per_flow} requests each", file=sys.stderr)
    met = rate >= TARGET
    verdict = "met" if met else "MISSED"
    print(f"target >= {TARGET:g} complete flows/s: {verdict}: {rate:.1f} flows/s")
    cpu = med(lambda r: r.server_cpu / r.flows) * 1e3
    what = f"connect flows over HTTP, {ACCOUNTS} accounts, 90 days"
    record("connect flows", 3, what, f"{rate:.1f}/s ({cpu:.1f} ms CPU)", f">= {TARGET:g}/s", met)


if __name__ == "__main__":
    main()
