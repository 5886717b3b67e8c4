"""Backfill: killed mid-run and started again, it ends with exactly the rows of an uninterrupted run."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from conftest import DATA, ROOT, SAMPLES
from flows.raw import RawStore

pytestmark = pytest.mark.usefixtures("prefect_harness")


def corpus(dest: Path, copies: int) -> int:
    """Distinct files (copies made unique by a trailing PDF comment) spread over a directory tree."""
    n = 0
    for src in SAMPLES:
        data = src.read_bytes()
        for i in range(copies):
            sub = dest / f"year{i % 3}" / "scans"
            sub.mkdir(parents=True, exist_ok=True)
            (sub / f"{src.stem}-{i}.pdf").write_bytes(data + f"\n% copy {i}\n".encode())
            n += 1
    (dest / "readme.txt").write_text("not a pdf, skipped")
    return n


def cli(*args, **kw):
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_LOGGING_LEVEL": "ERROR"}
    env.pop("PREFECT_API_URL", None)
    return subprocess.Popen([sys.executable, "-m", "flows.cli", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, **kw)


def dataset(curated: Path):
    docs = pd.read_parquet(curated / "documents")
    projects = pd.read_parquet(curated / "projects")
    return docs, projects


def test_killed_backfill_resumes_to_the_same_rows(tmp_path, capsys):
    archive = tmp_path / "archive"
    n = corpus(archive, copies=4)
    raw, curated = tmp_path / "raw", tmp_path / "curated"
    p = cli("backfill", str(archive), "--raw", str(raw), "--curated", str(curated), "--chunk", "1")
    deadline = time.time() + 240
    while not list(curated.glob("documents/plan_year=*/part-0.parquet")) and time.time() < deadline:
        time.sleep(0.2)
    os.killpg(p.pid, signal.SIGKILL)
    p.wait()
    assert list(curated.glob("documents/plan_year=*/part-0.parquet")), "first chunk never landed"
    landed_before = len(pd.read_parquet(curated / "documents")) if (curated / "documents").exists() else 0

    from flows.cli import main
    bad, twin = archive / "year1" / "broken.pdf", archive / "year2" / "twin.pdf"
    shutil.copy(DATA / "not_a_pdf.pdf", bad)
    shutil.copy(next(archive.rglob("*-0.pdf")), twin)                  # the same content under another name
    capsys.readouterr()
    assert main(["backfill", str(archive), "--raw", str(raw), "--curated", str(curated), "--chunk", "3"]) == 1
    out = capsys.readouterr().out
    assert f"rejected {bad}: " in out and str(raw / "store") not in out       # the user's names, never the store's
    assert f"{twin}: same content as " in out

    docs, projects = dataset(curated)
    assert landed_before >= 1
    assert len(docs) == 2 and len(projects) == 24                      # one current version per plan
    assert not projects.duplicated(["project_id"]).any()
    shas = set(docs["sha256"]) | {s for a in docs["alternate_sha256"] for s in a}
    assert len(shas) == n                                               # every file accounted for, once
    store = RawStore(raw)
    assert len({e.sha256 for e in store.entries}) == n + 1              # and the broken one, landed as it is
    assert not list(curated.rglob(".*.tmp")) and not (curated / "_journal.json").exists()

    again = subprocess.run([sys.executable, "-m", "flows.cli", "backfill", str(archive), "--raw", str(raw),
                            "--curated", str(curated)], cwd=ROOT, capture_output=True, text=True,
                           env={**os.environ, "PREFECT_LOGGING_LEVEL": "ERROR"})
    assert again.returncode == 0 and f"{n + 1} distinct, {n + 1} already in" in again.stdout
