"""Everything that decides what goes into curated/: which inputs need work, which copy of a plan
is current, what validation empties or sets aside, what is quarantined, the run's summary.

Plain functions over `CuratedStore` (flows/store.py owns the files, the journal and the locks);
the Prefect flows in flows/ingest.py only put them in order. Nothing here imports Prefect or
pandera at module level, so a run with nothing to do can decide so in a fraction of a second.

Which copy of a plan is current (`rank`): published beats scanned; then fewer review flags
(every flag except the descriptive `shared_amount`, `deadline_before_issue`, `new_category`);
then more projects; then the newer file: a copy read in this run is newer than one already in
the dataset, and within a run the later modification time of the file as the user gave it
wins (a backfilled file: its original's; equal times: the path that sorts last). The other
copies are listed in `documents.alternates`.
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from flows.raw import sha256_file
from flows.store import Batch, CuratedStore, StoreError
from schemas.version import pipeline_version

if TYPE_CHECKING:
    from normalizers.records import NormalizedDocument

DESCRIPTIVE_FLAGS = {"shared_amount", "deadline_before_issue", "new_category"}


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
    error: str | None = None            # the dataset could not be written (disk full, read-only …)

    @property
    def exit_code(self) -> int:
        return 2 if self.error else 1 if self.rejected else 0


# ---- what needs work ---------------------------------------------------------------
def known_shas(curated: str) -> dict[str, str]:
    """sha256 → why it needs no work: current or an alternate at this pipeline version, or rejected."""
    store, version = CuratedStore(Path(curated)), pipeline_version()
    known: dict[str, str] = {}
    for row in store.rows("documents", ["sha256", "alternate_sha256", "pipeline_version"]):
        if row["pipeline_version"] == version:
            known[row["sha256"]] = "current"
            known.update({s: "alternate" for s in row["alternate_sha256"] or [] if s not in known})
    qdir = Path(curated) / "quarantine" / "files"
    for q in qdir.glob("*.json") if qdir.is_dir() else []:
        try:
            note = json.loads(q.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if note.get("sha256") and note.get("pipeline_version") == version:
            known.setdefault(note["sha256"], "rejected")     # newer code gets another try
    return known


def discover(paths: list[str]) -> list[Path]:
    """PDF files named or found under the given paths, sorted; other files under a directory are skipped."""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found += sorted(q for q in p.rglob("*") if q.is_file() and q.suffix.lower() == ".pdf")
        else:
            found.append(p)
    return list(dict.fromkeys(found))


def split_known(files: list[str], known: dict[str, str]) -> tuple[list[str], int]:
    """(files that need work, how many are unchanged). An unreadable file needs work: it is rejected."""
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
    return todo, unchanged


def overrides_pending(curated: str) -> tuple[bool, list[str]]:
    """Whether the overrides file differs from the overrides applied to the stored plans, and its
    notes (bad lines, unknown plans)."""
    store = CuratedStore(Path(curated))
    overrides, notes = store.read_overrides()
    if not overrides and not any(r["rule"] == "override" for r in store.rows("corrections", ["rule"])):
        return False, notes
    return bool(with_changed_overrides(store, overrides, set(), notes)), notes


def noop_summary(files: list[str], curated: str, started: float) -> RunSummary | None:
    """The summary of a run over `files` that has nothing to do, or None when there is work.
    Reads only: decided before Prefect starts."""
    todo, unchanged = split_known(files, known_shas(curated))
    if todo:
        return None
    pending, notes = overrides_pending(curated)
    if pending:
        return None
    summary = RunSummary(list(notes), 0, 0, 0, 0, unchanged=unchanged)
    summary.lines.append(total_line(summary, curated))
    return summary


def total_line(s: RunSummary, curated: str) -> str:
    return (f"total: {s.landed} landed, {s.rejected} rejected, {s.unchanged} unchanged, "
            f"{s.projects} projects, {s.flags} flags → {curated}")


# ---- which copy is current -----------------------------------------------------------
def review_flags(doc_flags, project_flags) -> int:
    """Flags that cast doubt on a reading (not the descriptive ones every copy shares)."""
    return sum(1 for f in list(doc_flags) + [f for fl in project_flags for f in fl]
               if f.split(":", 1)[0] not in DESCRIPTIVE_FLAGS)


def rank(source_kind: str, n_review_flags: int, n_projects: int, in_run: bool, mtime: float, path: str) -> tuple:
    """Sort key of a copy: the highest is current (see the module docstring)."""
    return (source_kind == "published", -n_review_flags, n_projects, in_run, mtime, path)


def _why(best: tuple, other: tuple) -> str:
    if best[0] != other[0]:
        return "published beats scanned"
    if best[1] != other[1]:
        return f"fewer review flags ({-best[1]} vs {-other[1]})"
    if best[2] != other[2]:
        return f"more projects ({best[2]} vs {other[2]})"
    return "the newer file"


def choose_current(results: list[DocResult], store: CuratedStore,
                   label=lambda p: p) -> tuple[list[NormalizedDocument], list[str]]:
    """One document per plan by `rank`; the others become alternates. Identical files are kept once."""
    existing, stored_projects = store.read("documents"), store.read("projects")
    by_key: dict[str, list] = {}
    first_of: dict[str, str] = {}
    notes: list[str] = []
    for r in (x for x in results if x.doc):
        d = r.doc.document
        if d.sha256 in first_of:
            notes.append(f"{label(d.source_file)}: same content as {label(first_of[d.sha256])}; kept once")
            continue
        first_of[d.sha256] = d.source_file
        key = rank(d.source_kind, review_flags(d.flags, [p.flags for p in r.doc.projects]), len(r.doc.projects),
                   True, _mtime(label(d.source_file)), d.source_file)
        by_key.setdefault(d.plan_key, []).append((key, r.doc, d.source_file, d.sha256))
    chosen = []
    for plan_key, cands in by_key.items():
        old = existing[existing["plan_key"] == plan_key]
        alternates: set[tuple[str, str]] = set()
        for _, row in old.iterrows():
            alternates |= set(zip(row["alternates"], row["alternate_sha256"]))
            if row["sha256"] not in first_of:
                projs = stored_projects[stored_projects["doc_id"] == row["doc_id"]]
                key = rank(row["source_kind"], review_flags(row["flags"], projs["flags"]), len(projs),
                           False, 0.0, row["source_file"])
                cands.append((key, None, row["source_file"], row["sha256"]))
        cands.sort(key=lambda c: c[0], reverse=True)
        best, others = cands[0], cands[1:]
        doc = best[1] if best[1] is not None else \
            store_document(store, old[old["sha256"] == best[3]].iloc[0]["doc_id"])
        notes += [f"{label(c[2])}: same plan as {label(best[2])} ({_why(best[0], c[0])}); recorded as an alternate"
                  for c in others if c[1] is not None]
        stored = [c for c in others if c[1] is None]
        if best[1] is not None and stored:
            was = old[old["sha256"] == stored[0][3]].iloc[0]
            notes.append(f"{label(best[2])}: replaces {was['origin'] or was['source_file']} as the current copy "
                         f"of its plan ({_why(best[0], stored[0][0])})")
        alternates |= {(c[2], c[3]) for c in others}
        alternates = {(a, s) for a, s in alternates if s != doc.document.sha256}
        pairs = sorted(alternates)
        doc.document.alternates = [a for a, _ in pairs]
        doc.document.alternate_sha256 = [b for _, b in pairs]
        chosen.append(doc)
    return chosen, notes


def _mtime(path: str) -> float:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return 0.0


# ---- stored plans back as records ----------------------------------------------------
def store_document(store: CuratedStore, doc_id: str) -> NormalizedDocument:
    """A stored plan back as a NormalizedDocument, so its alternates or overrides can change in a commit."""
    from normalizers.provenance import Provenance
    from normalizers.records import NormalizedDocument
    from schemas.types import Correction, DocumentRecord, ProjectRecord

    def records(table, cls):
        df = store.read(table)
        df = df[df["doc_id"] == doc_id]
        names = cls.__dataclass_fields__
        return [cls(**{k: _py(v) for k, v in row.items() if k in names}) for row in df.to_dict("records")]
    doc = records("documents", DocumentRecord)[0]
    return NormalizedDocument(doc, records("projects", ProjectRecord), records("corrections", Correction),
                              records("provenance", Provenance))


def _py(v):
    import pandas as pd
    if hasattr(v, "tolist"):
        return v.tolist()
    if hasattr(v, "isoformat"):
        return v.isoformat()[:10]
    try:
        return None if pd.isna(v) else v
    except (TypeError, ValueError):
        return v


def with_changed_overrides(store: CuratedStore, overrides: list, skip: set[str],
                           notes: list[str] | None = None) -> list[NormalizedDocument]:
    """Stored plans whose overrides in curated/overrides.csv differ from those applied to them;
    `notes` gets the lines of overrides that cannot be applied (a run with nothing to do says them too)."""
    from normalizers.overrides import apply_overrides
    docs, corr = store.read("documents"), store.read("corrections")
    keys = {o.plan_key for o in overrides}
    applied = set(corr.loc[corr["rule"] == "override", "doc_id"])
    out = []
    for _, row in docs[(docs["plan_key"].isin(keys) | docs["doc_id"].isin(applied))
                       & ~docs["doc_id"].isin(skip)].iterrows():
        doc = store_document(store, row["doc_id"])
        after, problems = apply_overrides(doc, overrides)
        if notes is not None:
            notes += problems
        if _override_rows(doc) != _override_rows(after) or _flag_rows(doc) != _flag_rows(after):
            out.append(doc)
    return out


def _flag_rows(doc: NormalizedDocument) -> list[tuple]:
    """The plan's flags, so an accept decision that takes one off is a change to commit."""
    return [tuple(doc.document.flags)] + [tuple(p.flags) for p in doc.projects]


def _override_rows(doc: NormalizedDocument) -> list[tuple]:
    return sorted((c.project_id or "", c.field, c.corrected) for c in doc.corrections if c.rule == "override")


# ---- the commit ----------------------------------------------------------------------
def relabel(line: str, path: str, label: str) -> str:
    """A message about `path` (the stored copy) naming the file as the user gave it."""
    return label + line[len(path):] if path != label and line.startswith(path) else line


def curate(results: list[DocResult], curated: str, origins: dict[str, str] | None = None) -> RunSummary:
    """Choose, validate, quarantine what fails, and replace the chosen plans' rows in one atomic commit.
    An environment error (disk full, read-only …) comes back as `RunSummary.error`, one line."""
    origins = origins or {}
    store = CuratedStore(Path(curated))
    try:
        with store.writing():
            return _curate(results, store, origins)
    except StoreError as exc:
        return RunSummary([], 0, len([r for r in results if r.error]), 0, 0, error=str(exc),
                          failed=[r.error for r in results if r.error])


def _curate(results: list[DocResult], store: CuratedStore, origins: dict[str, str]) -> RunSummary:
    import pandas as pd
    from normalizers.overrides import apply_overrides
    from schemas.models import frame
    label = lambda p: origins.get(p, p)      # noqa: E731
    lines: list[str] = []
    for r in results:
        lines += [relabel(w, r.source_file, label(r.source_file)) for w in r.warnings]
        if r.doc:
            r.doc.document.origin = label(r.source_file)
    chosen, notes = choose_current(results, store, label)
    overrides, override_notes = store.read_overrides()
    lines += override_notes
    chosen += with_changed_overrides(store, overrides, {d.document.doc_id for d in chosen})
    for k, doc in enumerate(chosen):
        chosen[k], applied = apply_overrides(doc, overrides)
        lines += applied
    frames: dict[str, list] = {"documents": [], "projects": [], "corrections": [], "provenance": []}
    projects = flags = 0
    for doc in chosen:
        parts, problems = validated(store, doc, label(doc.document.source_file))
        lines += problems
        if parts is None:
            continue
        for table, df in parts.items():
            frames[table].append(df)
        d = parts["documents"].iloc[0]
        n_flags = len(d["flags"]) + sum(len(f) for f in parts["projects"]["flags"])
        projects += len(parts["projects"])
        flags += n_flags
        shown = ", ".join(d["flags"]) if len(d["flags"]) else "none"
        lines.append(f"{label(doc.document.source_file)}: {len(parts['projects'])} projects, plan "
                     f"{doc.document.plan_year} {doc.document.program}, {n_flags} flags (document: {shown})")
    tables = {t: pd.concat(frames[t], ignore_index=True) if frames[t] else frame(t, []) for t in frames}
    batch = Batch(**tables, replace_doc_ids=set())
    store.commit(batch)
    rejected = [r for r in results if r.error]
    failed = [relabel(r.error, r.source_file, label(r.source_file)) for r in rejected]
    try:
        for r, line in zip(rejected, failed):
            store.quarantine_file(label(r.source_file), r.sha256, line, pipeline_version())
    except OSError as exc:
        raise StoreError(f"cannot write a quarantine note in {store.root / 'quarantine'}: {exc.strerror}; "
                         f"the plans landed, the rejected files will be tried again next run") from exc
    lines += notes + [f"rejected {line}" for line in failed]
    return RunSummary(lines, len(results) - len(rejected), len(rejected), projects, flags,
                      new=[label(r.source_file) for r in results if r.doc], failed=failed)


def validated(store: CuratedStore, doc: NormalizedDocument, name: str):
    """The plan's frames (documents, projects, corrections, provenance) after validation, and a line per table with failing values.
    None when the document row itself cannot stand (its key failed): the plan is quarantined."""
    from schemas.models import frame, validate
    d = doc.document
    parts, lines = {}, []
    for table, recs in (("documents", [d]), ("projects", doc.projects), ("corrections", doc.corrections),
                        ("provenance", doc.provenance)):
        df = frame(table, recs)
        valid, report = validate(table, df)
        if len(report):
            store.quarantine_rows(table, d.doc_id, df, report)
            where = store.root / "quarantine" / table / f"{d.doc_id}.report.csv"
            emptied = sorted(set(report.loc[report["action"] != "row set aside", "column"].dropna()))
            aside = len(df) - len(valid)
            what = ([f"{', '.join(emptied)} emptied and flagged invalid"] if emptied else []) + \
                ([f"{aside} row(s) set aside"] if aside else [])
            lines.append(f"{name}: {table} failed validation: {'; '.join(what)}; see {where}")
        parts[table] = valid
    if parts["documents"].empty:
        lines.append(f"{name}: the plan was not landed: its document row has no valid key")
        return None, lines
    return parts, lines


def write_run_summary(curated: str, summary: RunSummary, started: float) -> Path | None:
    """curated/_runs/<UTC time>.json: what this run did, for the operator and the archivist
    (with every printed line). A dataset that cannot take it (read-only) gets a line instead."""
    runs = Path(curated) / "_runs"
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(started))
    out = runs / f"{stamp}-{time.time_ns() % 10**9:09d}.json"
    try:
        runs.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({
            "started": stamp, "seconds": round(time.time() - started, 3), "new": summary.new,
            "unchanged": summary.unchanged, "failed": summary.failed, "projects_written": summary.projects,
            "flags_raised": summary.flags, "pipeline_version": pipeline_version(), "error": summary.error,
            "lines": summary.lines}, ensure_ascii=False, indent=1), encoding="utf-8")
    except OSError as exc:
        summary.lines.append(f"note: run summary not written to {runs} ({exc.strerror})")
        return None
    return out


def rebind(result: DocResult, path: str) -> DocResult:
    """A result (perhaps cached from the same content under another name) for this path, as a copy."""
    if result.source_file == path:
        return result
    doc = result.doc
    if doc is not None:      # the document's path and its provenance row (the pipeline's reading of it)
        doc = replace(doc, document=replace(doc.document, source_file=path),
                      provenance=[replace(p, text=path) if p.field == "source_file" and p.project_id is None else p
                                  for p in doc.provenance])
    return replace(result, source_file=path, doc=doc,
                   error=relabel(result.error, result.source_file, path) if result.error else None,
                   warnings=[relabel(w, result.source_file, path) for w in result.warnings])


def backfill_line(s: RunSummary, files: int, distinct: int, curated: str) -> str:
    return (f"backfill: {files} files, {distinct} distinct, {s.unchanged} already in, {s.landed} landed, "
            f"{s.rejected} rejected, {s.projects} projects → {curated}")
