"""Shared fixtures: the bundled sample PDFs, the test PDFs, and one Prefect test harness per session."""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "raw" / "samples").glob("*.pdf"))
DATA = Path(__file__).resolve().parent / "data"

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


@lru_cache(maxsize=None)
def extracted(path: Path):
    """Each PDF is extracted once per session (the tests only read the result)."""
    from extractors.document import extract
    return extract(path)


@lru_cache(maxsize=None)
def normalized(path: Path):
    from normalizers.records import normalize
    return normalize(extracted(path))


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness
    with prefect_test_harness(server_startup_timeout=120):
        yield


def sample(name: str) -> Path:
    return next(p for p in SAMPLES if p.name.startswith(name))
