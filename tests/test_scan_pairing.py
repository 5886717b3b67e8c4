"""A scanned plan whose readings a seal or a heavy blur garbled past their usual matching (issue 11,
k1-007: 1-bit, heavy blur, a seal over the table, a tesseract layer): a table name under a seal
paired with its narrative item by the money both state, the name that reads as a name taken, a
header label read past matching, and category headings whose numerals were lost."""
from __future__ import annotations

from extractors.misread import misread_labels
from extractors.narrative import Paragraph, loose_heading, narrative_items
from normalizers.align import align
from normalizers.merge import merge_text
from normalizers.pairing import amounts_agree, pair_left_apart
from schemas.settings import Settings
from schemas.types import Cell, NarrativeItem, TableRow


def _item(name: str, body: str) -> NarrativeItem:
    return NarrativeItem(1, "", "", name, body, {}, 1)


def _row(name: str, total: str, aid: str) -> TableRow:
    cells = {"name": Cell(name, 5, (0, 0, 1, 1)), "total_investment_wan": Cell(total, 5, (0, 0, 1, 1)),
             "aid_funds_wan": Cell(aid, 5, (0, 0, 1, 1))}
    return TableRow("item", cells, 5)


def test_an_item_and_a_row_the_names_left_apart_are_one_project_when_their_amounts_agree():
    """k1-007: a seal over the first row's name made it 川菌种車, so the narrative's 红花镇食用菌种植…
    stood alone (no table values) and the row became a project of its own (every seq after shifted)."""
    items = [_item("镇食用菌种植基地建设项目", "总投资117万元，拟投入协作交合万元在红花镇新建"),
             _item("杨河乡白芨加工厂房建设项目", "总投资60万元，拟投入协作资金41万元"),
             _item("勒乌乡林下经济示范园建设项目", "总投资633万元，拟投入协作资金438万元")]
    rows = [_row("川菌种車", "117", "88"), _row("杨河乡白芨加工厂房建设项目", "60", "41"),
            _row("毫不相干的名称", "50", "40")]
    pairs = [(i.name if i else None, r.text("name") if r else None) for i, r in align(items, rows, Settings())]
    assert pairs == [("镇食用菌种植基地建设项目", "川菌种車"), ("杨河乡白芨加工厂房建设项目", "杨河乡白芨加工厂房建设项目"),
                     ("勒乌乡林下经济示范园建设项目", None), (None, "毫不相干的名称")]     # 633 is not 50: apart


def test_pairing_by_amounts_keeps_order_and_pairs_only_within_a_gap():
    # items 0, 1, 3 and rows 0, 2, 3 unmatched by name; item 2 ↔ row 1 matched by name
    pairs = [(0, None), (None, 0), (1, None), (2, 1), (3, None), (None, 2), (None, 3)]
    items = [(None, 117.0), (50.0, None), (None, None), (10.0, 30.0)]
    rows = [(88.0, 117.0), (None, None), (99.0, 99.0), (10.0, 31.0)]
    assert pair_left_apart(pairs, amounts_agree(items, rows, 0.005)) == [(0, 0), (1, None), (2, 1), (None, 2), (3, 3)]
    # row 0's 117 may not pair with item 3 across the name-matched pair between them
    assert pair_left_apart([(None, 0), (2, 1), (3, None)],
                           amounts_agree([(), (), (), (None, 117.0)], [(88.0, 117.0), (None, None)], 0.005)) == \
        [(None, 0), (2, 1), (3, None)]


def test_an_item_and_a_row_a_seal_left_without_name_and_amounts_are_one_project_by_their_content():
    """k26-014 (a seal over the table's first row): the row read 设项目 with no amount, its content the
    end of the item's; the item and the row stood apart (a spurious record, a project unmatched). A
    content only one item's text holds pairs them; boilerplate every item holds pairs nothing."""
    items = [_item("大堡镇茶叶种植基地建设项目", "拟投入协作资金251.87万元，在大堡镇新建茶叶种植基地180亩，配套建设生产便道2公里、"
                   "蓄水池9口；配套完善水、电、路等基础设施。"),
             _item("干部人才交流培训项目", "拟投入协作资金108.06万元，选派干部人才到浙江省绍兴市柯桥区跟岗学习180人次以上；"
                   "配套完善水、电、路等基础设施。")]
    rows = [_row("设项目", "", ""), _row("干部人才交流培训项目", "", "108.06")]
    rows[0].cells["content"] = Cell("套建设生产便道2公里，蓄水池\n9口：配套完善水、电、路等基\n础设施", 5, (0, 0, 1, 1))
    pairs = [(i.name if i else None, r.text("name") if r else None) for i, r in align(items, rows, Settings())]
    assert pairs == [("大堡镇茶叶种植基地建设项目", "设项目"), ("干部人才交流培训项目", "干部人才交流培训项目")]
    rows[0].cells["content"] = Cell("配套完善水、电、路等基础设施", 5, (0, 0, 1, 1))
    pairs = [(i.name if i else None, r.text("name") if r else None) for i, r in align(items, rows, Settings())]
    assert pairs[:2] == [("大堡镇茶叶种植基地建设项目", None), (None, "设项目")]


def test_a_name_reading_that_ends_as_names_do_is_taken_over_one_that_does_not():
    assert merge_text("name", "川菌种車", "镇食用菌种植基地建设项目", Settings()) == ("镇食用菌种植基地建设项目", "conflict:name")
    assert merge_text("name", "红花镇食用菌种植基地建设项目", "农村危房改造项目", Settings()) == \
        ("红花镇食用菌种植基地建设项目", "conflict:name")          # both read as names: the table's, as before


def test_a_scans_table_name_garbled_under_a_seal_gives_way_to_the_narratives_fuller_reading():
    """k2-026 (seed 2, a seal over the table's first rows): 下经济科辑投项目 for 红花镇林下经济示范园建设项目 kept
    the table's reading, and the project matched nothing (13 fields, a spurious record)."""
    table, narrative = "下经济科辑投项目", "红花镇林下经济示范园建设项目"
    assert merge_text("name", table, narrative, Settings(), scanned=True) == (narrative, "conflict:name")
    assert merge_text("name", table, narrative, Settings(), scanned=False) == (table, "conflict:name")   # printed so
    assert merge_text("name", "农村危房改造项目", "红花镇食用菌种植基地建设项目", Settings(), scanned=True) == \
        ("农村危房改造项目", "conflict:name")                      # another project's name: the table's


def test_a_scans_content_cut_inside_a_clause_by_a_row_boundary_a_line_off_is_the_narratives_in_doubt():
    """k9-001 (colour, heavy blur, an unruled table): the line boxes of two rows' content cells overlapped
    and the row boundary fell a line low; project 1's content ran on into 新建标准化圈舍约160平方米，养殖 and
    project 2's began at 规模约300头, both unflagged. A reading parting from the narrative's inside a clause is
    the narrative's, flagged; one parting at a clause mark is a fuller or shorter wording, as printed."""
    one = "新建枇杷种植基地280亩，配套建设生产便道5公里、蓄水池6口；项目建成后移交村集体经济组织统一运营管理"
    two = "新建标准化圈舍约160平方米，养殖规模约300头，配套粪污处理设施；建立项目管护机制，确保项目长期发挥效益"
    settings = Settings()
    assert merge_text("content", one + two[:two.index("规模")], one, settings, scanned=True) == (one, "conflict:content")
    assert merge_text("content", two[two.index("规模"):], two, settings, scanned=True) == (two, "conflict:content")
    assert merge_text("content", one, one[:one.index("；")], settings, scanned=True) == (one, None)
    # k14-020: the table's content lost its last lines inside a clause (…及食堂设施设); cut at a clause mark,
    # it is a shorter wording, as printed
    assert merge_text("content", one[:one.index("统一") + 1], one, settings, scanned=True) == (one, "conflict:content")
    assert merge_text("content", one[:one.index("；")], one, settings, scanned=True) == (one[:one.index("；")], None)
    # ... and so the project's content: the narrative's, flagged (the table's cell is kept otherwise)
    from normalizers.merge import _merge_field
    assert _merge_field("content", one[:one.index("统一") + 1], one, settings, scanned=True) == (one, "conflict:content")
    assert _merge_field("content", one[:one.index("；")], one, settings, scanned=True) == (one[:one.index("；")], None)
    assert _merge_field("content", two[two.index("建立"):], two, settings, scanned=True) == (two[two.index("建立"):], None)
    # k13-029: the narrative's 在<place> left on it, the place misread: the table's wording
    assert _merge_field("content", one, "在峨边萝族自治县" + one, settings, scanned=True) == (one, None)
    assert _merge_field("content", one, "又族自治县" + one, settings, scanned=True) == (one, None)   # 在峨边 lost
    tail = two[two.index("建立"):]                                   # too short to agree: the table's, flagged
    assert merge_text("content", tail, two, settings, scanned=True) == (tail, "conflict:content")
    assert merge_text("content", one + "新建", one, settings, scanned=False) == (one + "新建", None)   # printed so


def test_a_header_label_read_past_matching_names_the_field_no_other_column_holds():
    """k1-007: 产权归属 read 产权掘 (归属 as one glyph) scored 57 against its label; the column was
    dropped and every project lost its ownership. Its values are flagged by the caller (guessed)."""
    settings = Settings()
    columns = {0: "name", 1: "location"}
    assert misread_labels({2: ["产权掘"], 3: [""], 4: ["备注"]}, columns, settings) == {2: "ownership"}
    assert misread_labels({2: ["产权掘"]}, {**columns, 5: "ownership"}, settings) == {}     # held already
    assert misread_labels({2: ["户权归属掘"]}, columns, Settings(header_guess_min=68.0)) == {}   # 67: below
    assert misread_labels({2: ["户权归属掘"]}, columns, settings) == {2: "ownership"}
    assert misread_labels({2: ["序号"]}, columns, settings) == {}         # a label in full: not a guess
    # k5-012: a piece of the group label 计划投资 over the column's cut label; each line is scored alone too
    assert misread_labels({3: ["投市中区帮扶资", "投", "市中区帮扶资"]}, columns, settings) == {3: "aid_funds_wan"}
    # k9-039: 产权归属 read 产权リ坛 (50 against its label): 产权 opens the ownership label alone; 建设 opens three
    assert misread_labels({2: ["产权リ坛"], 3: ["建设口口"]}, columns, settings) == {2: "ownership"}
    assert misread_labels({2: ["产权リ坛"]}, {**columns, 5: "ownership"}, settings) == {}
    assert misread_labels({2: ["产树掘"]}, columns, settings) == {2: "ownership"}   # 树 a look-alike of 权 (k25-018)
    assert misread_labels({2: ["产权"]}, columns, settings) == {2: "ownership"}     # ratio 67: the label's own score


def test_an_amount_is_no_date_a_column_of_dates_is_found_by():
    """k5-012: 5280000.00 held 0000.00, read as a month, and the aid column was taken for the deadline."""
    from extractors.columns import _MONTH
    assert not _MONTH.search("5280000.00") and not _MONTH.search("17116300.00")
    assert _MONTH.search("2022年12月底") and _MONTH.search("2021.10")


def test_a_category_heading_whose_numeral_a_scan_lost_still_heads_its_items():
    """k1-007: （一） lost and 三、 read .三， : the items under them got no category or the one before."""
    settings = Settings()
    assert loose_heading("深化产业合作。以产业兴旺为着力点，支持特色种养殖和农”", settings) == "深化产业合作"
    assert loose_heading(".三，补齐基础短板及拓展基层治理能力。补齐饮水、住房等短板，投入协作资金1950万元。",
                         settings) == "补齐基础短板及拓展基层治理能力"
    assert loose_heading("宜坪乡产业路硬化项目。在宜坪乡硬化产业路约8公里。", settings) is None    # a name
    assert loose_heading("强化资金监管。严格执行资金和项目管理办法。", settings) is None        # no category
    assert loose_heading("产业合作。总投资117万元，拟投入协作资金88万元。", settings) is None   # an item's sentence
    paras = [Paragraph(t, 2, 14.0) for t in (
        "二、工作任务", "深化产业合作。以产业兴旺为着力点，投入协作资金1261万元。",
        "红花镇食用菌种植基地建设项目。总投资117万元，拟投入协作资金88万元，在红花镇新建基地。",
        ".三，补齐基础短板及拓展基层治理能力。补齐饮水、住房等短板，投入协作资金1950万元。",
        "农村危房改造项目。总投资606万元拟投入协作资金550万元在峨边彝族自治县参与农村危房改造100户。",
        "“四季文旅”消费帮扶〈二期项目*总投资115万元、拟投入协作资金82万元，开展推介活动8场。")]
    items = narrative_items(paras, settings)
    assert [(it.heading, it.name) for it in items] == [
        ("深化产业合作", "红花镇食用菌种植基地建设项目"), ("补齐基础短板及拓展基层治理能力", "农村危房改造项目"),
        ("补齐基础短板及拓展基层治理能力", "“四季文旅”消费帮扶〈二期项目")]
    assert items[1].body.startswith("总投资606万元")
