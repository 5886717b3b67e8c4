"""Merging the narrative and table readings, and the arithmetic checks."""
from __future__ import annotations

import pytest

from conftest import DATA, SAMPLES, normalized, sample
from normalizers.align import align
from normalizers.merge import merge_text
from schemas.settings import Settings
from schemas.types import NarrativeItem, TableRow, Cell


def by_name(doc, fragment):
    return next(p for p in doc.projects if fragment in p.name)


def test_merged_amount_goes_where_the_narrative_states_it():
    doc = normalized(sample("2026"))
    first, second = by_name(doc, "顶岗锻炼"), by_name(doc, "培育提能")
    assert first.aid_funds_wan is None and first.total_investment_wan is None
    assert second.aid_funds_wan == 10 and second.total_investment_wan == 10
    assert "shared_amount" in first.flags and "shared_amount" in second.flags


def test_merged_text_cells_belong_to_every_spanned_row():
    doc = normalized(sample("2026"))
    assert by_name(doc, "培育提能").responsible_unit == by_name(doc, "顶岗锻炼").responsible_unit
    assert by_name(doc, "移风易俗").location == "峨边彝族自治县"


@pytest.mark.parametrize("pdf", SAMPLES, ids=lambda p: p.name)
def test_samples_reconcile_without_false_flags(pdf):
    doc = normalized(pdf)
    assert doc.document.flags == []
    allowed = {"shared_amount", "deadline_before_issue"}
    assert all(set(p.flags) <= allowed for p in doc.projects), [(p.name, p.flags) for p in doc.projects]
    assert doc.corrections == []


def test_deadline_before_issue_is_kept_and_flagged():
    doc = normalized(sample("2023"))
    p = by_name(doc, "助残融爱")
    assert p.deadline == "2022-10-30" and "deadline_before_issue" in p.flags


def test_wrong_subtotal_is_flagged_not_dropped():
    doc = normalized(DATA / "2026_wrong_subtotal.pdf")
    assert "subtotal_mismatch:改善民生" in doc.document.flags
    assert "total_mismatch" in doc.document.flags
    assert len(doc.projects) == 13


def test_unseen_column_order_reconciles_like_the_original():
    a, b = normalized(sample("2026")), normalized(DATA / "2026_column_order_shuffled.pdf")
    fields = ("name", "location", "aid_funds_wan", "total_investment_wan", "responsible_unit", "deadline")
    assert [[getattr(p, f) for f in fields] for p in a.projects] == [[getattr(p, f) for f in fields] for p in b.projects]


def test_location_keeps_the_most_specific_place():
    s = Settings()
    assert merge_text("location", "峨边彝族自治县", "峨边彝族自治县沙坪镇", s) == ("峨边彝族自治县沙坪镇", None)
    assert merge_text("location", "沙坪镇", "峨边", s) == ("沙坪镇", None)
    assert merge_text("location", "大堡镇", "沙坪镇", s) == ("大堡镇", "conflict:location")


def test_abbreviated_readings_are_one_fact_and_keep_the_table_wording():
    s = Settings()
    assert merge_text("responsible_unit", "县就业中心", "县就业创业促进中心", s) == ("县就业中心", None)
    assert merge_text("responsible_unit", "县教育局", "县卫健局", s) == ("县教育局", "conflict:responsible_unit")


def test_a_scans_table_name_with_text_before_the_narratives_is_in_conflict():
    """k8-021 (seed 8): a 类别 cell's label read into the name's cell (改善民生 助残融爱建设项目): it agreed with
    the narrative's 助残融爱建设项目 as an abbreviation, and the wrong name stood unflagged. In a scan, a
    table name that is the narrative's with two characters or more before it is doubted; a born-digital
    plan's is its wording."""
    s = Settings()
    assert merge_text("name", "改善民生 助残融爱建设项目", "助残融爱建设项目", s, scanned=True) == \
        ("改善民生助残融爱建设项目", "conflict:name")
    assert merge_text("name", "改善民生 助残融爱建设项目", "助残融爱建设项目", s) == ("改善民生助残融爱建设项目", None)
    assert merge_text("name", "助残融爱建设项目", "助残融爱建设项目", s, scanned=True) == ("助残融爱建设项目", None)


def _item(name, order):
    return NarrativeItem(order, str(order), "", name, "", {}, 1)


def _row(name):
    return TableRow("item", {"name": Cell(name, 1, (0, 0, 1, 1))}, 1)


def test_alignment_keeps_order_and_leaves_strangers_alone():
    items = [_item("乌金猪规模化养殖厂建设项目", 1), _item("就业帮扶项目", 2), _item("农村危房改造", 3)]
    rows = [_row("乌金猪规模化养殖厂建设项目"), _row("完全不同的名称工程"), _row("农村危房改造项目")]
    pairs = align(items, rows, Settings())
    matched = [(i.name if i else None, r.text("name") if r else None) for i, r in pairs]
    assert ("农村危房改造", "农村危房改造项目") in matched
    assert ("就业帮扶项目", None) in matched and (None, "完全不同的名称工程") in matched


def test_blank_categories_are_filled_from_the_stated_counts_only_when_they_agree():
    from normalizers.reconcile import fill_by_counts
    from schemas.types import Cell, TableRow

    def row(cat):
        return TableRow("item", {"category": Cell(cat, 1, (0, 0, 1, 1))} if cat else {}, 1)
    rows = [row("产业发展类"), row(""), row(""), row("人才交流"), row("")]
    cats = {id(r): r.text("category") or "" for r in rows}
    fill_by_counts(rows, cats, [("产业合作", 3), ("人才交流", 2)])
    assert [cats[id(r)] for r in rows] == ["产业发展类", "产业发展类", "产业发展类", "人才交流", "人才交流"]
    cats = {id(r): r.text("category") or "" for r in rows}      # a label outside its group: no guess
    fill_by_counts(rows, cats, [("产业合作", 4), ("人才交流", 1)])
    assert [cats[id(r)] for r in rows] == ["产业发展类", "", "", "人才交流", ""]
    cats = {id(r): r.text("category") or "" for r in rows}      # counts that do not add up: no guess
    fill_by_counts(rows, cats, [("产业合作", 3), ("人才交流", 3)])
    assert cats[id(rows[1])] == ""


def test_an_item_sentence_gives_its_content_without_the_fields_it_states():
    """k2-031: the table's content column lost, the narrative sentence was the content whole, with
    its place, 责任单位为…，实施主体为…，计划于…完成 and a figure OCR split (172.2 2万元)."""
    from normalizers.merge import narrative_content
    from normalizers.vocab import stated_fields
    body = ("总投资172.2 2万元，拟投入帮扶资金76万元，在峨边彝族自治县对外出务工脱贫劳动力给予交通补贴，惠及430人。"
            "责任单位为县就业创业促进中心，实施主体为县委宣传部，计划于2021年12月完成。")
    fields, at = stated_fields(body)
    assert fields == {"responsible_unit": "县就业创业促进中心", "implementing_entity": "县委宣传部",
                      "deadline": "2021年12月"}
    assert body[at:].startswith("责任单位为")
    item = NarrativeItem(1, "4", "", "稳岗就业奖补项目", body, fields, 1)
    assert narrative_content(item, ("峨边彝族自治县", None)) == "对外出务工脱贫劳动力给予交通补贴，惠及430人"
    # k14-008: the location read otherwise (峨边葬族自治县), the gazetteer's place after 在 is left out all the same
    assert narrative_content(item, ("峨边葬族自治县", None)) == "对外出务工脱贫劳动力给予交通补贴，惠及430人"
    other = NarrativeItem(1, "4", "", "稳岗就业奖补项目", "拟投入帮扶资金76万元，在项目区新建步道2公里。", {}, 1)
    assert narrative_content(other) == "在项目区新建步道2公里。"        # no place of the gazetteer: content
    misread = NarrativeItem(1, "4", "", "农村危房改造项目", "拟投入帮扶资金76万元，在峨边又族自治县参与农村危房改造90户。", {}, 1)
    assert narrative_content(misread) == "在峨边又族自治县参与农村危房改造90户。"    # a short name opens no place
    mid = "计划于2021年12月完成一期工程，再建二期。"         # a clause not at the sentence's end is content
    assert stated_fields(mid)[1] == len(mid)


def test_a_table_label_naming_no_category_gives_way_to_the_narrative_heading():
    """k2-031: the scan cut the first subtotal row's label to 一、产 and 3 projects lost their category
    (emptied by validation); the items' heading 产业合作 names it."""
    from normalizers.reconcile import reconcile
    head = TableRow("subtotal", {"seq": Cell("一、产", 1, (0, 0, 1, 1))}, 1, label="产", numeral="一")
    items = [NarrativeItem(1, "1", "产业合作", "毛坪镇林下经济示范园建设项目", "", {}, 1)]
    merged = reconcile(items, [head, _row("毛坪镇林下经济示范园建设项目")], Settings())
    assert merged[0].category_raw == "产业合作"
    head.label = "产业发展类"                                   # a label that names one is kept
    assert reconcile(items, [head, _row("毛坪镇林下经济示范园建设项目")], Settings())[0].category_raw == "产业发展类"
