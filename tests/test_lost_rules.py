"""Row rules a scan lost around a heading line (extractors.lostrules) and the first lines of an
item a row break set too high cut off (extractors.tables): k7-035, a table of broken rules whose
四、片区任务 was read into the next project's content and whose 小计 | 六、基础设施与基层治理 | next
project's first line stood in one row. Grids here are built from rules and characters; what each
test expects is written from those."""
from __future__ import annotations

from extractors.grid import build_grid
from extractors.tables import table_readings
from extractors.tablefind import ruled_grids
from schemas.settings import Settings

XS = (40.0, 80.0, 230.0, 400.0, 460.0)        # 序号 | 项目名称 | 建设内容 | 帮扶资金


def _chars(y: float, cells: list[tuple[str, float]]) -> list[dict]:
    return [{"text": t, "x0": x + 9 * i, "x1": x + 9 * (i + 1), "top": y, "bottom": y + 9, "size": 9.0}
            for text, x in cells for i, t in enumerate(text)]


def _rule(x0: float, x1: float, top: float, bottom: float) -> dict:
    return {"x0": x0, "x1": x1, "top": top, "bottom": bottom, "width": x1 - x0, "height": bottom - top,
            "object_type": "line"}


HEADER = _chars(105.0, [("序号", 42.0), ("项目名称", 85.0), ("建设内容", 240.0), ("帮扶资金", 405.0)])


def _rows(grid) -> list[list[str]]:
    return [[grid.owner(r, c).text if grid.owner(r, c) else "" for c in range(grid.n_cols)]
            for r in range(grid.n_rows)]


def test_a_heading_line_sharing_a_ruled_row_with_the_next_item_is_a_row_of_its_own():
    rules = [_rule(XS[0], XS[-1], y, y) for y in (100.0, 120.0, 190.0)] + \
        [_rule(x, x, 100.0, 190.0) for x in XS]
    chars = HEADER + _chars(125.0, [("四、片区任务", 240.0)]) + \
        _chars(150.0, [("1", 45.0), ("民族文化传承保护项目", 85.0), ("开展民俗文化宣传活动", 235.0), ("91", 410.0)])
    grid = ruled_grids(1, rules, chars, None, Settings())[0]
    assert _rows(grid)[1:] == [["", "", "四、片区任务", ""], ["1", "民族文化传承保护项目", "开展民俗文化宣传活动", "91"]]


def test_a_numbered_line_beside_other_words_keeps_its_row():
    """A content line opening 一、 beside a project's name is the project's text, not a heading."""
    rules = [_rule(XS[0], XS[-1], y, y) for y in (100.0, 120.0, 190.0)] + \
        [_rule(x, x, 100.0, 190.0) for x in XS]
    chars = HEADER + _chars(125.0, [("1", 45.0), ("产业路硬化项目", 85.0), ("一、产业路硬化", 235.0), ("91", 410.0)]) + \
        _chars(150.0, [("二、新建护栏", 235.0)])
    assert ruled_grids(1, rules, chars, None, Settings())[0].n_rows == 2


def test_an_items_first_lines_cut_off_under_a_heading_go_back_to_it():
    """A table found by alignment (columns known): the row under a heading holds only the item's
    first lines (no name, number or amount); the item's row names it."""
    ys = (100.0, 120.0, 140.0, 160.0, 190.0)
    rects = [(x0, y0, x1, y1) for y0, y1 in zip(ys, ys[1:]) for x0, x1 in zip(XS, XS[1:])]
    chars = HEADER + _chars(125.0, [("四、片区任务", 240.0)]) + _chars(145.0, [("改造农户人居环境", 235.0)]) + \
        _chars(165.0, [("1", 45.0), ("白杨乡人居环境整治项目", 85.0), ("新建垃圾收集亭", 235.0), ("269", 410.0)])
    grid = build_grid(1, rects, chars)
    grid.columns = list(XS)
    reading = table_readings([grid], Settings())[0]
    assert [r.kind for r in reading] == ["subtotal", "item"]
    assert reading[1].text("content") == "改造农户人居环境新建垃圾收集亭" and reading[1].text("name") == "白杨乡人居环境整治项目"


def test_a_heading_wrapped_onto_a_line_with_its_sums_keeps_them():
    """one_row_ruled_continuation_page: 三、基础设施与基层治理（5 | 个） wraps in its cell, its sums set
    on the second line: the row is the heading's alone, nothing to cut."""
    rules = [_rule(XS[0], XS[-1], y, y) for y in (100.0, 120.0, 150.0)] + \
        [_rule(x, x, 100.0, 150.0) for x in XS]
    chars = HEADER + _chars(124.0, [("三、基础设施与基层治理（5", 82.0)]) + \
        _chars(136.0, [("个）", 82.0), ("1687.17", 405.0)])
    assert ruled_grids(1, rules, chars, None, Settings())[0].n_rows == 2


def test_a_heading_row_a_name_cell_runs_into_from_the_row_below_gives_the_name_back():
    """k13-004 (heavy blur, broken rules): the rule between 补齐基础短板及拓展基层治理（4个） (its numeral
    lost) and the next project was lost under the name column alone; the project's name cell spanned
    both rows and the heading row was taken for a project of that name. The name's text all stands
    below the heading's row: the rule is put back there."""
    rules = [_rule(XS[0], XS[-1], y, y) for y in (100.0, 120.0, 190.0)] + \
        [_rule(XS[0], XS[1], 140.0, 140.0), _rule(XS[2], XS[-1], 140.0, 140.0)] + \
        [_rule(x, x, 100.0, 190.0) for x in XS]
    row = [("1", 45.0), ("农村危房改造项目", 85.0), ("参与农村危房改造20户", 235.0), ("154", 410.0)]
    chars = HEADER + _chars(125.0, [("补齐基础短板及拓展基层治理（4个）", 235.0), ("669", 410.0)]) + \
        _chars(160.0, row)
    grid = ruled_grids(1, rules, chars, None, Settings())[0]
    assert _rows(grid)[1:] == [["", "", "补齐基础短板及拓展基层治理（4个）", "669"],
                               ["1", "农村危房改造项目", "参与农村危房改造20户", "154"]]
    chars = HEADER + _chars(125.0, [("小计", 85.0), ("669", 410.0)]) + _chars(160.0, row)
    assert ruled_grids(1, rules, chars, None, Settings())[0].owner(1, 1).rowspan == 2   # the cell holds text in the row
