"""Run `bank-sandbox serve` as a child process on a free loopback port, for test suites."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from time import sleep

import httpx

from sandbox.clock import monotonic


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SandboxServer:
    """A server process; `url` is its base URL once `wait_ready()` returns."""

    def __init__(
        self,
        database_url: str,
        *args: str,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "sandbox", "serve", "--port", str(self.port)]
        # A file, not a pipe: an unread pipe fills up and the server blocks writing its log.
        self.output = tempfile.TemporaryFile(mode="w+t")  # noqa: SIM115 (lives with the process)
        self.process = subprocess.Popen(
            [*command, "--database", database_url, *args],
            cwd=cwd,
            env={**os.environ, **(env or {})},
            stdout=self.output,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def printed(self) -> str:
        """Everything the server has printed so far."""
        self.output.flush()
        self.output.seek(0)
        return self.output.read()

    def wait_ready(self, timeout: float = 20) -> SandboxServer:
        """Poll /healthz until it answers 200; raise with the server's output if it died."""
        deadline = monotonic() + timeout
        while monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"bank-sandbox exited: {self.printed()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                sleep(0.02)
        self.stop()
        raise TimeoutError(f"bank-sandbox did not answer on {self.url} in {timeout} s")

    def stop(self) -> str:
        """Stop the server and return everything it printed."""
        if self.process.poll() is None:
            self.process.terminate()
        self.process.wait(timeout=10)
        output = self.printed()
        self.output.close()
        return output

    def __enter__(self) -> SandboxServer:
        return self.wait_ready()

    def __exit__(self, *exc: object) -> None:
        self.stop()
