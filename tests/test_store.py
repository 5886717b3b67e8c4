"""The curated store: idempotent, replaces one plan's rows only, atomic under a crash, one copy per plan."""
from __future__ import annotations

import dataclasses
import errno
import json
import os
import shutil

import pandas as pd
import pytest

from conftest import SAMPLES, normalized, sample
from flows import store as store_mod
from flows.curate import DocResult
from flows.ingest import write_curated
from flows.store import JOURNAL, Batch, CuratedStore, JournalError, StoreError


def land(curated, docs, origins=None):
    return write_curated.fn([DocResult(d.document.source_file, doc=d) for d in docs], str(curated), origins)


def snapshot(curated):
    return {p.relative_to(curated).as_posix(): p.read_bytes()
            for p in sorted(curated.rglob("*.parquet"))}


def tables(curated):
    snap = CuratedStore(curated).snapshot()
    return {t: getattr(snap, t).sort_values(list(getattr(snap, t).columns[:2])).reset_index(drop=True)
            for t in ("documents", "projects", "corrections")}


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


def _commit_replacing_2026(tmp_path):
    """Land both samples, then commit a changed 2026 plan whose renames are interrupted by `crash`."""
    a, b = normalized(sample("2023")), normalized(sample("2026"))
    land(tmp_path, [a, b])
    from schemas.models import frame
    changed = [dataclasses.replace(p, notes="second commit") for p in b.projects]
    from schemas.types import Correction
    d = dataclasses.replace(b.document, issuer="second commit")
    fix = Correction(d.doc_id, changed[0].project_id, "notes", "", "second commit", "override", None, None,
                     d.plan_year)
    batch = Batch(frame("documents", [d]), frame("projects", changed), frame("corrections", [fix]), set())
    return batch


class Crash(BaseException):
    """Stands for the process dying at that instant (nothing after it runs)."""


def test_a_crash_while_staging_is_rolled_back_touching_only_what_the_journal_names(tmp_path, monkeypatch):
    batch = _commit_replacing_2026(tmp_path)
    before = tables(tmp_path)
    other = tmp_path / "projects" / "plan_year=2026" / ".part-0.parquet.999.other.tmp"
    other.write_bytes(b"another process's staged file")        # not named by this journal: left alone
    real = store_mod._write_durably
    calls = []

    def dying(path, data):
        calls.append(path)
        if len(calls) == 3:                                      # journal, one staged file, then death
            raise Crash
        real(path, data)
    monkeypatch.setattr(store_mod, "_write_durably", dying)
    with pytest.raises(Crash):
        CuratedStore(tmp_path).commit(batch)
    monkeypatch.setattr(store_mod, "_write_durably", real)
    assert json.loads((tmp_path / JOURNAL).read_text())["state"] == "staging"
    staged = list(tmp_path.rglob(".part-0.parquet.*.tmp"))
    assert len(staged) == 2
    with CuratedStore(tmp_path).writing() as s:
        assert "discarded" in s.recovered[0]
    assert not (tmp_path / JOURNAL).exists() and list(tmp_path.rglob(".part-0.parquet.*.tmp")) == [other]
    for t, df in tables(tmp_path).items():
        pd.testing.assert_frame_equal(df, before[t])


@pytest.mark.parametrize("k", [1, 2])
def test_a_crash_between_renames_is_finished_and_snapshot_readers_see_it_whole(tmp_path, monkeypatch, k):
    batch = _commit_replacing_2026(tmp_path)
    real = os.replace
    done = []

    def dying(src, dst):
        if str(dst).endswith("part-0.parquet"):
            if len(done) == k:
                raise Crash
            done.append(dst)
        real(src, dst)
    monkeypatch.setattr(store_mod.os, "replace", dying)
    with pytest.raises(Crash):
        CuratedStore(tmp_path).commit(batch)
    monkeypatch.setattr(store_mod.os, "replace", real)
    assert json.loads((tmp_path / JOURNAL).read_text())["state"] == "committed"
    seen = tables(tmp_path)                                   # a reader before anyone recovers
    assert (seen["projects"]["notes"] == "second commit").sum() == 13
    with CuratedStore(tmp_path).writing() as s:
        assert "finished" in s.recovered[0]
    after = tables(tmp_path)
    for t in after:
        pd.testing.assert_frame_equal(after[t], seen[t])
    assert not (tmp_path / JOURNAL).exists() and not list(tmp_path.rglob(".*.tmp"))


def test_a_journal_entry_whose_staged_file_is_gone_is_an_error_that_says_so(tmp_path, monkeypatch):
    batch = _commit_replacing_2026(tmp_path)
    before = snapshot(tmp_path)
    real = os.replace
    monkeypatch.setattr(store_mod.os, "replace",
                        lambda s, d: (_ for _ in ()).throw(Crash) if str(d).endswith("part-0.parquet") else real(s, d))
    with pytest.raises(Crash):
        CuratedStore(tmp_path).commit(batch)
    monkeypatch.setattr(store_mod.os, "replace", real)
    entries = json.loads((tmp_path / JOURNAL).read_text())["entries"]
    lost = tmp_path / next(e["staged"] for e in entries if e["staged"])
    lost.unlink()
    with pytest.raises(JournalError) as e:
        with CuratedStore(tmp_path).writing():
            pass
    assert str(lost) in str(e.value) and "missing" in str(e.value)
    assert snapshot(tmp_path) == before and (tmp_path / JOURNAL).exists()     # nothing touched


def test_a_commit_that_changes_nothing_writes_nothing(tmp_path):
    land(tmp_path, [normalized(sample("2023"))])
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*.parquet")}
    land(tmp_path, [])
    land(tmp_path, [normalized(sample("2023"))])
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*.parquet")} == before
    assert not (tmp_path / JOURNAL).exists()


@pytest.mark.parametrize("code, advice", [(errno.ENOSPC, "free some space"), (errno.EACCES, "permission denied"),
                                           (errno.EROFS, "read-only")])
def test_a_failing_write_is_one_error_and_changes_nothing(tmp_path, monkeypatch, code, advice):
    land(tmp_path, [normalized(sample("2023"))])
    before = snapshot(tmp_path)
    real = store_mod._write_durably

    def failing(path, data):
        if path.name.endswith(".tmp") and path.name.startswith(".part"):
            raise OSError(code, os.strerror(code), str(path))
        real(path, data)
    monkeypatch.setattr(store_mod, "_write_durably", failing)
    summary = land(tmp_path, [normalized(sample("2026"))])
    assert summary.exit_code == 2 and os.strerror(code) in summary.error
    assert advice in summary.error and "\n" not in summary.error
    assert snapshot(tmp_path) == before
    assert not (tmp_path / JOURNAL).exists() and not list(tmp_path.rglob(".*.tmp"))


def test_curated_pointing_at_a_file_is_one_error(tmp_path):
    f = tmp_path / "curated.txt"
    f.write_text("not a dataset")
    with pytest.raises(StoreError, match="is a file, not a dataset folder"):
        with CuratedStore(f).writing():
            pass


def _copy(doc, sha_digit: str, path, **changes):
    """Another file of the same plan: its own content hash, doc_id and project ids."""
    doc_id = sha_digit * 16
    projects = [dataclasses.replace(p, doc_id=doc_id, project_id=f"{doc_id}-{p.seq}") for p in doc.projects]
    return dataclasses.replace(doc, projects=projects, document=dataclasses.replace(
        doc.document, doc_id=doc_id, sha256=sha_digit * 64, source_file=str(path), **changes))


@pytest.mark.parametrize("damaged_first", [True, False])
def test_a_damaged_copy_never_becomes_current(tmp_path, damaged_first):
    """The rule: published > scanned, then fewer review flags, then more projects, then the newer file."""
    doc = normalized(sample("2023"))
    sound = _copy(doc, "a", tmp_path / "sound.pdf")
    damaged = dataclasses.replace(_copy(doc, "b", tmp_path / "damaged.pdf", flags=["count_mismatch"]),
                                  projects=None)
    damaged = dataclasses.replace(damaged, projects=_copy(doc, "b", "x").projects[:-1])
    for p in ("sound.pdf", "damaged.pdf"):
        shutil.copy(sample("2023"), tmp_path / p)
    os.utime(tmp_path / "damaged.pdf", (2e9, 2e9))              # the damaged copy is the newer file
    order = [damaged, sound] if damaged_first else [sound, damaged]
    for d in order:                                             # one run each: stored vs new
        summary = land(tmp_path / "cur", [d])
    docs = CuratedStore(tmp_path / "cur").read("documents")
    assert list(docs["source_file"]) == [str(tmp_path / "sound.pdf")]
    assert list(docs.iloc[0]["alternates"]) == [str(tmp_path / "damaged.pdf")]
    assert len(CuratedStore(tmp_path / "cur").read("projects")) == len(doc.projects)
    assert any("fewer review flags" in line for line in summary.lines)
    land(tmp_path / "both", order)                               # and both in one run
    assert list(CuratedStore(tmp_path / "both").read("documents")["source_file"]) == [str(tmp_path / "sound.pdf")]


def test_among_equally_sound_copies_the_newer_file_wins_and_published_beats_scanned(tmp_path):
    doc = normalized(sample("2026"))
    old, new, scan = (_copy(doc, c, tmp_path / f"{c}.pdf") for c in "abc")
    scan = dataclasses.replace(scan, document=dataclasses.replace(scan.document, source_kind="scanned"))
    for c, t in zip("abc", (1.7e9, 1.8e9, 1.9e9)):
        shutil.copy(sample("2026"), tmp_path / f"{c}.pdf")
        os.utime(tmp_path / f"{c}.pdf", (t, t))
    land(tmp_path / "cur", [new, scan, old])
    docs = CuratedStore(tmp_path / "cur").read("documents")
    assert list(docs["source_file"]) == [str(tmp_path / "b.pdf")]
    assert sorted(docs.iloc[0]["alternates"]) == [str(tmp_path / "a.pdf"), str(tmp_path / "c.pdf")]


def test_two_identical_files_in_one_run_are_both_named(tmp_path):
    doc = normalized(sample("2026"))
    a = DocResult(str(tmp_path / "a.pdf"), doc=_copy(doc, "a", tmp_path / "a.pdf"))
    b = DocResult(str(tmp_path / "b.pdf"), doc=_copy(doc, "a", tmp_path / "b.pdf"))
    summary = write_curated.fn([a, b], str(tmp_path / "cur"))
    text = "\n".join(summary.lines)
    assert f"{tmp_path / 'b.pdf'}: same content as {tmp_path / 'a.pdf'}" in text
    assert len(CuratedStore(tmp_path / "cur").read("documents")) == 1


def test_messages_name_the_file_as_the_user_gave_it(tmp_path):
    stored = "raw/store/ab/" + "ab" * 32 + ".pdf"
    rejected = DocResult(stored, error=f"{stored}: not a PDF (starts with b'hello'); check the file", sha256="ab" * 32)
    doc = normalized(sample("2023"))
    kept = DocResult("raw/store/cd/x.pdf", doc=_copy(doc, "c", "raw/store/cd/x.pdf"))
    origins = {stored: "/archive/2019/plan.pdf", "raw/store/cd/x.pdf": "/archive/2023/plan.pdf"}
    summary = write_curated.fn([rejected, kept], str(tmp_path), origins)
    text = "\n".join(summary.lines)
    assert "rejected /archive/2019/plan.pdf: not a PDF" in text and "raw/store/ab" not in text
    assert "/archive/2023/plan.pdf: 11 projects" in text
    note = json.loads(next((tmp_path / "quarantine" / "files").glob("*.json")).read_text())
    assert note["source_file"] == "/archive/2019/plan.pdf"
    assert CuratedStore(tmp_path).read("documents").iloc[0]["origin"] == "/archive/2023/plan.pdf"


def test_a_failing_value_is_emptied_and_flagged_and_the_plan_still_lands(tmp_path):
    doc = normalized(sample("2026"))
    bad = dataclasses.replace(doc.projects[0], aid_funds_wan=-383.0)
    d = dataclasses.replace(doc.document, flags=list(doc.document.flags) + ["subtotal_mismatch:"])
    summary = land(tmp_path, [dataclasses.replace(doc, document=d, projects=[bad] + doc.projects[1:])])
    projects = CuratedStore(tmp_path).read("projects").sort_values("seq")
    assert len(projects) == 13
    first = projects.iloc[0]
    assert pd.isna(first["aid_funds_wan"]) and "invalid:aid_funds_wan" in list(first["flags"])
    docs = CuratedStore(tmp_path).read("documents")
    assert "subtotal_mismatch:" not in list(docs.iloc[0]["flags"]) and "invalid:flags" in list(docs.iloc[0]["flags"])
    report = pd.read_csv(tmp_path / "quarantine" / "projects" / f"{doc.document.doc_id}.report.csv")
    assert "greater_than_or_equal_to(0)" in set(report["check"]) and "aid_funds_wan" in set(report["column"])
    assert (tmp_path / "quarantine" / "documents" / f"{doc.document.doc_id}.report.csv").exists()
    assert any("aid_funds_wan emptied and flagged invalid" in line for line in summary.lines)
