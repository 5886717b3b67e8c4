"""The `ingest` Prefect flow: one task per document, then one atomic write of the curated dataset.

The flow only puts tasks in order; extraction, normalisation and validation are plain
functions in extractors/, normalizers/ and schemas/.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pandas as pd
from prefect import flow, task, unmapped
from prefect.futures import as_completed

from extractors.document import extract
from extractors.errors import ExtractionError
from flows.raw import sha256_file
from flows.store import Batch, CuratedStore
from normalizers.overrides import apply_overrides
from normalizers.records import PIPELINE_VERSION, NormalizedDocument, normalize
from schemas.models import frame, validate
from schemas.settings import Settings


@dataclass
class DocResult:
    """What one input became: a normalised plan, or the one-line reason it was rejected."""
    source_file: str
    doc: NormalizedDocument | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    sha256: str | None = None


@dataclass
class RunSummary:
    lines: list[str]
    landed: int
    rejected: int
    projects: int
    flags: int
    unchanged: int = 0
    new: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.rejected else 0


def discover(paths: list[str]) -> list[Path]:
    """PDF files named or found under the given paths, sorted; other files under a directory are skipped."""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found += sorted(q for q in p.rglob("*") if q.is_file() and q.suffix.lower() == ".pdf")
        else:
            found.append(p)
    return list(dict.fromkeys(found))


def process(path: Path, settings: Settings) -> DocResult:
    """Extract and normalise one document; expected failures become a rejection line."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return DocResult(str(path), error=f"{path}: cannot be read ({exc.strerror}); check the path and permissions")
    sha = hashlib.sha256(data).hexdigest()
    try:
        parts = extract(path, data, settings=settings)
    except ExtractionError as exc:
        return DocResult(str(path), error=exc.line(), sha256=sha)
    return DocResult(str(path), doc=normalize(parts, settings), warnings=parts.warnings, sha256=sha)


def rebind(result: DocResult, path: str) -> DocResult:
    """A result (perhaps cached from the same content under another name) for this path."""
    if result.source_file != path:
        result.source_file = path
        if result.doc is not None:
            result.doc.document.source_file = path
        if result.error:
            result.error = path + result.error[result.error.index(":"):]
    return result


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


def choose_current(results: list[DocResult], store: CuratedStore) -> tuple[list[NormalizedDocument], list[str]]:
    """One document per plan: published beats scanned, then the newest copy; the others become alternates."""
    existing = store.read("documents")
    by_key: dict[str, list[tuple[tuple, NormalizedDocument | None, str, str]]] = {}
    for order, r in enumerate(x for x in results if x.doc):
        d = r.doc.document
        by_key.setdefault(d.plan_key, []).append(
            (_rank(d.source_kind, d.text_source, 1, order), r.doc, d.source_file, d.sha256))
    chosen, notes = [], []
    for key, cands in by_key.items():
        old = existing[existing["plan_key"] == key]
        alternates: set[tuple[str, str]] = set()
        for _, row in old.iterrows():
            alternates |= set(zip(row["alternates"], row["alternate_sha256"]))
            if row["doc_id"] not in {c[1].document.doc_id for c in cands}:
                cands.append((_rank(row["source_kind"], row["text_source"], 0, -1), None,
                              row["source_file"], row["sha256"]))
        cands.sort(key=lambda c: c[0], reverse=True)
        best, others = cands[0], cands[1:]
        if best[1] is None:   # the stored copy stays current; only its alternates change
            doc = store_document(store, old[old["sha256"] == best[3]].iloc[0]["doc_id"])
        else:
            doc = best[1]
        notes += [f"{c[2]}: same plan as {best[2]}; recorded as an alternate" for c in others if c[1] is not None]
        alternates |= {(c[2], c[3]) for c in others}
        alternates -= {(doc.document.source_file, doc.document.sha256)}
        pairs = sorted(alternates)
        doc.document.alternates = [a for a, _ in pairs]
        doc.document.alternate_sha256 = [b for _, b in pairs]
        chosen.append(doc)
    return chosen, notes


def _rank(source_kind: str, text_source: str, new: int, order: int) -> tuple:
    return (source_kind == "published", text_source == "text_layer", new, order)


def store_document(store: CuratedStore, doc_id: str) -> NormalizedDocument:
    """A stored plan back as a NormalizedDocument, so its alternates can be updated in the same commit."""
    from schemas.types import Correction, DocumentRecord, ProjectRecord

    def records(table, cls):
        df = store.read(table)
        df = df[df["doc_id"] == doc_id]
        names = cls.__dataclass_fields__
        return [cls(**{k: _py(v) for k, v in row.items() if k in names}) for row in df.to_dict("records")]
    doc = records("documents", DocumentRecord)[0]
    return NormalizedDocument(doc, records("projects", ProjectRecord), records("corrections", Correction))


def _py(v):
    if hasattr(v, "tolist"):
        return v.tolist()
    if hasattr(v, "isoformat"):
        return v.isoformat()[:10]
    try:
        return None if pd.isna(v) else v
    except (TypeError, ValueError):
        return v


@task(name="write-curated", retries=2, retry_delay_seconds=2)
def write_curated(results: list[DocResult], curated: str, origins: dict[str, str] | None = None) -> RunSummary:
    """Validate, quarantine what fails, and replace the chosen plans' rows in one atomic commit."""
    store = CuratedStore(Path(curated))
    origins = origins or {}
    lines: list[str] = []
    for r in results:
        lines += r.warnings
        if r.error:
            store.quarantine_file(r.source_file, r.sha256, r.error, PIPELINE_VERSION)
        if r.doc:
            r.doc.document.origin = origins.get(r.source_file, r.source_file)
    chosen, notes = choose_current(results, store)
    overrides, override_notes = store.read_overrides()
    lines += override_notes
    chosen += with_changed_overrides(store, overrides, {d.document.doc_id for d in chosen})
    for k, doc in enumerate(chosen):
        chosen[k], applied = apply_overrides(doc, overrides)
        lines += applied
    frames = {"documents": [], "projects": [], "corrections": []}
    projects = flags = 0
    for doc in chosen:
        d = doc.document
        ok = True
        parts = {}
        for table, recs in (("documents", [d]), ("projects", doc.projects), ("corrections", doc.corrections)):
            df = frame(table, recs)
            valid, report = validate(table, df)
            if len(report):
                store.quarantine_rows(table, d.doc_id, df, report)
                ok = ok and table != "documents"
                lines.append(f"{d.source_file}: {len(df) - len(valid)} {table} row(s) failed validation; "
                             f"see {Path(curated) / 'quarantine' / table / (d.doc_id + '.report.csv')}")
            parts[table] = valid
        if not ok:
            continue
        for table, df in parts.items():
            frames[table].append(df)
        n_flags = len(d.flags) + sum(len(p.flags) for p in doc.projects)
        projects += len(parts["projects"])
        flags += n_flags
        shown = ", ".join(d.flags) if d.flags else "none"
        lines.append(f"{d.source_file}: {len(parts['projects'])} projects, plan {d.plan_year} {d.program}, "
                     f"{n_flags} flags (document: {shown})")
    batch = Batch(*(pd.concat(frames[t], ignore_index=True) if frames[t] else frame(t, [])
                    for t in ("documents", "projects", "corrections")), replace_doc_ids=set())
    store.commit(batch)
    lines += notes
    rejected = [r for r in results if r.error]
    lines += [f"rejected {r.error}" for r in rejected]
    landed = len(results) - len(rejected)
    return RunSummary(lines, landed, len(rejected), projects, flags,
                      new=[r.source_file for r in results if r.doc], failed=[r.error for r in rejected])


def with_changed_overrides(store: CuratedStore, overrides: list, skip: set[str]) -> list[NormalizedDocument]:
    """Stored plans whose overrides in curated/overrides.csv differ from those applied to them."""
    docs, corr = store.read("documents"), store.read("corrections")
    keys = {o.plan_key for o in overrides}
    applied = set(corr.loc[corr["rule"] == "override", "doc_id"])
    out = []
    for _, row in docs[(docs["plan_key"].isin(keys) | docs["doc_id"].isin(applied))
                       & ~docs["doc_id"].isin(skip)].iterrows():
        doc = store_document(store, row["doc_id"])
        after, _ = apply_overrides(doc, overrides)
        if _override_rows(doc) != _override_rows(after):
            out.append(doc)
    return out


def _override_rows(doc: NormalizedDocument) -> list[tuple]:
    return sorted((c.project_id or "", c.field, c.corrected) for c in doc.corrections if c.rule == "override")


@task(name="known-documents")
def known_documents(curated: str) -> dict[str, str]:
    """sha256 → why it needs no work: already current or an alternate at this pipeline version, or rejected."""
    store = CuratedStore(Path(curated))
    docs = store.read("documents")
    known: dict[str, str] = {}
    for _, row in docs[docs["pipeline_version"] == PIPELINE_VERSION].iterrows():
        known[row["sha256"]] = "current"
        known.update({s: "alternate" for s in row["alternate_sha256"]})
    qdir = Path(curated) / "quarantine" / "files"
    for q in qdir.glob("*.json") if qdir.exists() else []:
        note = json.loads(q.read_text(encoding="utf-8"))
        if note.get("sha256") and note.get("pipeline_version") == PIPELINE_VERSION:
            known.setdefault(note["sha256"], "rejected")     # newer code gets another try
    return known


def write_run_summary(curated: str, summary: RunSummary, started: float) -> Path:
    """curated/_runs/<UTC time>.json: what this run did, for the operator and the archivist
    (with every printed line: pages read again by OCR, overrides not applied, rejections)."""
    runs = Path(curated) / "_runs"
    runs.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(started))
    out = runs / f"{stamp}-{time.time_ns() % 10**9:09d}.json"
    out.write_text(json.dumps({
        "started": stamp, "seconds": round(time.time() - started, 3), "new": summary.new,
        "unchanged": summary.unchanged, "failed": summary.failed, "projects_written": summary.projects,
        "flags_raised": summary.flags, "pipeline_version": PIPELINE_VERSION,
        "lines": summary.lines}, ensure_ascii=False, indent=1),
        encoding="utf-8")
    return out


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
        return ProcessPoolTaskRunner(max_workers=workers)
    from prefect.task_runners import ThreadPoolTaskRunner
    # extraction holds the GIL: more threads than cores only add contention
    return ThreadPoolTaskRunner(max_workers=max(workers, 1) if workers else (os.cpu_count() or 1))


@flow(name="ingest", log_prints=False, task_runner=task_runner())
def ingest(paths: list[str], curated: str = "curated", settings: Settings = Settings(),
           origins: dict[str, str] | None = None, force: bool = False, progress: bool = False) -> RunSummary:
    """Ingest plan PDFs (files or directories) into the curated dataset; unchanged documents are skipped."""
    started = time.time()
    files = [str(p) for p in discover(paths)]
    known = {} if force else known_documents(curated)
    todo, unchanged = [], 0
    for f in files:
        try:
            sha = sha256_file(Path(f))
        except OSError:
            sha = None
        if sha in known:
            unchanged += 1
        else:
            todo.append(f)
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
    summary.lines.append(
        f"total: {summary.landed} landed, {summary.rejected} rejected, {unchanged} unchanged, "
        f"{summary.projects} projects, {summary.flags} flags → {curated}")
    write_run_summary(curated, summary, started)
    return summary


def _progress(total: int, enabled: bool):
    """A progress bar on stderr for long runs (tqdm), or a silent stand-in."""
    from tqdm import tqdm
    return tqdm(total=total, unit="doc", file=sys.stderr, disable=not enabled or total == 0,
                desc="documents", leave=False)
