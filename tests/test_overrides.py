"""Archivists' corrections in curated/overrides.csv: applied on every run, logged, undone when removed."""
from __future__ import annotations

import csv
import inspect
import io

import pytest

from conftest import normalized, sample
from flows.ingest import DocResult, write_curated
from flows.overrides_file import read_overrides
from flows.sheets import write_sheet
from flows.store import CuratedStore
from normalizers.overrides import apply_overrides
from schemas.types import Override


def plan(doc) -> str:
    return doc.document.plan_key


def test_an_override_sets_the_value_logs_it_and_clears_the_review_flag():
    doc = normalized(sample("2026"))
    seq = doc.projects[0].seq
    flagged = doc.projects[0].__class__(**{**doc.projects[0].__dict__, "flags": ["conflict:location"]})
    doc2 = doc.__class__(doc.document, [flagged] + doc.projects[1:], doc.corrections)
    out, notes = apply_overrides(doc2, [Override(plan(doc), seq, "location", "峨边彝族自治县新林镇", "paper copy", 2)])
    p = out.projects[0]
    assert p.location == "峨边彝族自治县新林镇" and "conflict:location" not in p.flags and notes == []
    [c] = [c for c in out.corrections if c.rule == "override"]
    assert (c.field, c.original, c.corrected, c.project_id) == ("location", flagged.location, p.location, p.project_id)
    assert doc.projects[0].location != "峨边彝族自治县新林镇"           # the input is not changed


def test_overrides_are_idempotent_and_undone_when_removed():
    doc = normalized(sample("2023"))
    o = [Override(plan(doc), 7, "aid_funds_wan", "95", "", 2), Override(plan(doc), None, "issue_date", "2023-02-08", "", 3)]
    once, _ = apply_overrides(doc, o)
    twice, _ = apply_overrides(once, o)
    assert twice == once
    assert next(p for p in once.projects if p.seq == 7).aid_funds_wan == 95 and once.document.issue_date == "2023-02-08"
    undone, _ = apply_overrides(once, [])
    assert undone.projects == doc.projects and undone.document == doc.document and undone.corrections == doc.corrections


def test_an_override_that_names_nothing_is_reported_not_guessed():
    doc = normalized(sample("2023"))
    out, notes = apply_overrides(doc, [Override(plan(doc), 99, "name", "x", "", 2),
                                       Override(plan(doc), 1, "colour", "red", "", 3),
                                       Override(plan(doc), 1, "aid_funds_wan", "lots", "", 4)])
    assert out == doc and len(notes) == 3
    assert "line 2" in notes[0] and "no project 99" in notes[0] and "line 3" in notes[1] and "line 4" in notes[2]


def test_overrides_csv_is_applied_by_every_run_until_removed(tmp_path):
    doc = normalized(sample("2023"))
    write_curated.fn([DocResult(doc.document.source_file, doc=doc)], str(tmp_path))
    (tmp_path / "overrides.csv").write_text(
        f"plan_key,seq,field,value,note\n{plan(doc)},10,location,峨边彝族自治县沙坪镇,paper copy\n", encoding="utf-8")
    summary = write_curated.fn([], str(tmp_path))             # a run with nothing new
    projects = CuratedStore(tmp_path).read("projects")
    assert projects.loc[projects["seq"] == 10, "location"].item() == "峨边彝族自治县沙坪镇"
    corrections = CuratedStore(tmp_path).read("corrections")
    assert corrections["rule"].tolist() == ["override"] and summary.projects == 11
    (tmp_path / "overrides.csv").write_text("plan_key,seq,field,value,note\n", encoding="utf-8")
    write_curated.fn([], str(tmp_path))
    projects = CuratedStore(tmp_path).read("projects")
    assert projects.loc[projects["seq"] == 10, "location"].item() == "沙坪镇"
    assert CuratedStore(tmp_path).read("corrections").empty
    before = {p: p.read_bytes() for p in tmp_path.rglob("*.parquet")}
    write_curated.fn([], str(tmp_path))                       # nothing changed: nothing rewritten
    assert {p: p.read_bytes() for p in tmp_path.rglob("*.parquet")} == before


@pytest.fixture
def wired(monkeypatch):
    """CuratedStore.read_overrides reads through flows/overrides_file.py (the lead wires it so in
    flows/store.py; until that lands the test wires it here)."""
    if "overrides_file" not in inspect.getsource(CuratedStore.read_overrides):
        monkeypatch.setattr(CuratedStore, "read_overrides", lambda self: read_overrides(self.root, self.read))


FORMULA = "=cmd|' /C calc'!A0"


def hostile_lines(key: str) -> list[list]:
    return [[key, 10, "location", "峨边彝族自治县沙坪镇", "纸质件"],             # line 2: applied
            ["0000000000000000", 10, "location", "x", ""],                      # 3: no such plan
            [key, 3, "location", "甲", ""], [key, 3, "location", "乙", ""],       # 4, 5: conflict
            [key, 4, "content", "长" * 1_000_000, ""],                          # 6: over-long
            [key, 5, "name", FORMULA, "as typed"],                              # 7: stored as typed
            [key, 6, "name", "a\x00b", ""],                                     # 8: NUL
            [key, 7, "name", "\u202eevil", ""]]                                 # 9: right-to-left override


def write_hostile(root, key: str, kind: str) -> None:
    rows = [["plan_key", "seq", "field", "value", "note"]] + hostile_lines(key)
    if kind == "xlsx":
        from openpyxl import Workbook
        wb = Workbook()
        for row in rows:
            wb.active.append([v.replace("\x00", "") if isinstance(v, str) else v for v in row])
        wb.active.cell(row=8, column=4).value = "a\nb"                 # XML holds no NUL or ESC: a line break instead
        wb.save(root / "overrides.xlsx")
        return
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    (root / "overrides.csv").write_bytes(buf.getvalue().encode("gb18030" if kind == "gb18030" else "utf-8-sig"))


@pytest.mark.parametrize("kind", ["gb18030", "xlsx", "utf8-bom"])
def test_a_hostile_overrides_file_never_crashes_a_run(tmp_path, wired, kind):
    doc = normalized(sample("2023"))
    write_curated.fn([DocResult(doc.document.source_file, doc=doc)], str(tmp_path))
    before = CuratedStore(tmp_path).read("projects").set_index("seq")
    write_hostile(tmp_path, plan(doc), kind)
    summary = write_curated.fn([], str(tmp_path))                     # a run with nothing new
    notes = [line for line in summary.lines if "overrides" in line]
    unit = "row" if kind == "xlsx" else "line"
    extra = {"gb18030": "read as GB18030", "xlsx": "row 7: a cell is an Excel formula", "utf8-bom": None}[kind]
    expected = {3: "matches no plan in the dataset", 4: "different values", 6: "over Settings.max_override_chars",
                8: "U+0000 (NUL)" if kind != "xlsx" else "U+000A (LINE FEED)", 9: "U+202E (RIGHT-TO-LEFT OVERRIDE)"}
    for line, why in expected.items():
        assert any(f"{unit}{'s' if line == 4 else ''} {line}" in n and why in n for n in notes), (line, notes)
    assert all("\n" not in n for n in notes) and len(notes) == len(expected) + (extra is not None)
    assert extra is None or extra in "\n".join(notes)
    after = CuratedStore(tmp_path).read("projects").set_index("seq")
    assert after.loc[10, "location"] == "峨边彝族自治县沙坪镇" and after.loc[5, "name"] == FORMULA
    for seq in (3, 4, 6, 7):
        assert after.loc[seq, "name"] == before.loc[seq, "name"]
        assert after.loc[seq, "location"] == before.loc[seq, "location"]
        assert after.loc[seq, "content"] == before.loc[seq, "content"]
    out = write_sheet(tmp_path / "export.csv", after.reset_index())
    assert f"\"'{FORMULA}\"".encode() in out.read_bytes() and b'"=cmd' not in out.read_bytes()


@pytest.mark.parametrize("broken", [b"\xff\xfeU\x00T\x00F\x00-\x001\x006\x00", b"key,value\nx,y\n", b"\x81\x30\xff\xff" * 8])
def test_an_unreadable_overrides_file_changes_nothing_in_the_dataset(tmp_path, wired, broken):
    doc = normalized(sample("2023"))
    write_curated.fn([DocResult(doc.document.source_file, doc=doc)], str(tmp_path))
    (tmp_path / "overrides.csv").write_text(f"plan_key,seq,field,value,note\n{plan(doc)},10,location,峨边彝族自治县沙坪镇,\n"
                                            f"{plan(doc)},7,aid_funds_wan,95,\n", encoding="utf-8")
    write_curated.fn([], str(tmp_path))
    before = {p: p.read_bytes() for p in tmp_path.rglob("*.parquet")}
    assert len(CuratedStore(tmp_path).read("corrections")) == 2
    (tmp_path / "overrides.csv").write_bytes(broken)                  # a bad save from Excel
    summary = write_curated.fn([], str(tmp_path))
    [note] = [line for line in summary.lines if "overrides.csv" in line]
    assert "the 2 overrides already applied are kept as they are" in note
    assert {p: p.read_bytes() for p in tmp_path.rglob("*.parquet")} == before
