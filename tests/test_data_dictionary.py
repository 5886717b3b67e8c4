"""The one column declaration (schemas/tables.py): docs/DATA.md, the arrow schemas, the pandera
models and the normalizers' field lists all follow it; a column added there reaches all of them."""
from __future__ import annotations

import pandas as pd
import pytest

from conftest import ROOT
from flows.cli import main
from flows.research import dictionary
from schemas import tables
from schemas.tables import ARROW, COLUMNS, Column, arrow_schema, column_names


def test_data_md_matches_the_declaration():
    assert (ROOT / "docs" / "DATA.md").read_text(encoding="utf-8") == dictionary.render(), \
        "docs/DATA.md is out of step with schemas/tables.py: run `aidplans dictionary`"


def test_dictionary_check_exits_1_when_the_file_differs(tmp_path, capsys):
    out = tmp_path / "DATA.md"
    assert main(["dictionary", "--out", str(out)]) == 0
    assert main(["dictionary", "--out", str(out), "--check"]) == 0
    out.write_text(out.read_text(encoding="utf-8").replace("| `seq` |", "| `sequence` |"), encoding="utf-8")
    assert main(["dictionary", "--out", str(out), "--check"]) == 1
    assert "aidplans dictionary" in capsys.readouterr().err


def test_every_column_of_every_table_is_documented_with_meaning_source_and_example():
    text = dictionary.render()
    for table, cols in COLUMNS.items():
        assert f"## {table}" in text
        for c in cols:
            assert c.meaning and c.source and f"| `{c.name}` |" in text
            assert c.example or c.nullable, f"{table}.{c.name} has no example"
            assert (c.unit == "万元") == c.name.endswith("_wan")


def test_arrow_models_and_normalizers_follow_the_declaration():
    from normalizers.overrides import DOCUMENT_FIELDS, PROJECT_FIELDS
    from normalizers.merge import TEXT_FIELDS
    from schemas.models import MODELS
    for table, cols in COLUMNS.items():
        names = [c.name for c in cols]
        assert ARROW[table].names == names == list(MODELS[table].to_schema().columns)
        schema = MODELS[table].to_schema()
        assert [n for n in names if schema.columns[n].nullable] == [c.name for c in cols if c.nullable]
    assert PROJECT_FIELDS == column_names("projects", overridable=True)
    assert DOCUMENT_FIELDS == column_names("documents", overridable=True)
    assert TEXT_FIELDS == column_names("projects", merged=True)
    assert "aid_funds_wan" in PROJECT_FIELDS and "aid_funds_wan" not in TEXT_FIELDS and "name" in TEXT_FIELDS


def test_a_column_added_to_the_declaration_reaches_every_derived_list(monkeypatch):
    """Adding a column is one edit: here a `funding_source` column, set by overrides and merged."""
    from schemas import models
    extra = Column("funding_source", "str", "资金来源, where the money comes from", "the table's 资金来源 column",
                   "东西部协作资金", nullable=True, checks={"str_length": {"min_value": 2}}, overridable=True,
                   merged=True)
    monkeypatch.setitem(tables.COLUMNS, "projects", COLUMNS["projects"] + (extra,))
    assert arrow_schema("projects").field("funding_source").type == "string"
    assert column_names("projects", overridable=True)[-1] == "funding_source"
    assert column_names("projects", merged=True)[-1] == "funding_source"
    assert "| `funding_source` | `str?` |" in dictionary.render()
    model = models._model("projects", {})
    assert "funding_source" in model.to_schema().columns
    row = {c.name: None for c in tables.COLUMNS["projects"]}
    row.update(project_id="d-1", doc_id="d", plan_year=2023, program="东西部协作", donor="柯桥区", recipient="峨边",
               seq=1, category="产业合作", category_raw="产业合作", name="项目", source_pages=[1], flags=[],
               confidence=1.0, funding_source="x")
    with pytest.raises(Exception, match="str_length"):           # the column's own check runs
        model.validate(pd.DataFrame([row]), lazy=True)
    model.validate(pd.DataFrame([dict(row, funding_source="东西部协作资金")]))


def test_a_column_type_must_be_known():
    with pytest.raises(ValueError, match="not one of"):
        Column("x", "decimal", "m", "s", "1")


def test_a_declared_column_lands_in_the_dataset_and_the_views_with_no_other_edit(monkeypatch, tmp_path):
    """A new nullable column, declared and nothing else: the real records of a sample plan go through
    validation and an atomic commit, the dataset has the column (empty until a stage fills it),
    and `aidplans query` can select it."""
    from conftest import normalized, sample
    from flows.curate import validated
    from flows.research import data, query
    from flows.store import Batch, CuratedStore
    from schemas import models
    extra = Column("funding_source", "str", "资金来源", "the table's 资金来源 column", "东西部协作资金", nullable=True)
    monkeypatch.setitem(tables.COLUMNS, "projects", COLUMNS["projects"] + (extra,))
    monkeypatch.setitem(tables.ARROW, "projects", arrow_schema("projects"))
    monkeypatch.setitem(models.MODELS, "projects", models.build_models()["projects"])
    store = CuratedStore(tmp_path / "curated")
    parts, problems = validated(store, normalized(sample("2023")), "2023 plan")
    assert problems == [] and "funding_source" in parts["projects"].columns
    store.commit(Batch(parts["documents"], parts["projects"], parts["corrections"], set()))
    landed = pd.read_parquet(tmp_path / "curated" / "projects")
    assert len(landed) == 11 and landed["funding_source"].isna().all()
    answer = query.run(data.load(tmp_path / "curated"), "select count(funding_source) n, count(*) m from projects")
    assert answer.to_pylist() == [{"n": 0, "m": 11}]


def test_the_record_dataclasses_carry_exactly_the_declared_columns():
    """The stages' record types (schemas/types.py) produce the values; they name the same columns."""
    import dataclasses
    from schemas.types import Correction, DocumentRecord, ProjectRecord
    for cls, table in ((DocumentRecord, "documents"), (ProjectRecord, "projects"), (Correction, "corrections")):
        assert [f.name for f in dataclasses.fields(cls)] == list(column_names(table)), cls.__name__


def test_a_total_below_the_aid_empties_the_total_alone_and_the_report_says_so(tmp_path):
    """k2-034 (seed 2): a scanned 总投资 misread below the project's aid failed the check across
    columns; pandera reports such a failure once per column, and the log said every column of the
    row had been emptied. Only the total is emptied, and the report names it with its value."""
    from conftest import normalized, sample
    from flows.curate import validated
    from flows.store import CuratedStore
    import copy
    doc = copy.deepcopy(normalized(sample("2023")))      # the cached reading is shared by other tests
    project = doc.projects[0]
    project.total_investment_wan = project.aid_funds_wan - 1
    parts, problems = validated(CuratedStore(tmp_path / "curated"), doc, "2023 plan")
    assert len(problems) == 1 and "projects failed validation: total_investment_wan emptied" in problems[0]
    row = parts["projects"].set_index("project_id").loc[project.project_id]
    assert pd.isna(row["total_investment_wan"]) and row["aid_funds_wan"] == project.aid_funds_wan
    assert "invalid:total_investment_wan" in row["flags"]
    report = pd.read_csv(next((tmp_path / "curated" / "quarantine" / "projects").glob("*.report.csv")))
    assert report[["column", "check"]].values.tolist() == [["total_investment_wan", "total_investment_covers_aid"]]
    assert float(report["failure_case"][0]) == project.aid_funds_wan - 1


def test_every_gazetteer_entry_names_its_source():
    """Vocabularies hold places, offices, donors, terms, look-alikes and surnames, each with a source."""
    import csv
    from normalizers.vocab import DATA
    for path in sorted(DATA.glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        assert rows and "source" in rows[0], path.name
        assert all((r["source"] or "").strip() for r in rows), path.name
