"""flows/sheets.py: every CSV/XLSX the project writes keeps values as typed but never runs a formula."""
from __future__ import annotations

import csv
import datetime as dt
import zipfile

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from flows.sheets import SheetError, neutralise, write_sheet

HOSTILE = ["=cmd|' /C calc'!A0", "+HYPERLINK(\"http://x\",\"y\")", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def frame():
    return pd.DataFrame({"field": ["location"] * len(HOSTILE) + ["name", "amount"],
                         "value": HOSTILE + ["峨边彝族自治县沙坪镇", "12.5"],
                         "n": np.arange(len(HOSTILE) + 2, dtype="int64") - 1,
                         "x": [-1.5] + [float("nan")] * (len(HOSTILE) + 1)})


def test_neutralise_quotes_formula_leads_only():
    assert [neutralise(v) for v in HOSTILE] == ["'" + v for v in HOSTILE]
    assert neutralise("沙坪镇") == "沙坪镇" and neutralise("a=b") == "a=b" and neutralise("'=x") == "'=x"
    assert neutralise(-3) == -3 and neutralise(np.int64(-3)) == -3 and neutralise(-1.5) == -1.5
    assert neutralise(None) is None and neutralise(float("nan")) is None and neutralise(pd.NaT) is None
    assert neutralise(np.array(["-a", "b"])) == "[-a, b]"
    assert neutralise(pd.Timestamp("2023-02-07")) == dt.date(2023, 2, 7)
    assert neutralise(pd.Timestamp("2023-02-07 08:30", tz="Asia/Shanghai")) == "2023-02-07T08:30:00+08:00"


def test_csv_is_utf8_with_bom_and_formula_safe(tmp_path):
    out = write_sheet(tmp_path / "r.csv", frame())
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "沙坪镇".encode() in raw
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["field", "value", "n", "x"]
    values = [r[1] for r in rows[1:]]
    assert values[:len(HOSTILE)] == ["'" + v for v in HOSTILE]
    assert values[-2:] == ["峨边彝族自治县沙坪镇", "12.5"]
    assert not any(r[1][:1] in "=+-@\t\r" for r in rows[1:])
    assert rows[1][2] == "-1" and rows[1][3] == "-1.5"          # numbers stay numbers
    assert [p.name for p in tmp_path.iterdir()] == ["r.csv"]     # no temporary file left


def test_xlsx_cells_are_text_never_formulas(tmp_path):
    out = write_sheet(tmp_path / "r.xlsx", frame().assign(value=lambda d: d["value"].where(d.index != 7, "a\x00\x1b[31mb")))
    with zipfile.ZipFile(out) as z:
        sheet = next(z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
    assert b"<f>" not in sheet and b"<f " not in sheet
    ws = load_workbook(out).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("field", "value", "n", "x")
    # XML writers without lxml store a carriage return as a line feed: the guard quote is what counts
    assert [r[1].replace("\r", "\n") for r in rows[1:len(HOSTILE) + 1]] == \
        ["'" + v.replace("\r", "\n") for v in HOSTILE]
    assert all(c.data_type == "s" for c in ws["B"][1:len(HOSTILE) + 1])
    assert rows[7][1] == "峨边彝族自治县沙坪镇" and rows[8][1] == "a\\x00\\x1b[31mb"
    assert rows[1][2] == -1 and rows[1][3] == -1.5 and rows[2][3] is None


def test_over_long_xlsx_cell_is_cut_visibly_and_other_suffixes_refused(tmp_path):
    out = write_sheet(tmp_path / "long.xlsx", pd.DataFrame({"v": ["x" * 1_000_000]}))
    cell = load_workbook(out).active["A2"].value
    assert len(cell) == 32_767 and cell.endswith("[cut: 1000000 characters]")
    with pytest.raises(SheetError, match="bad.txt"):
        write_sheet(tmp_path / "bad.txt", pd.DataFrame({"v": [1]}))
