"""The installation's secret key: what permanent user tokens are derived from, so the webhook
worker can authenticate a delivery with its user's token although the database holds tokens
only as their SHA-256 (`sandbox/domain/credentials.py`).

It is never in the database, so a leaked database still gives nothing to replay. In order:
`SANDBOX_SECRET_KEY` (give every process of a shared PostgreSQL database the same one); else the
file `secret.key` beside a SQLite database file (`.sandbox/secret.key` for the default one) or,
for PostgreSQL, `.sandbox/secret.key`, made at first start readable by its owner only; else, for
an in-memory database, which dies with its process, a new random key.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

import sqlalchemy as sa

from sandbox.settings import MIN_SECRET_KEY

FILE_NAME = "secret.key"
DEFAULT_DIRECTORY = Path(".sandbox")
MIN_LENGTH = MIN_SECRET_KEY
KEY_BYTES = 32


def secret_key(database_url: str, configured: str | None = None) -> str:
    """The key for a server on `database_url`; `configured`: SANDBOX_SECRET_KEY, if set."""
    if configured is not None:
        if len(configured) < MIN_LENGTH:
            raise ValueError(f"SANDBOX_SECRET_KEY must be at least {MIN_LENGTH} characters")
        return configured
    path = key_file(database_url)
    if path is None:
        return secrets.token_urlsafe(KEY_BYTES)
    return read_or_make(path)


def key_file(database_url: str) -> Path | None:
    """Where the key of a database is kept; None for an in-memory database."""
    url = sa.make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return DEFAULT_DIRECTORY / FILE_NAME
    if url.database in (None, "", ":memory:"):
        return None
    return Path(url.database).parent / FILE_NAME


def read_or_make(path: Path) -> str:
    """The key in `path`, which is made (mode 0600) if it does not exist yet; two processes
    starting at once agree on one key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        # Written whole under a name of its own, then linked into place: another process sees
        # either no file or the whole key, and the first link wins.
        key = secrets.token_urlsafe(KEY_BYTES)
        draft = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "w") as made:
                made.write(key + "\n")
            with contextlib.suppress(FileExistsError):
                os.link(draft, path)
        finally:
            draft.unlink()
    found = path.read_text(encoding="utf-8").strip()
    if len(found) < MIN_LENGTH:
        raise ValueError(f"{path} holds no secret key: delete it to have a new one made")
    return found
