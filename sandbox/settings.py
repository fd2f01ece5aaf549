"""Configuration: command-line flags over SANDBOX_* environment variables over defaults."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field, replace
from typing import Any

DEFAULT_DATABASE = "sqlite:///.sandbox/state.db"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE
    scenario: str = "default"
    host: str = "127.0.0.1"
    port: int = 8000
    admin_token: str | None = field(default=None, repr=False)
    reset: bool = False
    log_level: str = "info"
    max_body_bytes: int = 1024 * 1024

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **flags: Any) -> Settings:
        """Settings from `SANDBOX_*` variables, then `flags` that are not None on top."""
        env = os.environ if env is None else env
        settings = cls(
            database_url=env.get("SANDBOX_DATABASE_URL", DEFAULT_DATABASE),
            scenario=env.get("SANDBOX_SCENARIO", "default"),
            host=env.get("SANDBOX_HOST", "127.0.0.1"),
            port=int(env.get("SANDBOX_PORT", "8000")),
            admin_token=env.get("SANDBOX_ADMIN_TOKEN") or None,
            log_level=env.get("SANDBOX_LOG_LEVEL", "info"),
            max_body_bytes=int(env.get("SANDBOX_MAX_BODY_BYTES", str(1024 * 1024))),
        )
        return replace(settings, **{k: v for k, v in flags.items() if v is not None})

    @property
    def loopback_only(self) -> bool:
        """True when only this machine can reach the server, so the admin token is optional."""
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False
