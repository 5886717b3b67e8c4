"""The `ingest` Prefect flow: one task per document, then one atomic write of the curated dataset.

The flow only puts tasks in order; extraction, normalisation and validation are plain
functions in extractors/, normalizers/ and schemas/.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from prefect import flow, task, unmapped

from extractors.document import extract
from extractors.errors import ExtractionError
from flows.store import Batch, CuratedStore
from normalizers.records import NormalizedDocument, normalize
from schemas.models import frame, validate
from schemas.settings import Settings


@dataclass
class DocResult:
    """What one input became: a normalised plan, or the one-line reason it was rejected."""
    source_file: str
    doc: NormalizedDocument | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class RunSummary:
    lines: list[str]
    landed: int
    rejected: int
    projects: int
    flags: int

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
        parts = extract(path, settings=settings)
    except ExtractionError as exc:
        return DocResult(str(path), error=exc.line())
    except OSError as exc:
        return DocResult(str(path), error=f"{path}: cannot be read ({exc.strerror}); check the path and permissions")
    return DocResult(str(path), doc=normalize(parts, settings), warnings=parts.warnings)


@task(name="process-document", retries=2, retry_delay_seconds=1,
      retry_condition_fn=lambda task, run, state: isinstance(state.result(raise_on_failure=False), OSError))
def process_document(path: str, settings: Settings) -> DocResult:
    return process(Path(path), settings)


def choose_current(results: list[DocResult], store: CuratedStore) -> tuple[list[NormalizedDocument], list[str]]:
    """One document per plan: published beats scanned, then the newest copy; the others become alternates."""
    existing = store.read("documents")
    by_key: dict[str, list[tuple[tuple, NormalizedDocument | None, str]]] = {}
    for order, r in enumerate(x for x in results if x.doc):
        d = r.doc.document
        by_key.setdefault(d.plan_key, []).append((_rank(d.source_kind, d.text_source, 1, order), r.doc, d.source_file))
    chosen, notes = [], []
    for key, cands in by_key.items():
        old = existing[existing["plan_key"] == key]
        alternates: list[str] = []
        for _, row in old.iterrows():
            alternates += list(row["alternates"])
            if row["doc_id"] not in {c[1].document.doc_id for c in cands}:
                cands.append((_rank(row["source_kind"], row["text_source"], 0, -1), None, row["source_file"]))
        cands.sort(key=lambda c: c[0], reverse=True)
        best = cands[0]
        others = [c[2] for c in cands[1:]]
        if best[1] is None:   # the stored copy stays current; only its alternates change
            notes += [f"{c[2]}: same plan as {best[2]} (kept as current); recorded as an alternate" for c in cands[1:]]
            doc = store_document(store, old[old["source_file"] == best[2]].iloc[0]["doc_id"])
        else:
            doc = best[1]
            notes += [f"{o}: same plan as {doc.document.source_file}; recorded as an alternate" for o in others]
        doc.document.alternates = sorted(set(alternates + others) - {doc.document.source_file})
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
def write_curated(results: list[DocResult], curated: str) -> RunSummary:
    """Validate, quarantine what fails, and replace the chosen plans' rows in one atomic commit."""
    store = CuratedStore(Path(curated))
    lines: list[str] = []
    for r in results:
        lines += r.warnings
        if r.error:
            store.quarantine_file(r.source_file, None, r.error)
    chosen, notes = choose_current(results, store)
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
    lines.append(f"total: {landed} landed, {len(rejected)} rejected, {projects} projects, {flags} flags "
                 f"→ {curated}")
    return RunSummary(lines, landed, len(rejected), projects, flags)


@flow(name="ingest", log_prints=False)
def ingest(paths: list[str], curated: str = "curated", settings: Settings = Settings()) -> RunSummary:
    """Ingest plan PDFs (files or directories) into the curated dataset."""
    files = [str(p) for p in discover(paths)]
    futures = process_document.map(files, settings=unmapped(settings))
    results = [f.result() for f in futures]
    return write_curated(results, curated)
