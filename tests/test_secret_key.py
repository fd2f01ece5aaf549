"""The installation's secret key, which permanent user tokens derive from: SANDBOX_SECRET_KEY,
else a file beside the SQLite database made once readable by its owner only, else a key for the
life of an in-memory database. Never in the database."""

from __future__ import annotations

import stat

import pytest

from sandbox.domain.platform import Platform
from sandbox.secret_key import key_file, secret_key
from sandbox.settings import Settings


def test_the_configured_key_wins(tmp_path):
    url = f"sqlite:///{tmp_path / 'state.db'}"
    assert secret_key(url, "a-configured-key-of-enough-length") == (
        "a-configured-key-of-enough-length"
    )
    assert not (tmp_path / "secret.key").exists()


def test_a_short_configured_key_is_refused_by_the_settings():
    with pytest.raises(ValueError, match="SANDBOX_SECRET_KEY must be at least 16 characters"):
        Settings.from_env({"SANDBOX_SECRET_KEY": "short"})
    assert Settings.from_env({}).secret_key is None
    assert "key-in-the-env-1234" not in repr(
        Settings.from_env({"SANDBOX_SECRET_KEY": "key-in-the-env-1234"})
    )


def test_a_sqlite_file_gets_a_key_file_beside_it_made_once_for_its_owner_only(tmp_path):
    url = f"sqlite:///{tmp_path / 'data' / 'state.db'}"
    first = secret_key(url)
    path = tmp_path / "data" / "secret.key"
    assert path.read_text().strip() == first and len(first) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert secret_key(url) == first
    assert [p.name for p in path.parent.iterdir()] == ["secret.key"]  # no draft left behind


def test_an_in_memory_database_gets_a_new_key_and_no_file():
    assert key_file("sqlite:///:memory:") is None
    assert secret_key("sqlite:///:memory:") != secret_key("sqlite:///:memory:")


def test_postgresql_keeps_its_key_under_the_working_directory():
    assert str(key_file("postgresql+psycopg://127.0.0.1:5432/x")) == ".sandbox/secret.key"


def test_a_key_file_that_holds_no_key_is_refused(tmp_path):
    (tmp_path / "secret.key").write_text("\n")
    with pytest.raises(ValueError, match="holds no secret key"):
        secret_key(f"sqlite:///{tmp_path / 'state.db'}")


def test_the_platform_opens_with_the_installations_key(tmp_path, default_scenario):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'state.db'}")
    platform = Platform.open(settings, default_scenario)
    try:
        assert platform.settings.secret_key == (tmp_path / "secret.key").read_text().strip()
    finally:
        platform.close()
