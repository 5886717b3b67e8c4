"""The `ingest` Prefect flow: one task per document, then one atomic write of the curated dataset.

The flow only puts tasks in order; extraction, normalisation and validation are plain
functions in extractors/, normalizers/ and schemas/.
"""
from __future__ import annotations

import hashlib
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

from prefect import flow, task, unmapped
from prefect.futures import as_completed

from extractors.document import extract
from extractors.errors import ExtractionError
from flows.curate import (DocResult, RunSummary, curate, discover, known_shas, rebind, split_known, total_line,
                          write_run_summary)
from flows.raw import sha256_file
from normalizers.doubts import flag_doubts
from flows.store import CuratedStore, StoreError
from normalizers.records import PIPELINE_VERSION, normalize
from schemas.settings import Settings

__all__ = ["DocResult", "RunSummary", "discover", "ingest", "process", "write_curated", "write_run_summary",
           "known_documents", "task_runner"]


def process(path: Path, settings: Settings) -> DocResult:
    """Extract and normalise one document; expected failures become a rejection line."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return DocResult(str(path), error=f"{path}: cannot be read ({exc.strerror}); check the path and permissions")
    sha = hashlib.sha256(data).hexdigest()
    try:
        parts = extract(path, data, settings=settings, sha256=sha)
    except ExtractionError as exc:
        return DocResult(str(path), error=exc.line(), sha256=sha)
    return DocResult(str(path), doc=flag_doubts(normalize(parts, settings), settings), warnings=parts.warnings,
                     sha256=sha)


def document_cache_key(context, parameters) -> str:
    """Cache key: the document's content hash, the pipeline version and the settings."""
    path = Path(parameters["path"])
    try:
        sha = sha256_file(path)
    except OSError:
        return f"unreadable-{path}-{time.time_ns()}"          # never reuse a failed read
    return f"{sha}-{PIPELINE_VERSION}-{hash(parameters['settings'])}"


def _transient(task, run, state) -> bool:
    """Retry only what another try could fix (I/O trouble), never a bad document."""
    try:
        state.result()
    except OSError:
        return True
    except Exception:
        return False
    return False


@task(name="process-document", retries=2, retry_delay_seconds=[1, 4], retry_condition_fn=_transient,
      cache_key_fn=document_cache_key, persist_result=True, cache_expiration=timedelta(days=30))
def process_document(path: str, settings: Settings) -> DocResult:
    return process(Path(path), settings)


@task(name="write-curated", retries=2, retry_delay_seconds=2, retry_condition_fn=_transient)
def write_curated(results: list[DocResult], curated: str, origins: dict[str, str] | None = None) -> RunSummary:
    """Choose, validate, quarantine and commit (flows/curate.py); an environment error is the summary's error."""
    return curate(results, curated, origins)


@task(name="known-documents")
def known_documents(curated: str) -> dict[str, str]:
    """sha256 → why it needs no work (current, alternate, rejected at this pipeline version)."""
    return known_shas(curated)


def task_runner(workers: int = 0, dask_address: str | None = None):
    """The task runner: threads by default, N worker processes, or an existing Dask cluster."""
    if dask_address:
        try:
            from prefect_dask import DaskTaskRunner
        except ImportError as exc:
            raise RuntimeError("--dask needs prefect-dask: pip install 'aidplans[dask]'") from exc
        return DaskTaskRunner(address=dask_address)
    if workers and workers > 1:
        from prefect.task_runners import ProcessPoolTaskRunner

        from flows.embedded import watch_parent
        # a worker ends with this process, however it ends (no orphans)
        return ProcessPoolTaskRunner(max_workers=workers, initializer=watch_parent, initargs=(os.getpid(),))
    from prefect.task_runners import ThreadPoolTaskRunner
    # extraction holds the GIL: more threads than cores only add contention
    return ThreadPoolTaskRunner(max_workers=max(workers, 1) if workers else (os.cpu_count() or 1))


@flow(name="ingest", log_prints=False, task_runner=task_runner())
def ingest(paths: list[str], curated: str = "curated", settings: Settings = Settings(),
           origins: dict[str, str] | None = None, force: bool = False, progress: bool = False) -> RunSummary:
    """Ingest plan PDFs (files or directories) into the curated dataset; unchanged documents are skipped.
    Holds the dataset's writer lock from reading what is known to the end of the commit."""
    started = time.time()
    try:
        with CuratedStore(Path(curated)).writing(note=f"ingest of {len(paths)} path(s)") as store:
            summary = _ingest(paths, curated, settings, origins, force, progress)
            summary.lines[:0] = store.recovered
    except StoreError as exc:
        summary = RunSummary([], 0, 0, 0, 0, error=str(exc))
    if summary.error:
        summary.lines.append(f"aidplans: {summary.error}")
        return summary
    summary.lines.append(total_line(summary, curated))
    write_run_summary(curated, summary, started)
    return summary


def _ingest(paths, curated, settings, origins, force, progress) -> RunSummary:
    files = [str(p) for p in discover(paths)]
    todo, unchanged = split_known(files, {} if force else known_documents(curated))
    futures = process_document.map(todo, settings=unmapped(settings))
    results = []
    bar = _progress(len(todo), progress)
    path_of = {id(fut): f for fut, f in zip(futures, todo)}
    for fut in as_completed(futures):
        results.append(rebind(fut.result(), path_of[id(fut)]))
        bar.update(1)
    bar.close()
    order = {f: i for i, f in enumerate(todo)}
    results.sort(key=lambda r: order[r.source_file])
    summary = write_curated(results, curated, origins)
    summary.unchanged = unchanged
    return summary


def _progress(total: int, enabled: bool):
    """A progress bar on stderr for long runs (tqdm), or a silent stand-in."""
    from tqdm import tqdm
    return tqdm(total=total, unit="doc", file=sys.stderr, disable=not enabled or total == 0,
                desc="documents", leave=False)
