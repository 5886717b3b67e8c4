"""Archivists' corrections in curated/overrides.csv: applied on every run, logged, undone when removed."""
from __future__ import annotations

from conftest import normalized, sample
from flows.ingest import DocResult, write_curated
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
