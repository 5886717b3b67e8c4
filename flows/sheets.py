"""The one writer of every CSV and XLSX the project writes for people (reports, exports, review sheets).

Values are stored as typed; only what is written here is made safe to open in Excel: text
beginning with = + - @, a tab or a carriage return gets a leading single quote (OWASP's advice
against CSV/formula injection), so no cell is ever run as a formula. CSV is UTF-8 with a BOM
(Excel on Chinese Windows reads it as UTF-8) with every text cell quoted; XLSX cells are
written as text, never as formulas.
"""
from __future__ import annotations

import csv
import datetime as dt
import math
import os
import re
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_CELL = 32_767                     # Excel's limit on characters in one cell
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")   # control characters XML cannot hold


class SheetError(ValueError):
    """A sheet asked for in a format this writer does not make."""


def neutralise(value):
    """A cell value safe for Excel: numbers, dates and empties as they are; text with a formula lead quoted."""
    if value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, dt.datetime):              # a date column read back from parquet: midnight → the date
        if value.tzinfo is not None:
            return value.isoformat()                # Excel has no time zones
        return value.date() if value.time() == dt.time() else value
    if value is None or isinstance(value, (bool, int, Decimal, dt.date)):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    text = value if isinstance(value, str) else _as_text(value)
    return "'" + text if text.startswith(FORMULA_LEADS) else text


def _as_text(value) -> str:
    """Lists and arrays (flags, source pages) as JSON-like text; anything else as str()."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(map(str, value)) + "]"
    return str(value)


def write_sheet(path: str | Path, frame: pd.DataFrame) -> Path:
    """Write `frame` to `path` (.csv or .xlsx by its suffix), formula-safe, replacing the file atomically."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise SheetError(f"{path}: a sheet is written as .csv or .xlsx, not {suffix or 'no suffix'!r}")
    header = [neutralise(str(c)) for c in frame.columns]
    rows = [[neutralise(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{os.getpid()}.tmp"
    try:
        (_write_csv if suffix == ".csv" else _write_xlsx)(tmp, header, rows)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _write_csv(path: Path, header: list, rows: list[list]) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
        w.writerow(header)
        w.writerows([_csv_cell(v) for v in row] for row in rows)


def _csv_cell(v):
    if v is None:
        return ""
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return float(v) if isinstance(v, Decimal) else v


def _write_xlsx(path: Path, header: list, rows: list[list]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet()

    def cells(values):
        out = []
        for v in values:
            if isinstance(v, str):
                cell = WriteOnlyCell(ws, value=_xlsx_text(v))
                cell.data_type = "s"          # text, even if it looks like a formula
            else:
                cell = WriteOnlyCell(ws, value=float(v) if isinstance(v, Decimal) else v)
            out.append(cell)
        return out
    ws.append(cells(header))
    for row in rows:
        ws.append(cells(row))
    wb.save(path)


def _xlsx_text(text: str) -> str:
    """Text an XLSX cell can hold: control characters shown as \\xNN, cut (visibly) at Excel's limit."""
    text = _XLSX_ILLEGAL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    if len(text) > XLSX_MAX_CELL:
        marker = f"…[cut: {len(text)} characters]"
        text = text[:XLSX_MAX_CELL - len(marker)] + marker
    return text
