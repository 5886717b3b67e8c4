"""Born-digital plans of other layouts (tests/data/layouts, made by samples/layouts from their
spec, gold written from the same spec): each is read, normalised and stored, then scored with
the shared scorer against its own gold. `pytest -k layout` runs these."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import scorer
from flows.ingest import process, write_curated
from schemas.settings import Settings

DATA = Path(__file__).parent / "data" / "layouts"
FIXTURES = sorted(DATA.glob("*.pdf"))
AXES = json.loads((DATA / "index.json").read_text(encoding="utf-8"))
MIN_ACCURACY = 0.97        # issue 10: the 10th percentile over generated layouts


def read_and_score(pdf: Path, tmp_path: Path) -> dict:
    """Read one generated plan, store it, and score it against its own gold."""
    result = process(pdf, Settings())
    assert result.error is None, result.error
    write_curated.fn([result], str(tmp_path / "curated"))
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / pdf.with_suffix(".gold.json").name).write_bytes(pdf.with_suffix(".gold.json").read_bytes())
    return scorer().score(tmp_path / "curated", gold, verbose=True)


def test_layout_fixtures_span_every_axis():
    assert len(FIXTURES) >= 12
    values = {(axis, v) for axes in AXES.values() for axis, v in axes.items()}
    for axis in ("ruling", "header_rows", "unit", "category_form", "numbering", "narrative", "meta", "render"):
        assert len({v for a, v in values if a == axis}) >= 2, axis


@pytest.mark.parametrize("pdf", FIXTURES, ids=lambda p: p.stem)
def test_layout_reads_right(pdf, tmp_path):
    score = read_and_score(pdf, tmp_path)
    assert score["records_found"] == score["records_gold"] and score["spurious"] == 0, score
    assert score["field_accuracy"] >= MIN_ACCURACY, (AXES[pdf.stem], score)


REGRESSIONS = Path(__file__).parent / "data" / "layout_regressions"    # samples/layouts/make_regressions.py


@pytest.mark.parametrize("pdf", sorted(REGRESSIONS.glob("*.pdf")), ids=lambda p: p.stem)
def test_layout_regression(pdf, tmp_path):
    """Each generated plan that once showed a table-reading bug (named in the file) reads whole."""
    score = read_and_score(pdf, tmp_path)
    assert score["field_accuracy"] == 1.0 and score["spurious"] == 0 and score["unflagged_wrong"] == 0, score


def test_layout_regressions_exist():
    assert len(list(REGRESSIONS.glob("*.pdf"))) >= 9


def test_two_labels_in_one_row_share_out_no_runs():
    """A scan's layer may put two 类别 labels in one row: no runs, not a crash (was ValueError)."""
    from extractors.merged import _centred_runs
    bands = [(0.0, 10.0), (10.0, 20.0), (20.0, 30.0)]
    assert _centred_runs([0, 1, 2], [(1, 12.0, 15.0, 9.0), (1, 16.0, 18.0, 9.0)], bands, 0.1) == []
    assert _centred_runs([0, 1, 2], [(1, 12.0, 15.0, 9.0)], bands, 0.1) == [(0, 2)]


def test_a_header_label_read_in_two_pieces_is_one_column():
    """OCR reads 绩效目标 as 绩效 | 目标 a few points apart: one column; 序号 | 责任单位 as close stay two,
    and so do a label and an unknown one beside it (帮扶资金（元） | 自筹资金（元）, s505-021)."""
    from extractors.header import join_split
    from extractors.segments import segment_of

    def seg(text, x0):
        return segment_of([{"text": t, "x0": x0 + 9 * i, "x1": x0 + 9 * (i + 1), "top": 100.0, "bottom": 109.0,
                            "size": 9.0} for i, t in enumerate(text)])
    out = join_split([seg("绩效", 100), seg("目标", 122), seg("序号", 200), seg("责任单位", 222),
                      seg("帮扶资金（元）", 300), seg("自筹资金（元）", 370)], Settings())
    assert [s.text for s in out] == ["绩效目标", "序号", "责任单位", "帮扶资金（元）", "自筹资金（元）"]
