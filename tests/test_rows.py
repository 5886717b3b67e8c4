"""Row boundaries of tables drawn without row rules, as scans give them (extractors/rows.py):
text boxes of neighbouring columns overlap in height (OCR grows boxes, a tilt shifts them), so no
gap runs across the whole table between two rows, yet each row must end where its cells end."""
from __future__ import annotations

from extractors.rows import Block, key_groups, least_crossed, open_gaps, row_breaks, walk
from extractors.segments import Segment
from schemas.settings import Settings


def seg(text: str, x0: float, top: float, bottom: float, size: float = 10.0) -> Segment:
    return Segment(text, x0, x0 + size * len(text), top, bottom, size, ())


def two_rows_no_common_gap() -> list[list[Segment]]:
    """Two rows set in the middle: a serial, an amount, a cell of three lines, and a cell of
    four lines whose last box (grown by OCR to 25 pt) runs 4 pt into the next row's first box."""
    rows = []
    for k, (serial, middle) in enumerate((("1", 40.0), ("2", 100.0))):
        rows.append([seg(serial, 10, middle - 5, middle + 5), seg("100.00", 40, middle - 5, middle + 5)])
        rows += [[seg("建设内容", 120, middle - 17 + 12 * i, middle - 7 + 12 * i)] for i in range(3)]
        rows += [[seg("带动脱贫", 220, middle - 26 + 13 * i, middle - 14 + 13 * i + (13 if i == 3 else 0))]
                 for i in range(4)]
    return rows


def test_a_gap_under_a_short_line_is_no_gap_when_a_tall_line_beside_it_runs_on():
    # lines sorted by top: (0, 30) tall, (5, 10), then (12, 20): 10..12 is inside the tall line
    assert open_gaps([(0.0, 30.0), (5.0, 10.0), (12.0, 20.0), (31.0, 40.0)]) == [30.5]


def test_rows_split_where_no_gap_runs_across_the_table():
    lines = two_rows_no_common_gap()
    breaks = walk([40.0, 100.0], lines, True, Settings())
    assert len(breaks) == 1                       # not one row of two projects
    y = breaks[0]
    first = [s for ln in lines for s in ln if (s.top + s.bottom) / 2 < 70]
    second = [s for ln in lines for s in ln if (s.top + s.bottom) / 2 > 70]
    assert all((s.top + s.bottom) / 2 < y for s in first)      # each box stays in its own row
    assert all((s.top + s.bottom) / 2 > y for s in second)


def test_the_cut_between_rows_goes_through_fewest_box_middles():
    lines = two_rows_no_common_gap()
    segs = [s for ln in lines for s in ln]
    ys = least_crossed(segs, 40.0, 100.0, Settings())
    assert any(72 <= y <= 77 for y in ys)              # under the grown box's middle, above the next box's
    assert not any(59.25 < y < 71.75 or 77 < y < 83 for y in ys)   # never through a box's middle half


def test_keys_far_apart_are_two_rows_even_with_no_gap_between():
    lines = two_rows_no_common_gap()
    words = [ln for ln in lines if not any(s.text[0].isdigit() for s in ln)]    # serials and amounts out
    assert walk([40.0, 100.0], words, True, Settings(row_wrap_em=10.0)) == []   # taken as one wrapped row
    assert len(walk([40.0, 100.0], lines, True, Settings(row_wrap_em=10.0))) == 1   # figures stacked: two
    assert len(walk([40.0, 100.0], lines, True, Settings())) == 1


def test_a_heading_that_wraps_keeps_its_second_line():
    """s707-039: 三、补齐基础短板及拓 | 展基层治理 over two lines; the row ended under the first
    and the second went into the next project's name. The heading's key covers both lines."""
    from extractors.rows import _centre, heading_keys
    lines = [[seg("三、补齐基础短板及拓", 510, 185.2, 195.2)], [seg("展基层治理", 535, 198.2, 208.2)],
             [seg("带动脱贫人", 241, 215.2, 225.2), seg("村集", 586, 215.2, 225.2)]]
    assert heading_keys(lines, _centre) == [(185.2 + 208.2) / 2]
    lines[1] = [seg("展基层治理", 535, 198.2, 208.2), seg("100.00", 40, 198.2, 208.2)]   # a row's first line
    assert heading_keys(lines, _centre) == [190.2]
    lines[1] = [seg("新建标准化圈舍约180平方", 500, 198.2, 208.2)]    # s505-017: a content's first line, wider
    assert heading_keys(lines, _centre) == [190.2]


def test_a_heading_whose_numeral_the_scan_lost_is_a_row_of_its_own_and_a_heading():
    """k9-039 (1-bit, heavy blur): 二、片区任务 and 三、基础设施与基层治理 were read 、片区任务 (二 is two thin
    strokes), no heading key, and each ran into the next project's row: its ownership 、片区任务杨村乡人民政府 and
    every project after it in the category before. The mark and a category's wording are a heading; a
    content's line starting at a mark is not."""
    from extractors.rows import _centre, heading_keys
    from normalizers.vocab import canonical_category
    lines = [[seg("、片区任务", 321, 109.0, 118.0)], [seg("杨村", 306, 123.0, 132.0), seg("峨边", 343, 123.0, 132.0)]]
    assert heading_keys(lines, _centre) == [113.5]
    lines[0] = [seg("、电、路等基础设施", 413, 109.0, 118.0)]
    assert heading_keys(lines, _centre) == []
    assert canonical_category("、基础设施与基层治理") == ("基础设施与基层治理", 100.0)


def scanned_rows() -> list[list[Segment]]:
    """Three rows set in the middle as OCR boxes them: short boxes for digits (6 pt), taller for
    hanzi (10-11 pt), each cell's middle up to 2.5 pt off its row's (jitter, a little tilt)."""
    lines = []
    for middle in (50.0, 100.0, 150.0):
        lines.append([seg("(1)", 10, middle - 5.5, middle + 1.5, 7), seg("9,383,800.00", 150, middle - 3.5, middle + 3.5, 7),
                      seg("2024", 260, middle - 2.5, middle + 4.5, 7)])
        lines += [[seg("金岩乡花椒", 40, middle - 14 + 12 * i, middle - 3 + 12 * i, 11),
                   seg("新建加工厂房", 300, middle - 9.5 + 12 * i, middle + 0.5 + 12 * i, 10),
                   seg("县农业农村局", 430, middle - 10 + 12 * i, middle + 1 + 12 * i, 11)] for i in range(2)]
    return sorted(lines, key=lambda ln: min(s.top for s in ln))


def test_a_scanned_rows_cells_scattered_around_its_middle_are_one_row():
    blocks = [Block(50.5 + d, 50.5 + d + 6, 6) for d in (-2.5, 0.0, 1.0)] + [Block(44, 67, 11), Block(47, 61, 10)]
    groups = key_groups(blocks, lambda b: (b.top + b.bottom) / 2, 0.4 * 10)
    assert len(groups) == 1


def test_rows_of_a_scan_are_found_from_cells_of_mixed_box_heights():
    breaks = row_breaks(scanned_rows(), [0, 35, 140, 250, 290, 420, 520], Settings())
    assert len(breaks) == 2 and 60 < breaks[0] < 88 and 112 < breaks[1] < 138


def heading_over_project_no_rule() -> list[list[Segment]]:
    """k1-027 (150 dpi, the rule under a heading row broken): 四 | 补齐基础短板（3个） | 9900000
    set at the top of its row, then project 6 | name | 2700000 whose first content line's OCR box
    grew up into the heading's, so no gap runs across the table between the two rows."""
    return [[seg("四", 5, 290.5, 297.0, 8), seg("补齐基础短板及拓展基层治理（3个）", 150, 290.2, 301.3, 7.5),
             seg("9900000", 420, 291.6, 297.7, 4)],
            [seg("6", 5, 305.6, 310.7, 4), seg("哈曲乡人居环境整治提升项目", 30, 304.6, 312.1, 8),
             seg("2700000", 420, 305.6, 311.0, 4), seg("2021年12月底", 480, 301.0, 312.5, 7.5)],
            [seg("改造农户人居环境150户，新建垃圾收", 150, 300.6, 312.1, 8)],
            [seg("目管护机制，确保项目长期发挥效益", 150, 314.6, 325.4, 8)]]


def test_row_marks_stacked_in_one_column_at_two_close_keys_are_two_rows():
    lines = heading_over_project_no_rule()
    breaks = walk([290.5, 304.6], lines, False, Settings())
    assert len(breaks) == 1 and 297.7 <= breaks[0] <= 305.6    # between 9900000 and 2700000
    lines[0][0] = seg("类", 5, 290.5, 297.0, 8)              # no row mark over 6, but two whole amounts
    assert len(walk([290.5, 304.6], lines, False, Settings())) == 1      # stacked: two rows still (k8-018)
    lines[0][2], lines[1][2] = seg("2024-", 420, 291.6, 297.7, 4), seg("2025", 420, 305.6, 311.0, 4)
    lines[0][0] = seg("四", 5, 290.5, 297.0, 8)               # k1-013: a period wrapped, 2024- over 2025
    assert len(walk([290.5, 304.6], lines, False, Settings())) == 1         # (the serials still split)
    lines[0][0] = seg("类", 5, 290.5, 297.0, 8)
    assert walk([290.5, 304.6], lines, False, Settings()) == []
    lines[0][0], lines[1][0] = seg("202", 5, 290.5, 297.0, 8), seg("4", 5, 305.6, 310.7, 4)
    assert walk([290.5, 304.6], lines, False, Settings()) == []   # k1-004: 2024 wrapped in a narrow cell


def test_marks_number_two_rows_when_a_heading_meets_an_item_or_serials_run_on():
    from extractors.rowkind import numbers_rows
    assert all(numbers_rows(a, b) for a, b in (("四", "6"), ("3", "二"), ("(1)", "(2)"), ("三", "四")))
    assert not any(numbers_rows(a, b) for a, b in (("202", "4"), ("2", "1"), ("一", "一"), ("2024", "2025")))


def tight_rows(second_name: str = "红花镇产业路硬化项目", second_figure: str | None = "539") -> list[list[Segment]]:
    """k3-056 (seed 3, unruled, 200 dpi): a row whose office wraps onto a second line, then two
    one-line rows at the table's line pitch (10 pt), no gap between any of them."""
    lines = [[seg("县文化广播电视体育和", 10, 200.0, 209.0, 8), seg("民族文化传承保护项目", 120, 205.0, 214.0, 8),
              seg("80", 230, 205.5, 213.5, 8)],
             [seg("旅游局", 30, 210.0, 219.0, 8)],
             [seg("县交通运输局", 20, 220.0, 229.0, 8), seg(second_name, 120, 220.0, 229.0, 8)]
             + ([seg(second_figure, 230, 220.5, 228.5, 8)] if second_figure else []),
             [seg("县住房和城乡建设局", 10, 230.0, 239.0, 8), seg("农村危房改造项目", 120, 230.0, 239.0, 8),
              seg("383", 230, 230.5, 238.5, 8)]]
    return lines


def test_rows_set_with_no_gap_part_where_two_names_and_two_figures_stand_one_under_the_other():
    """k3-056: the three rows were read as one (names, leaders and amounts run together, 0.531)."""
    breaks = row_breaks(tight_rows(), [0, 110, 225, 260], Settings())
    assert len(breaks) == 2 and 214 < breaks[0] < 220 and 229 <= breaks[1] <= 230.5
    # a name wrapped after a 项目 inside it, one figure beside it: one row of two lines
    wrapped = tight_rows("配套工程", None)[:3]
    assert row_breaks(wrapped, [0, 110, 225, 260], Settings()) == []


def test_names_a_row_or_more_apart_give_no_break_of_their_own():
    """k1-002 (seed 1): two projects' names with a heading row between them (23 pt apart) put a
    break between their middles, through the heading, and its label 基础设施与 | 基层治理 became two
    rows (a category emptied by validation). Only names less than a line apart part rows."""
    from extractors.rows import entry_breaks
    per = [[seg("农特产品东部行展销项目", 120, 374.8, 382.7, 8), seg("白杨乡人居环境整治提升项目", 120, 420.5, 428.4, 8)],
           [seg("44.10", 230, 375.0, 382.5, 8), seg("302.00", 230, 420.7, 428.2, 8)]]
    assert entry_breaks(per) == []
    per[0][1] = seg("白杨乡人居环境整治提升项目", 120, 385.0, 392.9, 8)        # the next line: a row of its own
    per[1][1] = seg("302.00", 230, 385.2, 392.7, 8)
    assert entry_breaks(per) == [(382.7 + 385.0) / 2]


def test_a_category_heading_with_its_count_or_alone_on_its_line_is_a_row_of_its_own():
    """k12-026: 劳务协作（1个） set tight under a project (its numeral 二 under a grey seal) ran into that
    project's content; k12-039: 人才交流 alone on its line, set tight over its first project, ran into the
    project's name. A name or content line holding a category's words is no heading."""
    from extractors.rowkind import bare_category, counted_heading
    from extractors.rows import _centre, heading_keys
    assert counted_heading("劳务协作（1个）") and counted_heading("消费帮扶 (2 个)") and not counted_heading("新建圈舍（3个）")
    assert bare_category("人才交流") and bare_category("、人才交流") and bare_category("补齐基础短板及拓展基层治理")
    assert not bare_category("人才交流培训项目") and not bare_category("消费帮扶活动")
    assert not bare_category("县农业农村局") and not bare_category("专业技术人才培养项目")
    lines = [[seg("人才交流", 321, 109.0, 118.0)], [seg("专业技术人才", 306, 120.0, 129.0), seg("470000", 100, 120.0, 129.0)]]
    assert heading_keys(lines, _centre) == [113.5]
    lines[0].append(seg("670000", 100, 109.0, 118.0))     # a name's first line beside an amount: not alone
    assert heading_keys(lines, _centre) == []


def test_a_heading_key_is_not_taken_into_the_row_it_heads():
    """k12-039: the heading's key and its project's, 1.5 lines apart with no gap between, were walked
    as one wrapped row; told as a heading's, they part."""
    lines = [[seg("人才交流", 321, 100.0, 112.0)]]      # OCR boxes overlap: no gap between the lines
    lines += [[seg("培养农业、教育", 120, 111.0 + 11 * i, 122.0 + 11 * i), seg("专业技术人才", 321, 111.0 + 11 * i, 122.0 + 11 * i)]
              for i in range(2)]
    assert walk([106.0, 122.0], lines, True, Settings()) == []
    breaks = walk([106.0, 122.0], lines, True, Settings(), headings={106.0})
    assert len(breaks) == 1 and 109.0 <= breaks[0] <= 112.0


def rows_set_at_the_top_figures_boxed_short() -> list[list[Segment]]:
    """k20-011 (300 dpi grey, heavy blur, a three-line table): cells set at the top, each row's
    place and name on two lines, its office on three and its content on three or four, its serial
    and figures on one.
    OCR boxes the figures 1.5 pt shorter than the hanzi at both ends, so no figure's top is a name's."""
    lines = []
    for top, depth in ((94.3, 4), (150.8, 3), (206.6, 4)):
        figure = dict(top=top + 1.5, bottom=top + 8.5, size=5)
        for i in range(depth):
            y = top + 13.3 * i
            line = [seg("项目建成后带", 260, y, y + 10.1)]
            if i < 2:
                line += [seg("市中区", 40, y, y + 10.1), seg("培训项目", 120, y, y + 10.1)]
            if i < 3:
                line.append(seg("峨边彝族", 600, y, y + 10.1))
            if i == 1:      # a cell's second line, its first read into the column before: its middle is
                line.append(seg("增收", 360, y, y + 10.1))     # the middle of three-line cells (峨边彝族)
            if i == 0:
                line += [seg("(1)", 10, **figure), seg("1083100.00", 420, **figure), seg("880300.00", 500, **figure)]
            lines.append(sorted(line, key=lambda s: s.x0))
    return lines


def test_rows_set_at_the_top_are_found_when_figures_are_boxed_shorter_than_hanzi():
    breaks = row_breaks(rows_set_at_the_top_figures_boxed_short(), [0, 35, 110, 250, 350, 400, 480, 560, 660], Settings())
    assert len(breaks) == 2 and 144.3 < breaks[0] < 150.8 and 187.5 < breaks[1] < 206.6


def rows_with_second_lines_cut_loose() -> list[list[Segment]]:
    """k20-030 (150 dpi 1-bit, heavy blur, a three-line table): three rows set at the top, every text
    cell on two lines. In the second row OCR read the first lines of two columns (县人力资源和社,
    2026年12) into one box with the figure beside them, so those columns' cells start on the row's
    second line: two cells start there, three run on across it."""
    lines = []
    for r, top in enumerate((369.6, 412.8, 456.0)):
        first = [seg("送岗下乡专项", 40, top, top + 9.4, 9.4), seg("到各乡镇组织开展", 140, top, top + 9.4, 9.4),
                 seg("共和乡人民", 610, top, top + 9.4, 9.4)]
        if r == 1:       # one box from the figure over the office's and the deadline's first lines
            first.append(seg("387,900.00县人力资源和社2026年12", 300, top, top + 9.4, 8))
        else:
            first += [seg("387,900.00", 300, top + 1.4, top + 8.2, 5), seg("县人力资源和社", 420, top, top + 9.4, 9.4),
                      seg("2026年12", 520, top, top + 9.4, 9.4)]
        second = [seg("行动项目", 40, top + 13, top + 22.4, 9.4), seg("提供就业岗位", 140, top + 13, top + 22.4, 9.4),
                  seg("会保障局", 420, top + 13, top + 22.4, 9.4), seg("月25日前", 520, top + 13, top + 22.4, 9.4),
                  seg("政府", 610, top + 13, top + 22.4, 9.4)]
        lines += [sorted(first, key=lambda s: s.x0), second]
    return lines


def test_a_top_key_that_cells_above_run_across_starts_no_row():
    breaks = row_breaks(rows_with_second_lines_cut_loose(), [0, 130, 290, 410, 510, 600, 700], Settings())
    assert len(breaks) == 2 and 391.8 < breaks[0] < 412.8 and 435.2 < breaks[1] < 456.0


def rest_of_a_row_over_the_page_break() -> list[list[Segment]]:
    """k22-023 (150 dpi, faint rules, the table going on over pages): the last characters of the page
    before's last row (会 of 残疾人联合会, 心 of 管理中心) stand alone at the top of the page, over rows
    set in the middle; their rule lost, each runs on in its column into the next project's cell."""
    lines = [[seg("会", 40, 37.4, 46.8, 9.5), seg("心", 360, 37.4, 46.8, 9.5)]]
    for middle, serial in ((64.1, "(2)"), (93.5, "(3)")):
        lines.append([seg("峨边彝族自治", 40, middle - 11.5, middle - 1.5, 9.5),
                      seg("勒乌乡幼儿园保", 145, middle - 11.5, middle - 1.5, 9.5),
                      seg("村集体经", 360, middle - 11.5, middle - 1.5, 9.5)])
        lines.append([seg(serial, 5, middle - 4.7, middle + 4.7, 5), seg("268.80", 260, middle - 4.7, middle + 4.7, 5)])
        lines.append([seg("县教育局", 40, middle + 2.9, middle + 12.6, 9.5), seg("施建设项目", 145, middle + 2.9, middle + 12.6, 9.5),
                      seg("济组织", 360, middle + 2.9, middle + 12.6, 9.5)])
    return lines


def test_the_rest_of_a_row_broken_by_the_page_break_is_a_row_of_its_own_though_run_on_into_a_cell():
    breaks = row_breaks(rest_of_a_row_over_the_page_break(), [0, 35, 140, 250, 350, 450], Settings())
    assert len(breaks) == 2 and 46.8 < breaks[0] < 52.6 and 76.7 < breaks[1] < 82.0


def test_a_tall_cells_first_line_over_the_first_row_stays_in_it():
    """k22-003: the first row's content of four lines, set in the middle, its first line above every
    other cell (and the rows set tight, so the column's text runs on into the next row's): a wrapped
    line as wide as the column, not the rest of a row broken by the page break."""
    lines = []
    for middle, serial in ((67.9, "6"), (122.2, "7")):
        lines += [[seg("改造教学楼约210平方米购", 105, middle - 24.3 + 13 * i, middle - 14.6 + 13 * i, 9.5)]
                  for i in range(4)]
        lines.append([seg("白杨乡中心小学提", 250, middle - 11.5, middle - 1.5, 9.5), seg(serial, 40, middle - 3.2, middle + 3.2, 6),
                      seg("2650000", 600, middle - 3.2, middle + 3.2, 6)])
        lines.append([seg("升改造项目", 250, middle + 1.5, middle + 11.5, 9.5)])
    lines.sort(key=lambda ln: min(s.top for s in ln))
    breaks = row_breaks(lines, [0, 100, 245, 340, 700], Settings())
    assert len(breaks) == 1 and 82 < breaks[0] < 110


def test_a_middle_set_row_ends_as_far_below_its_middle_as_its_first_line_starts_above():
    """k25-005 (200 dpi 1-bit, heavy blur, rules lost): the break over the first project stood 5 pt over
    its first line (a heading's gap), so a row reaching as far below its middle as that break stood
    above chose a cut 205 under the next project's first content line (199–207) over the true gap
    (195–199, crossed by a box OCR grew to two lines: 司): that line went to the project above."""
    lines = [[seg("（一）", 20, 157.0, 165.0)],
             [seg("种植项目", 20, 175.0, 195.1), seg("新建白芨种植基地", 120, 175.7, 183.4)],
             [seg("蓄水池3口", 120, 187.2, 194.9)],
             [seg("司", 60, 193.2, 206.6, 13.4)],
             [seg("新建标准化圈舍", 120, 199.2, 206.9), seg("县农业农村局", 250, 205.0, 212.4)],
             [seg("养殖小区项目", 20, 210.7, 218.2), seg("配套粪污处理", 120, 210.7, 218.4)],
             [seg("移交村集体", 120, 222.0, 229.7)]]
    breaks = walk([161.4, 185.3, 214.4], lines, True, Settings())
    assert len(breaks) == 2 and 194.9 <= breaks[1] <= 199.2
