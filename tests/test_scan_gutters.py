"""Columns of a table without vertical rules judged by the gutters of its body (extractors.gutters),
on small constructed tables shaped like the scans they come from."""
from __future__ import annotations

from extractors.gutters import category_labels, unfounded, unlabelled
from extractors.segments import Segment
from schemas.settings import Settings


def seg(text: str, x0: float, top: float, size: float = 9.0, conf: float | None = 0.9) -> Segment:
    """A segment as OCR reads it (each character with its confidence), or a text layer's (conf None)."""
    chars = tuple({"text": t, "x0": x0 + size * i, "x1": x0 + size * (i + 1), "top": top, "bottom": top + size,
                   "size": size, **({"conf": conf} if conf is not None else {})} for i, t in enumerate(text))
    return Segment(text, x0, x0 + size * len(text), top, top + size, size, chars)


def k1_036_body() -> list[list[Segment]]:
    """k1-036 (seed 1), page 2: a 类别 column whose labels (产业/合作, 人才/交流) stand on a few lines
    only, left of the names, its header 项目类别 under a seal; names wrapped over two lines."""
    names = [("觉莫乡食用菌种", "植基地建设项目"), ("白杨乡乌金猪养", "殖小区建设项目"), ("共和乡枇杷加工", "厂房建设项目"),
             ("干部人才交流培", "训项目"), ("组团式帮扶（医", "疗）项目"), ("组团式帮扶（教", "育）项目")]
    labels = {2: "产业", 3: "合作", 8: "人才", 9: "交流"}
    lines, top = [], 100.0
    for first, second in names:
        for text in (first, second):
            ln = [seg(text, 72, top), seg("新建种植基地", 200, top)]
            lines.append(ln)
            top += 12
    for k, text in labels.items():
        lines[k].insert(0, seg(text, 40, lines[k][0].top))
    return lines


def test_a_category_column_whose_header_went_unread_is_found_by_its_labels():
    """k1-036 (seed 1): a seal over 项目类别 left the 类别 column without a header; its labels stand on
    4 of 12 lines, too few for an unlabelled column, and were read into the names (产业殖小区建设项合作).
    Text standing apart on a few lines that reads as two or more category labels is the category column."""
    settings = Settings()
    data = k1_036_body()
    stacks, fields = unlabelled([(89.0, 125.0), (200.0, 236.0)], ["name", "content"], data, settings)
    assert fields == ["category", "name", "content"] and 40 <= stacks[0][0] < 50 and 50 < stacks[0][1] < 72
    sparse = Settings(unlabelled_line_share=0.5)            # on fewer lines than an unlabelled column needs
    assert unlabelled([(89.0, 125.0), (200.0, 236.0)], ["name", "content"], data, sparse)[1] == fields
    one = [[s for s in ln if s.text not in ("人才", "交流")] for ln in data]     # one label only: not enough
    assert unlabelled([(89.0, 125.0), (200.0, 236.0)], ["name", "content"], one, sparse)[1] == ["name", "content"]
    labelled = unlabelled([(40.0, 58.0), (89.0, 125.0), (200.0, 236.0)], ["category", "name", "content"], data, settings)
    assert labelled[1] == ["category", "name", "content"]                     # a 类别 header read: nothing to add


def test_a_category_column_of_whole_labels_beside_other_words_is_found():
    """k25-025, k25-014 (seed 25): a 类别 column's labels whole on one line each (产业合作, 人才交流),
    its header under a seal, were taken for headings spanning columns and left out: no column was
    found and each label was cut between the names and the column beside (流干部人才交流培训项目).
    A category's wording beside other words on its line is a cell; alone (or beside figures) a heading."""
    settings = Settings()
    rows = [("大渡河投资集团", "产业合作", "宜坪乡乌金猪养殖小区建设项目"), ("县就业创业促进中心", "劳务协作", "稳岗就业奖补项目"),
            ("县残疾人联合会", "人才交流", "干部人才交流培训项目"), ("县委宣传部", "消费帮扶", "农特产品东部行展销项目")]
    data = [[seg(owner, 40, 100 + 24 * k), seg(label, 140, 100 + 24 * k), seg(name, 190, 100 + 24 * k)]
            for k, (owner, label, name) in enumerate(rows)]
    stacks, fields = unlabelled([(40.0, 76.0), (190.0, 226.0)], ["implementing_entity", "name"], data, settings)
    assert fields == ["implementing_entity", "category", "name"] and 130 < stacks[1][0] <= 141 and 175 <= stacks[1][1] < 190
    headings = [[seg(label, 140, 88 + 24 * k)] for k, (_, label, _) in enumerate(rows)]
    body = [ln for pair in zip(headings, [[ln[0], ln[2]] for ln in data]) for ln in pair]      # headings over rows
    assert unlabelled([(40.0, 76.0), (190.0, 226.0)], ["implementing_entity", "name"], body, settings)[1] == \
        ["implementing_entity", "name"]


def test_category_labels_are_runs_of_pieces_each_naming_a_category():
    settings = Settings()
    at = [seg(t, 40, 100 + 12 * k) for k, t in enumerate(["产业", "合作", "人才", "交流", "片区"])]
    assert category_labels(at, settings)
    assert not category_labels(at[:2], settings)                                # one category only
    assert not category_labels([seg("觉莫乡", 40, 100), seg("2024-", 40, 112)], settings)
    assert not category_labels(at[:1], settings)


def test_names_that_read_like_categories_are_no_category_column():
    """k20-010 (seed 20): a seal over 序号 and 项目名称 left the names' column without a header, and its
    names (稳岗就业奖补项目, 消费帮扶项目) read as categories: taken for a 类别 column, the first two
    names, garbled under the seal, became one label merged over both rows, and a project was lost."""
    settings = Settings()
    names = ["用菌种植", "地建设项", "目", "将建设项", "目", "稳岗就业奖补项目", "2022年劳务协作技能培训项目",
             "组团式帮扶（教育）项目", "干部人才交流培训项目", "农特产品东部行展销项目", "“四季文旅”", "消费帮扶项目"]
    assert not category_labels([seg(t, 60, 100 + 12 * k) for k, t in enumerate(names)], settings)
    assert category_labels([seg(t, 40, 100 + 12 * k) for k, t in enumerate(["劳务", "协作", "消费", "帮扶"])], settings)


def test_a_header_piece_over_no_column_of_its_own_is_left_out():
    """k1-036 (seed 1): a seal's words (局革) read over the header beside 项目名称 made a column of
    their own, and the boundary cut every name in two (觉莫乡食用菌 | 种). A stack naming nothing
    whose body text runs on from a neighbour's, no gutter between them, is no column; one over a
    column of its own (县级配套, a label naming no field) stays."""
    settings = Settings()
    data = [[seg("觉莫乡食用菌种", 72, 100 + 12 * k, 10.0), seg("710000", 450, 100 + 12 * k, 10.0),
             seg("新建种植基地", 200, 100 + 12 * k, 10.0)] for k in range(8)]     # k1-036's text: 10 pt
    stacks = [(89.0, 125.0), (120.0, 148.0), (200.0, 236.0), (447.0, 486.0)]
    fields = ["name", None, "content", None]
    assert unfounded(stacks, fields, data, settings) == (
        [(89.0, 125.0), (200.0, 236.0), (447.0, 486.0)], ["name", "content", None])
    layer = [[seg(s.text, s.x0, s.top, 10.0, conf=None) for s in ln] for ln in data]   # s505-033: born-digital
    assert unfounded(stacks, fields, layer, settings) == (stacks, fields)


def test_a_wide_unread_label_over_text_ocr_joined_to_its_neighbour_stays_a_column():
    """k1-001 (seed 1): the label over 项目建成后带动…户群众增收 went unread, and OCR joined each of
    its lines to the content beside it, so no gutter ran between them; dropped, that column's
    text ran into every content cell. A piece wider than a seal's word or two stays."""
    settings = Settings()
    data = [[seg("项目建成后带动新建魔芋种植基", 520, 100 + 12 * k)] for k in range(8)]
    stacks = [(520.0, 557.0), (618.0, 657.0)]
    assert unfounded(stacks, [None, "content"], data, settings) == (stacks, [None, "content"])
    assert unfounded(stacks, [None, "content"], data, Settings(unfounded_max_em=5.0))[0] == [(618.0, 657.0)]


def test_a_merging_column_without_a_label_is_mapped_to_category():
    """The column found by its category labels (Grid.merging) has no header text to map it by."""
    from extractors.grid import build_grid
    from extractors.columns import map_columns

    def chars(y: float, cells: list[tuple[str, float]]) -> list[dict]:
        return [{"text": t, "x0": x + 9 * i, "x1": x + 9 * (i + 1), "top": y, "bottom": y + 9, "size": 9.0}
                for text, x in cells for i, t in enumerate(text)]
    text = chars(20.0, [("项目名称", 70.0), ("建设内容", 190.0)]) + chars(40.0, [("产业合作", 5.0), ("觉莫乡食用菌基地项目", 70.0),
                                                                       ("新建种植基地", 190.0)])
    rects = [(x0, y, x1, y + 20) for y in (18.0, 38.0) for x0, x1 in ((2, 62), (62, 185), (185, 400))]
    grid = build_grid(2, rects, text)
    assert map_columns(grid, 1, Settings())[0] == {1: "name", 2: "content"}
    grid.merging = [0]
    assert map_columns(grid, 1, Settings())[0] == {0: "category", 1: "name", 2: "content"}


def test_a_column_whose_label_went_unread_in_tall_rows_is_a_column():
    """k1-026 (seed 1): 责任/领导 went unread over leaders' names (杨德/贵) that stand on 2 of the 7 lines
    of each row (a content cell of seven lines): under settings.unlabelled_line_share
    of the lines, the names went into 建设年限 (杨德 2024 贵) and 9 of 11 periods were lost. Text on as
    many lines as the labelled columns usually hold is a column."""
    settings = Settings()
    data, top = [], 100.0
    for k in range(6):
        rows = [[seg("新建加工厂房180平", 60, top)], [seg("方米，购置分拣", 60, top + 12), seg("觉莫乡", 200, top + 12),
                                                      seg("杨德", 260, top + 12), seg("2024", 300, top + 12)],
                [seg("烘干等设备2台", 60, top + 24), seg("人民政府", 200, top + 24), seg("贵", 264, top + 24)],
                [seg("建成后移交村集体", 60, top + 36), seg("镇", 200, top + 36)],
                *[[seg("建成后移交村集体", 60, top + 12 * j)] for j in range(4, 7)]]
        data += rows
        top += 84
    stacks = [(60.0, 96.0), (200.0, 236.0), (296.0, 332.0)]
    fields = ["content", "implementing_entity", "construction_period"]
    assert unlabelled(stacks, fields, data, settings)[1] == ["content", "implementing_entity", None, "construction_period"]
    assert unlabelled(stacks, fields, data, Settings(unlabelled_column_share=1.0))[1] == fields


def test_headings_across_the_columns_do_not_place_a_boundary():
    """k16-030 (150 dpi 1-bit, unruled): 建设周期 | 项目, the period's 2024 and the names 15 pt apart.
    Six category headings (一、产业合作（1个）) set across both columns crossed that gutter, more
    often than the names' own characters crossed the gap after their second character, and the
    boundary went two characters into every name (五渡 | 镇林下…). Headings and 合计 span columns:
    not counted."""
    from extractors.header import boundaries
    lines, top = [], 100.0
    for k, name in enumerate(("五渡镇林下经济示范园建", "组团式帮扶（医疗）项目", "农特产品东部行展销项目")):
        lines.append([seg(f"{'一二三'[k]}、产业合作（1个）", 238, top)])
        lines.append([seg("2024", 266, top + 15, size=4.5), seg(name, 300, top + 15, size=7.8)])
        top += 40
    lines.append([seg("合计", 271, top)])
    cut = boundaries([(260.0, 293.0), (338.0, 352.0)], [s for ln in lines for s in ln])
    assert len(cut) == 1 and 284 < cut[0] < 300


def test_header_labels_read_as_one_piece_are_parted():
    """k17-011 (200 dpi, no vertical rules): 实施地点 and 项目总投资（元） set 3 pt apart were read as one
    piece, one column, and the locations and totals of 14 projects were lost. A piece naming no field
    word for word that parts into labels each naming one is parted; 项目总投资 (项目 + 总投资) is one
    label and stays whole; three labels run together part in three."""
    from extractors.header import split_run_together
    assert [s.text for s in split_run_together([seg("实施地点项目总投资（元）", 275, 116)])] == ["实施地点", "项目总投资（元）"]
    assert [s.text for s in split_run_together([seg("项目总投资", 275, 116)])] == ["项目总投资"]
    assert [s.text for s in split_run_together([seg("建设地点备注完成时间", 486, 120)])] == ["建设地点", "备注", "完成时间"]
    parted = split_run_together([seg("实施地点项目总投资", 275, 116)])
    assert parted[1].x0 == 275 + 9.0 * 4 and parted[0].x1 == parted[1].x0
    assert [s.text for s in split_run_together([seg("新建种植基地", 275, 116)])] == ["新建种植基地"]


def test_a_numbers_column_whose_header_went_unread_is_found_however_few_its_lines():
    """k20-008 (seed 20): a seal over 序号 left the numbers, one by each row of three lines, on too few
    lines to make a column; they were read into the offices beside them (峨边彝族1自治县农业农村局).
    Numbers only, standing apart down the table, are a column of their own."""
    settings = Settings()
    data = []
    for k in range(5):              # rows of seven lines (绩效目标 wrapped), the office on three, the number on one
        top = 100.0 + 90 * k
        lines = [[seg("项目建成后", 200, top + 12 * i)] for i in range(7)]
        for i, text in ((2, "峨边彝族"), (3, "自治县农"), (4, "业农村局")):
            lines[i].insert(0, seg(text, 72, top + 12 * i))
        lines[3].insert(0, seg(str(k + 1), 41, top + 36))
        data += lines
    stacks, fields = unlabelled([(70.0, 111.0), (200.0, 236.0)], ["responsible_unit", "content"], data, settings)
    assert fields == [None, "responsible_unit", "content"] and 35 <= stacks[0][0] <= 42 and 49 <= stacks[0][1] < 72
    ones = [[s for s in ln if s.text not in "2345"] for ln in data]          # one number: no column
    assert unlabelled([(70.0, 111.0), (200.0, 236.0)], ["responsible_unit", "content"], ones, settings)[1] == \
        ["responsible_unit", "content"]
