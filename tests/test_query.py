"""`aidplans query` on the sample dataset (built once per session by the ingest flow), and the
README section that documents the researchers' commands."""
from __future__ import annotations

import json
import re
import shutil
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pytest

from conftest import DATA, ROOT, scratch
from flows.cli import COMMANDS, RESEARCH, main, parser
from flows.research.data import TABLES

pytestmark = pytest.mark.usefixtures("prefect_harness")

# The category amounts the plans state in their overview paragraphs:
# 2023 东西部协作: 产业合作项目2个，规划资金1950万元 … 劳务协作 230, 人才交流 300, 消费帮扶 50, 民生改善 1370;
# 2026 结对帮扶: 产业合作 383, 劳务协作 22, 人才交流 50, 片区任务 20, 改善民生 220, 补齐基础短板及拓展基层治理 55.
STATED = {(2023, "产业合作"): 1950, (2023, "劳务协作"): 230, (2023, "人才交流"): 300, (2023, "消费帮扶"): 50,
          (2023, "改善民生"): 1370, (2026, "产业合作"): 383, (2026, "劳务协作"): 22, (2026, "人才交流"): 50,
          (2026, "片区任务"): 20, (2026, "改善民生"): 220, (2026, "基础设施与基层治理"): 55}
CATEGORY_SQL = "select plan_year, category, sum(aid_funds_wan) from projects group by all order by 1, 2"


@lru_cache(maxsize=None)
def sample_dataset() -> Path:
    """The sample plans and one file that is not a PDF, ingested by `aidplans run` (once per session)."""
    root = scratch("research-")
    inbox = root / "in"
    shutil.copytree(ROOT / "raw" / "samples", inbox)
    shutil.copy(DATA / "not_a_pdf.pdf", inbox / "not_a_pdf.pdf")
    assert main(["run", str(inbox), "--curated", str(root / "curated")]) == 1      # one rejected
    return root / "curated"


@pytest.fixture()
def curated() -> Path:
    return sample_dataset()


def query(capsys, *args) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["query", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_category_sums_equal_the_plans_stated_amounts(curated, capsys):
    code, out, _ = query(capsys, CATEGORY_SQL, "--curated", str(curated))
    assert code == 0
    rows = [re.split(r"\s{2,}", line.strip()) for line in out.splitlines()[2:-1]]
    assert {(int(y), c): float(s) for y, c, s in rows} == STATED
    assert out.splitlines()[-1] == f"({len(STATED)} rows)"


def test_table_is_aligned_with_chinese_counted_double(curated, capsys):
    from flows.research.query import width
    code, out, _ = query(capsys, "select category, count(*) as n from projects group by all order by 1",
                         "--curated", str(curated))
    lines = out.splitlines()[:-1]
    assert code == 0 and len({width(line.rstrip()) for line in lines[2:]} | {width(lines[1])}) == 1


def test_csv_and_json_formats(curated, capsys):
    sql = "select project_id, seq, name, aid_funds_wan, flags, source_pages from projects order by project_id"
    code, out, _ = query(capsys, sql, "--curated", str(curated), "--format", "json")
    rows = json.loads(out)
    want = pd.read_parquet(curated / "projects").sort_values("project_id")
    assert code == 0 and [r["project_id"] for r in rows] == list(want["project_id"])
    assert [r["source_pages"] for r in rows] == [list(v) for v in want["source_pages"]]
    assert any(r["flags"] == ["shared_amount"] and r["aid_funds_wan"] is None for r in rows)
    code, out, _ = query(capsys, sql, "--curated", str(curated), "--format", "csv")
    back = pd.read_csv(__import__("io").StringIO(out))
    assert code == 0 and list(back["project_id"]) == list(want["project_id"])
    assert [json.loads(v) for v in back["source_pages"]] == [list(v) for v in want["source_pages"]]


def test_json_is_strict_json_without_nan(curated, capsys):
    code, out, _ = query(capsys, "select 'nan'::double x, [1.0, 'inf'::double] l, '=1+1' f", "--curated",
                         str(curated), "--format", "json")
    assert code == 0 and json.loads(out, parse_constant=lambda c: pytest.fail(f"{c} in JSON")) == \
        [{"x": None, "l": [1.0, None], "f": "=1+1"}]


def test_every_view_is_there_with_the_rejected_file_in_quarantine(curated, capsys):
    code, out, _ = query(capsys, "select (select count(*) from documents) d, (select count(*) from projects) p, "
                                 "(select count(*) from corrections) c, (select count(*) from quarantine) q, "
                                 "(select any_value(name) from quarantine where kind = 'file') f",
                         "--curated", str(curated), "--format", "json")
    row = json.loads(out)[0]
    assert code == 0 and (row["d"], row["p"], row["q"]) == (2, 24, 1) and row["f"].endswith("not_a_pdf.pdf")


@pytest.mark.parametrize("sql, why", [
    ("select nope from projects", "Referenced column \"nope\" not found"),
    ("select * from projets", "Table with name projets does not exist"),
    ("selec 1", "syntax error"),
    ("select * from read_csv('/etc/passwd')", "disabled by configuration"),        # no file access
    ("copy projects to 'x.csv'", "disabled by configuration"),
])
def test_bad_sql_is_one_line_with_the_reason_and_the_views(curated, capsys, sql, why):
    code, out, err = query(capsys, sql, "--curated", str(curated))
    lines = err.splitlines()
    assert code == 2 and out == "" and "Traceback" not in err
    assert lines[0].startswith("aidplans query: ") and why in lines[0]
    assert lines[1] == "views:" and [ln.split(":")[0].strip() for ln in lines[2:]] == list(TABLES)
    assert {"documents", "projects", "corrections", "quarantine"} <= set(TABLES)
    assert "aid_funds_wan DOUBLE" in err and "source_pages BIGINT[]" in err


def test_no_dataset_is_one_line_exit_2(tmp_path, capsys):
    code, out, err = query(capsys, "select 1", "--curated", str(tmp_path / "none"))
    assert code == 2 and err.count("\n") == 1 and "no curated dataset" in err and "aidplans run" in err


def test_every_research_command_and_option_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Querying, exporting and the report", 1)
    assert len(section) == 2, "README needs a '## Querying, exporting and the report' section"
    commands = parser()._subparsers._group_actions[0].choices
    assert set(RESEARCH) <= set(COMMANDS)
    for name in RESEARCH:
        assert f"aidplans {name}" in section[1]
        for action in commands[name]._actions:
            for opt in action.option_strings:
                assert opt in ("-h", "--help") or opt in section[1], f"{name} {opt} is not in the README"
