"""Startup time: from process start to the first `/healthz` 200, default scenario.

Target (issue 2 / 5): at most 1.0 s. The baseline B0 is a bare Starlette app with one route
under the same uvicorn settings, started the same way in the same run, so the ratio shows what
bank-sandbox itself adds. Rounds alternate B0 and target. The package's bytecode is brought up
to date first, as `make run` does (the Makefile's `bytecode`): with PYTHONDONTWRITEBYTECODE set,
Python would compile every module from source at each start.
"""

from __future__ import annotations

import compileall
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from targets import record

from sandbox.testing.server import free_port

ROOT = Path(__file__).resolve().parents[1]
ROUNDS = 7
BARE = """
import sys, uvicorn
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
async def healthz(request): return JSONResponse({"status": "ok"})
app = Starlette(routes=[Route("/healthz", healthz)])
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), loop="uvloop", http="httptools",
            access_log=False, log_level="warning")
"""


def time_to_healthy(command: list[str], port: int) -> float:
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(process.stderr.read().decode())
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=0.5).status_code == 200:
                    return time.perf_counter() - started
            except httpx.TransportError:
                time.sleep(0.005)
    finally:
        process.terminate()
        process.wait()


def main() -> None:
    compileall.compile_dir(ROOT / "sandbox", quiet=1)
    bare, fresh, warm = [], [], []
    with tempfile.TemporaryDirectory() as folder:
        kept = f"sqlite:///{folder}/kept.db"
        for round_ in range(ROUNDS):
            port = free_port()
            bare.append(time_to_healthy([sys.executable, "-c", BARE, str(port)], port))
            port = free_port()
            database = f"sqlite:///{folder}/fresh{round_}.db"
            serve = [sys.executable, "-m", "sandbox", "serve", "--port", str(port), "--database"]
            fresh.append(time_to_healthy([*serve, database], port))
            port = free_port()
            serve = [sys.executable, "-m", "sandbox", "serve", "--port", str(port), "--database"]
            warm.append(time_to_healthy([*serve, kept], port))
    b0 = statistics.median(bare)
    print(f"startup to first /healthz 200, median of {ROUNDS} rounds (target <= 1.000 s)")
    print(f"{'run':<38}{'median s':>10}{'max s':>8}{'x B0':>7}")
    for name, samples in [
        ("B0 bare Starlette + uvicorn", bare),
        ("bank-sandbox, default, new database", fresh),
        ("bank-sandbox, default, existing db", warm),
    ]:
        median = statistics.median(samples)
        print(f"{name:<38}{median:>10.3f}{max(samples):>8.3f}{median / b0:>7.2f}")
    worst = max(statistics.median(fresh), statistics.median(warm))
    print(f"target {'met' if worst <= 1.0 else 'MISSED'}: {worst:.3f} s")
    what = "startup to /healthz 200, default scenario"
    record("startup", 5, what, f"{worst:.2f} s ({worst / b0:.1f} x B0)", "<= 1.0 s", worst <= 1.0)


if __name__ == "__main__":
    main()
