"""`aidplans query`: DuckDB SQL over one commit of the dataset, the tables as views (documents,
projects, corrections, quarantine). DuckDB runs without file or network access, so a query can
only read those views; its answer is printed as an aligned table, CSV or JSON."""
from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import unicodedata
from pathlib import Path

import pyarrow as pa

FORMATS = ("table", "csv", "json")
MAX_CELL = 40          # display columns a cell of the aligned table may take before it is cut


class QueryError(ValueError):
    """DuckDB refused the SQL: its reason, and the views with their columns."""


def connect(tables: dict[str, pa.Table]):
    """An in-memory DuckDB with one view per table, and nothing else reachable."""
    import duckdb
    con = duckdb.connect(":memory:", config={"enable_external_access": False, "autoinstall_known_extensions": False,
                                             "autoload_known_extensions": False})
    for name, table in tables.items():
        con.register(name, table)
    con.execute("SET lock_configuration = true")
    return con


def run(tables: dict[str, pa.Table], sql: str) -> pa.Table:
    """The answer to `sql` as an arrow table; QueryError with DuckDB's reason when it cannot be run."""
    import duckdb
    if not sql.strip():
        raise QueryError(f"no SQL given; e.g. aidplans query \"select * from projects limit 5\"\n{views(tables)}")
    con = connect(tables)
    try:
        result = con.sql(sql)
        return pa.table({}) if result is None else result.to_arrow_table()
    except duckdb.Error as exc:
        raise QueryError(f"{reason(exc)}\n{views(tables)}") from exc
    finally:
        con.close()


def reason(exc: Exception) -> str:
    """DuckDB's message on one line (its caret drawing left out)."""
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    keep = [ln for ln in lines if not ln.startswith("LINE ") and set(ln) != {"^"}]
    return "; ".join(keep) or type(exc).__name__


def views(tables: dict[str, pa.Table]) -> str:
    """The views a query can read, one line each with its columns and types."""
    return "views:\n" + "\n".join(f"  {name}: " + ", ".join(f"{f.name} {_sqltype(f.type)}" for f in t.schema)
                                 for name, t in tables.items())


def _sqltype(t: pa.DataType) -> str:
    if pa.types.is_list(t):
        return _sqltype(t.value_type) + "[]"
    return {"string": "VARCHAR", "large_string": "VARCHAR", "int64": "BIGINT", "double": "DOUBLE",
            "date32[day]": "DATE"}.get(str(t), str(t).upper())


def render(result: pa.Table, fmt: str) -> str:
    """The answer as text in the format asked for."""
    rows = result.to_pylist()
    names = result.column_names
    if fmt == "json":
        return json.dumps(_no_nan(rows), ensure_ascii=False, default=_json_default, indent=1) + "\n"
    if fmt == "csv":
        return _csv(result)
    return aligned(names, rows, [_numeric(result.schema.field(n).type) for n in names])


def _no_nan(v):
    """NaN and infinities as null: JSON has no such numbers."""
    if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
        return None
    if isinstance(v, dict):
        return {k: _no_nan(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_no_nan(x) for x in v]
    return v


def _json_default(v):
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return str(v)


def _csv(result: pa.Table) -> str:
    """CSV through the project's one formula-safe writer (flows/sheets.py), without its BOM on stdout."""
    from flows.sheets import write_sheet
    frame = result.to_pandas()
    for name in result.column_names:
        if pa.types.is_list(result.schema.field(name).type):
            frame[name] = [None if v is None else json.dumps(list(v), ensure_ascii=False, default=str)
                           for v in result.column(name).to_pylist()]
    fd, tmp = tempfile.mkstemp(suffix=".csv")
    os.close(fd)
    try:
        write_sheet(tmp, frame)
        return Path(tmp).read_text(encoding="utf-8-sig")
    finally:
        os.unlink(tmp)


def _numeric(t: pa.DataType) -> bool:
    return pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t)


def aligned(names: list[str], rows: list[dict], numeric: list[bool]) -> str:
    """An aligned text table: Chinese characters count two columns, numbers right-aligned, long cells cut."""
    cells = [[_cell(r[n]) for n in names] for r in rows]
    widths = [max([width(n)] + [width(row[i]) for row in cells]) for i, n in enumerate(names)]
    out = [_line(names, widths, [False] * len(names)), "  ".join("-" * w for w in widths)]
    out += [_line(row, widths, numeric) for row in cells]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        text = f"{v:.6f}".rstrip("0").rstrip(".") if v == v else "NaN"
    elif isinstance(v, list):
        text = json.dumps(v, ensure_ascii=False, default=str)
    else:
        text = str(v)
    text = " ".join(text.split())
    if width(text) > MAX_CELL:
        while width(text) > MAX_CELL - 1:
            text = text[:-1]
        text += "…"
    return text


def width(text: str) -> int:
    """Display columns of `text` in a terminal (wide and full-width characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _line(values: list[str], widths: list[int], right: list[bool]) -> str:
    parts = [" " * (w - width(v)) + v if r else v + " " * (w - width(v)) for v, w, r in zip(values, widths, right)]
    return "  ".join(parts).rstrip()
