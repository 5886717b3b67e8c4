"""Table columns of scanned plans found whatever OCR made of their header (issue 11): a label read
out of order or in look-alikes, a column of dates whose label went unread, the unit in a caption
read without its colon or set tight over the table, a sentence read in pieces taken for no header,
a category heading whose numeral and label stand in cells of their own. Small grids are built here
from cell rectangles and characters; what each test expects is written from those cells."""
from __future__ import annotations

from extractors.columns import Mapping, map_columns, row_cells
from extractors.grid import build_grid, group_lines
from extractors.header import header_band
from extractors.rowkind import classify
from extractors.segments import text_lines
from extractors.units import amount_unit
from normalizers.correct import scrambled_label
from normalizers.merge import merge_pair
from schemas.settings import Settings
from schemas.types import Cell, Line, Page, TableRow

COLS = ((38, 62), (62, 185), (185, 290), (290, 450))


def _chars(y: float, cells: list[tuple[str, float]]) -> list[dict]:
    return [{"text": t, "x0": x + 9 * i, "x1": x + 9 * (i + 1), "top": y, "bottom": y + 9, "size": 9.0}
            for text, x in cells for i, t in enumerate(text)]


def _grid(head: tuple[str, str, str, str], rows: list[tuple[str, str, str, str]]):
    """A ruled grid of four columns: the header line, then one line per row."""
    chars = []
    for k, texts in enumerate([head] + rows):
        chars += _chars(20.0 + 20 * k, [(t, x0 + 2) for t, (x0, _) in zip(texts, COLS)])
    rects = [(x0, 18.0 + 20 * k, x1, 38.0 + 20 * k) for k in range(len(rows) + 1) for x0, x1 in COLS]
    return build_grid(5, rects, chars)


def _kinds(rows: list[tuple[str, str, str, str]], head=("序号", "项目名称", "总投资", "实施主体"),
           fields=("seq", "name", "total_investment_wan", "implementing_entity")) -> list[tuple[str, str, str]]:
    """classify's (kind, label, numeral) of each row of a grid of `rows` under `head`, mapped to `fields`."""
    grid = _grid(head, rows)
    mapping = Mapping(dict(enumerate(fields)), 1, grid.n_cols)
    return [classify(grid, r, row_cells(grid, r, mapping), Settings()) for r in range(1, grid.n_rows)]


ROWS = [("1", "新林镇示范园建设项目", "2024", "发展林下食用菌种植"),
        ("2", "觉莫乡加工厂房建设项目", "2024-2025", "新建加工厂房"),
        ("3", "杨河乡白芨种植基地", "2025年", "新建种植基地380亩")]


def test_a_label_read_out_of_order_or_in_lookalikes_names_its_field():
    """k1-004 (seed 1): a narrow cell's 建设|年限 read column by column as 限年设建 named nothing, and
    the column of years was dropped: construction_period empty in every record. A label holding a
    field label's characters in another order, or one as its look-alike, names that field, in doubt."""
    assert scrambled_label("限年设建", 3) == "construction_period"
    assert scrambled_label("位单施实", 3) == "implementing_entity"
    assert scrambled_label("项目名称", 3) == "name"
    assert scrambled_label("县级配套", 3) is None            # another column's label, not a field's
    assert scrambled_label("称名", 3) is None                # too short to be read in any order
    grid = _grid(("序号", "项目名称", "限年设建", "建设内容"), ROWS)
    columns, guessed = map_columns(grid, 1, Settings())
    assert columns == {0: "seq", 1: "name", 2: "construction_period", 3: "content"} and guessed == {2}
    units = [(a, b, "新林镇人民政府", d) for a, b, _, d in ROWS]
    grid = _grid(("序号", "项目名称", "位单施实", "建设内容"), units)
    assert map_columns(grid, 1, Settings())[0].get(2) == "implementing_entity"
    assert 2 not in map_columns(grid, 1, Settings(scrambled_label_chars=5))[0]


def test_a_column_of_years_whose_label_went_unread_is_the_construction_period():
    """k1-004, k1-026 (seed 1): 建设年限 misread past any matching left its column of years without a
    field. A column no label names whose cells are years or spans of years is construction_period,
    flagged; one whose label names another column (县级配套) is not taken, nor one of few dates."""
    columns, guessed = map_columns(_grid(("序号", "项目名称", "■■", "建设内容"), ROWS), 1, Settings())
    assert columns[2] == "construction_period" and 2 in guessed
    columns, _ = map_columns(_grid(("序号", "项目名称", "县级配套", "建设内容"), ROWS), 1, Settings())
    assert 2 not in columns
    few = [(a, b, c if k == 0 else "见附件", d) for k, (a, b, c, d) in enumerate(ROWS)]
    columns, _ = map_columns(_grid(("序号", "项目名称", "■■", "建设内容"), few), 1, Settings())
    assert 2 not in columns
    months = [(a, b, "2024年10月底", d) for a, b, _, d in ROWS]
    columns, guessed = map_columns(_grid(("序号", "项目名称", "■■", "建设内容"), months), 1, Settings())
    assert columns[2] == "deadline" and 2 in guessed


def test_a_value_from_a_guessed_column_is_flagged_low_confidence():
    """Every value the pipeline is not sure of is flagged: a guessed column's cells carry it to the record."""
    grid = _grid(("序号", "项目名称", "■■", "建设内容"), ROWS)
    columns, guessed = map_columns(grid, 1, Settings())
    cells = row_cells(grid, 1, Mapping(columns, 1, grid.n_cols, frozenset(guessed)))
    assert cells["construction_period"].guessed and not cells["name"].guessed
    m = merge_pair(None, TableRow("item", cells, 5, "", "1"), "产业合作", Settings(), alone=False)
    assert m.values["construction_period"] == "2024"
    assert "low_confidence:construction_period" in m.flags and "low_confidence:name" not in m.flags
    plain = {f: Cell(c.text, c.page, c.bbox) for f, c in cells.items()}
    assert not any(f.startswith("low_confidence") for f in
                   merge_pair(None, TableRow("item", plain, 5, "", "1"), "产业合作", Settings(), alone=False).flags)


def _unit_of(caption: str, bottom: float, figure: str = "1990000") -> tuple[str, bool]:
    grid = _grid(("序号", "项目名称", "总投资", "建设内容"),
                 [("1", "新林镇示范园建设项目", figure, "发展林下食用菌种植"),
                  ("2", "觉莫乡加工厂房建设项目", figure, "新建加工厂房")])
    lines = [Line("峨边彝族自治县2027年东西部协作项目计划安排表", 5, 40, 0, 400, 9, 12),
             Line(caption, 5, 40, bottom - 16, 400, bottom, 12)]
    return amount_unit([grid], [Page(5, 842, 595, lines)], Settings())


def test_the_unit_in_a_caption_read_without_its_colon_or_set_tight_over_the_table():
    """k1-030, k1-015 (seed 1): 单位：元 read as 单位元 (colon lost), or its line's box reaching past the
    table's top by a point, was missed: every amount of a 元 table read as 万元 (10 000 times too big)."""
    assert _unit_of("填报单位 单位元", 17.0) == ("元", True)          # k1-030: colon lost
    assert _unit_of("：峨边彝族自治县发展和改革局单位：元", 20.2) == ("元", True)   # k1-015: 2 pt into the table
    assert _unit_of("填报单位（盖章）：单位：万元", 17.0) == ("万元", True)
    assert _unit_of("填报单位（盖章）：", 17.0, "199.00") == ("万元", True)     # none said, figures of 万元


def test_a_unit_nobody_can_read_is_told_by_the_figures_and_flagged():
    """A caption lost to the scan (a seal, a torn corner): amounts of 1 990 000 a project are 元 (in 万元
    that is 199亿元); the unit is then a guess and the amounts carry `low_confidence:`."""
    assert _unit_of("填报单位（盖章）：", 17.0) == ("元", False)
    assert _unit_of("填报单位（盖章）：", 17.0, "99999") == ("万元", True)
    from extractors.tables import table_readings
    grid = _grid(("序号", "项目名称", "总投资", "建设内容"), [("1", "新林镇示范园建设项目", "1990000", "发展林下食用菌种植")])
    row = next(r for r in table_readings([grid], Settings(), "元", False)[0] if r.kind == "item")
    assert row.cells["total_investment_wan"].guessed and not row.cells["name"].guessed
    row = next(r for r in table_readings([grid], Settings(), "元", True)[0] if r.kind == "item")
    assert not row.cells["total_investment_wan"].guessed


def test_a_sentence_read_in_pieces_is_no_header():
    """k1-026 (seed 1): a narrative line read in pieces (（教育） | 项目 | 。拟 | 投入 | 帮扶资 | 金85.25万 |
    元，) named two fields (项目, 帮扶资金) and became a table whose rows were the narrative's lines."""
    settings = Settings()
    prose = _chars(40.0, [("(2）组团式帮扶", 40.0), ("（教育）", 180.0), ("项目", 230.0), ("。拟", 270.0),
                          ("投入", 300.0), ("帮扶资", 330.0), ("金85.25万", 370.0), ("元，", 450.0)])
    lines = text_lines(group_lines(prose, settings.line_tolerance), settings)
    assert len(lines[0]) >= 6 and header_band(lines, [], settings) is None
    head = _chars(40.0, [("序号", 40.0), ("项目名称", 80.0), ("帮扶资金", 200.0), ("建设内容", 260.0)])
    row = _chars(60.0, [("1", 40.0), ("新林镇示范园建设项目", 80.0), ("85.25", 200.0), ("新建厂房，配套设施。", 260.0)])
    lines = text_lines(group_lines(head + row, settings.line_tolerance), settings)
    assert header_band(lines, [], settings) == (0, 0)


def test_a_header_line_goes_on_past_a_piece_of_the_label_above_read_as_a_figure():
    """k1-011 (seed 1, 300 dpi 1-bit heavy blur): 门 of 行业主管部门 was read 0, boxed apart and grown
    up into its label; the header ended there, above 项目总投资 | 财政援助资金 | 自筹资金, and the
    two money columns under 资金来源 were read as one."""
    settings = Settings()
    head = _chars(40.0, [("序号", 40.0), ("项目名称", 80.0), ("行业主管部", 200.0), ("资金来源", 300.0)])
    lower = _chars(46.0, [("0", 205.0), ("财政援助资金", 260.0), ("自筹资金", 330.0)])
    row = _chars(70.0, [("1", 40.0), ("新林镇示范园建设项目", 80.0), ("县农业农村局", 200.0), ("85.25", 260.0)])
    lines = text_lines(group_lines(head + lower + row, settings.line_tolerance), settings)
    assert header_band(lines, [], settings) == (0, 1)
    lower = _chars(46.0, [("0", 205.0)])                    # no label beside it: a figure ends the header
    lines = text_lines(group_lines(head + lower + row, settings.line_tolerance), settings)
    assert header_band(lines, [], settings) == (0, 0)


def test_a_stroke_over_a_first_rows_text_is_not_taken_into_the_header():
    """k23-018 (seed 23, 300 dpi grey, a seal over 填报单位（盖章）): the seal left 有 standing just over the
    header's group line, over no label but over the first row's content; taken into the header as a
    column of its own, the columns fitted no row and the table's first page landed no project."""
    settings = Settings()
    stroke = _chars(31.0, [("有", 150.0)])
    group = _chars(36.0, [("建设年", 300.0)])
    head = _chars(42.0, [("项目", 40.0), ("主要建设内容", 180.0), ("实施地点", 250.0), ("行业主管部门", 340.0)])
    under = _chars(48.0, [("限", 305.0)])
    row = _chars(62.0, [("毛坪镇乌金猪", 40.0), ("新建标准化圈", 145.0), ("毛坪镇", 250.0), ("2022", 300.0),
                        ("县农业农村局", 340.0)])
    lines = text_lines(group_lines(stroke + group + head + under + row, settings.line_tolerance), settings)
    assert [ln[0].text for ln in lines][:4] == ["有", "建设年", "项目", "限"]
    assert header_band(lines, [], settings) == (1, 3)


def test_a_heading_whose_numeral_and_label_stand_in_cells_of_their_own():
    """k1-037 (seed 1): a heading row read as （一） in one column and 产业帮扶项目 in another, 序号 blank,
    gave the category '(一)' to its items. One bare numeral and one label beside figures: a heading."""
    grid = _grid(("序号", "项目名称", "总投资", "建设内容"), [("", "（一）", "1029.12", "产业帮扶项目（2个）"),
                                                      ("", "新林镇示范园建设项目", "215.65", "（一）")])
    mapping = Mapping({0: "seq", 1: "name", 2: "total_investment_wan", 3: "content"}, 1, grid.n_cols)
    assert classify(grid, 1, row_cells(grid, 1, mapping), Settings()) == ("subtotal", "产业帮扶项目(2个)", "一")
    assert classify(grid, 2, row_cells(grid, 2, mapping), Settings())[0] == "item"


def test_a_headings_numeral_read_with_a_stroke_after_it_takes_the_label_beside_it():
    """k14-005 (150 dpi 1-bit): 五i | 民生改善13个 ((3个) read 13个) took the stroke i for the label: three
    projects' category empty."""
    assert _kinds([("五i", "", "1514", "民生改善13个")], head=("序号", "项目名称", "总投资", "建设内容"),
                  fields=("seq", "name", "total_investment_wan", "content")) == [("subtotal", "民生改善13个", "五")]


def test_an_aid_column_whose_label_went_unread_but_its_unit_is_the_one_beside_the_total_in_doubt():
    """k14-014 (200 dpi colour, heavy blur): 东西部协作资金（万元） read 醫元): every project's aid lost. The
    column right of the total, its header holding 元, its figures none over the total beside them."""
    rows = [("1", "新林镇示范园建设项目", "114", "92"), ("2", "觉莫乡加工厂房建设项目", "98", "98"),
            ("3", "杨河乡白芨种植基地建设项目", "205.5", "180")]
    head = ("序号", "项目名称", "总投资（万元）", "醫元)")
    assert map_columns(_grid(head, rows), 1, Settings()) == ({0: "seq", 1: "name", 2: "total_investment_wan",
                                                             3: "aid_funds_wan"}, {3})
    assert 3 not in map_columns(_grid(head[:3] + ("醫",), rows), 1, Settings())[0]          # no unit: no money column
    over = [(a, b, c, "300" if a == "2" else d) for a, b, c, d in rows]                      # over a total: no aid
    assert 3 not in map_columns(_grid(head, over), 1, Settings())[0]
    assert 3 not in map_columns(_grid(head[:3] + ("县级配套（万元）",), rows), 1, Settings())[0]   # a known column


def test_a_heading_cut_across_two_cells_with_its_numeral_lost_is_a_heading():
    """k1-010 (seed 1, a seal over the table): 一、产业合作（5个） read 产 | 业合作 （5个） in two cells, 序号
    blank, became a project: one spurious record and every seq after it one off (0.903). Two words
    that together are a category's own wording are a heading; a project's two words are not."""
    kinds = _kinds([("", "产", "1767.50", "业合作 （5个）"), ("", "消费帮扶", "215.65", "县农业农村局"),
                    ("", "产业发展", "215.65", "县农业农村局")])
    assert kinds == [("subtotal", "产业合作(5个)", ""), ("item", "", ""), ("item", "", "")]
    # k16-005: 产业 | 发展类（3个） across the name's and content's columns, worded otherwise than the
    # category's own wording (产业发展类) but counted; two words of a project are still a project
    kinds = _kinds([("", "产业", "962", "发展类（3个）"), ("", "产业", "962", "发展示范基地")])
    assert kinds == [("subtotal", "产业发展类(3个)", ""), ("item", "", "")]
    # k21-012 (faint rules, a seal over the table): 一、产业帮扶项目（5个） read 帮扶 | 项目（5个）, 一、产业 under the
    # seal: counted, a heading though its words name no category
    kinds = _kinds([("", "帮扶", "2065.74", "项目（5个）"), ("", "白杨乡乌金猪养殖小区建设项目", "505.56", "县农业农村局")])
    assert kinds == [("subtotal", "帮扶项目(5个)", ""), ("item", "", "")]


def test_a_category_alone_in_its_row_with_its_numeral_under_a_seal_is_a_heading():
    """k4-011 (seed 4, a seal over the table): a table with no 序号 column printed 一、产业合作 in a row of
    its own; the seal hid 一、, and 产业合作 became a project (two spurious records, every seq after
    them off). A category's own wording alone in a row is a heading, beside its sum too (k5-038: 产业合作 |
    1217.14, its 一 lost, a spurious project); a row with another word, or a project's name, is an item."""
    kinds = _kinds([("", "产业合作", "", ""), ("", "消费帮扶", "215.65", "县农业农村局"),
                    ("", "移风易俗示范点建设项目", "", ""), ("", "产业合作", "1217.14", ""), ("", "产业帮扶项目", "486.25", ""),
                    ("", "", "", "路等基础设施")])
    assert kinds[:5] == [("subtotal", "产业合作", ""), ("item", "", ""), ("item", "", ""), ("subtotal", "产业合作", ""),
                         ("subtotal", "产业帮扶项目", "")]           # k5-004: a heading worded with 项目 as a name
    assert kinds[5] == ("empty", "", "")      # another cell's words naming a category: the rest of a broken row


def test_the_name_column_under_a_seal_is_found_among_headings_and_subtotals():
    """k4-011 (seed 4): the seal hid 项目名称; the column also holds each group's 小计 and heading, so
    fewer than half its cells ended as names do and the plan was rejected (no name column). Rows of
    the table's structure do not count against the names."""
    rows = [("", "一、产业合作", "", ""), ("1", "大堡镇加工厂房建设项目", "279.01", "新建厂房"),
            ("", "小计", "279.01", ""), ("", "二、人才交流", "", ""),
            ("2", "专业技术人才培养项目", "87.45", "培训"), ("", "小计", "87.45", "")]
    grid = _grid(("序号", "", "总投资", "建设内容"), rows)
    assert map_columns(grid, 1, Settings())[0].get(1) == "name"


def test_a_projects_row_whose_name_a_seal_hid_is_still_a_project():
    """k4-037 (seed 4): a table with no 序号 column, a seal over a project's name: the row of figures,
    place and offices was taken for a subtotal labelled with its place, one project lost and every
    seq after it one off. A row with figures and three different words is a project's; a heading's
    label over figures is a subtotal."""
    grid = _grid(("项目名称", "总投资", "建设地点", "实施主体"), [("", "891400.00", "峨边彝族自治县", "县委组织部"),
                                                       ("人才交流", "2151400.00", "", "")])
    mapping = Mapping({0: "name", 1: "total_investment_wan", 2: "location", 3: "implementing_entity"}, 1, grid.n_cols)
    assert classify(grid, 1, row_cells(grid, 1, mapping), Settings())[0] == "subtotal"     # two words
    grid = _grid(("备注", "总投资", "建设地点", "实施主体"), [("新建", "891400.00", "峨边彝族自治县", "县委组织部"),
                                                   ("人才", "2151400.00", "", "")])
    mapping = Mapping({0: "notes", 1: "total_investment_wan", 2: "location", 3: "implementing_entity"}, 1, grid.n_cols)
    assert classify(grid, 1, row_cells(grid, 1, mapping), Settings())[0] == "item"
    assert classify(grid, 2, row_cells(grid, 2, mapping), Settings())[0] == "subtotal"


def test_a_numbers_column_under_a_seal_is_the_seq_and_a_counted_label_alone_a_heading():
    """k4-015 (seed 4): a seal over 序号 and 项目名称 left the numbers' column unmapped, so 二 | 就业帮扶类 |
    （3个） became a project; the seal also hid 一、产 of 一、产业协作（4个）, read 业协作（4个） alone in
    its row, also a project: two spurious records, every seq off. A column of item numbers no label
    names is the seq; a label alone with its group's count is a heading."""
    rows = [("", "业协作（4个）", "1433.57", ""), ("1", "新林镇示范园建设项目", "318.12", "县农业农村局"),
            ("2", "觉莫乡加工厂房建设项目", "162.45", "县农业农村局"), ("二", "就业帮扶类", "309.66", "（3个）"),
            ("1", "稳岗就业奖补项目", "119.26", "县人社局")]
    grid = _grid(("", "项目名称", "总投资", "实施主体"), rows)
    columns, _ = map_columns(grid, 1, Settings())
    assert columns.get(0) == "seq"
    counted = _grid(("户数", "项目名称", "总投资", "实施主体"), rows)     # a column of figures headed otherwise (s707-024)
    assert "seq" not in map_columns(counted, 1, Settings())[0].values()
    mapping = Mapping(columns, 1, grid.n_cols)
    kinds = [classify(grid, r, row_cells(grid, r, mapping), Settings())[:2] for r in range(1, grid.n_rows)]
    assert kinds == [("subtotal", "业协作(4个)"), ("item", ""), ("item", ""), ("subtotal", "就业帮扶类"), ("item", "")]
    # k24-015 (seed 24): the seal hid 一、产 and 个） of 一、产业帮扶项目（3个）, read 业帮扶项目（3 alone over its
    # figures: a spurious project, every seq after it one off (0.906). A count cut open is a heading's too
    cut = _grid(("", "项目名称", "总投资", "实施主体"), [("", "业帮扶项目（3", "824.96", "")] + rows[1:3])
    kinds = [classify(cut, r, row_cells(cut, r, mapping), Settings())[:2] for r in range(1, cut.n_rows)]
    assert kinds == [("subtotal", "业帮扶项目(3"), ("item", ""), ("item", "")]


def test_a_projects_full_row_numbered_with_a_misread_numeral_is_a_project():
    """k2-034 (seed 2, 1-bit heavy blur): the first project's number read 二: its whole row became the
    heading of every project after it. A numeral beside three words or more is a project's number."""
    grid = _grid(("序号", "项目名称", "建设地点", "实施主体"), [("二", "平等乡乌金猪养殖项目", "平等乡", "县农业农村局"),
                                                      ("二", "劳务协作", "", "")])
    mapping = Mapping({0: "seq", 1: "name", 2: "location", 3: "implementing_entity"}, 1, grid.n_cols)
    assert classify(grid, 1, row_cells(grid, 1, mapping), Settings())[0] == "item"
    assert classify(grid, 2, row_cells(grid, 2, mapping), Settings())[:2] == ("subtotal", "劳务协作")


def test_a_label_cut_on_one_page_is_named_as_the_next_pages_header_prints_it():
    """k4-021 (seed 4): on the table's first page the scan lost 财政援助 of 财政援助资金 and 自筹 of 自筹资金;
    a guess gave aid_funds_wan to the 自筹资金 column and the aid went unread in every project. The
    next page prints the header whole: a column unnamed or named by a guess takes the field that
    header names, and the guess that gave it elsewhere is dropped; a label read as printed stays."""
    from extractors.tables import _filled
    first = Mapping({0: "name", 2: "aid_funds_wan", 3: "location"}, 1, 4, frozenset({2}))
    filled = _filled(first, {0: "name", 1: "aid_funds_wan", 3: "responsible_unit"})
    assert filled.columns == {0: "name", 1: "aid_funds_wan", 3: "location"} and filled.guessed == frozenset()
    # s222-012 (born-digital): 责任领导 printed 责/任 on later pages; the column of names got the field by a
    # guess, and every leader there was flagged: the first page's header prints it, so it is no guess
    later = Mapping({0: "name", 2: "responsible_leader"}, 1, 4, frozenset({2}))
    assert _filled(later, {0: "name", 2: "responsible_leader"}).guessed == frozenset()


def test_a_heading_numeral_misread_as_an_earlier_one_does_not_start_the_table_over():
    """k4-024 (seed 4): OCR read 二、劳务协作 as 三、劳务协作; when 三、人才交流 came, the table was taken to
    start over (a scan holding it twice) and its second half became a second reading: 2 projects of 7.
    A numeral seen before starts over only with the same category, or with its label unread."""
    from extractors.tables import table_readings
    rows = [("一", "产业合作", "100", ""), ("(1)", "新林镇示范园建设项目", "100", "县农业农村局"),
            ("三", "劳务协作", "50", ""), ("(1)", "劳务协作技能培训项目", "50", "县人社局"),
            ("三", "人才交流", "20", ""), ("(1)", "干部人才交流培训项目", "20", "县委组织部")]
    grid = _grid(("序号", "项目名称", "总投资", "实施主体"), rows)
    readings = table_readings([grid], Settings())
    assert len(readings) == 1 and sum(r.kind == "item" for r in readings[0]) == 3
    again = _grid(("序号", "项目名称", "总投资", "实施主体"), rows[:4] + [rows[0], rows[1]])    # printed twice
    assert [sum(r.kind == "item" for r in rd) for rd in table_readings([again], Settings())] == [2, 1]


def test_a_neighbouring_columns_amounts_are_taken_out_of_an_office_name():
    """k1-000 (seed 1): the rules between 县级配套 | 群众自筹 | 责任单位 lost under a lifted seal, the
    amounts were read into the office's cell (788800.00 270000.00县农业农村局). Money figures are taken
    out of an office, owner or person, with a corrections row and a review flag."""
    cells = {"name": Cell("杨村乡乌金猪养殖小区建设项目", 5, (0, 0, 1, 1)),
             "responsible_unit": Cell("788800.00 270000.00 县农业农村局", 5, (0, 0, 1, 1)),
             "implementing_entity": Cell("县住房和城乡建设130000.00局", 5, (0, 0, 1, 1)),
             "content": Cell("新建厂房2.50万平方米", 5, (0, 0, 1, 1))}
    m = merge_pair(None, TableRow("item", cells, 5, "", "1"), "产业合作", Settings(), alone=False)
    assert m.values["responsible_unit"] == "县农业农村局" and m.values["implementing_entity"] == "县住房和城乡建设局"
    assert m.values["content"] == "新建厂房2.50万平方米"                  # not a name: left as printed
    assert {"low_confidence:responsible_unit", "low_confidence:implementing_entity"} <= set(m.flags)
    assert [(c.field, c.original, c.corrected, c.rule) for c in m.corrections if c.rule == "stray_amount"] == [
        ("responsible_unit", "788800.00 270000.00县农业农村局", "县农业农村局", "stray_amount"),
        ("implementing_entity", "县住房和城乡建设130000.00局", "县住房和城乡建设局", "stray_amount")]
    # k26-038 (seed 26, a table in 元 printed whole): 峨边作族自治250000县水务局; a figure of five digits or
    # more is a neighbour's too, and the county's misread character is then restored
    whole = {"name": Cell("杨河乡供水一张网新建工程", 5, (0, 0, 1, 1)),
             "responsible_unit": Cell("峨边作族自治250000县水务局", 5, (0, 0, 1, 1))}
    m = merge_pair(None, TableRow("item", whole, 5, "", "1", unit="元"), "基础设施", Settings(), alone=False,
                   scanned=True)
    assert m.values["responsible_unit"] == "峨边彝族自治县水务局" and "low_confidence:responsible_unit" in m.flags


def test_an_items_number_read_into_its_name_is_set_apart():
    """k1-032 (seed 1): 序号 found no column of its own (its header unread, its gutter lost), the
    numbers went into the names: (1)“四季文旅”消费帮扶项目. With no 序号 column, a name opening with an
    item number gives the row that number and the name the rest; a heading numeral stays."""
    from extractors.rowkind import numeral_apart
    box = (0, 0, 1, 1)
    cells = numeral_apart({"name": Cell("(1)“四季文旅”消费帮扶项目", 6, box), "content": Cell("开展展销活动9场", 6, box)})
    assert cells["seq"].text == "(1)" and cells["name"].text == "“四季文旅”消费帮扶项目"
    cells = numeral_apart({"name": Cell("五渡镇幼儿园保教设施建设项\n(1)\n目", 6, box)})
    assert cells["seq"].text == "(1)" and cells["name"].text == "五渡镇幼儿园保教设施建设项\n目"
    cells = numeral_apart({"name": Cell("宜坪乡林下经济示\n4\n范园建设项目", 6, box)})     # k5-037: a bare number
    assert cells["seq"].text == "4" and cells["name"].text == "宜坪乡林下经济示\n范园建设项目"
    # k8-014 (seed 8): a tesseract layer's 序号 lost into the names, a space between (2 2025年劳务协作…)
    cells = numeral_apart({"name": Cell("2 2025年劳务协作技能培\n训项目", 6, box)})
    assert cells["seq"].text == "2" and cells["name"].text == "2025年劳务协作技能培\n训项目"
    for name in ("2025年劳务协作技能培训项目", "10万亩茶园提升项目"):     # a figure opening the name, no space
        assert "seq" not in numeral_apart({"name": Cell(name, 6, box)})
    kept = {"name": Cell("（一）产业合作", 6, box)}
    assert numeral_apart(kept) == kept
    numbered = {"seq": Cell("2", 6, box), "name": Cell("(1)号楼改造项目", 6, box)}
    assert numeral_apart(numbered) == numbered             # a 序号 column of its own: the name as printed


def test_an_items_number_ocr_garbled_in_its_name_is_taken_out():
    """k1-011 (seed 1, 1-bit heavy blur, 序号 under a seal: no column): (1) read () or d), standing
    apart at the start of a name's line, stayed in five of six names (d)专业技术人才培养项目)."""
    from extractors.rowkind import numeral_apart
    box = (0, 0, 1, 1)
    cells = numeral_apart({"name": Cell("d) 专业技术人才培养\n项目", 6, box)})
    assert cells["name"].text == "专业技术人才培养\n项目" and "seq" not in cells
    assert numeral_apart({"name": Cell("宜坪乡白芨种植基\n() 地建设项目", 6, box)})["name"].text == \
        "宜坪乡白芨种植基\n地建设项目"
    for kept in ("(二期)工程 建设项目", "A级景区提升项目", "d)专业技术人才培养项目"):   # hanzi, no mark, no gap
        assert numeral_apart({"name": Cell(kept, 6, box)})["name"].text == kept


def test_a_date_cell_that_reads_as_no_date_is_flagged():
    """k1-026 (seed 1): 建设年限 cells holding a lost 责任领导 column's names (杨德 2024 | 贵) read as no
    period: the value was empty and unflagged. A table cell with text no date parser reads leaves the
    value empty and flagged; an empty cell stays unflagged."""
    box = (0, 0, 1, 1)
    cells = {"name": Cell("新林镇示范园建设项目", 5, box), "construction_period": Cell("杨德 2024\n贵", 5, box),
             "deadline": Cell("2024年10月底", 5, box)}
    m = merge_pair(None, TableRow("item", cells, 5, "", "1"), "产业合作", Settings(), alone=False)
    assert m.values["construction_period"] is None and "low_confidence:construction_period" in m.flags
    assert m.values["deadline"] == "2024-10" and "low_confidence:deadline" not in m.flags
    cells["construction_period"] = Cell("", 5, box)
    m = merge_pair(None, TableRow("item", cells, 5, "", "1"), "产业合作", Settings(), alone=False)
    assert "low_confidence:construction_period" not in m.flags


def test_a_narrow_columns_stacked_label_is_cut_into_its_lines_before_it_is_read():
    """k3-056 (seed 3): 帮扶 | 资金 | （万 | 元） stacked in a narrow column, one detector box taller than
    wide: read turned as one character ('醫', score 0.15, dropped), so no column held the amounts.
    Each band of ink wider than high is a line of its own; a line running down the page (one
    character a band) stays whole."""
    import numpy as np
    from extractors.stacks import split_stacked
    page = np.full((120, 200), 255, dtype=np.uint8)
    for top in (10, 24, 38):                       # three lines of two characters: 26 x 10 px each
        page[top:top + 10, 20:46] = 0
    for top in (10, 24, 38, 52):                   # a vertical line: one 10 x 10 character a band
        page[top:top + 10, 120:130] = 0
    box = lambda x0, y0, x1, y1: np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32)
    boxes = np.stack([box(16, 6, 50, 52), box(116, 6, 134, 66), box(10, 80, 190, 95)])
    out, scores = split_stacked(boxes, [0.9, 0.8, 0.7], page)
    assert len(out) == 5 and scores == [0.9, 0.9, 0.9, 0.8, 0.7]
    assert [(round(b[0][1]), round(b[2][1])) for b in out[:3]] == [(8, 22), (22, 36), (36, 50)]
    assert (out[3] == boxes[1]).all() and (out[4] == boxes[2]).all()
    # k1-018: a leader's cell 孙德 | 贵 in a box hardly taller than wide, read as it lies: left whole
    page[70:78, 140:160] = 0
    page[81:89, 140:150] = 0
    square = box(136, 66, 164, 93)
    assert len(split_stacked(np.stack([square]), [0.9], page)[0]) == 1
    # k2-038 (seed 2): a header cell 建设 | 周期 in a box as tall as wide, two characters a line: cut
    # (read as it lies, only 建 of it was read and two columns ran together)
    page[98:106, 60:67] = page[98:106, 69:76] = page[109:117, 60:67] = page[109:117, 69:76] = 0
    assert len(split_stacked(np.stack([box(56, 94, 80, 119)]), [0.9], page)[0]) == 2


def test_a_first_row_whose_label_a_seal_hid_is_the_total_when_its_amounts_add_up_to_the_items():
    """k2-026 (seed 2): the 合计 row at the table's top, its label under the seal, took the 类别 cell
    merged down beside it and stood as a heading of 产业合作 over every row (4 categories wrong)."""
    from extractors.tables import settle_total
    cell = lambda t: Cell(t, 5, (0, 0, 1, 1))
    row = lambda kind, label, **f: TableRow(kind, {k: cell(v) for k, v in f.items()}, 5, label, "")
    reading = [row("subtotal", "产业合作", category="产业合作", aid_funds_wan="21096000.00"),
               row("item", "", name="红花镇林下经济示范园建设项目", category="产业合作", aid_funds_wan="15000000.00"),
               row("item", "", name="组团式帮扶（教育）项目", category="人才交流", aid_funds_wan="6096000.00")]
    settle_total(reading)
    assert (reading[0].kind, reading[0].label) == ("total", "合计")
    reading[0] = row("subtotal", "产业合作", category="产业合作", aid_funds_wan="15000000.00")   # its group's sum only
    settle_total(reading)
    assert reading[0].kind == "subtotal"


def test_a_continuation_counted_in_other_columns_takes_the_fields_of_the_columns_where_it_stands():
    """k2-031 (seed 2, a seal over the table's first page): the first page's grid had 19 columns (the
    seal's strokes made some), the next page's 13 and no header, so the mapping of the page before
    did not fit and the next page's projects lost every table value (0.705 → 0.814)."""
    from extractors.columns import by_position, column_spans, grid_mapping
    first = _grid(("序号", "项目名称", "建设年限", "建设内容"), ROWS)
    mapping = grid_mapping(first, None, Settings())
    assert mapping.columns == {0: "seq", 1: "name", 2: "construction_period", 3: "content"}
    # the next page: no header; 序号 and 项目名称 one column (their rule lost), the rest where they were
    chars = _chars(20.0, [("4", COLS[0][0] + 2), ("黑竹沟镇人居环境整治项目", COLS[1][0] + 2),
                          ("2025", COLS[2][0] + 2), ("改造农户人居环境", COLS[3][0] + 2)])
    rects = [(COLS[0][0], 18.0, COLS[1][1], 38.0), (COLS[2][0], 18.0, COLS[2][1], 38.0), (COLS[3][0], 18.0, COLS[3][1], 38.0)]
    nxt = build_grid(6, rects, chars)
    assert nxt.n_cols == 3 and column_spans(nxt)[1] == COLS[2]
    moved = grid_mapping(nxt, mapping, Settings())
    assert moved == by_position(nxt, mapping)
    assert moved.columns == {0: "name", 1: "construction_period", 2: "content"} and moved.header_rows == 0


def test_a_header_cell_over_two_columns_holding_two_labels_names_each_column():
    """k5-012: the rule between 项目名称 | 产权归属 lost in a blurred header made one cell over both
    columns; both took 项目名称 and the names went to the 产权归属 column. A header cell spanning as
    many columns as it holds words apart gives each column its own word."""
    chars = _chars(20.0, [("序号", 40.0), ("项目名称", 64.0), ("产权归属", 190.0), ("总投资", 292.0)])
    chars += _chars(40.0, [("1", 40.0), ("茶叶基地建设项目", 64.0), ("县国资中心", 187.0), ("100", 292.0)])
    rects = [(38, 18.0, 62, 38.0), (62, 18.0, 290, 38.0), (290, 18.0, 450, 38.0)]
    rects += [(x0, 38.0, x1, 58.0) for x0, x1 in COLS]
    grid = build_grid(5, rects, chars)
    assert grid.n_cols == 4 and grid.owner(0, 1).colspan == 2
    columns, _ = map_columns(grid, 1, Settings())
    assert columns == {0: "seq", 1: "name", 2: "ownership", 3: "total_investment_wan"}


def test_a_title_or_an_issuing_office_above_the_labels_is_no_header_line():
    """k5-007: a seal over 填报单位 and 序号 | 项目名称 left 峨 | 族自治县发展和改革局 under a title read
    in pieces (资金项 | 目计划 | 表); both were taken for header lines over the labels and no table was found."""
    settings = Settings()
    title = _chars(4.0, [("峨边彝族自治县", 100.0), ("资金项", 170.0), ("目计划", 200.0), ("表", 230.0)])
    office = _chars(20.0, [("峨", 60.0), ("族自治县发展和改革局", 80.0)])
    head = _chars(35.0, [("项目", 40.0), ("建设内容", 130.0), ("项目地点", 200.0), ("规划投资", 260.0)])
    row = _chars(55.0, [("新林镇示范园建设项目", 40.0), ("新建厂房，配套设施。", 130.0), ("新林镇", 220.0), ("85.25", 260.0)])
    lines = text_lines(group_lines(title + office + head + row, settings.line_tolerance), settings)
    assert header_band(lines, [], settings) == (2, 2)
    group = _chars(20.0, [("资金规模", 250.0)])                   # a group label over its columns is
    lines = text_lines(group_lines(title + group + head + row, settings.line_tolerance), settings)
    assert header_band(lines, [], settings) == (1, 2)


def test_a_column_of_people_whose_label_went_unread_is_the_responsible_leader():
    """k5-027: a seal over 责任领导 left its column unnamed and 11 leaders were lost with no flag.
    A column no label names whose cells are people's names (a common surname, two or three hanzi)
    holds the leaders; a column of towns beginning with a surname's character (白杨乡) does not."""
    rows = [("1", "红花镇猕猴桃基地建设项目", "郭建国", "红花镇"), ("2", "金岩乡养殖小区建设项目", "徐秀英", "金岩乡"),
            ("3", "白杨乡卫生院设备购置项目", "陈丽华", "白杨乡")]
    grid = _grid(("序号", "项目名称", "", "实施主体"), rows)
    columns, unsure = map_columns(grid, 1, Settings())
    assert columns[2] == "responsible_leader" and 2 not in unsure
    grid = _grid(("序号", "项目名称", "", "实施主体"), [(a, b, d, c) for a, b, c, d in rows])
    assert "responsible_leader" not in map_columns(grid, 1, Settings())[0].values()


def test_a_column_of_places_whose_label_went_unread_is_the_location_in_doubt():
    """k23-011 (seed 23): a seal over 建设地点 left its column unnamed and every location was lost. A
    column no label names whose cells are gazetteer places holds the locations (a guess: in doubt);
    a column of township governments (勒乌乡人民政府) does not."""
    rows = [("1", "勒乌乡林下经济示范园建设项目", "勒乌乡", "勒乌乡人民政府"), ("2", "沙坪镇花椒种植基地建设项目", "沙坪镇", "沙坪镇人民政府"),
            ("3", "农特产品东部行展销项目", "浙江省绍兴市柯桥区", "县委宣传部")]
    columns, unsure = map_columns(_grid(("序号", "项目名称", "", "实施主体"), rows), 1, Settings())
    assert columns[2] == "location" and 2 in unsure
    offices = [(a, b, d, "") for a, b, _, d in rows]
    assert "location" not in map_columns(_grid(("序号", "项目名称", "", "备注"), offices), 1, Settings())[0].values()


def _date_column(*texts: str, spanning: tuple[str, ...] = ()):
    """A grid of one column under 建设期限, a cell per text; those in `spanning` span four columns."""
    from extractors.grid import Grid, GridCell
    cells = [GridCell(t, (0.0, 20.0 * r, 40.0, 20.0 * r + 20), r, 0, 1, 4 if t in spanning else 1)
             for r, t in enumerate(("建设期限",) + texts)]
    return Grid(1, (0.0, 0.0, 40.0, 20.0 * len(cells)), cells, [[r] for r in range(len(cells))])


def test_a_year_over_a_month_in_a_narrow_column_is_a_deadline():
    """k25-037 (seed 25): 建设期限's cells 2024 | 09 on two lines were taken for years, the column for the
    construction period, and 建设年限 (202 | 3年 | 至 | 202 | 4年) lost its field: 8 periods lost."""
    from extractors.columns import date_column_kind
    assert date_column_kind(_date_column("2024\n09", "2023\n10", "2024\n12"), 0, 1) == "deadline"
    assert date_column_kind(_date_column("202\n3年\n至\n202\n4年", "2023\n2024", "2024年"), 0, 1) == "construction_period"


def test_a_column_of_dates_is_judged_by_its_own_cells():
    """k25-021 (seed 25): headings and 小计 spanning 建设期限 with the columns beside it outnumbered its
    dates (2022年12月31日前): the column was taken for years and 5 deadlines were lost."""
    from extractors.columns import date_column_kind
    grid = _date_column("一、产业合作", "2022年12月31日前", "2022年10月20日前", "小计", "二、人才交流", "2022年10月15日前", "小计",
                        spanning=("一、产业合作", "小计", "二、人才交流"))
    assert date_column_kind(grid, 0, 1) == "deadline"


def test_a_column_of_owners_whose_label_went_unread_is_the_ownership_in_doubt():
    """k25-022 (seed 25): a tesseract layer lost the header 产权归属 and every owner was lost. A column no
    label names whose cells are owners (受益群众, 村集体经济组织) or offices, one an owner at least, holds
    the ownership (a guess: in doubt); a column of offices alone (实施主体's) does not."""
    rows = [("1", "平等乡乌金猪养殖小区建设项目", "平等乡", "平等乡人民政府"), ("2", "稳岗就业奖补项目", "峨边彝族自治县", "村集体经济组织"),
            ("3", "移风易俗示范点建设项目", "杨村乡", "受益群众")]
    columns, unsure = map_columns(_grid(("序号", "项目名称", "建设地点", ""), rows), 1, Settings())
    assert columns[3] == "ownership" and 3 in unsure
    offices = [(a, b, c, "县民族宗教事务局") for a, b, c, _ in rows]
    assert "ownership" not in map_columns(_grid(("序号", "项目名称", "建设地点", ""), offices), 1, Settings())[0].values()


def test_a_row_of_a_table_found_by_alignment_cut_by_a_gap_is_joined_again():
    """k5-010: in a table found by the alignment of its text (broken rules), a wide gap between the
    lines of a cell cut project 9's row in two (勒乌乡供水一张 | 网新建工程): a spurious project and every
    field cut. A row with no number and no amount after a numbered item goes on from it; in a ruled
    grid the row is the rule's."""
    from extractors.tables import table_readings
    rows = [("9", "勒乌乡供水一张", "405.02", "新建蓄水池2口"), ("", "网新建工程", "", "配套消毒净化设备"),
            ("10", "农村危房改造项目", "594.21", "参与农村危房改造")]
    grid = _grid(("序号", "项目名称", "总投资", "建设内容"), rows)
    ruled = [r for r in table_readings([grid], Settings())[0] if r.kind == "item"]
    assert len(ruled) == 3
    grid.columns = [38.0, 62.0, 185.0, 290.0, 450.0]            # the same table found by alignment
    items = [r for r in table_readings([grid], Settings())[0] if r.kind == "item"]
    assert [(r.text("seq"), r.text("name"), r.text("content")) for r in items] == [
        ("9", "勒乌乡供水一张网新建工程", "新建蓄水池2口配套消毒净化设备"), ("10", "农村危房改造项目", "参与农村危房改造")]
    # k2-014: a whole name after a whole name is another project whose number went into its name, not the rest
    grid = _grid(("序号", "项目名称", "总投资", "建设内容"), [("7", "五渡镇人居环境整治提升项目", "502.76", "改造农户人居环境"),
                                                        ("", "3农村危房改造项目", "", "参与农村危房改造")])
    grid.columns = [38.0, 62.0, 185.0, 290.0, 450.0]
    assert len([r for r in table_readings([grid], Settings())[0] if r.kind == "item"]) == 2


def test_a_heading_cut_over_cells_by_alignment_is_a_heading():
    """k5-033: a table found by alignment cut each heading over three cells (（ | 产业协作 | （5个）, its
    一 lost; (三)消费协作 twice over merged cells beside (21)); the rows were taken for projects whose
    names a seal hid: spurious records, every seq after them off, 5 projects in the wrong category.
    One label naming a category beside only its numeral's marks and its count is a heading."""
    kinds = _kinds([("", "（", "产业协作", "（5个）"), ("", "(三)消费协作", "111", "(21)"),
                    ("", "农特产品东部行展销项目", "44", "(21)"), ("", "（", "毛坪镇", "（5个）")])
    assert kinds[:3] == [("subtotal", "产业协作", ""), ("subtotal", "消费协作", "三"), ("item", "", "")]
    assert kinds[3][0] == "item"                               # a place beside them names no category
    # k24-002 (150 dpi 1-bit, heavy blur): 六、补齐基础短板及拓展基层治理 cut over two cells beside its numeral
    # read i六: a project with no name, every project after it in the category before (0.893)
    head, fields = ("备注", "建设内容", "完成时间", "项目名称"), ("notes", "content", "deadline", "name")
    kinds = _kinds([("i六", "补齐基础短板及拓展", "基层治理", ""), ("县水务局", "参与农村危房改造", "2026年9月底", "农村危房改造项目"),
                    ("i", "产业", "发展示范基地", "")], head, fields)
    assert kinds[:2] == [("subtotal", "补齐基础短板及拓展基层治理", "六"), ("item", "", "")]
    assert kinds[2][0] != "subtotal"                  # a speck beside a project's words is no numeral
    # k25-010 (300 dpi 1-bit under a seal): 有, a glyph of the seal, read under 项目名称 beside （二） 人才交流: a
    # spurious project, every seq after it off by one
    kinds = _kinds([("", "有", "（二） 人才交流", "137.70"), ("", "有", "农特产品东部行展销", "137.70")],
                   ("序号", "项目名称", "建设内容", "总投资"), ("seq", "name", "content", "total_investment_wan"))
    assert kinds == [("subtotal", "人才交流", "二"), ("item", "", "")]


def test_a_cell_spanning_from_an_unmapped_column_belongs_to_the_mapped_one_it_spans():
    """k5-012: a rule lost over the whole 项目总投资 column left each figure in a cell spanning from the
    column to its left, which no label named; the mapped column took nothing and every total was lost.
    A spanning cell whose own column is mapped stays that column's."""
    chars = _chars(20.0, [("序号", 40.0), ("项目名称", 64.0), ("总投资", 292.0)])
    chars += _chars(40.0, [("1", 40.0), ("茶叶基地建设项目", 64.0), ("5615200.00", 200.0)])
    rects = [(x0, 18.0, x1, 38.0) for x0, x1 in COLS] + [(38, 38.0, 62, 58.0), (62, 38.0, 185, 58.0), (185, 38.0, 450, 58.0)]
    grid = build_grid(5, rects, chars)
    cells = row_cells(grid, 1, Mapping({0: "seq", 1: "name", 3: "total_investment_wan"}, 1, grid.n_cols))
    assert cells["total_investment_wan"].text == "5615200.00"
    cells = row_cells(grid, 1, Mapping({0: "seq", 1: "name", 2: "content", 3: "total_investment_wan"}, 1, grid.n_cols))
    assert cells["content"].text == "5615200.00" and "total_investment_wan" not in cells


def test_a_column_of_county_offices_whose_label_went_unread_is_the_responsible_unit_in_doubt():
    """k6-021: a seal over 行业主管部门 left the column unnamed and every project's unit was lost. A
    column no label names whose cells name gazetteer offices is the 责任单位, flagged: offices fill
    the 实施主体 column too."""
    rows = [("1", "红花镇猕猴桃基地建设项目", "县农业农村局", "红花镇"),
            ("2", "金岩乡中心小学提升项目", "县教育局", "金岩乡"),
            ("3", "白杨乡卫生院设备购置项目", "县卫生健康局", "白杨乡")]
    columns, unsure = map_columns(_grid(("序号", "项目名称", "", "实施地点"), rows), 1, Settings())
    assert columns[2] == "responsible_unit" and 2 in unsure
    held = _grid(("序号", "项目名称", "", "责任单位"), [(a, b, c, c) for a, b, c, _ in rows])
    assert list(map_columns(held, 1, Settings())[0].values()).count("responsible_unit") == 1


def test_a_narrow_label_whose_ocr_lines_overlap_heads_its_own_column_under_a_group_label():
    """k7-021: the amount columns' labels are set four lines deep under 计划投资（万元）, and OCR's boxes
    of those lines overlap by a point or two. 区帮 was taken for the group label's second line (not
    quite under 市中), the group label was no group any more, and the three amount columns were one:
    every amount went unread. Boxes as OCR gave them on that page."""
    from extractors.header import column_stacks
    from extractors.segments import Segment, segment_of

    def seg(text: str, x0: float, x1: float, top: float, bottom: float, size: float = 7.0) -> Segment:
        w = (x1 - x0) / len(text)
        return segment_of([{"text": t, "x0": x0 + w * i, "x1": x0 + w * (i + 1), "top": top, "bottom": bottom,
                            "size": size, "conf": 0.9} for i, t in enumerate(text)])
    header = [seg("计划投资", 484, 514, 94.3, 105.5, 7.5), seg("（万元）", 516, 544, 94.3, 105.5, 7.5),
              seg("市中", 508, 522, 101.2, 112.0), seg("项目类", 40, 66, 111.2, 121.7, 8.5),
              seg("建设内容", 291, 319, 111.2, 118.8), seg("建设地点", 420, 449, 111.2, 118.8),
              seg("总投", 478, 492, 111.2, 121.7), seg("区帮", 506, 523, 109.8, 120.2, 9.0),
              seg("县级", 537, 552, 111.6, 121.0), seg("责任单位", 591, 620, 111.2, 118.8),
              seg("资", 476, 492, 115.6, 127.1, 16.0), seg("扶资", 508, 522, 119.9, 127.1),
              seg("配套", 537, 552, 118.1, 127.1), seg("金", 508, 522, 126.7, 135.4, 14.5)]
    stacks, groups, fields = column_stacks(header, Settings())
    assert [g.text for g in groups] == ["计划投资（万元）"]
    assert fields[:5] == ["category", "content", "location", "total_investment_wan", "aid_funds_wan"]
    assert len(stacks) == 7 and fields[6] == "responsible_unit"
    # k3-056 (a fixture): 帮扶 | 资金 | （万 | 元） in one narrow cell, OCR's box of （万 three times too tall;
    # measured on the em, the tall box joined 资金 and left 帮扶 a group label over no column of amounts
    narrow = [seg("帮扶", 359, 374, 94.3, 104.0, 7.5), seg("资金", 358, 376, 101.2, 112.3, 9.0),
              seg("责任单位", 62, 92, 106.9, 114.5, 7.5), seg("项目类别", 308, 339, 106.9, 114.5, 7.5),
              seg("完成时限", 395, 429, 106.9, 114.5, 8.5), seg("万", 354, 383, 109.1, 122.8, 29.5),
              seg("元", 355, 373, 115.6, 126.7, 17.5)]
    stacks, groups, fields = column_stacks(narrow, Settings())
    assert groups == [] and fields == ["responsible_unit", "category", "aid_funds_wan", "deadline"]


def test_a_numbered_heading_spread_over_cells_is_a_heading():
    """k7-030: the scan kept the rules of the cells a merged heading spans, and （一）产业帮扶项目 was read
    as （一）产业 | 帮 | 扶项 | 目, 序号 blank: a project with no name, a spurious record and every seq
    after it one off. Words that read in order as a numbered category are a heading; a row whose
    words after a numeral name no category is not."""
    kinds = _kinds([("", "（一）产业", "帮扶项", "目"), ("", "（二）人", "才支", "撑类"),
                    ("", "（一）产业", "县农业农村局", "新建标准化圈舍")])
    assert kinds[:2] == [("subtotal", "产业帮扶项目", "一"), ("subtotal", "人才支撑类", "二")]
    assert kinds[2][0] != "subtotal"
    # k11-031 (a faint-ruled table found by alignment): 一、产业发展类（2 | 个） over two columns, read as
    # a project named 一、产业发展类（2, a spurious record and every seq after it one off
    two = _kinds([("", "一、产业发展类（2", "个）", ""), ("", "一、产业发展类（2", "县农业农村局", "")])
    assert two[0] == ("subtotal", "产业发展类(2个)", "一") and two[1][0] != "subtotal"


def test_the_headers_rule_an_ocr_box_of_the_first_row_grew_past_is_not_the_tables_end():
    """k7-009: 合计's OCR box began a point above the rule under the header; that rule, below the
    first line's top, was taken for the table's bottom rule and the table ended after 合计."""
    from extractors.header import table_body
    from extractors.segments import segment_of

    def line(y: float, cells: list[tuple[str, float]]) -> list:
        return [segment_of([{"text": t, "x0": x + 9 * i, "x1": x + 9 * (i + 1), "top": y, "bottom": y + 13, "size": 9.0}
                            for i, t in enumerate(text)]) for text, x in cells]
    body = [line(137.0, [("合计", 140.0), ("36242700.00", 270.0)]), line(157.0, [("帮扶项目（4个）", 140.0)]),
            line(175.0, [("1", 35.0), ("新建花椒种植基地", 140.0), ("2197800.00", 270.0)])]
    stacks = [(34.0, 58.0), (76.0, 112.0), (141.0, 201.0), (271.0, 320.0)]
    assert len(table_body(body, 138.2, [95.0, 106.0, 138.4], stacks, 595.0, Settings())) == 3


def test_a_header_printed_again_over_a_table_going_on_is_no_project():
    """k7-009: the page going on printed the header again, read in pieces (资金/帮扶资金, 完成时管部门体), so
    it was not found as a header: its labels became a project named 项目名称, and 资金规模 above them was
    joined to the last project's amount. Rows down to a row of labels, most naming columns, are header."""
    from extractors.tables import _body_start
    grid = _grid(("资金规模", "", "", ""), [("序号", "项目名称", "资金/帮扶资金", "完成时管部门体"),
                                          ("6", "勒乌乡卫生院设备购置项目", "1110.38", "县卫生健康局")])
    mapping = Mapping({0: "seq", 1: "name", 2: "aid_funds_wan", 3: "implementing_entity"}, 0, grid.n_cols)
    assert _body_start(grid, mapping, Settings()) == 2
    plain = _grid(("6", "勒乌乡卫生院设备购置项目", "1110.38", "县卫生健康局"),
                  [("7", "项目建设管理", "县教育局", "实施主体")])        # a row of words, not mostly labels
    assert _body_start(plain, mapping, Settings()) == 0


def _segs(y: float, height: float, cells: list[tuple[str, float]]) -> list:
    from extractors.segments import segment_of
    return [segment_of([{"text": t, "x0": x + 6 * i, "x1": x + 6 * (i + 1), "top": y, "bottom": y + height, "size": 9.0}
                        for i, t in enumerate(text)]) for text, x in cells]


def test_two_whole_amounts_stacked_in_a_column_are_two_rows():
    """k8-018 (seed 8): a 合计 row over its first heading's sums, both labels under a seal (read as
    one box, 合证县发): the two lines of amounts, closer than two ems, were taken for one wrapped row,
    and the heading's sums for the total's second line. An amount is never wrapped: two of them
    stacked are two rows; a figure wrapped in a narrow column (2027.1 | 2) or a period (2022 | 2023) is one."""
    from extractors.rows import row_breaks
    columns = [40.0, 75.0, 205.0, 305.0, 405.0, 500.0]
    lines = [_segs(155.0, 30.0, [("合证县发", 80.0)]),
             _segs(159.0, 9.0, [("29,353,400.00", 210.0), ("19,934,900.00", 310.0)]),
             _segs(176.0, 9.0, [("9,612,400.00", 210.0), ("7,712,400.00", 310.0)]),
             _segs(200.0, 9.0, [("1", 45.0), ("觉莫乡竹笋加工厂房", 80.0), ("1,790,000.00", 210.0),
                                ("1,790,000.00", 310.0), ("县农业农村局", 410.0)]),
             _segs(225.0, 9.0, [("2", 45.0), ("共和乡乌金猪养殖小区", 80.0), ("7,822,400.00", 210.0),
                                ("5,922,400.00", 310.0), ("县农业农村局", 410.0)])]
    breaks = row_breaks(lines, columns, Settings())
    assert any(168 < y < 180.5 for y in breaks) and any(185 < y < 200 for y in breaks)   # 180.5: line 2's middle
    from extractors.rows import _two_amounts
    pair = lambda a, b: _two_amounts(_segs(0.0, 9.0, [(a, 0.0)])[0], _segs(12.0, 9.0, [(b, 0.0)])[0])
    assert pair("29,353,400.00", "9,612,400.00") and pair("1790000", "622300")
    assert not pair("2027.1", "2") and not pair("2022", "2023") and not pair("3150000", "0")


def test_a_row_of_sums_whose_label_a_seal_hid_is_a_heading_and_a_sealed_first_row_that_adds_up_the_total():
    """k8-018 (seed 8): under a seal, 合计 was read as 合证县发 (a project with no serial) and the heading
    (一)产业合作 not at all (its sums a row of figures alone, dropped): a spurious project, and every
    serial after it one off. A row of sums alone across a seal is a heading whose label was lost; a
    first row with no serial whose name a seal covers is the total when its amounts add up."""
    from dataclasses import replace
    from extractors.tables import settle_total
    grid = _grid(("序号", "项目名称", "总投资", "实施主体"), [("", "", "9612400.00", ""), ("", "", "9612400.00", "")])
    mapping = Mapping({0: "seq", 1: "name", 2: "total_investment_wan", 3: "implementing_entity"}, 1, grid.n_cols)
    assert classify(grid, 1, row_cells(grid, 1, mapping), Settings())[0] == "empty"     # no seal: nothing to say
    grid.seals = [(150.0, 30.0, 260.0, 50.0)]                                         # over row 1 only
    assert classify(grid, 1, row_cells(grid, 1, mapping), Settings()) == ("subtotal", "", "")
    assert classify(grid, 2, row_cells(grid, 2, mapping), Settings())[0] == "empty"
    cell = lambda t: Cell(t, 5, (0, 0, 1, 1))
    row = lambda kind, label, **f: TableRow(kind, {k: cell(v) for k, v in f.items()}, 5, label, "")
    reading = [row("item", "", name="合证县发", aid_funds_wan="21096000.00"),
               row("subtotal", "产业合作", aid_funds_wan="15000000.00"),
               row("item", "", seq="1", name="红花镇林下经济示范园建设项目", aid_funds_wan="15000000.00"),
               row("subtotal", "人才交流", aid_funds_wan="6096000.00"),
               row("item", "", seq="1", name="组团式帮扶（教育）项目", aid_funds_wan="6096000.00")]
    settle_total(reading)
    assert reading[0].kind == "item"                                                  # its name is not under a seal
    reading[0].cells["name"] = replace(reading[0].cells["name"], sealed=True)
    settle_total(reading)
    assert (reading[0].kind, reading[0].label) == ("total", "合计")


def test_a_wide_box_two_line_boxes_high_is_cut_into_its_lines_and_a_one_line_box_is_not():
    """k8-035 (seed 8): a date cell's two lines (2027年9 | 月25日前) set close, which the detector boxed as
    one; read as one line it gave 2前 and the deadline was lost. A box wider than tall and as high as
    two of the page's line boxes is cut where its ink parts; a line's box is not, though its glyphs
    have blank rows across (合会: 人 over 一口, k1-020, where a cut read 合会 twice)."""
    import numpy as np
    from extractors.stacks import split_stacked
    page = np.full((200, 400), 255, dtype=np.uint8)
    box = lambda x0, y0, x1, y1: np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32)
    for x in range(20, 100, 14):                  # two lines of glyphs 10 px high, 4 px apart
        page[20:30, x:x + 10] = page[34:44, x:x + 10] = 0
    for y in (70, 100, 130):                      # the page's other lines, one a box
        for x in range(20, 200, 14):
            page[y:y + 10, x:x + 10] = 0
    for x in (220, 234):                          # 合会: each glyph a top stroke over a body, 3 blank rows between
        page[70:73, x:x + 10] = 0
        page[76:80, x:x + 10] = 0
    lines = [box(16, 66, 204, 84), box(16, 96, 204, 114), box(16, 126, 204, 144), box(216, 66, 248, 84)]
    out, _ = split_stacked(np.stack([box(16, 16, 104, 48)] + lines), [0.9] * 5, page)
    assert len(out) == 6
    assert [(round(b[0][1]), round(b[2][1])) for b in out[:2]] == [(18, 32), (32, 46)]
    assert all((a == b).all() for a, b in zip(out[2:], lines))


def test_the_foot_of_column_rules_running_on_below_the_lowest_wide_rule_is_the_tables_bottom():
    """k8-035 (seed 8): faint rules in a 1-bit scan, the bottom rule lost and the rules of the last
    rows too: the lowest rule found, above a heading and two projects, was taken for the table's
    bottom, and those projects were read as body text. A column rule that crosses two wide rules and
    runs on below the lowest ends where the table does; a glyph's stroke crosses none."""
    from extractors.segments import vline
    from extractors.tablefind import lost_bottom
    rules = [111.0, 125.0, 138.0, 282.0]
    edges = [vline(767.0, 94.0, 339.0), vline(301.0, 322.0, 339.5), vline(485.0, 114.0, 179.0)]
    assert lost_bottom(edges, rules) == [339.0]
    assert lost_bottom(edges[1:], rules) == [] and lost_bottom(edges, []) == []


def test_a_row_set_at_the_top_keeps_its_second_line_when_no_gap_opens_above_the_next_row():
    """k8-016 (seed 8): rows set at the top; a project's second lines (短期培训360人次以上) stood clear of
    its first, but their OCR boxes reached the next row's top, so the only gap across the table was
    inside the row: the row was cut there and its second lines went to the next project. A row set
    at the top holds every line that starts before the next row's top."""
    from extractors.rows import row_breaks
    columns = [40.0, 75.0, 205.0, 305.0, 405.0, 500.0]
    lines = [_segs(214.0, 9.0, [("1", 45.0), ("县人力资源和社会", 80.0), ("195.64", 210.0), ("开展技能培训", 310.0),
                                ("峨边彝族自", 410.0)]),
             _segs(224.0, 9.0, [("保障局", 80.0), ("聘会7场", 310.0), ("治县", 410.0)]),
             _segs(239.0, 9.0, [("2", 45.0), ("县委组织部", 80.0), ("47.00", 210.0), ("选派干部人才到", 310.0),
                                ("乐山市市中", 410.0)]),
             _segs(251.0, 14.0, [("短期培训360人次", 310.0), ("区", 410.0)]),        # boxes grown down past 264
             _segs(264.0, 9.0, [("3", 45.0), ("县教育局", 80.0), ("38.50", 210.0), ("开展教师跟岗", 310.0),
                                ("峨边彝族自", 410.0)]),
             _segs(274.0, 9.0, [("生530人", 310.0), ("治县", 410.0)])]
    breaks = row_breaks(lines, columns, Settings())
    assert len(breaks) == 2 and 224 < breaks[0] < 239 and 251 < breaks[1] <= 264


def test_a_group_label_closing_its_unit_takes_no_narrower_line_under_it():
    """k13-005 (150 dpi): 帮扶资 | 金 under 计划投资（万元）, OCR's boxes of the two lines overlapping by a third;
    帮扶资 seemed a cell's last line and was joined to the group label as its wrap: 总投资 and 帮扶资金 were one
    column. A label whose unit's bracket is closed does not wrap on. Boxes as OCR gave them on that page."""
    from extractors.header import _closed, column_stacks
    from extractors.segments import Segment, segment_of

    def seg(text: str, x0: float, x1: float, top: float, bottom: float, size: float = 10.0) -> Segment:
        w = (x1 - x0) / len(text)
        return segment_of([{"text": t, "x0": x0 + w * i, "x1": x0 + w * (i + 1), "top": top, "bottom": bottom,
                            "size": size, "conf": 0.9} for i, t in enumerate(text)])
    header = [seg("计划投资（万元）", 319, 392, 94.6, 104.4, 9.0), seg("利益联结机制", 221, 281, 109.9, 119.5),
              seg("帮扶资", 347, 374, 109.9, 123.1, 12.0), seg("县级配", 392, 420, 109.9, 123.1, 12.0),
              seg("总投资", 297, 329, 115.2, 125.3, 11.0), seg("金", 351, 368, 118.8, 130.3, 17.5),
              seg("套", 395, 412, 118.8, 130.6, 17.0), seg("建设内容及规模", 454, 522, 109.7, 119.8)]
    stacks, groups, fields = column_stacks(header, Settings())
    assert [g.text for g in groups] == ["计划投资（万元）"]
    assert fields[:3] == ["beneficiary_linkage", "total_investment_wan", "aid_funds_wan"]
    assert _closed("计划投资（万元）") and not _closed("计划投资（万") and not _closed("帮扶资金")
