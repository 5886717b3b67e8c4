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


def test_two_serials_stacked_in_one_ruled_row_part_their_projects():
    """k14-034 (150 dpi 1-bit, broken rules): the rule between (4) and (5) went unfound and both projects
    were read as one, names, contents and amounts joined; the cut goes in the gap between their texts,
    not through a cell taller than its mark's lines ((4)'s content runs on under its mark)."""
    rules = [_rule(XS[0], XS[-1], y, y) for y in (100.0, 120.0, 240.0)] + \
        [_rule(x, x, 100.0, 240.0) for x in XS]
    chars = HEADER + _chars(130.0, [("新建蓄水池", 235.0)]) + \
        _chars(145.0, [("(4)", 42.0), ("供水工程", 85.0), ("铺设供水管网", 235.0), ("104", 410.0)]) + \
        _chars(160.0, [("配套消毒设备", 235.0)]) + \
        _chars(190.0, [("硬化产业路", 235.0)]) + \
        _chars(205.0, [("(5)", 42.0), ("产业路项目", 85.0), ("路面宽7米", 235.0), ("239", 410.0)])
    grid = ruled_grids(1, rules, chars, None, Settings())[0]
    assert [[t.replace("\n", "") for t in row] for row in _rows(grid)[1:]] == \
        [["(4)", "供水工程", "新建蓄水池铺设供水管网配套消毒设备", "104"], ["(5)", "产业路项目", "硬化产业路路面宽7米", "239"]]
    # serials not one apart, or a serial over a figure, part nothing
    same = [c if c["text"] != "5" else {**c, "text": "7"} for c in chars]
    assert ruled_grids(1, rules, same, None, Settings())[0].n_rows == 2


def test_a_column_rule_lost_between_two_labelled_columns_is_put_back_where_their_values_part():
    """k15-037 (150 dpi 1-bit, faint rules): the rule between 建设年限 and 项目总投资 went unfound; one column
    under 建设年限项目总投资 held 2024 371, read as 2024371 万元, every project's period lost."""
    rules = [_rule(XS[0], XS[-1], y, y) for y in (100.0, 120.0, 145.0, 170.0)] + \
        [_rule(x, x, 100.0, 170.0) for x in XS]
    chars = _chars(105.0, [("序号", 42.0), ("项目名称", 85.0), ("建设年限项目总投资", 240.0), ("帮扶资金", 405.0)]) + \
        _chars(125.0, [("1", 45.0), ("新林镇示范园建设项目", 85.0), ("2024", 240.0), ("371", 330.0), ("362", 410.0)]) + \
        _chars(150.0, [("2", 45.0), ("杨河乡加工厂房项目", 85.0), ("2025", 240.0), ("454", 330.0), ("442", 410.0)])
    rows = _rows(ruled_grids(1, rules, chars, None, Settings())[0])
    assert rows[1:] == [["1", "新林镇示范园建设项目", "2024", "371", "362"], ["2", "杨河乡加工厂房项目", "2025", "454", "442"]]
    # two figures apart are two values whatever the header (k15-034: 157 157 under 项目总投资 | 财政援助资金's
    # stacked pieces); words apart under one label are one value
    words = [c for c in chars if not (230 < c["x0"] < 400)] + _chars(105.0, [("建设内容", 240.0)]) + \
        _chars(125.0, [("新建", 240.0), ("厂房", 330.0)]) + _chars(150.0, [("改造", 240.0), ("校舍", 330.0)])
    assert ruled_grids(1, rules, words, None, Settings())[0].n_cols == 4
    figures = [c for c in words if not (c["top"] == 105.0 and 230 < c["x0"] < 400)] + _chars(105.0, [("投资", 240.0)])
    figures = [c if not (c["top"] > 120 and 230 < c["x0"] < 400) else {**c, "text": "7"} for c in figures]
    assert ruled_grids(1, rules, figures, None, Settings())[0].n_cols == 5


def test_a_column_rule_lost_between_two_wrapped_labels_is_put_back_where_one_line_parts_them():
    """k18-019 (150 dpi 1-bit, OCRmyPDF layer): the rule between 总投资 and 资金来源 went unfound; their
    wrapped labels read line by line as 资金来 | 总投资 | 源, their cells as 东西部 | 480000 协作资 | 金: one
    column, every total lost. A header cell with a line naming one field word for word and the rest
    another column's label is two labels; a cell of lines one of which parts two values is cut there.
    项目 | 总投 | 资 is one label wrapped, and stays one column."""
    rules = [_rule(XS[0], XS[-1], y, y) for y in (100.0, 135.0, 175.0, 215.0)] + \
        [_rule(x, x, 100.0, 215.0) for x in XS]
    head = _chars(102.0, [("序号", 42.0), ("项目名称", 85.0), ("资金来", 320.0), ("帮扶资金", 405.0)]) + \
        _chars(113.0, [("总投资", 240.0)]) + _chars(124.0, [("源", 329.0)])
    body = []
    for y, serial, name, total in ((140.0, "1", "新林镇示范园建设项目", "480000"), (180.0, "2", "杨河乡加工厂房项目", "565000")):
        body += _chars(y, [(serial, 45.0), (name, 85.0), ("东西部", 320.0), ("362", 410.0)]) + \
            _chars(y + 11, [(total, 240.0), ("协作资", 320.0)]) + _chars(y + 22, [("金", 329.0)])
    rows = _rows(ruled_grids(1, rules, head + body, None, Settings())[0])
    assert [r[2:4] for r in rows] == [["总投资", "资金来\n源"], ["480000", "东西部\n协作资\n金"], ["565000", "东西部\n协作资\n金"]]
    one = [c for c in head if not 230 < c["x0"] < 400] + _chars(102.0, [("项目", 240.0)]) + \
        _chars(113.0, [("总投", 240.0)]) + _chars(124.0, [("资", 240.0)])
    assert ruled_grids(1, rules, one + body, None, Settings())[0].n_cols == 4


def test_a_column_rule_a_page_going_on_lost_is_the_page_befores():
    """k23-024 (seed 23, 300 dpi colour, faint rules, bleed-through): on the page the table goes on to,
    the faint rule between 项目地点 and 建设周期 went unfound, 峨边彝族 | 2021-2 stood in one cell, read
    into neither field, and the grid, a column short, went on from nothing (0.954, 3 unflagged values).
    The page before's column rules, shifted as the rules both pages draw are, stand where a page going
    on from its table has a column fewer, each where no character stands across it."""
    from extractors.lostrules import previous_columns
    xs = (40.0, 80.0, 230.0, 300.0, 360.0)                   # 序号 | 项目名称 | 项目地点 | 建设周期
    before = ruled_grids(1, [_rule(xs[0], xs[-1], y, y) for y in (100.0, 120.0, 160.0)] +
                         [_rule(x, x, 100.0, 160.0) for x in xs],
                         _chars(105.0, [("序号", 42.0), ("项目名称", 85.0), ("项目地点", 235.0), ("建设周期", 305.0)]) +
                         _chars(135.0, [("1", 45.0), ("沙坪镇花椒种植项目", 85.0), ("沙坪镇", 235.0), ("2021", 305.0)]),
                         None, Settings())[0]
    shifted = [x + 2.0 for x in xs]                            # this page lies 2 points further right
    rules = [_rule(shifted[0], shifted[-1], y, y) for y in (40.0, 80.0, 120.0)] + \
        [_rule(x, x, 40.0, 120.0) for k, x in enumerate(shifted) if k != 3]     # 项目地点 | 建设周期 lost
    chars = _chars(55.0, [("2", 47.0), ("红花镇移风易俗项目", 87.0), ("红花镇", 237.0), ("2022", 307.0)]) + \
        _chars(95.0, [("3", 47.0), ("民族文化传承项目", 87.0), ("杨村乡", 237.0), ("2023", 307.0)])
    grid = ruled_grids(2, rules, chars, before, Settings())[0]
    assert grid.n_cols == 3
    lost = previous_columns(grid, before, chars, Settings())
    assert [round(e["x0"]) for e in lost] == [302]
    again = ruled_grids(2, rules + lost, chars, before, Settings())[0]
    assert _rows(again) == [["2", "红花镇移风易俗项目", "红花镇", "2022"], ["3", "民族文化传承项目", "杨村乡", "2023"]]
    across = _chars(55.0, [("2", 47.0), ("红花镇移风易俗项目", 87.0), ("峨边彝族自治县", 250.0)])   # text across it
    assert previous_columns(ruled_grids(2, rules, across, before, Settings())[0], before, across, Settings()) == []
