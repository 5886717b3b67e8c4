"""The curated dataset's pandera models (value checks), built from the one column declaration in
schemas/tables.py (COLUMNS: names, types, nullability and per-column checks); the checks across
values of a column or across columns are written here.

Validation is lazy: every failure comes back with its column, check and row, and `validate`
empties a failing value and flags its row rather than dropping a plan (see KEYS).
"""
from __future__ import annotations

from dataclasses import asdict

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas.tables import ARROW, COLUMNS, Column  # noqa: F401  (ARROW: the storage types, re-exported)

_FLAG = r"^[a-z_]+(:[^\s]+)?$"


def _flags_ok(s: pd.Series) -> pd.Series:
    return s.map(lambda v: v is not None and all(_flag_ok(f) for f in v))


def _dtype(c: Column):
    """The pandas type a column is checked as: dates as ISO text before storage, lists as objects."""
    if c.type == "int":
        return pd.Int64Dtype if c.nullable else int
    return {"str": str, "date": str, "float": float}.get(c.type, object)


def _model(table: str, checks: dict) -> type[pa.DataFrameModel]:
    """A pandera model with one field per declared column, in order, plus `checks` (methods)."""
    class Config:
        coerce = True
        strict = True
    ns = {"__annotations__": {}, "Config": Config, "__doc__": f"the {table} table (schemas/tables.py)", **checks}
    for c in COLUMNS[table]:
        ns["__annotations__"][c.name] = Series[_dtype(c)]
        ns[c.name] = pa.Field(nullable=c.nullable, description=c.meaning, **c.checks)
    return type(table.title(), (pa.DataFrameModel,), ns)


def _flags():
    """A fresh check per model (pandera keeps state on the decorated function)."""
    @pa.check("flags", name="flags_are_snake_case")
    def _flags(cls, s: pd.Series) -> pd.Series:
        return _flags_ok(s)
    return _flags


@pa.dataframe_check(name="seq_unique_within_document")
def _seq(cls, df: pd.DataFrame) -> pd.Series:
    return ~df.duplicated(["doc_id", "seq"], keep=False)


@pa.dataframe_check(name="total_investment_covers_aid")
def _total_covers_aid(cls, df: pd.DataFrame) -> pd.Series:
    both = df["aid_funds_wan"].notna() & df["total_investment_wan"].notna()
    return ~both | (df["total_investment_wan"] + 1e-6 >= df["aid_funds_wan"])


def build_models() -> dict[str, type[pa.DataFrameModel]]:
    """One pandera model per declared table, with the checks across values written above."""
    extra = {"documents": lambda: {"_flags": _flags()},
             "projects": lambda: {"_flags": _flags(), "_seq": _seq, "_total_covers_aid": _total_covers_aid}}
    return {table: _model(table, extra.get(table, dict)()) for table in COLUMNS}


MODELS = build_models()
Documents, Projects, Corrections = MODELS["documents"], MODELS["projects"], MODELS["corrections"]


def frame(table: str, records: list) -> pd.DataFrame:
    """Records (dataclasses or dicts) → a frame with exactly the table's columns, in order."""
    rows = [asdict(r) if not isinstance(r, dict) else r for r in records]
    cols = ARROW[table].names
    df = pd.DataFrame(rows, columns=cols) if rows else pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    return df[cols]


# Values a row cannot stand without: a failing one sets the row aside. Any other failing value
# is emptied (null) and the row flagged invalid:<column>, so one bad value never withholds a plan.
KEYS = {"documents": {"doc_id", "sha256", "plan_year", "plan_key", "source_file"},
        "projects": {"project_id", "doc_id", "plan_year", "seq"},
        "corrections": {"doc_id", "plan_year", "field", "original", "corrected", "rule"},
        "provenance": {"doc_id", "plan_year", "field", "reading"}}
# a check across columns: the column whose value is emptied when it fails (None: a key, set aside)
ROW_CHECKS = {"total_investment_covers_aid": "total_investment_wan", "seq_unique_within_document": None}


def validate(table: str, df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rows that land, failure report). A failing value is emptied and its row flagged
    `invalid:<column>` (a malformed flag is dropped from the list instead); a row whose key
    fails is set aside. The report has column, check, failure_case, index and action."""
    try:
        return MODELS[table].validate(df, lazy=True), pd.DataFrame()
    except pa.errors.SchemaErrors as exc:
        report = exc.failure_cases.copy()
    fixed, emptied, aside = df.copy(), set(), set()
    report["action"] = ""
    for n, f in report.iterrows():
        col = ROW_CHECKS.get(f["check"], f["column"]) if f["schema_context"] == "DataFrameSchema" else f["column"]
        if f["schema_context"] == "DataFrameSchema":    # pandera reports it once per column: name the one emptied
            report.at[n, "column"] = col
            if col in df.columns and not pd.isna(f["index"]) and f["index"] in df.index:
                report.at[n, "failure_case"] = df.at[f["index"], col]
        rows = [f["index"]] if not pd.isna(f["index"]) else list(df.index)
        if col is None or col in KEYS[table] or col not in df.columns:
            aside |= set(rows)
            report.at[n, "action"] = "row set aside"
            continue
        for i in rows:
            if i not in fixed.index:
                continue
            fixed.at[i, col] = [v for v in fixed.at[i, col] if _flag_ok(v)] if col == "flags" else None
            if "flags" in fixed.columns:
                fixed.at[i, "flags"] = list(dict.fromkeys(list(fixed.at[i, "flags"] or []) + [f"invalid:{col}"]))
        emptied.add(col)
        report.at[n, "action"] = "emptied" if col != "flags" else "malformed flag dropped"
    report = report.drop_duplicates(subset=["column", "check", "index"])
    fixed = fixed.drop(index=[i for i in aside if i in fixed.index])
    schema = MODELS[table].to_schema()
    for col in emptied - {"flags"}:
        schema = schema.update_column(col, nullable=True)
    try:
        return schema.validate(fixed, lazy=True), report
    except pa.errors.SchemaErrors as exc:        # what emptying could not mend: set those rows aside
        late = exc.failure_cases.assign(action="row set aside")
        bad = set(late["index"].dropna()) if late["index"].notna().all() else set(fixed.index)
        keep = fixed.drop(index=[i for i in bad if i in fixed.index])
        try:
            keep = schema.validate(keep, lazy=True)
        except pa.errors.SchemaErrors:
            keep = keep.iloc[0:0]
        return keep, pd.concat([report, late], ignore_index=True)


def _flag_ok(v) -> bool:
    import re
    return isinstance(v, str) and re.match(_FLAG, v) is not None
