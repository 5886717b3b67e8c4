"""The curated dataset on disk: hive-partitioned parquet, replaced atomically, plus quarantine.

Each partition is one file, `<table>/plan_year=<y>/part-0.parquet`. A commit runs under the
writer lock (flows/lock.py) in four steps, each safe to crash in:

1. `_journal.json` says `staging` and names every staged file (hidden `.part-0.parquet.*.tmp`
   beside its target; pyarrow, pandas and DuckDB globs skip hidden names);
2. the staged files are written and fsynced (a partition whose bytes would not change is not
   staged at all, so a commit that changes nothing writes nothing, not even a journal);
3. the journal says `committed`, with each staged file's SHA-256: this is the commit point;
4. under the exclusive commit lock the files are renamed into place, provenance and corrections
   first, then projects, documents last, and the journal is removed.

A crash before 3 is rolled back (the staged files the journal names are deleted); after 3 it
is rolled forward by the next writer. Recovery touches only what the journal names. A
`documents` row therefore never appears before its projects, and `snapshot()` readers, who
share the commit lock, see one commit whole even after a crash between two renames (they
read the journal's staged files in place of the targets not yet renamed). Plain globbing
readers can see a mixed state only during the renames themselves, or after a crash between
two renames until the next run.
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import signal
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.parquet as pq

from flows import lock
from schemas.tables import ARROW
from schemas.types import Override

if TYPE_CHECKING:                   # pandas is imported where rows are changed: a no-op run needs none
    import pandas as pd

TABLES = ("documents", "projects", "corrections", "provenance")
RENAME_ORDER = ("provenance", "corrections", "projects", "documents")
OVERRIDE_FILES = ("overrides.csv", "overrides.xlsx")
JOURNAL = "_journal.json"
PART = "part-0.parquet"
CRASH_HOOK = "AIDPLANS_CRASH_AFTER_RENAME"      # tests: SIGKILL this process right after the k-th rename


class StoreError(RuntimeError):
    """The dataset cannot be written (disk full, read-only, permissions): one line with advice."""


class JournalError(StoreError):
    """A committed journal names a staged file that is gone and whose data is not in place."""


@dataclass
class Batch:
    """Rows for a set of plans: replaces every row of `replace_doc_ids` and of the new documents
    (their provenance too: None stands for no provenance rows)."""
    documents: pd.DataFrame
    projects: pd.DataFrame
    corrections: pd.DataFrame
    replace_doc_ids: set[str]
    provenance: pd.DataFrame | None = None


@dataclass
class Snapshot:
    """The tables as of one commit."""
    documents: pd.DataFrame
    projects: pd.DataFrame
    corrections: pd.DataFrame
    provenance: pd.DataFrame


class CuratedStore:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.recovered: list[str] = []      # what `writing()` found to finish or discard

    # ---- reading -------------------------------------------------------------------
    def read(self, table: str) -> pd.DataFrame:
        """All rows of a table as the files stand (writers call this under the writer lock)."""
        return _read_parts(table, self._parts(table))

    def snapshot(self) -> Snapshot:
        """The tables of one commit, for readers (query, export, review): taken under the
        shared commit lock; a commit left half-renamed by a crash is read as finished."""
        with lock.commit_view(self.root, exclusive=False):
            pending = self._journal()
            tables = {}
            for table in TABLES:
                parts = self._parts(table)
                if pending and pending.get("state") == "committed":
                    for e in pending["entries"]:
                        t = self.root / e["target"]
                        if t.parent.parent.name != table:
                            continue
                        year = int(t.parent.name.split("=", 1)[1])
                        if e["staged"] is None:
                            parts.pop(year, None)
                        elif (self.root / e["staged"]).exists():
                            parts[year] = self.root / e["staged"]
                tables[table] = _read_parts(table, parts)
        return Snapshot(**tables)

    def rows(self, table: str, columns: list[str]) -> list[dict]:
        """Some columns of a table as plain rows (pyarrow only: cheap enough for a no-op run's checks)."""
        out = []
        for year, path in self._parts(table).items():
            names = [c for c in columns if c != "plan_year"]
            for row in pq.ParquetFile(path).read(columns=names).to_pylist():     # no pandas, no dataset
                out.append({**row, "plan_year": year})
        return out

    def _parts(self, table: str) -> dict[int, Path]:
        path = self.root / table
        if not path.is_dir():
            return {}
        return {int(p.parent.name.split("=", 1)[1]): p for p in sorted(path.glob(f"plan_year=*/{PART}"))}

    def read_overrides(self) -> tuple[list[Override], list[str]]:
        """curated/overrides.csv or .xlsx: the archivists' corrections, and one line per problem
        (flows/overrides_file.py: encodings, bad lines, unknown plans, conflicting duplicates)."""
        if not any((self.root / name).exists() for name in OVERRIDE_FILES):
            return [], []
        from flows.overrides_file import read_overrides   # here: a no-op run imports no pandas
        return read_overrides(self.root, self.read)

    # ---- writing -------------------------------------------------------------------
    @contextmanager
    def writing(self, wait: bool = True, note: str = ""):
        """Hold the writer lock, finishing or discarding a commit a crashed writer left behind."""
        if self.root.exists() and not self.root.is_dir():
            raise StoreError(f"{self.root} is a file, not a dataset folder; give --curated a folder "
                             f"(it is created if missing)")
        try:
            with lock.writer(self.root, wait=wait, note=note):
                try:
                    self.recovered = self.recover()
                except OSError as exc:
                    raise StoreError(f"cannot finish the commit a stopped run left in {self.root}: "
                                     f"{exc.strerror} ({_advice(exc)})") from exc
                yield self
        except lock.NotWritable as exc:
            raise StoreError(f"cannot write the dataset at {self.root} ({exc}); make it writable or "
                             f"give --curated another folder") from exc

    def commit(self, batch: Batch) -> dict[str, int]:
        """Replace the batch's documents (by doc_id and by plan_key) with its rows, atomically."""
        with self.writing():
            return self._commit(batch)

    def _commit(self, batch: Batch) -> dict[str, int]:
        import pandas as pd
        docs = self.read("documents")
        new_keys = set(batch.documents["plan_key"]) if len(batch.documents) else set()
        gone = set(batch.replace_doc_ids) | set(batch.documents["doc_id"]) | \
            set(docs.loc[docs["plan_key"].isin(new_keys), "doc_id"])
        touched = set(docs.loc[docs["doc_id"].isin(gone), "plan_year"]) | set(batch.documents["plan_year"])
        years_left = set(docs.loc[~docs["doc_id"].isin(gone), "plan_year"]) | set(batch.documents["plan_year"])
        plan: list[tuple[str, bytes | None]] = []
        counts = {}
        for table in RENAME_ORDER:
            old = self.read(table) if table != "documents" else docs
            new = getattr(batch, table)
            if new is None:
                new = old.iloc[0:0]
            keep = old[~old["doc_id"].isin(gone)]
            merged = pd.concat([keep, new], ignore_index=True) if len(new) else keep
            counts[table] = len(new)
            for year in sorted(int(y) for y in touched):
                target = self.root / table / f"plan_year={year}" / PART
                # every year with a document has a file in every table, empty or not
                data = _encode(table, merged[merged["plan_year"] == year]) if year in years_left else None
                if data is None and not target.exists() or data is not None and _same(target, data):
                    continue
                plan.append((target.relative_to(self.root).as_posix(), data))
        if plan:
            self._apply(plan)
        return counts

    def _apply(self, plan: list[tuple[str, bytes | None]]) -> None:
        """Stage, journal, rename (see the module docstring); any OSError before the commit point
        removes what was staged and leaves the dataset as it was."""
        tag = f"{os.getpid()}.{os.urandom(4).hex()}"
        entries = [{"target": t, "staged": _staged_name(t, tag) if data is not None else None, "sha256": None}
                   for t, data in plan]
        try:
            self._write_journal({"state": "staging", "entries": entries})
            for e, (_, data) in zip(entries, plan):
                if data is not None:
                    _write_durably(self.root / e["staged"], data)
                    e["sha256"] = hashlib.sha256(data).hexdigest()
            self._write_journal({"state": "committed", "entries": entries})
        except OSError as exc:
            self._discard(entries)
            raise StoreError(f"cannot write the dataset at {self.root}: {exc.strerror} "
                             f"({_advice(exc)}); nothing in the dataset was changed") from exc
        try:
            self._roll_forward(entries)
        except OSError as exc:
            raise StoreError(f"the commit to {self.root} was interrupted: {exc.strerror} ({_advice(exc)}); "
                             f"its journal {self.root / JOURNAL} is kept and the next run finishes it") from exc

    def recover(self) -> list[str]:
        """Finish a commit whose journal says `committed`; discard one still `staging`.
        Returns a line for the run's report when there was something to do."""
        if (self.root / (JOURNAL + ".tmp")).exists():
            (self.root / (JOURNAL + ".tmp")).unlink()
        journal = self._journal()
        if journal is None:
            return []
        entries = journal["entries"]
        if journal.get("state") != "committed":
            self._discard(entries)
            return [f"{self.root}: discarded a commit that a stopped run had not finished staging"]
        self._roll_forward(entries)
        return [f"{self.root}: finished a commit that a stopped run had left half done"]

    def _roll_forward(self, entries: list[dict]) -> None:
        crash_after = int(os.environ.get(CRASH_HOOK, "0") or 0)
        with lock.commit_view(self.root, exclusive=True):
            for e in entries:
                _check_entry(self.root, e)
            renamed = 0
            for e in entries:
                target = self.root / e["target"]
                if e["staged"] is None:
                    target.unlink(missing_ok=True)
                    _prune(target.parent)
                elif (self.root / e["staged"]).exists():
                    os.replace(self.root / e["staged"], target)
                    renamed += 1
                    if renamed == crash_after:
                        os.kill(os.getpid(), signal.SIGKILL)
            for folder in {(self.root / e["target"]).parent for e in entries if e["staged"]}:
                _fsync_dir(folder)
            (self.root / JOURNAL).unlink()
            _fsync_dir(self.root)

    def _discard(self, entries: list[dict]) -> None:
        """Remove what a commit staged, and its journal (best effort: a full disk still allows unlink)."""
        for path in [e["staged"] for e in entries if e["staged"]] + [JOURNAL + ".tmp", JOURNAL]:
            try:
                (self.root / path).unlink(missing_ok=True)
            except OSError:
                pass

    def _journal(self) -> dict | None:
        path = self.root / JOURNAL
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except NotADirectoryError:
            return None
        try:
            data = json.loads(text)
            if not isinstance(data.get("entries"), list):
                raise ValueError
            return data
        except (ValueError, AttributeError) as exc:
            raise JournalError(f"{path} cannot be read (not a journal this version wrote); move it aside "
                               f"and check the dataset's tables before running again") from exc

    def _write_journal(self, data: dict) -> None:
        tmp = self.root / (JOURNAL + ".tmp")
        _write_durably(tmp, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))
        os.replace(tmp, self.root / JOURNAL)
        _fsync_dir(self.root)

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
        """Rows with values that failed validation, with the pandera report beside them."""
        qdir = self.root / "quarantine" / table
        qdir.mkdir(parents=True, exist_ok=True)
        from flows.sheets import write_sheet              # formula-safe (OWASP) CSV, as every CSV written
        write_sheet(qdir / f"{doc_id}.rows.csv", rows.astype(str))
        return write_sheet(qdir / f"{doc_id}.report.csv", report.astype(str))


def _check_entry(root: Path, e: dict) -> None:
    """A staged file that is gone is fine only if its data already sits at the target."""
    if e["staged"] is None or (root / e["staged"]).exists():
        return
    target = root / e["target"]
    if e["sha256"] and target.exists() and hashlib.sha256(target.read_bytes()).hexdigest() == e["sha256"]:
        return
    raise JournalError(f"{root / JOURNAL}: the staged file {root / e['staged']} for {target} is missing and "
                       f"{target} does not hold its data, so the interrupted commit cannot be finished; "
                       f"restore the staged file, or move the journal aside to keep the tables as they are "
                       f"(then run again with --force)")


def _read_parts(table: str, parts: dict[int, Path]) -> pd.DataFrame:
    """Partition files (year → path) as one frame with plan_year last, as a hive reader gives it."""
    if not parts:
        return ARROW[table].empty_table().to_pandas()
    tables = []
    for year, path in sorted(parts.items()):
        t = pq.read_table(path)
        tables.append(t.append_column("plan_year", pa.array([year] * t.num_rows, pa.int64())))
    return pa.concat_tables(tables, promote_options="default").to_pandas()


def _encode(table: str, df: pd.DataFrame) -> bytes:
    """One partition's rows as parquet bytes, sorted so that equal rows give equal bytes."""
    key = "project_id" if table == "projects" else "doc_id"
    order = [key] if table not in ("corrections", "provenance") else ["doc_id", "project_id", "field"]
    df = df.sort_values(order, kind="stable").drop(columns=["plan_year"])
    schema = ARROW[table].remove(ARROW[table].get_field_index("plan_year")) \
        if "plan_year" in ARROW[table].names else ARROW[table]
    t = pa.Table.from_pandas(_for_arrow(df, schema), schema=schema, preserve_index=False)
    buf = pa.BufferOutputStream()
    pq.write_table(t, buf, compression="zstd")
    return buf.getvalue().to_pybytes()


def _same(target: Path, data: bytes) -> bool:
    try:
        return target.stat().st_size == len(data) and target.read_bytes() == data
    except OSError:
        return False


def _staged_name(target: str, tag: str) -> str:
    t = Path(target)
    return (t.parent / f".{t.name}.{tag}.tmp").as_posix()


def _write_durably(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _advice(exc: OSError) -> str:
    return {errno.ENOSPC: "the disk is full: free some space and run again",
            errno.EDQUOT: "the disk quota is used up: free some space and run again",
            errno.EROFS: "the file system is read-only: give --curated a writable folder",
            errno.EACCES: "permission denied: make the folder writable for this user",
            errno.EPERM: "permission denied: make the folder writable for this user"}.get(
        exc.errno, "check the folder and the disk, then run again")


def _for_arrow(df: pd.DataFrame, schema: pa.Schema) -> pd.DataFrame:
    """Pandas values arrow can take for the schema: NaN → None, ISO strings → dates."""
    import pandas as pd
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
    import pandas as pd
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _prune(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass
