"""The curated dataset's tables: pandera models (checks); the arrow schemas (storage types) are in
schemas/tables.py and re-exported here.

Both follow ../shared/design/DATA_CONTRACT.md; tests check they name the same columns.
Validation is lazy: every failure comes back with its column, check and row, and `validate`
empties a failing value and flags its row rather than dropping a plan (see KEYS).
"""
from __future__ import annotations

from dataclasses import asdict

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas.tables import ARROW  # noqa: F401  (the storage types, re-exported)

PROGRAMS = ["东西部协作", "结对帮扶", "对口支援"]
SOURCE_KINDS = ["published", "scanned"]
TEXT_SOURCES = ["text_layer", "ocr", "mixed"]
_FLAG = r"^[a-z_]+(:[^\s]+)?$"
ISO_PARTIAL = r"^\d{4}(-\d{2}(-\d{2})?)?$"
PERIOD = r"^\d{4}(-\d{4})?$"

def _flags_ok(s: pd.Series) -> pd.Series:
    return s.map(lambda v: v is not None and all(_flag_ok(f) for f in v))


class Documents(pa.DataFrameModel):
    doc_id: Series[str] = pa.Field(unique=True, str_matches=r"^[0-9a-f]{16}$")
    source_file: Series[str]
    sha256: Series[str] = pa.Field(str_matches=r"^[0-9a-f]{64}$")
    title: Series[str] = pa.Field(str_length={"min_value": 4})
    doc_number: Series[str] = pa.Field(nullable=True)
    issuer: Series[str] = pa.Field(nullable=True)
    issue_date: Series[str] = pa.Field(nullable=True, str_matches=r"^\d{4}-\d{2}-\d{2}$")
    plan_year: Series[int] = pa.Field(ge=1990, le=2100)
    program: Series[str] = pa.Field(isin=PROGRAMS)
    donor: Series[str] = pa.Field(str_length={"min_value": 2})
    recipient: Series[str] = pa.Field(str_length={"min_value": 2})
    total_aid_funds_wan: Series[float] = pa.Field(nullable=True, ge=0)
    total_investment_wan: Series[float] = pa.Field(nullable=True, ge=0)
    project_count_stated: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    category_count_stated: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0)
    source_kind: Series[str] = pa.Field(isin=SOURCE_KINDS)
    text_source: Series[str] = pa.Field(isin=TEXT_SOURCES)
    page_count: Series[int] = pa.Field(ge=1)
    flags: Series[object]
    pipeline_version: Series[str]
    plan_key: Series[str] = pa.Field(unique=True)
    alternates: Series[object]
    alternate_sha256: Series[object]
    origin: Series[str]

    @pa.check("flags", name="flags_are_snake_case")
    def _flags(cls, s: pd.Series) -> pd.Series:
        return _flags_ok(s)

    class Config:
        coerce = True
        strict = True


class Projects(pa.DataFrameModel):
    project_id: Series[str] = pa.Field(unique=True)
    doc_id: Series[str]
    plan_year: Series[int] = pa.Field(ge=1990, le=2100)
    program: Series[str] = pa.Field(isin=PROGRAMS)
    donor: Series[str] = pa.Field(str_length={"min_value": 2})
    recipient: Series[str] = pa.Field(str_length={"min_value": 2})
    seq: Series[int] = pa.Field(ge=1)
    category: Series[str] = pa.Field(str_length={"min_value": 2})
    category_raw: Series[str]
    subcategory: Series[str] = pa.Field(nullable=True)
    name: Series[str] = pa.Field(str_length={"min_value": 2})
    content: Series[str] = pa.Field(nullable=True)
    location: Series[str] = pa.Field(nullable=True)
    aid_funds_wan: Series[float] = pa.Field(nullable=True, ge=0)
    total_investment_wan: Series[float] = pa.Field(nullable=True, ge=0)
    construction_period: Series[str] = pa.Field(nullable=True, str_matches=PERIOD)
    responsible_leader: Series[str] = pa.Field(nullable=True)
    responsible_unit: Series[str] = pa.Field(nullable=True)
    implementing_entity: Series[str] = pa.Field(nullable=True)
    deadline: Series[str] = pa.Field(nullable=True, str_matches=ISO_PARTIAL)
    beneficiary_linkage: Series[str] = pa.Field(nullable=True)
    ownership: Series[str] = pa.Field(nullable=True)
    notes: Series[str] = pa.Field(nullable=True)
    source_pages: Series[object]
    flags: Series[object]
    confidence: Series[float] = pa.Field(ge=0, le=1)

    @pa.check("flags", name="flags_are_snake_case")
    def _flags(cls, s: pd.Series) -> pd.Series:
        return _flags_ok(s)

    @pa.dataframe_check(name="seq_unique_within_document")
    def _seq(cls, df: pd.DataFrame) -> pd.Series:
        return ~df.duplicated(["doc_id", "seq"], keep=False)

    @pa.dataframe_check(name="total_investment_covers_aid")
    def _total_covers_aid(cls, df: pd.DataFrame) -> pd.Series:
        both = df["aid_funds_wan"].notna() & df["total_investment_wan"].notna()
        return ~both | (df["total_investment_wan"] + 1e-6 >= df["aid_funds_wan"])

    class Config:
        coerce = True
        strict = True


class Corrections(pa.DataFrameModel):
    doc_id: Series[str]
    project_id: Series[str] = pa.Field(nullable=True)
    field: Series[str]
    original: Series[str]
    corrected: Series[str]
    rule: Series[str] = pa.Field(str_matches=r"^[a-z_]+$")
    score: Series[float] = pa.Field(nullable=True, ge=0, le=100)
    page: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1)
    plan_year: Series[int]

    class Config:
        coerce = True
        strict = True


MODELS = {"documents": Documents, "projects": Projects, "corrections": Corrections}


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
        "corrections": {"doc_id", "plan_year", "field", "original", "corrected", "rule"}}
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
