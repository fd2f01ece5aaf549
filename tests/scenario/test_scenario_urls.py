"""The scenario's tenants register http(s) URLs only, and webhooks on link-local addresses only
when allowed; problems name the file and line like every other."""

from __future__ import annotations

from textwrap import dedent

import pytest

from sandbox.scenario import ScenarioError, load_scenario

TENANT = """\
extends: default
name: urls
tenants:
  - id: urls
    name: URLs
    client_id: urls
    client_secret: urls-secret
    api_key: urls-api-key
    redirect_uris: [{redirect}]
    webhook: {{url: "{webhook}", secret: whsec-urls}}
"""


def load(tmp_path, allow_link_local=False, **urls):
    path = tmp_path / "urls.yaml"
    path.write_text(dedent(TENANT.format(**urls)))
    return load_scenario(path, allow_link_local=allow_link_local)


def problems(tmp_path, **urls) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        load(tmp_path, **urls)
    return [str(problem).replace(f"{tmp_path}/", "") for problem in caught.value.problems]


def test_a_custom_scheme_redirect_uri_is_refused_at_its_line(tmp_path):
    found = problems(tmp_path, redirect="myapp://callback", webhook="https://hooks.example/x")
    assert found == [
        "urls.yaml:9: tenants[0].redirect_uris[0]: give an http:// or https:// URL "
        "(got 'myapp://callback')"
    ]


def test_a_metadata_webhook_is_refused_unless_allowed(tmp_path):
    urls = {"redirect": "https://app.example/cb", "webhook": "http://169.254.169.254/hook"}
    [found] = problems(tmp_path, **urls)
    assert found.startswith("urls.yaml:10: tenants[0].webhook.url: a link-local address")
    scenario = load(tmp_path, allow_link_local=True, **urls)
    assert scenario.tenants[-1].webhook.url == "http://169.254.169.254/hook"
