"""`aidplans export`: the four tables of one commit as files for other tools.

- csv: one file per table, UTF-8 with BOM, through the formula-safe writer (flows/sheets.py);
- xlsx: one workbook, a sheet per table, header row frozen, columns as wide as their text,
  amounts as numbers with their unit in the header (`aid_funds_wan (万元)`), every text cell
  made safe by flows/sheets.py;
- parquet: one file per table (plan_year a column, not a folder);
- sqlite: one database, a table per table (stdlib sqlite3; sqlite-utils and Datasette read it).

List columns (flags, source_pages, alternates …) are JSON arrays in CSV, XLSX and SQLite
(`["shared_amount"]`, `[2, 8]`): `read_csv` below reads them back as lists, SQLite's
json_each() unnests them. Dates are ISO text (2023-02-07) there.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from pathlib import Path

import pyarrow as pa

from schemas.tables import COLUMNS

FORMATS = ("csv", "xlsx", "parquet", "sqlite")
DEFAULT_OUT = {"csv": "exports/csv", "xlsx": "exports/aidplans.xlsx", "parquet": "exports/parquet",
               "sqlite": "exports/aidplans.sqlite"}
MAX_WIDTH = 60            # characters a fitted XLSX column may take


class ExportError(RuntimeError):
    """The export cannot be written where asked (a folder where a file is wanted, permissions, disk)."""


def export(tables: dict[str, pa.Table], fmt: str, out: str | Path | None = None) -> list[Path]:
    """Write the tables in `fmt` to `out` (a folder for csv and parquet, a file otherwise); the files written."""
    out = Path(out or DEFAULT_OUT[fmt])
    folder = fmt in ("csv", "parquet")
    if folder and out.exists() and not out.is_dir() or not folder and out.is_dir():
        want = "a folder" if folder else "a file"
        raise ExportError(f"--out {out}: {fmt} is written to {want}, and {out} is "
                          f"{'a file' if folder else 'a folder'}; give another path")
    try:
        (out if folder else out.parent).mkdir(parents=True, exist_ok=True)
        return {"csv": _csv, "xlsx": _xlsx, "parquet": _parquet, "sqlite": _sqlite}[fmt](tables, out)
    except OSError as exc:
        raise ExportError(f"cannot write {out}: {exc.strerror or exc}; give --out a writable place "
                          f"with free space") from exc


def unit(table: str, name: str) -> str:
    return next((c.unit for c in COLUMNS.get(table, ()) if c.name == name), "")


def plain(table: pa.Table):
    """A pandas frame for a sheet or database: lists as JSON arrays, dates as ISO text."""
    frame = table.to_pandas()
    for f in table.schema:
        values = table.column(f.name).to_pylist()
        if pa.types.is_list(f.type):
            frame[f.name] = [None if v is None else json.dumps(v, ensure_ascii=False) for v in values]
        elif pa.types.is_date(f.type):
            frame[f.name] = [None if v is None else v.isoformat() for v in values]
    return frame


def _csv(tables: dict[str, pa.Table], out: Path) -> list[Path]:
    from flows.sheets import write_sheet
    return [write_sheet(out / f"{name}.csv", plain(t)) for name, t in tables.items()]


def read_csv(path: str | Path, table: str | None = None):
    """An exported CSV back as the frame it was written from (types from the column declaration)."""
    import pandas as pd
    table = table or Path(path).stem
    cols = {c.name: c for c in COLUMNS.get(table, ())}
    frame = pd.read_csv(path, encoding="utf-8-sig", keep_default_na=False, na_values=[""],
                        dtype={n: "Int64" if c.type == "int" and c.nullable else str
                               for n, c in cols.items() if c.type in ("int", "str")} | {
                            n: object for n, c in cols.items() if c.type.startswith("list") or c.type == "date"})
    for n, c in cols.items():
        if n in frame and c.type.startswith("list"):
            frame[n] = frame[n].map(lambda v: json.loads(v) if isinstance(v, str) else v)
        elif n in frame and c.type == "int" and not c.nullable:
            frame[n] = frame[n].astype("int64")
        elif n in frame and c.type == "date":
            frame[n] = frame[n].map(lambda v: dt.date.fromisoformat(v) if isinstance(v, str) else None)
    return frame


def _xlsx(tables: dict[str, pa.Table], out: Path) -> list[Path]:
    """A write-only workbook (rows streamed), each cell made safe by flows/sheets.py."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    from flows.sheets import _xlsx_text, neutralise
    wb = Workbook(write_only=True)
    for name, table in tables.items():
        ws = wb.create_sheet(name)
        frame = plain(table)
        header = [f"{c} ({unit(name, c)})" if unit(name, c) else c for c in frame.columns]
        rows = [header] + [[neutralise(v) for v in r] for r in frame.itertuples(index=False, name=None)]
        ws.freeze_panes = "A2"
        for i, col in enumerate(zip(*rows), start=1):
            ws.column_dimensions[get_column_letter(i)].width = min(MAX_WIDTH, 2 + max(_chars(v) for v in col))
        for row in rows:
            cells = []
            for v in row:
                cell = WriteOnlyCell(ws, value=_xlsx_text(v) if isinstance(v, str) else v)
                if isinstance(v, str):
                    cell.data_type = "s"          # text, even if it looks like a formula
                cells.append(cell)
            ws.append(cells)
    tmp = out.parent / f".{out.name}.{os.getpid()}.tmp"
    try:
        wb.save(tmp)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return [out]


def _chars(v) -> int:
    """Width of a value in an Excel column: wide (CJK) characters count two."""
    import unicodedata
    text = "" if v is None else str(v)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _parquet(tables: dict[str, pa.Table], out: Path) -> list[Path]:
    import pyarrow.parquet as pq
    written = []
    for name, table in tables.items():
        target = out / f"{name}.parquet"
        tmp = out / f".{name}.parquet.{os.getpid()}.tmp"
        try:
            pq.write_table(table, tmp, compression="zstd")
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
        written.append(target)
    return written


SQL_TYPES = {"int": "INTEGER", "float": "REAL"}


def _sqlite(tables: dict[str, pa.Table], out: Path) -> list[Path]:
    tmp = out.parent / f".{out.name}.{os.getpid()}.tmp"
    tmp.unlink(missing_ok=True)
    try:
        con = sqlite3.connect(tmp)
        try:
            for name, table in tables.items():
                types = {c.name: SQL_TYPES.get(c.type, "TEXT") for c in COLUMNS.get(name, ())}
                cols = ", ".join(f'"{c}" {types.get(c, "TEXT")}' for c in table.column_names)
                con.execute(f'CREATE TABLE "{name}" ({cols})')
                frame = plain(table).astype(object).where(lambda f: f.notna(), None)
                marks = ", ".join("?" for _ in table.column_names)
                con.executemany(f'INSERT INTO "{name}" VALUES ({marks})', frame.itertuples(index=False, name=None))
            con.commit()
        finally:
            con.close()
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return [out]
