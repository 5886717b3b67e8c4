"""The curated store: idempotent, replaces one plan's rows only, atomic under a crash, one copy per plan."""
from __future__ import annotations

import dataclasses
import json
import shutil

import pandas as pd

from conftest import SAMPLES, normalized, sample
from flows.ingest import DocResult, write_curated
from flows.store import CuratedStore


def land(curated, docs):
    return write_curated.fn([DocResult(d.document.source_file, doc=d) for d in docs], str(curated))


def snapshot(curated):
    return {p.relative_to(curated).as_posix(): p.read_bytes()
            for p in sorted(curated.rglob("*.parquet"))}


def test_same_input_twice_gives_identical_dataset(tmp_path):
    docs = [normalized(p) for p in SAMPLES]
    land(tmp_path, docs)
    first = snapshot(tmp_path)
    land(tmp_path, docs)
    assert snapshot(tmp_path) == first
    assert len(CuratedStore(tmp_path).read("projects")) == 24


def test_reprocessing_one_document_replaces_only_its_rows(tmp_path):
    a, b = normalized(sample("2023")), normalized(sample("2026"))
    land(tmp_path, [a, b])
    before = snapshot(tmp_path)
    changed = dataclasses.replace(b.projects[0], notes="checked by hand")
    land(tmp_path, [dataclasses.replace(b, projects=[changed] + b.projects[1:])])
    after = snapshot(tmp_path)
    assert {k: v for k, v in after.items() if "2023" in k} == {k: v for k, v in before.items() if "2023" in k}
    projects = CuratedStore(tmp_path).read("projects")
    assert len(projects) == 24 and (projects["notes"] == "checked by hand").sum() == 1


def test_crash_before_journal_leaves_previous_dataset_whole(tmp_path):
    land(tmp_path, [normalized(sample("2023"))])
    before = snapshot(tmp_path)
    store = CuratedStore(tmp_path)
    target = tmp_path / "projects" / "plan_year=2023" / "part-0.parquet"
    staged = store._stage("projects", store.read("projects").iloc[:3], target)   # written, never committed
    assert pd.read_parquet(tmp_path / "projects").shape[0] == 11               # readers skip the staged file
    CuratedStore(tmp_path)                                                       # next open cleans up
    assert snapshot(tmp_path) == before and not (tmp_path / "projects" / "plan_year=2023" / staged).exists()


def test_crash_after_journal_is_finished_on_next_open(tmp_path):
    land(tmp_path, [normalized(sample("2023"))])
    store = CuratedStore(tmp_path)
    target = tmp_path / "projects" / "plan_year=2023" / "part-0.parquet"
    staged = store._stage("projects", store.read("projects").iloc[:3], target)
    (tmp_path / "_journal.json").write_text(json.dumps({str(target): staged}))
    CuratedStore(tmp_path)
    assert len(pd.read_parquet(tmp_path / "projects")) == 3
    assert not (tmp_path / "_journal.json").exists()


def test_two_files_of_one_plan_keep_one_current_version(tmp_path):
    doc = normalized(sample("2026"))
    copy_path = tmp_path / "copy.pdf"
    shutil.copy(sample("2026"), copy_path)
    other = dataclasses.replace(doc, document=dataclasses.replace(
        doc.document, doc_id="0" * 16, sha256="0" * 64, source_file=str(copy_path)))
    summary = land(tmp_path / "cur", [doc, other])
    store = CuratedStore(tmp_path / "cur")
    docs = store.read("documents")
    assert len(docs) == 1 and len(store.read("projects")) == 13
    current = docs.iloc[0]
    assert list(current["alternates"]) == [doc.document.source_file] if current["source_file"] == str(copy_path) \
        else list(current["alternates"]) == [str(copy_path)]
    assert any("alternate" in line for line in summary.lines)


def test_rows_failing_validation_are_quarantined_with_the_report(tmp_path):
    doc = normalized(sample("2026"))
    bad = dataclasses.replace(doc.projects[0], aid_funds_wan=-383.0)
    summary = land(tmp_path, [dataclasses.replace(doc, projects=[bad] + doc.projects[1:])])
    assert len(CuratedStore(tmp_path).read("projects")) == 12
    report = pd.read_csv(tmp_path / "quarantine" / "projects" / f"{doc.document.doc_id}.report.csv")
    assert "greater_than_or_equal_to(0)" in set(report["check"]) and "aid_funds_wan" in set(report["column"])
    assert any("failed validation" in line for line in summary.lines)
