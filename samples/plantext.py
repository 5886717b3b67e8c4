"""Read a plan transcription (the seed text format) into body lines and attachment table rows.

Two table layouts occur in the seeds: one cell per line (a tab before each cell, a blank
line between rows, continuation lines for multi-line cells) and one row per line with
tab-separated cells. Used only by the sample generator, never by the pipeline.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

TABLE_TITLE = re.compile(r"^\S*(资金)?项目(资金)?计划表\s*$")


@dataclass
class PlanText:
    body: list[str]                      # narrative lines, blank lines dropped
    table_title: str
    table_preamble: list[str]            # 填报单位 / 单位：万元 lines
    rows: list[list[str]] = field(default_factory=list)


def read_plan_text(path: Path) -> PlanText:
    lines = [ln.rstrip("\n") for ln in path.read_text(encoding="utf-8").splitlines()
             if not ln.startswith("#")]
    start = next(i for i, ln in enumerate(lines)
                 if TABLE_TITLE.match(ln.strip()) and not ln.strip().startswith("附件"))
    body = [ln.strip() for ln in lines[:start] if ln.strip()]
    body = [re.sub(r"^\[bookmark: \w+\]", "", ln) for ln in body]
    rest = lines[start + 1:]
    first_cell = next(i for i, ln in enumerate(rest) if ln.strip().startswith("序号"))
    preamble = [ln.strip() for ln in rest[:first_cell] if ln.strip()]
    table = rest[first_cell - 1 if rest[first_cell].startswith("\t") else first_cell:]
    if rest[first_cell].startswith("\t"):
        rows = _cell_per_line(rest[first_cell:])
    else:
        rows = [ln.split("\t") for ln in table if "\t" in ln]
    return PlanText(body, lines[start].strip(), preamble, rows)


def _cell_per_line(lines: list[str]) -> list[list[str]]:
    rows: list[list[str]] = []
    row: list[str] = []
    for ln in lines:
        if ln.startswith("\t"):
            row.append(ln[1:].strip())
        elif not ln.strip():
            if row:
                rows.append(row)
            row = []
        else:  # continuation of a multi-line cell
            row[-1] = (row[-1] + "\n" + ln.strip()).strip()
    if row:
        rows.append(row)
    width = max(len(r) for r in rows)
    return [r + [""] * (width - len(r)) for r in rows]
