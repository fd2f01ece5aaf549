"""What the HTTP benchmarks share: the server under test as a process pinned to core 0, its CPU
time from /proc, and the checks that the machine can run a benchmark at all (two cores,
`taskset`). The load runs on core 1 (`LOAD_CORE`), so server and load never share a core.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from sandbox.testing.server import free_port

__all__ = [
    "CLOCK_TICK",
    "LOAD_CORE",
    "ROOT",
    "SERVER_CORE",
    "Server",
    "free_port",
    "python",
    "serve_command",
]

ROOT = Path(__file__).resolve().parents[1]
SERVER_CORE, LOAD_CORE = "0", "1"
CLOCK_TICK = os.sysconf("SC_CLK_TCK")


def python() -> str:
    """The project's interpreter (the one `make install` sets up), else this one."""
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def serve_command(port: int, database_url: str, scenario: Path | None = None) -> list[str]:
    """`bank-sandbox serve` on `port` with this database (and scenario)."""
    command = [python(), "-m", "sandbox", "serve", "--port", str(port)]
    if scenario is not None:
        command += ["--scenario", str(scenario)]
    return [*command, "--database", database_url]


def ensure_cores(reason: str) -> None:
    """Exit with `reason` unless there are two cores, and with how to get `taskset` without it."""
    if os.cpu_count() is None or os.cpu_count() < 2:
        sys.exit(reason)
    if shutil.which("taskset") is None:
        sys.exit("taskset is missing: install util-linux (apt-get install util-linux)")


class Server:
    """A server process pinned to `core` (SERVER_CORE unless told), started and answering
    `/healthz` 200 once constructed; its output goes to a temporary file, shown if it dies on
    the way up."""

    def __init__(
        self,
        name: str,
        command: list[str],
        port: int,
        env: dict[str, str],
        core: str = SERVER_CORE,
    ) -> None:
        self.name = name
        self.port = port
        self.log = tempfile.TemporaryFile(mode="w+t")  # noqa: SIM115 (lives with the process)
        self.process = subprocess.Popen(
            ["taskset", "-c", core, *command],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=self.log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(f"{name} exited: {self.log.read()}")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
            if time.monotonic() > deadline:
                self.stop()
                raise TimeoutError(f"{name} did not answer")

    def cpu_seconds(self) -> float:
        stat = Path(f"/proc/{self.process.pid}/stat").read_text()
        fields = stat[stat.rindex(")") + 2 :].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICK  # utime, stime (14, 15)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
