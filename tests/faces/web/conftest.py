"""Sample pages for the page tests (a test that takes `sample` runs once per sample page), and
the tenant and hosted-UI sessions the route tests drive (`hosted_ui.py`)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from hosted_ui import CALLBACK, FROZEN, Hosted

from sandbox.domain import tenants
from sandbox.domain.tenants import Tenant
from sandbox.scenario import load_scenario_text

_SPEC = importlib.util.spec_from_file_location(
    "web_page_samples", Path(__file__).with_name("samples.py")
)
assert _SPEC and _SPEC.loader
samples = sys.modules.get(_SPEC.name) or importlib.util.module_from_spec(_SPEC)
if _SPEC.name not in sys.modules:
    sys.modules[_SPEC.name] = samples
    _SPEC.loader.exec_module(samples)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "sample" in metafunc.fixturenames:
        metafunc.parametrize("sample", samples.SAMPLES, ids=[s.name for s in samples.SAMPLES])


@pytest.fixture
def all_samples() -> list:
    return samples.SAMPLES


@pytest.fixture
def tenant(platform) -> Tenant:
    return tenants.create_tenant(
        platform.db, load_scenario_text(FROZEN), "frozen",
        tenants.TenantOptions(redirect_uris=[CALLBACK], name="Demo Finance"),
    )  # fmt: skip


@pytest.fixture
def hosted(client, platform, tenant):
    def make(kind: str = "connect", user: str = "u1", on: Tenant | None = None, **options):
        return Hosted.new(client, platform, on or tenant, kind, user, **options)

    return make
