"""Each extractor on the real sample PDFs, compared with the reviewed outputs committed beside them."""
from __future__ import annotations

import json

import pytest

from conftest import DATA, SAMPLES, extracted, sample

CASES = SAMPLES + [DATA / "2026_column_order_shuffled.pdf"]


def expected(pdf):
    return json.loads(pdf.with_suffix(".expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("pdf", CASES, ids=lambda p: p.name)
def test_metadata(pdf):
    md = extracted(pdf).metadata
    exp = expected(pdf)
    assert {k: getattr(md, k) for k in exp["metadata"]} == exp["metadata"]
    assert [[c.label, c.count, c.amount_wan] for c in md.categories_stated] == exp["categories_stated"]


@pytest.mark.parametrize("pdf", CASES, ids=lambda p: p.name)
def test_narrative_items(pdf):
    items = extracted(pdf).items
    assert [{"name": i.name, "heading": i.heading, "fields": sorted(i.fields)} for i in items] == \
        expected(pdf)["narrative"]
    assert [i.order for i in items] == list(range(1, len(items) + 1))


@pytest.mark.parametrize("pdf", CASES, ids=lambda p: p.name)
def test_table_rows(pdf):
    rows = extracted(pdf).rows
    assert [[r.kind, r.label or r.text("name")] for r in rows] == expected(pdf)["table"]
    assert all(r.page >= 1 for r in rows)


def test_two_line_header_maps_both_amount_columns():
    rows = extracted(sample("2026")).rows
    total = next(r for r in rows if r.kind == "total")
    assert total.text("total_investment_wan") == "23622" and total.text("aid_funds_wan") == "750"


def test_merged_cells_carry_span_and_text():
    rows = [r for r in extracted(sample("2026")).rows if r.kind == "item"]
    first, second = rows[2], rows[3]            # 干部人才顶岗锻炼 / 峨边－市中区干部培育提能
    assert first.cells["aid_funds_wan"].span == 2 and not first.cells["aid_funds_wan"].merged_from_above
    assert second.cells["aid_funds_wan"].merged_from_above
    assert second.cells["location"].text == "乐山市市中区" and second.cells["location"].merged_from_above


def test_table_continued_on_next_page_is_joined_without_repeated_header():
    rows = extracted(sample("2026")).rows
    pages = {r.page for r in rows}
    assert len(pages) == 2
    assert not any(r.text("name") == "项目名称" for r in rows)


def test_unseen_column_order_gives_the_same_projects():
    base = [(r.text("name"), r.text("aid_funds_wan"), r.text("location")) for r in extracted(sample("2026")).rows]
    shuffled = [(r.text("name"), r.text("aid_funds_wan"), r.text("location"))
                for r in extracted(DATA / "2026_column_order_shuffled.pdf").rows]
    assert shuffled == base


def test_every_value_keeps_its_page():
    parts = extracted(sample("2023"))
    assert all(c.page == r.page for r in parts.rows for c in r.cells.values())
    assert all(i.page >= 1 for i in parts.items)


def test_concurrent_extraction_in_threads_does_not_crash():
    """Regression: PDFium is not thread-safe; the flow's thread pool crashed a 1,000-document backfill (SIGSEGV)."""
    import subprocess
    import sys
    code = ("import sys; from concurrent.futures import ThreadPoolExecutor; from pathlib import Path;"
            "from extractors.document import extract;"
            "files = sorted(Path('raw/samples').glob('*.pdf')) * 12;"
            "list(ThreadPoolExecutor(8).map(lambda f: extract(f).page_count, files)); print('ok')")
    from conftest import ROOT
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and r.stdout.strip() == "ok", (r.returncode, r.stderr[-500:])
