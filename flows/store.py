"""The curated dataset on disk: hive-partitioned parquet, replaced atomically, plus quarantine.

Each partition is one file, `<table>/plan_year=<y>/part-0.parquet`. A commit writes every
new file beside its target under a hidden name, records the renames in `_journal.json`,
then renames: a crash leaves either the old dataset or a journal that the next open
finishes. Readers never see a half-written file (hidden names are skipped by pyarrow,
pandas and DuckDB globs alike).
"""
from __future__ import annotations

import csv
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from schemas.models import ARROW
from schemas.types import Override

TABLES = ("documents", "projects", "corrections")
OVERRIDES = "overrides.csv"
JOURNAL = "_journal.json"
PART = "part-0.parquet"


@dataclass
class Batch:
    """Rows for a set of plans: replaces every row of `replace_doc_ids` and of the new documents."""
    documents: pd.DataFrame
    projects: pd.DataFrame
    corrections: pd.DataFrame
    replace_doc_ids: set[str]


class CuratedStore:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.recover()

    # ---- reading -------------------------------------------------------------------
    def read(self, table: str) -> pd.DataFrame:
        """All rows of a table (empty frame with the contract's columns when none yet)."""
        path = self.root / table
        files = sorted(path.glob(f"plan_year=*/{PART}")) if path.exists() else []
        if not files:
            return ARROW[table].empty_table().to_pandas()
        part = ds.partitioning(pa.schema([("plan_year", pa.int64())]), flavor="hive")
        return ds.dataset(str(path), format="parquet", partitioning=part).to_table().to_pandas()

    def read_overrides(self) -> tuple[list[Override], list[str]]:
        """curated/overrides.csv (plan_key, seq, field, value, note): the archivists' corrections,
        and a note for each line that cannot be read."""
        path = self.root / OVERRIDES
        if not path.exists():
            return [], []
        out, notes = [], []
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = {"plan_key", "seq", "field", "value"} - set(reader.fieldnames or [])
            if missing:
                return [], [f"{path}: no column {', '.join(sorted(missing))}; expected plan_key,seq,field,value,note"]
            for n, row in enumerate(reader, start=2):
                seq = (row.get("seq") or "").strip()
                if seq and not seq.isdigit():
                    notes.append(f"{path} line {n}: seq must be a project's number or empty, got {seq!r}")
                    continue
                out.append(Override((row["plan_key"] or "").strip(), int(seq) if seq else None,
                                    (row["field"] or "").strip(), row["value"] or "", row.get("note") or "", n))
        return out, notes

    # ---- writing -------------------------------------------------------------------
    def commit(self, batch: Batch) -> dict[str, int]:
        """Replace the batch's documents (by doc_id and by plan_key) with its rows, atomically."""
        docs = self.read("documents")
        new_keys = set(batch.documents["plan_key"]) if len(batch.documents) else set()
        gone = set(batch.replace_doc_ids) | set(batch.documents["doc_id"]) | \
            set(docs.loc[docs["plan_key"].isin(new_keys), "doc_id"])
        plan = {}
        counts = {}
        touched = set(docs.loc[docs["doc_id"].isin(gone), "plan_year"]) | set(batch.documents["plan_year"])
        years_left = set(docs.loc[~docs["doc_id"].isin(gone), "plan_year"]) | set(batch.documents["plan_year"])
        for table in TABLES:
            old = self.read(table) if table != "documents" else docs
            new = getattr(batch, table)
            keep = old[~old["doc_id"].isin(gone)]
            merged = pd.concat([keep, new], ignore_index=True) if len(new) else keep
            counts[table] = len(new)
            for year in sorted(int(y) for y in touched):
                part = merged[merged["plan_year"] == year]
                target = self.root / table / f"plan_year={year}" / PART
                # every year with a document has a file in every table, empty or not
                plan[str(target)] = self._stage(table, part, target) if year in years_left else None
        self._apply(plan)
        return counts

    def _stage(self, table: str, df: pd.DataFrame, target: Path) -> str:
        key = "project_id" if table == "projects" else "doc_id"
        order = [key] if table != "corrections" else ["doc_id", "project_id", "field"]
        df = df.sort_values(order, kind="stable").drop(columns=["plan_year"])
        schema = ARROW[table].remove(ARROW[table].get_field_index("plan_year")) \
            if "plan_year" in ARROW[table].names else ARROW[table]
        t = pa.Table.from_pandas(_for_arrow(df, schema), schema=schema, preserve_index=False)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.parent / f".{target.name}.{os.getpid()}.{time.monotonic_ns()}.tmp"
        pq.write_table(t, tmp, compression="zstd")
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        return str(tmp)

    def _apply(self, plan: dict[str, str | None]) -> None:
        journal = self.root / JOURNAL
        tmp = journal.with_suffix(".tmp")
        tmp.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, journal)
        self.recover()

    def recover(self) -> None:
        """Finish a commit whose journal survived a crash; drop staging files of one that did not."""
        journal = self.root / JOURNAL
        if journal.exists():
            plan = json.loads(journal.read_text(encoding="utf-8"))
            for target, staged in plan.items():
                t = Path(target)
                if staged is None:
                    if t.exists():
                        t.unlink()
                    _prune(t.parent)
                elif Path(staged).exists():
                    os.replace(staged, t)
            journal.unlink()
        for stale in self.root.glob("*/plan_year=*/.*.tmp"):
            stale.unlink()

    # ---- quarantine ----------------------------------------------------------------
    def quarantine_file(self, source: str, sha256: str | None, reason: str, pipeline_version: str = "") -> Path:
        """Record a rejected input (the file itself stays where it is)."""
        qdir = self.root / "quarantine" / "files"
        qdir.mkdir(parents=True, exist_ok=True)
        name = (sha256 or "nohash")[:16] + "_" + Path(source).name + ".json"
        out = qdir / name
        out.write_text(json.dumps({"source_file": source, "sha256": sha256, "reason": reason,
                                   "pipeline_version": pipeline_version},
                                  ensure_ascii=False, indent=1), encoding="utf-8")
        return out

    def quarantine_rows(self, table: str, doc_id: str, rows: pd.DataFrame, report: pd.DataFrame) -> Path:
        """Rows that failed validation, with the pandera report beside them."""
        qdir = self.root / "quarantine" / table
        qdir.mkdir(parents=True, exist_ok=True)
        rows.astype(str).to_csv(qdir / f"{doc_id}.rows.csv", index=False)
        out = qdir / f"{doc_id}.report.csv"
        report.astype(str).to_csv(out, index=False)
        return out


def _for_arrow(df: pd.DataFrame, schema: pa.Schema) -> pd.DataFrame:
    """Pandas values arrow can take for the schema: NaN → None, ISO strings → dates."""
    out = df.copy()
    for f in schema:
        col = out[f.name]
        if pa.types.is_date32(f.type):
            out[f.name] = pd.to_datetime(col, errors="coerce").dt.date
        elif pa.types.is_list(f.type):
            out[f.name] = col.map(lambda v: list(v) if v is not None and not _isna(v) else [])
        elif pa.types.is_integer(f.type):
            out[f.name] = col.map(lambda v: None if _isna(v) else int(v)).astype(object)
        else:
            out[f.name] = col.map(lambda v: None if _isna(v) else v).astype(object)
    return out


def _isna(v) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _prune(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass
