"""Sample pages for the page tests: a test that takes `sample` runs once per sample page."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

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
