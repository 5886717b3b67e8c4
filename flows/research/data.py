"""The curated dataset as arrow tables of one commit: every declared table (documents, projects,
corrections …; a snapshot taken under the store's commit lock) and quarantine (what was set aside,
and why; read from its notes after the snapshot)."""
from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa

from flows.store import CuratedStore
from schemas.tables import ARROW

TABLES = (*ARROW, "quarantine")             # every declared table (schemas/tables.py), and quarantine
QUARANTINE = pa.schema([("kind", pa.string()), ("name", pa.string()), ("sha256", pa.string()),
                        ("reason", pa.string()), ("note", pa.string())])


class DatasetError(RuntimeError):
    """There is no curated dataset at the folder given."""


def load(curated: str | Path) -> dict[str, pa.Table]:
    """The tables by name, columns in their declared order (schemas/tables.py)."""
    root = Path(curated)
    if not (root / "documents").is_dir():
        raise DatasetError(f"no curated dataset at {root} (no documents/ folder); run `aidplans run` first "
                           f"or give --curated the dataset's folder")
    snap = CuratedStore(root).snapshot()
    out = {t: pa.Table.from_pandas(getattr(snap, t)[ARROW[t].names], schema=ARROW[t], preserve_index=False)
           if hasattr(snap, t) else ARROW[t].empty_table() for t in ARROW}
    out["quarantine"] = quarantine(root)
    return out


def quarantine(root: Path) -> pa.Table:
    """One row per rejected file, failed download, or value that failed validation (kind: file,
    fetch, or the table), with the note it was read from (relative to the dataset)."""
    rows = []
    for note in sorted((root / "quarantine" / "files").glob("*.json")):
        d = _json(note)
        rows.append({"kind": "file", "name": d.get("source_file"), "sha256": d.get("sha256"),
                     "reason": d.get("reason"), "note": note.relative_to(root).as_posix()})
    for note in sorted((root / "quarantine" / "fetch").glob("*.json")):
        d = _json(note)
        rows.append({"kind": "fetch", "name": None, "sha256": None, "reason": d.get("problem"),
                     "note": note.relative_to(root).as_posix()})
    for table in ("documents", "projects", "corrections"):
        for report in sorted((root / "quarantine" / table).glob("*.report.csv")):
            rows += _report_rows(table, report, root)
    return pa.Table.from_pylist(rows, schema=QUARANTINE)


def _json(path: Path) -> dict:
    try:
        d = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return {"reason": f"unreadable note ({exc})"}
    return d if isinstance(d, dict) else {"reason": "unreadable note (not a JSON object)"}


def _report_rows(table: str, report: Path, root: Path) -> list[dict]:
    import csv
    doc_id = report.name.split(".", 1)[0]
    try:
        with open(report, encoding="utf-8-sig", newline="") as fh:
            lines = list(csv.DictReader(fh))
    except (OSError, csv.Error, UnicodeDecodeError) as exc:
        lines = [{"column": "", "check": f"unreadable report ({exc})"}]
    return [{"kind": table, "name": doc_id, "sha256": None,
             "reason": f"{r.get('column', '')}: {r.get('check', '')} failed for {r.get('failure_case', '')!s}"
                       f" ({r.get('action', '')})", "note": report.relative_to(root).as_posix()} for r in lines]
