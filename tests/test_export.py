"""`aidplans export` on the sample dataset: every table, every row, in CSV, XLSX, parquet and SQLite;
formula-leading text neutralised (flows/sheets.py)."""
from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from flows.cli import main
from flows.research.data import TABLES, load
from flows.research.export import export, read_csv
from test_query import sample_dataset

pytestmark = pytest.mark.usefixtures("prefect_harness")
HOSTILE = "=cmd|' /C calc'!A0"


@pytest.fixture()
def tables():
    return load(sample_dataset())


def _rows(table: pa.Table) -> list[dict]:
    return table.to_pylist()


def _clean(v):
    return None if isinstance(v, float) and v != v or v is pd.NA else v


def test_csv_round_trips_through_pandas(tmp_path, capsys):
    out = tmp_path / "csv"
    assert main(["export", "--format", "csv", "--curated", str(sample_dataset()), "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert all(f"{n} {t}" in said for n, t in ((2, "documents"), (24, "projects"), (0, "corrections"), (1, "quarantine")))
    tables = load(sample_dataset())
    for name in TABLES:
        raw = (out / f"{name}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")                            # UTF-8 with BOM, for Excel
        back = read_csv(out / f"{name}.csv")
        assert list(back.columns) == tables[name].column_names
        got = [{k: _clean(v) for k, v in r.items()} for r in back.to_dict("records")]
        assert got == _rows(tables[name]), name
    projects = read_csv(out / "projects.csv")
    assert {c: str(projects[c].dtype) for c in ("plan_year", "seq", "aid_funds_wan", "name")} == \
        {"plan_year": "int64", "seq": "int64", "aid_funds_wan": "float64", "name": "str"}
    assert projects["source_pages"].map(type).eq(list).all() and projects["flags"].map(type).eq(list).all()
    docs = read_csv(out / "documents.csv")
    assert str(docs["project_count_stated"].dtype) == "Int64" and isinstance(docs["issue_date"].dropna().iloc[0], dt.date)


def test_xlsx_holds_every_row_with_units_frozen_headers_and_numbers(tmp_path, tables):
    from openpyxl import load_workbook
    path = export(tables, "xlsx", tmp_path / "a.xlsx")[0]
    wb = load_workbook(path)
    assert wb.sheetnames == list(TABLES)
    for name in TABLES:
        ws = wb[name]
        assert ws.max_row == tables[name].num_rows + 1 and ws.freeze_panes == "A2"
    ws = wb["projects"]
    header = [c.value for c in ws[1]]
    assert "aid_funds_wan (万元)" in header and "total_investment_wan (万元)" in header and "seq" in header
    col = header.index("aid_funds_wan (万元)")
    amounts = [r[col].value for r in ws.iter_rows(min_row=2)]
    assert sum(a for a in amounts if a is not None) == pytest.approx(4650.0)
    assert all(isinstance(a, (int, float)) for a in amounts if a is not None)
    names = [r[header.index("name")].value for r in ws.iter_rows(min_row=2)]
    assert sorted(names) == sorted(tables["projects"].column("name").to_pylist())
    widths = {c: ws.column_dimensions[chr(65 + header.index(c))].width for c in ("seq", "name", "location")}
    assert widths["seq"] < widths["location"] < widths["name"] <= 60


def test_formula_leading_text_is_neutralised_in_csv_and_xlsx(tmp_path, tables):
    from openpyxl import load_workbook
    p = tables["projects"]
    names = p.column("name").to_pylist()
    names[0] = HOSTILE
    tables = dict(tables, projects=p.set_column(p.column_names.index("name"), "name", pa.array(names)))
    export(tables, "csv", tmp_path / "csv")
    back = read_csv(tmp_path / "csv" / "projects.csv")
    assert "'" + HOSTILE in set(back["name"]) and HOSTILE not in set(back["name"])
    ws = load_workbook(export(tables, "xlsx", tmp_path / "a.xlsx")[0])["projects"]
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and HOSTILE in c.value]
    assert len(cells) == 1 and cells[0].value == "'" + HOSTILE and cells[0].data_type == "s"


def test_parquet_and_sqlite_hold_the_same_rows(tmp_path, tables):
    for name, path in zip(TABLES, export(tables, "parquet", tmp_path / "pq")):
        assert pq.read_table(path).equals(tables[name])
    db = export(tables, "sqlite", tmp_path / "a.sqlite")[0]
    con = sqlite3.connect(db)
    for name in TABLES:
        cur = con.execute(f'select * from "{name}"')
        cols = [d[0] for d in cur.description]
        got = [dict(zip(cols, r)) for r in cur.fetchall()]
        want = tables[name].to_pylist()
        assert cols == tables[name].column_names and len(got) == len(want)
        for g, w in zip(got, want):
            for k, v in w.items():
                v = json.dumps(v, ensure_ascii=False) if isinstance(v, list) else (
                    v.isoformat() if isinstance(v, dt.date) else v)
                assert g[k] == v, (name, k)
    assert con.execute("select sum(aid_funds_wan), count(*) from projects").fetchone() == (4650.0, 24)
    assert con.execute("select count(*) from projects, json_each(projects.flags) "
                       "where json_each.value = 'shared_amount'").fetchone() == (2,)


def test_an_unusable_out_is_one_line_exit_2(tmp_path, capsys):
    (tmp_path / "file").write_text("x")
    code = main(["export", "--format", "csv", "--curated", str(sample_dataset()), "--out", str(tmp_path / "file")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "is a file" in err and "Traceback" not in err
    code = main(["export", "--format", "xlsx", "--curated", str(sample_dataset()), "--out", str(tmp_path)])
    assert code == 2 and "is a folder" in capsys.readouterr().err
