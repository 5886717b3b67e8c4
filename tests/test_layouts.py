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
    and so do a label and an unknown one beside it (帮扶资金（元） | 自筹资金（元）, s505-021); a label's unit
    read apart joins it (总投资 | （元), k1-039), and so does a piece naming nothing (行业 | 主管部门, k1-012)."""
    from extractors.header import join_split
    from extractors.segments import segment_of

    def seg(text, x0):
        return segment_of([{"text": t, "x0": x0 + 9 * i, "x1": x0 + 9 * (i + 1), "top": 100.0, "bottom": 109.0,
                            "size": 9.0} for i, t in enumerate(text)])
    out = join_split([seg("绩效", 100), seg("目标", 122), seg("序号", 200), seg("责任单位", 222),
                      seg("帮扶资金（元）", 300), seg("自筹资金（元）", 370), seg("总投资", 450), seg("（元)", 480),
                      seg("行业", 550), seg("主管部门", 571)], Settings())
    assert [s.text for s in out] == ["绩效目标", "序号", "责任单位", "帮扶资金（元）", "自筹资金（元）", "总投资（元)",
                                     "行业主管部门"]
    # k4-017 (seed 4): 项目 | 总投资 a character's space apart (3 pt), though 项目 alone names the names'
    # column, are one label word for word; 序号 | 项目名称 and 帮扶资金（元） | 自筹资金（元） as close stay apart
    out = join_split([seg("项目", 100), seg("总投资", 121), seg("序号", 200), seg("项目名称", 221),
                      seg("帮扶资金（元）", 300), seg("自筹资金（元）", 366)], Settings())
    assert [s.text for s in out] == ["项目总投资", "序号", "项目名称", "帮扶资金（元）", "自筹资金（元）"]


def _row_chars(y: float, cells: list[tuple[str, float]]) -> list[dict]:
    return [{"text": t, "x0": x + 9 * i, "x1": x + 9 * (i + 1), "top": y, "bottom": y + 9, "size": 9.0}
            for text, x in cells for i, t in enumerate(text)]


def test_a_column_whose_label_went_unread_is_a_column_of_names():
    """k1-027, k1-010 (seed 1): a seal over 项目名称 left the names' column without a label; the names
    went into the next column and the plan was rejected. Text standing apart between two labels on
    enough lines is a column; one without a label whose cells end as names do is the name column."""
    from extractors.grid import build_grid
    from extractors.header import unlabelled
    from extractors.grid import group_lines
    from extractors.segments import text_lines
    from extractors.columns import map_columns
    settings = Settings()
    rows = [("1", "新林镇示范园建设项目", "发展林下食用菌种植"), ("2", "觉莫乡加工厂房建设项目", "新建加工厂房"),
            ("3", "杨河乡白芨种植基地", "新建种植基地380亩")]
    chars = [c for k, (seq, name, content) in enumerate(rows)
             for c in _row_chars(40.0 + 20 * k, [(seq, 40.0), (name, 70.0), (content, 190.0)])]
    chars += _row_chars(100.0, [("产业合作（3个）", 60.0)])            # a heading row spans the columns
    data = text_lines(group_lines(chars, settings.line_tolerance), settings)
    stacks, fields = unlabelled([(40.0, 58.0), (280.0, 316.0)], ["seq", "content"], data, settings)
    assert fields == ["seq", None, "content"] and 58 < stacks[1][0] < 80 and 160 < stacks[1][1] < 190
    assert unlabelled([(40.0, 58.0), (280.0, 316.0)], ["seq", "content"],
                      [[s for s in ln if s.x0 > 180 or s.x1 < 60] for ln in data], settings)[1] == ["seq", "content"]
    assert unlabelled([(280.0, 316.0)], ["content"], data, settings)[1] == [None, None, "content"]   # k1-032: left of all
    # k4-025 (seed 4): each group's 小计 and the next heading set across the names' gutter, more of
    # them than a gutter may be crossed by; labels of the table's structure do not close a gutter
    spanning = chars + [c for k in range(3) for c in _row_chars(110.0 + 20 * k, [("小计", 160.0)])
                        + _row_chars(120.0 + 20 * k, [("二、人才交流", 150.0)])]
    data = text_lines(group_lines(spanning, settings.line_tolerance), settings)
    assert unlabelled([(40.0, 58.0), (190.0, 226.0)], ["seq", "content"], data, settings)[1] == ["seq", None, "content"]
    head = _row_chars(20.0, [("序号", 40.0), ("建设内容", 280.0)])
    rects = [(x0, y, x1, y + 20) for y in (18.0, 38.0, 58.0, 78.0) for x0, x1 in ((38, 62), (62, 185), (185, 400))]
    grid = build_grid(5, rects, head + chars)
    assert map_columns(grid, 1, settings)[0] == {0: "seq", 1: "name", 2: "content"}
    assert map_columns(grid, 1, Settings(name_column_share=1.0))[0] == {0: "seq", 2: "content"}   # one in three ends otherwise
    misread = build_grid(5, rects, _row_chars(20.0, [("序号", 40.0), ("项解", 70.0), ("建设内容", 280.0)]) + chars)
    columns, guessed = map_columns(misread, 1, settings)      # k1-007: 项目名称 read 项解, a label naming nothing
    assert columns == {0: "seq", 1: "name", 2: "content"} and guessed == {1}
    labelled = build_grid(5, rects, _row_chars(20.0, [("序号", 40.0), ("建设地点", 70.0), ("建设内容", 280.0)]) + chars)
    assert "name" not in map_columns(labelled, 1, settings)[0].values()   # a column another label names stays so


def test_an_empty_ruled_box_is_no_table():
    """k1-019 (seed 1): glyph strokes on uneven paper taken for faint rules drew empty boxes on the
    text pages; one taken for the table before kept the real table page's junk grids as its
    continuation, and the plan was rejected."""
    from extractors.tablefind import ruled_grids
    rule = lambda x0, x1, top, bottom: {"x0": x0, "x1": x1, "top": top, "bottom": bottom, "width": x1 - x0,  # noqa: E731
                                        "height": bottom - top, "object_type": "line"}
    lines = [rule(100, 400, y, y) for y in (100, 130, 160)] + [rule(x, x, 100, 160) for x in (100, 200, 300, 400)]
    assert ruled_grids(1, lines, [], None) == []
    assert len(ruled_grids(1, lines, _row_chars(110.0, [("序号", 110.0)]), None)) == 1


def test_cells_too_small_for_a_slot_make_an_empty_grid():
    # k1-019 (seed 1): faint-rule junk drew boxes under the band tolerance; filling them raised IndexError
    from extractors.grid import build_grid
    g = build_grid(1, [(100.0, 100.0, 101.0, 100.5)], _row_chars(100.0, [("序号", 100.0)]))
    assert g.cells == [] and g.n_rows == 0


def test_a_numeral_alone_under_the_name_is_a_category_heading():
    """k1-008, k1-029 (seed 1): with 序号 unread, a heading 二 | 劳务协作 fell apart into the name and
    the content column and landed as a project named 二; no project is named by a numeral alone."""
    from extractors.grid import build_grid
    from extractors.columns import Mapping, row_cells
    from extractors.rowkind import classify
    head = _row_chars(20.0, [("项目名称", 40.0), ("建设内容", 160.0)])
    body = _row_chars(40.0, [("二、", 40.0), ("劳务协作", 160.0)]) + _row_chars(60.0, [("二道河村道路项目", 40.0),
                                                                                    ("硬化道路", 160.0)])
    rects = [(x0, y, x1, y + 20) for y in (18.0, 38.0, 58.0) for x0, x1 in ((38, 150), (150, 300))]
    grid = build_grid(5, rects, head + body)
    mapping = Mapping({0: "name", 1: "content"}, 1, 2)
    assert classify(grid, 1, row_cells(grid, 1, mapping), Settings()) == ("subtotal", "劳务协作", "二")
    assert classify(grid, 2, row_cells(grid, 2, mapping), Settings())[0] == "item"


def test_two_labels_that_each_wrap_stay_two_columns():
    """s707-029: 建设 | 联农带农机 over 周期 | 制 (and 行业主管 | 备 over 部门 | 注) were joined as one label
    split on its line, and 建设周期 and 联农带农机制 lost their columns; each piece wraps onto a line of
    its own, so each heads a column. Pieces with nothing under them still join (行业 | 主管部门)."""
    from extractors.header import join_split
    from extractors.segments import segment_of

    def seg(text, x0, top):
        return segment_of([{"text": t, "x0": x0 + 10 * i, "x1": x0 + 10 * (i + 1), "top": top, "bottom": top + 9.0,
                            "size": 9.0} for i, t in enumerate(text)])
    first = [seg("建设", 83, 119), seg("联农带农机", 111, 119), seg("行业主管", 714, 119), seg("备", 763, 119)]
    under = [seg("周期", 83, 132), seg("制", 131, 132), seg("部门", 724, 132), seg("注", 763, 132)]
    assert [s.text for s in join_split(first + under, Settings()) if s.top < 125] == ["建设", "联农带农机", "行业主管", "备"]
    assert [s.text for s in join_split([seg("行业", 550, 119), seg("主管部门", 571, 119)], Settings())] == ["行业主管部门"]
