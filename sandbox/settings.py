"""Configuration: command-line flags over SANDBOX_* environment variables over defaults."""

from __future__ import annotations

import ipaddress
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

DEFAULT_DATABASE = "sqlite:///.sandbox/state.db"
MIN_SECRET_KEY = 16
# An allowed host name (or IPv4 address), or `*.` and a domain; IPv6 addresses are parsed.
_HOST_PATTERN = re.compile(r"(\*\.)?[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?")


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
    # Statement files uploaded to /api/v1/users/{id}/uploads (sandbox/domain/uploads.py).
    max_upload_bytes: int = 10 * 1024 * 1024
    # Answers of /api/v1 reads kept until the next write (sandbox/faces/kept.py); 0: none.
    read_cache_mb: int = 16
    # Webhook delivery (sandbox/webhooks): the gap after the n-th failed attempt is
    # retry_base × 2^(n−1) seconds of real time; after max_attempts the event is `failed`.
    webhook_retry_base_seconds: float = 2.0
    webhook_max_attempts: int = 8
    webhook_timeout_seconds: float = 10.0
    webhook_poll_seconds: float = 0.5
    # Host names the server answers to besides loopback ones and the bound host (`*.x` for any
    # name under x); see sandbox/middleware/hosts.py.
    allowed_hosts: tuple[str, ...] = ()
    # Webhooks may target 169.254.0.0/16 and fe80::/10 (cloud metadata); see sandbox/urls.py.
    webhook_allow_link_local: bool = False
    # What permanent user tokens derive from (sandbox/secret_key.py): SANDBOX_SECRET_KEY, or
    # None until `Platform.open` finds or makes the installation's.
    secret_key: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        seconds = ("webhook_retry_base_seconds", "webhook_timeout_seconds", "webhook_poll_seconds")
        for name in seconds:
            value = getattr(self, name)
            if not (math.isfinite(value) and 0 < value <= 86_400):
                raise ValueError(f"SANDBOX_{name.upper()} must be more than 0 and at most 86400")
        if not 0 <= self.read_cache_mb <= 65_536:
            raise ValueError("SANDBOX_READ_CACHE_MB must be from 0 (no cache) to 65536")
        if self.secret_key is not None and len(self.secret_key) < MIN_SECRET_KEY:
            raise ValueError(f"SANDBOX_SECRET_KEY must be at least {MIN_SECRET_KEY} characters")
        if not 1 <= self.max_upload_bytes <= 1024**3:
            raise ValueError("SANDBOX_MAX_UPLOAD_BYTES must be from 1 to 1073741824")
        if not 1 <= self.webhook_max_attempts <= 100:
            raise ValueError("SANDBOX_WEBHOOK_MAX_ATTEMPTS must be from 1 to 100")
        for name in self.allowed_hosts:
            if not _allowed_host_name(name):
                raise ValueError(
                    f"SANDBOX_ALLOWED_HOSTS: {name!r} is not a lower-case host name, "
                    "`*.` and a domain, or an IP address (give no scheme and no port)"
                )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **flags: Any) -> Settings:
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
            max_upload_bytes=int(
                _number(env, "SANDBOX_MAX_UPLOAD_BYTES", 10 * 1024 * 1024, whole=True)
            ),
            read_cache_mb=int(_number(env, "SANDBOX_READ_CACHE_MB", 16, whole=True)),
            webhook_retry_base_seconds=_number(env, "SANDBOX_WEBHOOK_RETRY_BASE_SECONDS", 2.0),
            webhook_max_attempts=int(_number(env, "SANDBOX_WEBHOOK_MAX_ATTEMPTS", 8, whole=True)),
            webhook_timeout_seconds=_number(env, "SANDBOX_WEBHOOK_TIMEOUT_SECONDS", 10.0),
            webhook_poll_seconds=_number(env, "SANDBOX_WEBHOOK_POLL_SECONDS", 0.5),
            allowed_hosts=tuple(
                name.strip().lower()
                for name in env.get("SANDBOX_ALLOWED_HOSTS", "").split(",")
                if name.strip()
            ),
            webhook_allow_link_local=_flag(env, "SANDBOX_WEBHOOK_ALLOW_LINK_LOCAL"),
            secret_key=env.get("SANDBOX_SECRET_KEY") or None,
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


def _allowed_host_name(name: str) -> bool:
    if ":" not in name:
        return _HOST_PATTERN.fullmatch(name) is not None
    try:
        ipaddress.IPv6Address(name.removeprefix("[").removesuffix("]"))
    except ValueError:
        return False
    return True


def _flag(env: Mapping[str, str], name: str) -> bool:
    """A yes/no variable: 1, true, yes or on; 0, false, no, off or empty; anything else is
    refused rather than read as either."""
    raw = env.get(name, "").strip().lower()
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("", "0", "false", "no", "off"):
        return False
    raise ValueError(f"{name} must be 1 or 0, not {raw!r}")


def _number(env: Mapping[str, str], name: str, default: float, *, whole: bool = False) -> float:
    """A numeric variable; a value that is not a number is refused naming the variable."""
    raw = env.get(name)
    if raw is None:
        return default
    try:
        return int(raw) if whole else float(raw)
    except ValueError:
        kind = "a whole number" if whole else "a number"
        raise ValueError(f"{name} must be {kind}, not {raw!r}") from None
