"""Reading curated/overrides.csv or .xlsx as archivists save them: encodings, Excel, hostile values.
Nothing here is fatal; every problem is one line naming the file, the line and the reason."""
from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import Workbook

from flows.overrides_file import read_overrides
from schemas.settings import Settings
from schemas.types import Override

KEY = "1f0c2d3e4a5b6c7d"
HEADER = "plan_key,seq,field,value,note"


def documents(*keys: str):
    """A read_table stand-in for a dataset holding plans with these keys and one applied override."""
    tables = {"documents": pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(keys))], "plan_key": list(keys)}),
              "corrections": pd.DataFrame({"doc_id": ["d0"], "project_id": ["d0-10"], "field": ["location"],
                                           "original": ["沙坪镇"], "corrected": ["峨边彝族自治县沙坪镇"],
                                           "rule": ["override"]})}
    return tables.__getitem__


def csv_file(tmp_path, lines: list[str], encoding="utf-8", newline="\n", bom=False):
    data = newline.join([HEADER, *lines, ""]).encode(encoding)
    (tmp_path / "overrides.csv").write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)


def test_utf8_with_bom_and_crlf(tmp_path):
    csv_file(tmp_path, [f"{KEY},10,location,峨边彝族自治县沙坪镇,纸质件核对", f"{KEY},,issue_date,2023-02-08,"],
             newline="\r\n", bom=True)
    out, notes = read_overrides(tmp_path, documents(KEY))
    assert notes == []
    assert out == [Override(KEY, 10, "location", "峨边彝族自治县沙坪镇", "纸质件核对", 2),
                   Override(KEY, None, "issue_date", "2023-02-08", "", 3)]


@pytest.mark.parametrize("encoding,text", [("gbk", "峨边彝族自治县沙坪镇"), ("gb18030", "沙坪镇𠮷村")])
def test_gbk_and_gb18030_from_excel_on_chinese_windows(tmp_path, encoding, text):
    csv_file(tmp_path, [f"{KEY},10,location,{text},核对"], encoding=encoding, newline="\r\n")
    out, notes = read_overrides(tmp_path, documents(KEY))
    assert [o.value for o in out] == [text] and out[0].note == "核对"
    [note] = notes
    assert note.startswith(str(tmp_path / "overrides.csv")) and "read as GB18030" in note


def test_xlsx_as_excel_saves_it(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["plan_key", "seq", "field", "value", "note"])
    ws.append([KEY, 10, "location", "峨边彝族自治县沙坪镇", "paper copy"])
    ws.append([KEY, 7, "aid_funds_wan", 95, None])
    ws.append([KEY, 8, "name", "=cmd|' /C calc'!A0", "typed by hand"])
    ws.append([None, None, None, None, None])
    ws.append([KEY, 9, "notes", "=A1", "a formula"])
    wb.save(tmp_path / "overrides.xlsx")
    out, notes = read_overrides(tmp_path, documents(KEY))
    assert [(o.seq, o.field, o.value, o.line) for o in out] == [
        (10, "location", "峨边彝族自治县沙坪镇", 2), (7, "aid_funds_wan", "95", 3),
        (8, "name", "=cmd|' /C calc'!A0", 4), (9, "notes", "=A1", 6)]     # stored as typed
    assert len(notes) == 2 and all("overrides.xlsx row" in n and "formula" in n for n in notes)


def test_a_one_megabyte_value_is_refused_and_the_rest_applied(tmp_path):
    csv_file(tmp_path, [f"{KEY},10,content,{'长' * 1_000_000},", f"{KEY},11,location,沙坪镇,"])
    out, notes = read_overrides(tmp_path, documents(KEY))
    assert [o.seq for o in out] == [11]
    [note] = notes
    assert "line 2" in note and "1000000 characters, over Settings.max_override_chars (4000)" in note


def test_control_characters_are_refused_with_a_reason(tmp_path):
    csv_file(tmp_path, [f"{KEY},1,name,a\x00b,", f"{KEY},2,name,\x1b[31mred,", f"{KEY},3,name,\u202egnp.exe,",
                        f'{KEY},4,name,"two\nlines",', f"{KEY},6,name,=cmd|' /C calc'!A0,",
                        f"{KEY},7,name,+HYPERLINK(\"http://x\"),"])
    out, notes = read_overrides(tmp_path, documents(KEY))
    assert [o.value for o in out] == ["=cmd|' /C calc'!A0", '+HYPERLINK("http://x")']
    assert len(notes) == 4
    for note, line, why in zip(notes, (2, 3, 4, 5), ("U+0000 (NUL)", "U+001B (ESCAPE)", "U+202E (RIGHT-TO-LEFT OVERRIDE)",
                                                      "U+000A (LINE FEED)")):
        assert f"line {line}:" in note and why in note and "not applied" in note and "\n" not in note


def test_unknown_plans_fields_seqs_and_conflicts_are_reported(tmp_path):
    csv_file(tmp_path, [f"nosuchplan,10,location,x,", f"{KEY},10,colour,red,", f"{KEY},ten,location,x,",
                        f"{KEY},10,location,甲,", f"{KEY},10,location,乙,", f"{KEY},11,location,丙,",
                        f"{KEY},11,location,丙,", ",5,name,x,", f"{KEY},12,name,a,b,c"])
    out, notes = read_overrides(tmp_path, documents(KEY))
    assert [(o.plan_key, o.seq, o.value) for o in out] == [("nosuchplan", 10, "x"), (KEY, 11, "丙")]
    text = "\n".join(notes)
    assert len(notes) == 6, text
    assert "line 3: 'colour' is not a field of a project" in text
    assert "line 4: seq must be a project's number" in text
    assert "lines 5, 6: different values for plan" in text and "none applied" in text
    assert "line 9: no plan_key" in text
    assert "line 10: 6 cells for 5 columns" in text
    assert "line 2: plan_key 'nosuchplan' matches no plan in the dataset" in text


def test_an_unreadable_file_keeps_the_overrides_already_applied(tmp_path):
    (tmp_path / "overrides.csv").write_bytes("plan_key,seq\n".encode("utf-16"))
    out, notes = read_overrides(tmp_path, documents(KEY))
    assert out == [Override(KEY, 10, "location", "峨边彝族自治县沙坪镇", "kept", 0)]
    assert len(notes) == 1 and "UTF-16" in notes[0] and "1 overrides already applied are kept" in notes[0]
    (tmp_path / "overrides.csv").write_text("key,value\nx,y\n", encoding="utf-8")
    out, notes = read_overrides(tmp_path, documents(KEY))
    assert len(out) == 1 and "no column plan_key, seq, field" in notes[0]
    (tmp_path / "overrides.csv").write_bytes(b"\x81\x30\xff\xfe\x00" * 10)
    out, notes = read_overrides(tmp_path, documents(KEY))
    assert len(out) == 1 and "neither UTF-8 nor GB18030" in notes[0]
    (tmp_path / "overrides.csv").unlink()
    (tmp_path / "overrides.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    out, notes = read_overrides(tmp_path, documents(KEY))
    assert len(out) == 1 and "not a readable Excel workbook" in notes[0]
    (tmp_path / "overrides.xlsx").write_bytes(b"x" * 2048)
    out, notes = read_overrides(tmp_path, documents(KEY), Settings(max_overrides_bytes=1024))
    assert len(out) == 1 and "over Settings.max_overrides_bytes" in notes[0]


def test_no_file_is_no_overrides_and_two_files_read_the_csv(tmp_path):
    assert read_overrides(tmp_path, documents(KEY)) == ([], [])
    csv_file(tmp_path, [f"{KEY},10,location,沙坪镇,"])
    Workbook().save(tmp_path / "overrides.xlsx")
    out, notes = read_overrides(tmp_path, documents(KEY))
    assert len(out) == 1 and len(notes) == 1 and "overrides.xlsx: ignored" in notes[0]
