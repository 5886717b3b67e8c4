"""The ingest flow and the CLI, under one Prefect test harness per session."""
from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest

from conftest import DATA, ROOT, sample
from flows.cli import COMMANDS, main, parser

pytestmark = pytest.mark.usefixtures("prefect_harness")


def test_flow_lands_samples_and_rejects_bad_input_without_touching_existing_rows(tmp_path, capsys):
    curated = tmp_path / "curated"
    assert main(["run", str(sample("2023")), "--curated", str(curated)]) == 0
    before = pd.read_parquet(curated / "projects").sort_values("project_id").reset_index(drop=True)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("not_a_pdf.pdf", "empty.pdf", "truncated.pdf", "encrypted.pdf", "no_plan_table.pdf"):
        shutil.copy(DATA / name, inbox / name)
    shutil.copy(sample("2026"), inbox / "plan2026.pdf")
    (inbox / "notes.txt").write_text("not a pdf name: skipped")
    capsys.readouterr()
    assert main(["run", str(inbox), "--curated", str(curated)]) == 1
    out = capsys.readouterr().out
    assert out.count("rejected ") == 5 and "13 projects" in out
    assert re.search(r"total: 1 landed, 5 rejected, 0 unchanged, 13 projects", out)
    after = pd.read_parquet(curated / "projects")
    old = after[after["doc_id"].isin(before["doc_id"])].sort_values("project_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(old.drop(columns="plan_year"), before.drop(columns="plan_year"))
    assert len(list((curated / "quarantine" / "files").glob("*.json"))) == 5
    capsys.readouterr()
    assert main(["run", str(inbox), "--curated", str(curated)]) == 0      # known rejects are not retried
    assert "0 landed, 0 rejected, 6 unchanged" in capsys.readouterr().out


def test_cli_default_run_over_samples_scores_like_the_contract(tmp_path):
    curated = tmp_path / "c"
    assert main(["run", str(ROOT / "raw" / "samples"), "--curated", str(curated)]) == 0
    docs = pd.read_parquet(curated / "documents")
    assert sorted(docs["plan_year"].astype(int)) == [2023, 2026]
    assert len(pd.read_parquet(curated / "projects")) == 24
    assert len(pd.read_parquet(curated / "corrections")) == 0


def test_second_run_is_a_no_op_and_every_run_leaves_a_summary(tmp_path, capsys):
    curated = tmp_path / "c"
    assert main(["run", str(ROOT / "raw" / "samples"), "--curated", str(curated)]) == 0
    before = {p: p.read_bytes() for p in curated.rglob("*.parquet")}
    capsys.readouterr()
    assert main(["run", str(ROOT / "raw" / "samples"), "--curated", str(curated)]) == 0
    assert "0 landed, 0 rejected, 2 unchanged" in capsys.readouterr().out
    assert {p: p.read_bytes() for p in curated.rglob("*.parquet")} == before
    runs = sorted((curated / "_runs").glob("*.json"))
    assert len(runs) == 2
    import json
    last = json.loads(runs[-1].read_text())
    assert last["unchanged"] == 2 and last["new"] == [] and last["failed"] == []


def test_usage_errors_exit_2(capsys):
    assert main(["run", "does/not/exist.pdf"]) == 2
    assert "Try" in capsys.readouterr().err
    assert main([]) == 2
    with pytest.raises(SystemExit) as e:
        main(["frobnicate"])
    assert e.value.code == 2


def test_every_command_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = parser()._subparsers._group_actions[0].choices
    assert set(commands) == set(COMMANDS)
    for name in commands:
        assert f"aidplans {name}" in readme


def test_a_no_op_run_decides_so_before_prefect_is_imported(tmp_path):
    import subprocess
    import sys
    import dataclasses

    from conftest import normalized
    from flows.curate import DocResult, curate
    from schemas.version import pipeline_version
    curated = tmp_path / "c"
    doc = normalized(sample("2023"))        # stamped with the code as it is now (the tree may be edited)
    doc = dataclasses.replace(doc, document=dataclasses.replace(doc.document,
                                                                pipeline_version=pipeline_version.__wrapped__()))
    assert curate([DocResult(str(sample("2023")), doc=doc)], str(curated)).exit_code == 0
    code = ("import sys, flows.cli as c; rc = c.main(['run', sys.argv[1], '--curated', sys.argv[2]]); "
            "print('prefect imported' if 'prefect' in sys.modules else 'prefect not imported'); sys.exit(rc)")
    env = {k: v for k, v in __import__("os").environ.items() if k != "PREFECT_API_URL"}
    done = subprocess.run([sys.executable, "-c", code, str(sample("2023")), str(curated)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "1 unchanged" in done.stdout and "prefect not imported" in done.stdout


def test_with_a_prefect_server_configured_a_no_op_run_is_still_recorded(tmp_path, monkeypatch):
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL
    curated = tmp_path / "c"
    assert main(["run", str(sample("2023")), "--curated", str(curated)]) == 0
    with get_client(sync_client=True) as client:
        before = len(client.read_flow_runs())
    monkeypatch.setenv("PREFECT_API_URL", PREFECT_API_URL.value())
    assert main(["run", str(sample("2023")), "--curated", str(curated)]) == 0
    with get_client(sync_client=True) as client:
        assert len(client.read_flow_runs()) == before + 1


def test_a_result_rebound_to_another_path_carries_that_path_into_its_provenance():
    """A result cached from the same content under another name: its document and its provenance row
    for source_file both name the path of this run (the provenance kept the first name)."""
    from flows.curate import rebind
    from flows.ingest import process
    from schemas.settings import Settings
    r = process(sample("2026"), Settings())
    moved = rebind(r, "/elsewhere/plan.pdf")
    assert moved.doc.document.source_file == "/elsewhere/plan.pdf"
    assert [p.text for p in moved.doc.provenance if p.field == "source_file"] == ["/elsewhere/plan.pdf"]
    assert [p.text for p in r.doc.provenance if p.field == "source_file"] == [str(sample("2026"))]   # a copy
