"""The edge's settings read from the environment: allowed hosts and link-local webhooks."""

from __future__ import annotations

import pytest

from sandbox.settings import Settings


def test_allowed_hosts_are_a_comma_separated_list_of_names():
    env = {"SANDBOX_ALLOWED_HOSTS": " Sandbox.Internal, *.example.test,,10.0.0.7, fd00::1 "}
    assert Settings.from_env(env).allowed_hosts == (
        "sandbox.internal",
        "*.example.test",
        "10.0.0.7",
        "fd00::1",
    )
    assert Settings.from_env({}).allowed_hosts == ()


@pytest.mark.parametrize(
    "entry", ["http://sandbox.internal", "sandbox.internal:8000", "*", "a*.example", "[zz::1]"]
)
def test_an_allowed_host_with_a_scheme_port_or_bad_wildcard_is_refused(entry):
    with pytest.raises(ValueError, match="SANDBOX_ALLOWED_HOSTS") as caught:
        Settings.from_env({"SANDBOX_ALLOWED_HOSTS": entry})
    assert repr(entry) in str(caught.value)


@pytest.mark.parametrize(
    ("raw", "allowed"), [("1", True), ("true", True), ("0", False), ("", False)]
)
def test_link_local_webhooks_are_refused_unless_the_flag_is_set(raw, allowed):
    env = {"SANDBOX_WEBHOOK_ALLOW_LINK_LOCAL": raw}
    assert Settings.from_env(env).webhook_allow_link_local is allowed
    assert Settings.from_env({}).webhook_allow_link_local is False


def test_a_flag_that_is_neither_yes_nor_no_is_refused():
    with pytest.raises(ValueError, match="SANDBOX_WEBHOOK_ALLOW_LINK_LOCAL must be 1 or 0"):
        Settings.from_env({"SANDBOX_WEBHOOK_ALLOW_LINK_LOCAL": "maybe"})
