"""Reading the archivists' overrides file: curated/overrides.csv or curated/overrides.xlsx.

A CSV may be UTF-8 (with or without the BOM Excel writes) or GB18030/GBK (what Excel on
Chinese Windows saves as "CSV"); the encoding is detected and said. A bad line is reported
and skipped, never fatal. When the whole file cannot be read (undecodable, too large, no
header, a broken workbook), the overrides already applied are kept as they are, so a bad
save never silently undoes the archive's corrections.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Callable

import pandas as pd

from normalizers.overrides import check_overrides
from schemas.settings import Settings
from schemas.types import Override

CSV_NAME, XLSX_NAME = "overrides.csv", "overrides.xlsx"
COLUMNS = ("plan_key", "seq", "field", "value", "note", "decision", "reviewer", "date")
REQUIRED = ("plan_key", "seq", "field", "value")
DECISIONS = ("", "override", "accept")     # empty: the value is an override (as before decisions existed)

Rows = list[tuple[int, dict[str, str]]]       # (line or row number, cells by column)


class OverridesFileError(ValueError):
    """The overrides file as a whole cannot be read; the message names it and says what to do."""


def read_overrides(root: Path, read_table: Callable[[str], pd.DataFrame] | None = None,
                   settings: Settings = Settings()) -> tuple[list[Override], list[str]]:
    """The overrides to apply and one line per problem. `read_table` (CuratedStore.read) lets plan keys
    be checked against the dataset and the applied overrides be kept when the file cannot be read."""
    root = Path(root)
    csv_path, xlsx_path = root / CSV_NAME, root / XLSX_NAME
    notes: list[str] = []
    if csv_path.exists() and xlsx_path.exists():
        notes.append(f"{xlsx_path}: ignored, {csv_path} is read; keep only one overrides file")
    path = csv_path if csv_path.exists() else xlsx_path if xlsx_path.exists() else None
    if path is None:
        return [], notes
    unit = "line" if path.suffix == ".csv" else "row"
    try:
        rows, read_notes = (_csv_rows if path.suffix == ".csv" else _xlsx_rows)(path, settings)
    except OverridesFileError as exc:
        kept = applied_overrides(read_table) if read_table else []
        return kept, notes + [f"{exc}; the {len(kept)} overrides already applied are kept as they are"]
    overrides, row_notes = _overrides(rows, f"{path} {unit}")
    plan_keys = set(read_table("documents")["plan_key"]) if read_table else None
    checked, check_notes = check_overrides(overrides, plan_keys, settings.max_override_chars, f"{path} {unit}")
    return checked, notes + read_notes + row_notes + check_notes


def applied_overrides(read_table: Callable[[str], pd.DataFrame]) -> list[Override]:
    """The overrides the dataset carries now (its `override` corrections), as overrides to re-apply."""
    docs, corr = read_table("documents"), read_table("corrections")
    key_of = dict(zip(docs["doc_id"], docs["plan_key"]))
    out = []
    for c in corr[corr["rule"] == "override"].itertuples(index=False):
        seq = None if c.project_id is None or pd.isna(c.project_id) else int(str(c.project_id).rsplit("-", 1)[1])
        if c.doc_id in key_of:
            out.append(Override(key_of[c.doc_id], seq, c.field, c.corrected or "", "kept", 0))
    return out


def decode(data: bytes, path: Path) -> tuple[str, str]:
    """The file's text and the encoding it was read in: UTF-8 (BOM or not), else GB18030 (GBK)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise OverridesFileError(f"{path}: saved as UTF-16 (Excel's 'Unicode Text'); save it as 'CSV UTF-8'")
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "GB18030"
    except UnicodeDecodeError as exc:
        raise OverridesFileError(f"{path}: neither UTF-8 nor GB18030/GBK text (byte {exc.start}); "
                                 f"save it from Excel as 'CSV UTF-8'") from exc


def _read_bytes(path: Path, settings: Settings) -> bytes:
    try:
        size = path.stat().st_size
        if size > settings.max_overrides_bytes:
            raise OverridesFileError(f"{path}: {size} bytes, over Settings.max_overrides_bytes "
                                     f"({settings.max_overrides_bytes}); is it the right file?")
        return path.read_bytes()
    except OSError as exc:
        raise OverridesFileError(f"{path}: cannot be read ({exc.strerror}); check its permissions") from exc


def _csv_rows(path: Path, settings: Settings) -> tuple[Rows, list[str]]:
    text, encoding = decode(_read_bytes(path, settings), path)
    notes = [] if encoding == "UTF-8" else [
        f"{path}: read as {encoding} (GBK, as Excel on Chinese Windows saves CSV); 'CSV UTF-8' avoids the guess"]
    # a value may be as long as the file (the size is capped above); raising the limit is process-wide but
    # only ever upwards, so no other reader is affected
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        columns = _columns(header, path)
        rows, start = [], reader.line_num + 1
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(columns):
                extra = [c for c in cells[len(columns):] if c.strip()]
                if extra:
                    notes.append(f"{path} line {line}: {len(cells)} cells for {len(columns)} columns (a value with "
                                 f"a comma must be in double quotes); not applied")
                    continue
            rows.append((line, {c: v for c, v in zip(columns, cells) if c}))
    except csv.Error as exc:
        raise OverridesFileError(f"{path} line {reader.line_num}: not readable as CSV ({exc}); "
                                 f"save it from Excel as 'CSV UTF-8'") from exc
    return rows, notes


def _columns(header: list | None, path: Path) -> list[str]:
    """The header's known column names by position ('' for any other column)."""
    names = [str(h or "").strip().lower() for h in (header or [])]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise OverridesFileError(f"{path}: no column {', '.join(missing)} in the first line; "
                                 f"it must be {','.join(COLUMNS[:5])} (and optionally {','.join(COLUMNS[5:])})")
    return [n if n in COLUMNS else "" for n in names]


def _xlsx_rows(path: Path, settings: Settings) -> tuple[Rows, list[str]]:
    from openpyxl import load_workbook
    _read_bytes(path, settings)                                  # size and permission checks
    try:
        wb = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:                                     # openpyxl raises many kinds for a bad file
        raise OverridesFileError(f"{path}: not a readable Excel workbook ({type(exc).__name__}); "
                                 f"save it again from Excel as .xlsx, or as 'CSV UTF-8'") from exc
    try:
        ws = wb.worksheets[0]
        it = ws.iter_rows()
        columns = _columns([c.value for c in next(it, ())], path)
        rows, notes = [], []
        for n, row in enumerate(it, start=2):
            cells = {c: _cell_text(cell.value) for c, cell in zip(columns, row) if c}
            if not any(v.strip() for v in cells.values()):
                continue
            if any(cell.data_type == "f" for cell in row):
                notes.append(f"{path} row {n}: a cell is an Excel formula; its text is taken as typed, not its result")
            rows.append((n, cells))
    finally:
        wb.close()
    return rows, notes


def _cell_text(v) -> str:
    """A workbook cell as the text the archivist typed: whole numbers without '.0', dates as ISO."""
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def _overrides(rows: Rows, label: str) -> tuple[list[Override], list[str]]:
    out, notes = [], []
    for line, cells in rows:
        seq = cells.get("seq", "").strip()
        if seq and not (seq.isascii() and seq.isdigit()):
            notes.append(f"{label} {line}: seq must be a project's number or empty, got {seq[:40]!r}; not applied")
            continue
        decision = cells.get("decision", "").strip().lower()
        if decision not in DECISIONS:
            notes.append(f"{label} {line}: decision must be accept, override or empty, got {decision[:40]!r}; "
                         f"not applied")
            continue
        out.append(Override(cells.get("plan_key", "").strip(), int(seq) if seq else None,
                            cells.get("field", "").strip(), cells.get("value", ""), cells.get("note", ""), line,
                            decision or "override", cells.get("reviewer", "").strip(), cells.get("date", "").strip()))
    return out, notes
