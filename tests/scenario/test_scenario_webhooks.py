"""A scenario's tenants declare webhook endpoints: `webhook` (one native endpoint for every
event) and `webhooks` (each with a format and an event filter); unknown event names, unknown
formats, bad URLs and too many endpoints are refused at their line."""

from __future__ import annotations

from textwrap import dedent, indent

import pytest

from sandbox.scenario import ScenarioError, load_scenario

HEAD = """\
extends: default
name: hooks
tenants:
  - id: hooks
    name: Hooks
    client_id: hooks
    client_secret: hooks-secret
    api_key: hooks-api-key
"""


def load(tmp_path, tail: str):
    path = tmp_path / "hooks.yaml"
    path.write_text(HEAD + indent(dedent(tail), "    "))
    return load_scenario(path)


def problems(tmp_path, tail: str) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        load(tmp_path, tail)
    return [str(problem).replace(f"{tmp_path}/", "") for problem in caught.value.problems]


def test_webhooks_default_to_the_native_format_and_every_event(tmp_path):
    scenario = load(
        tmp_path,
        """\
        webhook: {url: "http://127.0.0.1:3000/all", secret: whsec-all}
        webhooks:
          - url: http://127.0.0.1:3000/native
            secret: whsec-native
          - url: http://127.0.0.1:3000/syncs
            secret: whsec-syncs
            format: native
            events: [bank_login.synced, bank_login.sync_failed]
        """,
    )
    tenant = scenario.tenants[-1]
    assert tenant.webhook.url == "http://127.0.0.1:3000/all"
    native, syncs = tenant.webhooks
    assert (native.format, native.events) == ("native", None)
    assert (syncs.format, syncs.events) == (
        "native",
        ["bank_login.synced", "bank_login.sync_failed"],
    )


def test_an_unknown_event_name_is_refused_at_its_line_naming_the_known_ones(tmp_path):
    found = problems(
        tmp_path,
        """\
        webhooks:
          - url: http://127.0.0.1:3000/syncs
            secret: whsec-syncs
            events:
              - bank_login.synced
              - connection.synced
        """,
    )
    assert len(found) == 1
    assert found[0].startswith(
        "hooks.yaml:14: tenants[0].webhooks[0].events[1]: unknown event 'connection.synced'; "
        "known: user.created, user.deleted, bank_login.synced,"
    )


def test_an_unknown_format_and_a_bad_url_are_refused_at_their_lines(tmp_path):
    found = problems(
        tmp_path,
        """\
        webhooks:
          - url: http://127.0.0.1:3000/a
            secret: whsec-aaaa
            format: stripe
          - url: ftp://127.0.0.1/b
            secret: short
        """,
    )
    assert found == [
        "hooks.yaml:12: tenants[0].webhooks[0].format: unknown format 'stripe'; known: native, powens",
        "hooks.yaml:13: tenants[0].webhooks[1].url: give an http:// or https:// URL "
        "(got 'ftp://127.0.0.1/b')",
        "hooks.yaml:14: tenants[0].webhooks[1].secret: String should have at least 8 characters "
        "(got 'short')",
    ]


@pytest.mark.parametrize(
    ("tail", "message"),
    [
        ("webhooks:\n  - {url: 'http://x.example/h', secret: whsec-xxxx, events: []}\n",
         "tenants[0].webhooks[0].events: List should have at least 1 item"),
        ("webhooks:\n  - {url: 'http://x.example/h', secret: whsec-xxxx, filter: [a]}\n",
         "tenants[0].webhooks[0].filter: unknown key `filter`"),
        ("webhooks:\n  - {url: 'http://169.254.169.254/h', secret: whsec-xxxx}\n",
         "tenants[0].webhooks[0].url: a link-local address is no webhook target"),
    ],
)  # fmt: skip
def test_a_bad_endpoint_is_refused_at_its_line(tmp_path, tail, message):
    [found] = problems(tmp_path, tail)
    assert found.startswith(f"hooks.yaml:10: {message}"), found


def test_a_tenant_declares_at_most_ten_endpoints(tmp_path):
    many = "".join(
        f"  - {{url: 'http://x.example/{n}', secret: whsec-{n:04}}}\n" for n in range(10)
    )
    tail = "webhook: {url: 'http://x.example/all', secret: whsec-all}\nwebhooks:\n" + many
    [found] = problems(tmp_path, tail)
    assert found.startswith("hooks.yaml:4: tenants[0]: a tenant has at most 10 webhook endpoints")
    assert load(tmp_path, "webhooks:\n" + many).tenants[-1].webhooks[9].url == "http://x.example/9"


def test_a_powens_endpoint_takes_only_the_events_powens_has_a_word_for(tmp_path):
    tail = """\
        webhooks:
          - url: http://127.0.0.1:3000/powens
            secret: whsec-powens
            format: powens
            events: [bank_login.synced, consent.expiring]
        """
    [found] = problems(tmp_path, tail)
    assert found.startswith(
        "hooks.yaml:13: tenants[0].webhooks[0].events: format 'powens' has no event "
        "'consent.expiring'; it takes: user.created, user.deleted, bank_login.synced,"
    ), found
    loaded = load(tmp_path, tail.replace(", consent.expiring", ""))
    (hook,) = loaded.tenants[-1].webhooks
    assert (hook.format, hook.events) == ("powens", ["bank_login.synced"])
