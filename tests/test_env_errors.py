"""Environment errors (a full disk, a read-only dataset, --curated naming a file): one line with
advice, exit 2, never a traceback, and nothing in the dataset changes. The disk and the read-only
file system are real: a small tmpfs mounted for the test (skipped where mounting is not allowed;
test_store.py injects the same failure without a mount)."""
from __future__ import annotations

import dataclasses
import errno
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import ROOT, normalized, sample
from flows.curate import DocResult, curate
from flows.store import JOURNAL
from schemas.version import pipeline_version


@contextmanager
def tmpfs(path: Path, size: str):
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    if done.returncode:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.decode().strip()}); test_store.py injects the error")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PREFECT_LOGGING_LEVEL": "ERROR"}
    env.pop("PREFECT_API_URL", None)
    return subprocess.run([sys.executable, "-m", "flows.cli", *args], cwd=ROOT, env=env, text=True,
                          capture_output=True, timeout=600)


def files(curated: Path) -> dict[str, bytes]:
    return {p.relative_to(curated).as_posix(): p.read_bytes() for p in sorted(curated.rglob("*"))
            if p.is_file() and "_runs" not in p.parts and not p.name.startswith(".aidplans")}


def one_line(text: str) -> bool:
    return text.count("\n") == 1 and "Traceback" not in text


def land(curated: Path, name: str):
    """Land a sample plan stamped with the code as it is now (the CLI below fingerprints it afresh)."""
    doc = normalized(sample(name))
    doc = dataclasses.replace(doc, document=dataclasses.replace(doc.document,
                                                                pipeline_version=pipeline_version.__wrapped__()))
    assert curate([DocResult(str(sample(name)), doc=doc)], str(curated)).error is None


def test_curated_naming_a_file_is_one_line(tmp_path):
    f = tmp_path / "curated"
    f.write_text("a file, not a dataset")
    done = cli("run", str(sample("2023")), "--curated", str(f))
    assert done.returncode == 2 and one_line(done.stderr) and "is a file, not a dataset folder" in done.stderr
    assert f.read_text() == "a file, not a dataset"


def test_a_read_only_dataset_reads_fine_and_refuses_writes_in_one_line(tmp_path):
    with tmpfs(tmp_path / "mnt", "16m") as mnt:
        cur = mnt / "c"
        land(cur, "2023")
        before = files(cur)
        subprocess.run(["mount", "-o", "remount,ro", str(mnt)], check=True)
        noop = cli("run", str(sample("2023")), "--curated", str(cur))
        assert noop.returncode == 0, noop.stderr
        assert "0 landed, 0 rejected, 1 unchanged" in noop.stdout and "run summary not written" in noop.stdout
        new = cli("run", str(sample("2026")), "--curated", str(cur))
        assert new.returncode == 2 and one_line(new.stderr) and "read-only" in new.stderr, new.stderr
        assert files(cur) == before


def test_a_full_disk_is_one_line_and_changes_nothing(tmp_path):
    with tmpfs(tmp_path / "mnt", "1m") as mnt:
        cur = mnt / "c"
        land(cur, "2023")
        before = files(cur)
        fd = os.open(mnt / "filler", os.O_WRONLY | os.O_CREAT)   # fill the disk to the last block
        try:
            while True:
                os.write(fd, b"\0" * 4096)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
        finally:
            os.close(fd)
        summary = curate([DocResult(str(sample("2026")), doc=normalized(sample("2026")))], str(cur))
        assert summary.exit_code == 2 and "No space left on device" in summary.error and "\n" not in summary.error
        assert files(cur) == before and not (cur / JOURNAL).exists()
        done = cli("run", str(sample("2026")), "--curated", str(cur))
        assert done.returncode == 2, done.stderr
        assert one_line(done.stderr) and "No space left on device" in done.stderr and "free some space" in done.stderr
        assert files(cur) == before and not list(cur.rglob(".part-0.parquet.*.tmp"))
