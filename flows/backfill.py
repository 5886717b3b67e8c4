"""The `backfill` flow: land a directory tree of historical PDFs in raw/ and ingest it in chunks.

Each chunk is one atomic commit, so a run killed halfway leaves a whole dataset; started
again, it skips what is already landed and curated and finishes the rest.
"""
from __future__ import annotations

import sys
from pathlib import Path

from prefect import flow, task

from flows.ingest import RunSummary, discover, ingest, known_documents, task_runner
from flows.raw import RawStore
from schemas.settings import Settings

DEFAULT_CHUNK = 25


@task(name="land-files", retries=2, retry_delay_seconds=2)
def land_files(files: list[str], raw: str, source: str) -> dict[str, tuple[str, str]]:
    """Copy files into the raw store; returns sha256 → (stored path, origin) for each distinct content."""
    store = RawStore(Path(raw))
    out: dict[str, tuple[str, str]] = {}
    for f in files:
        entry, _ = store.add_file(Path(f), source=source)
        out.setdefault(entry.sha256, (entry.path, entry.origin))
    return out


@flow(name="backfill", log_prints=False)
def backfill(directory: str, raw: str = "raw", curated: str = "curated", settings: Settings = Settings(),
             chunk_size: int = DEFAULT_CHUNK, progress: bool = True, workers: int = 0,
             dask_address: str | None = None) -> RunSummary:
    """Ingest every PDF under `directory`, resumably, with a progress bar on stderr."""
    from tqdm import tqdm
    files = [str(p) for p in discover([directory])]
    landed = land_files(files, raw, f"backfill:{directory}")
    known = known_documents(curated)
    todo = [(sha, path, origin) for sha, (path, origin) in landed.items() if sha not in known]
    flow_ = ingest.with_options(task_runner=task_runner(workers, dask_address))
    total = RunSummary([], 0, 0, 0, 0, unchanged=len(landed) - len(todo))
    bar = tqdm(total=len(todo), unit="doc", desc="backfill", file=sys.stderr, disable=not progress)
    for i in range(0, len(todo), chunk_size):
        chunk = todo[i:i + chunk_size]
        s = flow_(paths=[p for _, p, _ in chunk], curated=curated, settings=settings,
                  origins={p: o for _, p, o in chunk})
        total.lines += s.lines[:-1]
        total.landed += s.landed
        total.rejected += s.rejected
        total.projects += s.projects
        total.flags += s.flags
        total.new += s.new
        total.failed += s.failed
        bar.update(len(chunk))
    bar.close()
    total.lines.append(f"backfill: {len(files)} files, {len(landed)} distinct, {total.unchanged} already in, "
                       f"{total.landed} landed, {total.rejected} rejected, {total.projects} projects → {curated}")
    return total
