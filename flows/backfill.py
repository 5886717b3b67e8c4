"""The `backfill` flow: land a directory tree of historical PDFs in raw/ and ingest it in chunks.

Each chunk is one atomic commit, so a run killed halfway leaves a whole dataset; started
again, it skips what is already landed and curated and finishes the rest. The writer lock is
held for the whole backfill.
"""
from __future__ import annotations

import sys
from pathlib import Path

from prefect import flow, task

from flows.curate import RunSummary, backfill_line, known_shas
from flows.ingest import discover, ingest, task_runner
from flows.raw import land
from flows.store import CuratedStore, StoreError
from schemas.settings import Settings

DEFAULT_CHUNK = 25


@task(name="land-files", retries=2, retry_delay_seconds=2)
def land_files(files: list[str], raw: str, source: str):
    """Copy files into the raw store (flows.raw.land)."""
    return land(files, raw, source)


@flow(name="backfill", log_prints=False)
def backfill(directory: str, raw: str = "raw", curated: str = "curated", settings: Settings = Settings(),
             chunk_size: int = DEFAULT_CHUNK, progress: bool = True, workers: int = 0,
             dask_address: str | None = None) -> RunSummary:
    """Ingest every PDF under `directory`, resumably, with a progress bar on stderr."""
    try:
        with CuratedStore(Path(curated)).writing(note=f"backfill of {directory}"):
            return _backfill(directory, raw, curated, settings, chunk_size, progress, workers, dask_address)
    except StoreError as exc:
        return RunSummary([f"aidplans: {exc}"], 0, 0, 0, 0, error=str(exc))


def _backfill(directory, raw, curated, settings, chunk_size, progress, workers, dask_address) -> RunSummary:
    from tqdm import tqdm
    files = [str(p) for p in discover([directory])]
    landed, notes, unreadable = land_files(files, raw, f"backfill:{directory}")
    known = known_shas(curated)
    todo = [(sha, path, origin) for sha, (path, origin) in landed.items() if sha not in known]
    flow_ = ingest.with_options(task_runner=task_runner(workers, dask_address))
    total = RunSummary(list(notes), 0, len(unreadable), 0, 0, unchanged=len(landed) - len(todo),
                       failed=list(unreadable))
    bar = tqdm(total=len(todo), unit="doc", desc="backfill", file=sys.stderr, disable=not progress)
    for i in range(0, len(todo), chunk_size):
        chunk = todo[i:i + chunk_size]
        s = flow_(paths=[p for _, p, _ in chunk], curated=curated, settings=settings,
                  origins={p: o for _, p, o in chunk}, force=True)
        if s.error:
            total.error = s.error
            total.lines += s.lines
            break
        total.lines += s.lines[:-1]
        total.landed += s.landed
        total.rejected += s.rejected
        total.projects += s.projects
        total.flags += s.flags
        total.new += s.new
        total.failed += s.failed
        bar.update(len(chunk))
    bar.close()
    total.lines += [f"rejected {line}" for line in unreadable]
    total.lines.append(backfill_line(total, len(files), len(landed), curated))
    return total
