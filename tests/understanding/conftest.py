"""Fixtures for the mail-understanding tests: corpus labels and the benchmark module."""
from __future__ import annotations

import importlib.util
import json
import sys

import pytest

from tests.understanding.understanding_helpers import CORPUS, ROOT


@pytest.fixture(scope="session")
def labels() -> dict:
    return json.loads((CORPUS / "labels.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def bench():
    spec = importlib.util.spec_from_file_location("bench_realmail", ROOT / "bench" / "realmail.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_realmail"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module
