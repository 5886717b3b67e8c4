"""Shared fixtures: the bundled sample PDFs, the test PDFs, and one Prefect test harness per session."""
from __future__ import annotations

import os
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "raw" / "samples").glob("*.pdf"))
DATA = Path(__file__).resolve().parent / "data"

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

# datasets shared across a session's tests live here and go with the session (nothing is left in /tmp);
# made on first need: a process that only imports this module (a test's subprocess) makes none
_SCRATCH: list[Path] = []


def scratch(prefix: str) -> Path:
    """A new folder for a dataset that several tests read; removed when the session ends."""
    if not _SCRATCH:
        _SCRATCH.append(Path(tempfile.mkdtemp(prefix="aidplans-tests-")))
    return Path(tempfile.mkdtemp(prefix=prefix, dir=_SCRATCH[0]))


def pytest_sessionfinish(session, exitstatus):
    for folder in _SCRATCH:
        shutil.rmtree(folder, ignore_errors=True)


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


SCORER = Path(__file__).resolve().parents[2] / "shared" / "eval" / "score.py"


@lru_cache(maxsize=None)
def scorer():
    """../shared/eval/score.py as a module (evaluation only: tests score against gold with it)."""
    import importlib.util
    if not SCORER.exists():
        pytest.fail(f"{SCORER} is missing: the shared scorer must stand beside the project (../shared)")
    spec = importlib.util.spec_from_file_location("score", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
