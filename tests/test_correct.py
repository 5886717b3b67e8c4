"""OCR repair: look-alike characters against the gazetteers, votes between readings, the arithmetic."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from normalizers.correct import agrees, repair_chars, vote
from normalizers.lookalikes import fix_lookalikes, lookalike_score
from normalizers.merge import fix_reading, merge_pair
from normalizers.reconcile import reconcile
from schemas.settings import Settings
from schemas.types import Cell, NarrativeItem, TableRow

S = Settings()


def row(kind="item", page=8, label="", numeral="", **texts) -> TableRow:
    return TableRow(kind, {k: Cell(v, page, (0, 0, 1, 1)) for k, v in texts.items()}, page, label, numeral)


def item(name: str, body: str = "", heading: str = "", **fields) -> NarrativeItem:
    return NarrativeItem(1, "1", heading, name, body, fields, 3)


# look-alike characters against the gazetteers

def test_a_lookalike_slip_of_a_gazetteer_place_is_corrected():
    text, fixes, ambiguous = fix_lookalikes("推介宣传峡边旅游、农副产品等资源", S.correction_min)
    assert text == "推介宣传峨边旅游、农副产品等资源"
    assert [(f.original, f.corrected, f.rule) for f in fixes] == [("峡边", "峨边", "confusion")]
    assert fixes[0].score >= S.correction_min and not ambiguous


def test_township_and_brand_slips_are_corrected():
    assert fix_lookalikes("宜坪县人民政府", S.correction_min)[0] == "宜坪乡人民政府"
    assert fix_lookalikes("打响“峡岭云边”品牌", S.correction_min)[0] == "打响“峨岭云边”品牌"
    assert fix_lookalikes("套种粮食和白芫", S.correction_min)[0] == "套种粮食和白芨"


def test_a_township_read_with_a_lookalike_in_a_project_name_is_corrected():
    # rapidocr on a 150-dpi scan (k1-027) read 扬 for 杨; the location cell beside it read 杨河乡
    text, fixes, _ = fix_lookalikes("扬河乡白芨种植基地建设项目", S.correction_min)
    assert text == "杨河乡白芨种植基地建设项目" and [f.original for f in fixes] == ["扬河乡"]
    assert fix_lookalikes("扬帆起航", S.correction_min)[0] == "扬帆起航"


def test_a_real_but_different_place_is_left_alone():
    # 柯城区 (衢州市) is one look-alike away from 柯峨, but it is a real place
    for text in ("衢州市柯城区", "峨边彝族自治县", "县卫健局"):
        assert fix_lookalikes(text, S.correction_min) == (text, [], False)


def test_a_lookalike_substitution_scores_near_a_match_and_another_edit_does_not():
    assert lookalike_score("峡边", "峨边") >= 90
    assert lookalike_score("山边", "峨边") <= 50


@given(st.text(alphabet="的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞", min_size=1, max_size=40))
def test_text_without_misread_gazetteer_words_is_never_changed(text):
    # common characters only, but never a gazetteer word with one look-alike swapped
    fixed, fixes, _ = fix_lookalikes(text, S.correction_min)
    assert (fixed == text) == (not fixes)
    assert all(f.original in text for f in fixes)


# votes between readings

def test_the_reading_most_witnesses_agree_with_wins():
    chosen, share, ambiguous = vote(["城乡融合民生事业奖流培训项目", "城乡融合民生事业提升工程-干部人才交流培训项目"],
                                    "城乡融合民生事业提升工程—干部人才交流培训项目", S.min_subsequence_share,
                                    S.ambiguity_margin)
    assert chosen == "城乡融合民生事业提升工程-干部人才交流培训项目" and not ambiguous and share > 0.5


def test_two_close_readings_and_no_narrative_change_nothing_and_are_ambiguous():
    chosen, _, ambiguous = vote(["受益群众，县中医院", "受益人群，县中医院"], None, S.min_subsequence_share,
                                S.ambiguity_margin)
    assert chosen == "受益群众，县中医院" and ambiguous


def test_ambiguity_is_flagged_and_nothing_is_changed_in_the_record():
    m = merge_pair(item("某项目"), row(name="某项目", ownership="受益群众，县中医院"), "改善民生", S,
                   witnesses=[row(name="某项目", ownership="受益人群，县中医院")], scanned=True)
    assert m.values["ownership"] == "受益群众，县中医院"
    assert "low_confidence:ownership" in m.flags
    assert not [c for c in m.corrections if c.field == "ownership"]


def test_a_character_the_other_readings_show_as_its_lookalike_is_repaired_by_majority():
    base = "九年一贯制学校项目—“山海情”柯城教育协作帮扶建设项目"
    fixed, fixes = repair_chars(base, ["九年一贯制学校项目—“山海情”柯峨教育协作帮扶建设项目",
                                       "九年一贯制学校项目——“山海情”柯峨教育协作帮扶建设项目"])
    assert fixed == base.replace("柯城", "柯峨") and fixes[0].rule == "cross_witness"


def test_a_dash_read_as_yi_is_restored_where_the_other_reading_has_the_dash():
    base = "宜坪粮果产业园区一提升改造项目"
    assert repair_chars(base, ["宜坪粮果产业园区-提升改造项目"], dash_ties=True)[0] == "宜坪粮果产业园区-提升改造项目"
    assert repair_chars(base, ["宜坪粮果产业园区-提升改造项目"], dash_ties=False)[0] == base   # born-digital text
    assert repair_chars("一核一环五组团", ["一核一环五组团"], dash_ties=True)[0] == "一核一环五组团"


def test_cross_witness_choice_is_logged_as_a_correction():
    m = merge_pair(item("城乡融合民生事业提升工程—干部人才交流培训项目", location="峨边、浙江、福建"),
                   row(name="城乡融合民生事业奖流培训项目", location="峡边、浙江、福建"), "人才交流", S,
                   witnesses=[row(name="城乡融合民生事业提升工程 - 干部人才交流培训项目", location="峡边、浙江、福建")],
                   scanned=True)
    assert m.values["name"] == "城乡融合民生事业提升工程-干部人才交流培训项目"
    assert m.values["location"] == "峨边、浙江、福建"
    log = {c.field: c for c in m.corrections}
    # the table's garbled name (奖流) gave way to the narrative's fuller reading, which the second table
    # reading then settled with its dash
    assert log["name"].rule == "cross_witness" and log["name"].original == "城乡融合民生事业提升工程—干部人才交流培训项目"
    assert log["location"].rule == "confusion" and log["location"].original == "峡边、浙江、福建"
    assert all(c.page == 8 for c in m.corrections)


def test_readings_that_agree_exactly_are_never_changed():
    m = merge_pair(item("学前学普建设项目", location="峨边"), row(name="学前学普建设项目", location="峨边"), "改善民生", S,
                   witnesses=[row(name="学前学普建设项目", location="峨边")], scanned=True)
    assert m.corrections == [] and m.flags == []


def test_agreement_ignores_dash_style_and_abbreviation():
    assert agrees("园区-提升", "园区—提升", S.min_subsequence_share)
    assert agrees("县卫健局", "县卫生健康局", S.min_subsequence_share)
    assert not agrees("柯城", "柯峨", S.min_subsequence_share)


# the arithmetic places amounts

def _category(amounts_table, amounts_narrative, subtotal):
    rows = [row("subtotal", label="改善民生", numeral="五", aid_funds_wan=subtotal)]
    items = []
    for k, (t, n) in enumerate(zip(amounts_table, amounts_narrative)):
        rows.append(row(name=f"第{k}号建设项目", seq=str(k + 1), aid_funds_wan=t))
        items.append(item(f"第{k}号建设项目", body=f"规划投资{n}万元，建设内容。"))
    return items, rows


def test_a_subtotal_slipped_into_an_item_row_is_placed_by_the_arithmetic():
    items, rows = _category(["1370", "150", "530", "400", "200"], ["90", "150", "530", "400", "200"], "1370")
    merged = reconcile(items, rows, S)
    assert merged[0].values["aid_funds_wan"] == 90
    [c] = merged[0].corrections
    assert (c.field, c.original, c.corrected, c.rule) == ("aid_funds_wan", "1370", "90", "arithmetic")


def test_an_amount_the_arithmetic_cannot_settle_is_kept_and_flagged():
    items, rows = _category(["1370", "150"], ["90", "150"], "")
    merged = reconcile(items, rows, S)
    assert merged[0].values["aid_funds_wan"] == 1370 and "conflict:aid_funds_wan" in merged[0].flags
    assert merged[0].corrections == []


def test_without_correction_every_value_stays_as_read():
    items, rows = _category(["1370", "150", "530", "400", "200"], ["90", "150", "530", "400", "200"], "1370")
    merged = reconcile(items, rows, Settings(correct=False))
    assert merged[0].values["aid_funds_wan"] == 1370 and merged[0].corrections == []


def test_a_traditional_character_in_a_scans_reading_is_simplified_and_logged():
    # rapidocr read 黄 as 黃 in leaders' names of generated scans; the plans print simplified characters
    from normalizers.lookalikes import Fix, fix_variants
    assert fix_variants("黃海军") == ("黄海军", [Fix("黃", "黄", "variant", 100.0)])
    assert fix_variants("黄海军") == ("黄海军", [])


def test_a_born_digital_reading_keeps_its_traditional_character():
    from normalizers.merge import _corrected_field
    value, _, rules, _, _ = _corrected_field("responsible_leader", ["黃海军"], None, Settings(), scanned=False)
    assert value == "黃海军" and rules == []
    value, _, rules, _, _ = _corrected_field("responsible_leader", ["黃海军"], None, Settings(), scanned=True)
    assert value == "黄海军" and rules == ["variant"]


def test_an_amount_read_with_misread_separators_is_taken_and_logged():
    """k1-011: 2,090,200.00 read 2.090.200.00 stood as no amount; taken as 2,090,200.00 with a
    corrections row (rule number) saying what was read, and 元 turned into 万元 as ever."""
    rows = [row(seq="1", name="宜坪乡白芨种植基地建设项目", aid_funds_wan="2.070.200.00")]
    rows[0].unit = "元"
    [m] = reconcile([], rows, S)
    assert m.values["aid_funds_wan"] == 207.02
    assert [(c.original, c.corrected, c.rule) for c in m.corrections] == [
        ("2.070.200.00", "2,070,200.00", "number"), ("2.070.200.00 元", "207.02", "unit")]
    assert not any(f.startswith("low_confidence:aid") for f in m.flags)


def test_two_misread_characters_of_the_county_are_mended_by_lookalikes_and_the_gazetteer():
    """k1-007 (rapidocr, 1-bit blurred scan): 哦边舞族自治县, two characters off; 哦/峨 (also tesseract's,
    issue 11) fixes the anchor so the long-term rule can mend the inner one."""
    text, fixes, ambiguous = fix_lookalikes("哦边舞族自治县", S.correction_min)
    assert text == "峨边彝族自治县" and not ambiguous
    assert [f.rule for f in fixes] == ["confusion", "gazetteer"]
    assert fix_lookalikes("峨边葬族自治县交通运输局", S.correction_min)[0] == "峨边彝族自治县交通运输局"
    assert fix_lookalikes("蛾边舞族自治县", S.correction_min)[0] == "峨边彝族自治县"       # k1-036's tesseract layer
    # k4-024 (rapidocr, 300 dpi 1-bit heavy blur): 县委宜传部, the county party office (terms.csv)
    assert fix_lookalikes("峨边彝族自治县委宜传部", S.correction_min)[0] == "峨边彝族自治县委宣传部"
    # k5-038 (tesseract layer): 莱 and 目, two inner characters each read as its look-alike
    text, fixes, _ = fix_lookalikes("峨边莱族目治县勒乌乡", S.correction_min)
    assert text == "峨边彝族自治县勒乌乡" and [f.rule for f in fixes] == ["gazetteer"]
    # one read as anything and one as its look-alike cost more than a seven-character term allows
    assert fix_lookalikes("峨边琴族目治县", S.correction_min)[0] == "峨边琴族目治县"
    assert fix_lookalikes("马边莱族目治县", S.correction_min)[0] == "马边彝族自治县"     # the neighbour county, not 峨边


def test_a_lost_inner_character_of_a_long_term_is_restored_in_a_scans_reading_only():
    """k1-007: 峨边族自治县委宣传部 (彝 under a blur read as nothing)."""
    from normalizers.lookalikes import fix_dropped
    from normalizers.merge import _corrected_field
    text, fixes, _ = fix_dropped("峨边族自治县委宣传部", S.correction_min)
    assert text == "峨边彝族自治县委宣传部" and [(f.original, f.rule) for f in fixes] == [("峨边族自治县", "gazetteer")]
    assert fix_dropped("浙江绍兴市柯桥区", S.correction_min)[0] == "浙江绍兴市柯桥区"    # a suffix left out: written so
    assert fix_dropped("峨边彝族自治县委宣传部", S.correction_min) == ("峨边彝族自治县委宣传部", [], False)
    value, _, rules, _, _ = _corrected_field("implementing_entity", ["峨边族自治县委宣传部"], None, S, scanned=False)
    assert value == "峨边族自治县委宣传部" and rules == []
    value, _, rules, _, _ = _corrected_field("implementing_entity", ["峨边族自治县委宣传部"], None, S, scanned=True)
    assert value == "峨边彝族自治县委宣传部" and rules == ["gazetteer"]


def test_a_serial_read_into_a_scanned_period_cell_is_taken_out_and_logged():
    """k9-002 (unruled, the 序号 column's gutter lost): every 建设年限 read 2 2023年至2024年 and none was a period.
    The serial before the year is its neighbour's; a born-digital cell is as printed; a year alone stays."""
    r = row(seq="2", name="红花镇竹笋种植基地建设项目", construction_period="2 2023\n年至2\n024\n年")
    m = merge_pair(None, r, "产业合作", S, scanned=True)
    assert m.values["construction_period"] == "2023-2024"
    assert [(c.field, c.rule, c.corrected[:5]) for c in m.corrections] == [("construction_period", "stray_serial", "2023年")]
    assert merge_pair(None, r, "产业合作", S, scanned=False).values["construction_period"] is None
    kept = merge_pair(None, row(seq="2", name="红花镇竹笋种植基地建设项目", construction_period="2023"), "产业合作", S,
                      scanned=True)
    assert kept.values["construction_period"] == "2023" and kept.corrections == []


def test_a_lone_letter_at_a_scanned_offices_end_is_taken_out_and_logged():
    """k1-007: 勒乌乡人民政府f (a rule's stroke beside the cell read as a letter)."""
    r = row(seq="1", name="勒乌乡林下经济示范园建设项目", implementing_entity="勒乌乡人民政府f", responsible_leader="刘建国")
    m = merge_pair(None, r, "产业合作", S, scanned=True)
    assert m.values["implementing_entity"] == "勒乌乡人民政府"
    assert [(c.original, c.corrected, c.rule) for c in m.corrections] == [("勒乌乡人民政府f", "勒乌乡人民政府", "stray_letter")]
    assert merge_pair(None, r, "产业合作", S, scanned=False).values["implementing_entity"] == "勒乌乡人民政府f"
    from normalizers.correct import without_stray_letter
    for written in ("中国移动5G", "县EPC项目部", "PPP项目公司"):      # Latin words and a letter after a figure stay
        assert without_stray_letter(written) == written
    # k26-038 (150 dpi 1-bit, heavy blur): a place's 五 read f (f渡镇): out, and the town's name whole again
    m = merge_pair(None, row(seq="1", name="五渡镇茶叶种植基地建设项目", location="f渡镇"), "产业合作", S, scanned=True)
    assert m.values["location"] == "五渡镇"
    assert [(c.original, c.rule) for c in m.corrections] == [("f渡镇", "stray_letter"), ("渡镇", "gazetteer")]


def test_a_scanned_office_several_misreads_from_one_gazetteer_office_is_restored_and_flagged():
    """k7-029, k6-020 (seeds 7, 6): harsh scans read 峨边彝族自治县文化广播电视体育和旅游局 as 峨边舞族自治只文化广播电规
    体育和旅游 (four edits) and 县住房和城乡建设局 without 局; the one-character repairs reach neither."""
    r = row(seq="1", name="民族文化传承保护项目", responsible_unit="峨边舞族自治只文化广播电规体育和旅游",
            implementing_entity="县住房和城乡建设", ownership="县国有理中心")
    m = merge_pair(None, r, "片区任务", S, scanned=True)
    assert m.values["responsible_unit"] == "峨边彝族自治县文化广播电视体育和旅游局"
    assert m.values["implementing_entity"] == "县住房和城乡建设局"
    assert m.values["ownership"] == "县国有理中心"              # no gazetteer office within a quarter of edits
    # 只 is a look-alike of 县 (k22-002): the county is restored by the gazetteer rule first, the rest
    # of the office (电规, its 局 lost) by the office's
    assert {(c.field, c.rule) for c in m.corrections} == {("responsible_unit", "gazetteer"),
                                                          ("responsible_unit", "office_gazetteer"),
                                                          ("implementing_entity", "office_gazetteer")}
    assert {"low_confidence:responsible_unit", "low_confidence:implementing_entity"} <= set(m.flags)
    assert merge_pair(None, r, "片区任务", S, scanned=False).values["implementing_entity"] == "县住房和城乡建设"


def test_an_office_restore_needs_a_long_name_few_edits_and_one_office_near():
    from normalizers.offices import restore_office
    args = (S.office_restore_min_chars, S.office_restore_max_edits, S.office_restore_margin)
    assert restore_office("县审计周", *args) is None                   # short: 审计局, 教育局 tell apart by two
    # k26-038 (150 dpi 1-bit, heavy blur): 交通运输馬, a body of five with one edit, no other office near
    assert restore_office("峨边彝族自治县交通运输馬", *args).office == "峨边彝族自治县交通运输局"
    assert restore_office("县农业农村周", *args).office == "县农业农村局"
    assert restore_office("峨边彝族自治县林业局", *args) is None       # an office the gazetteer lacks is left
    assert restore_office("峨边彝族自治县卫生健康局", *args) is None    # written right
    # the 2026 sample's scan: a real hospital two characters from the gazetteer's 县中医医院, both short
    # once the county is set apart (人民医院 | 中医医院): it was restored to the wrong office
    assert restore_office("峨边彝族自治县人民医院", *args) is None
    assert restore_office("峨边彝族自治县人力资源社会保障局", *args) is None    # a short form the 2026 plan prints
    assert restore_office("县城市建设投资有限", *args).office == "县城市建设投资有限公司"


def test_a_scans_title_and_issuer_are_repaired_with_a_document_corrections_row():
    """k1-005, k1-000, k1-010: the title and issuer read 峨边荡族/琶族/莱族自治县 stood as read (only a
    project's values were repaired); a born-digital plan's title and issuer stay as printed."""
    from normalizers.records import normalize
    from schemas.types import DocumentParts, Metadata
    md = Metadata(title="峨边荡族自治县2022年东西部协作建设项目实施方案", issuer="峨边琶族自治县人民政府办公室",
                  plan_year=2022, program="东西部协作")
    rows = [row(seq="1", name="宜坪乡白芨种植基地建设项目", aid_funds_wan="30")]
    parts = DocumentParts("k.pdf", "ab" * 32, 3, "ocr", "scanned", [], md, [], rows)
    out = normalize(parts, S)
    assert (out.document.title, out.document.issuer) == ("峨边彝族自治县2022年东西部协作建设项目实施方案", "峨边彝族自治县人民政府办公室")
    assert [(c.project_id, c.field, c.original, c.rule) for c in out.corrections if c.project_id is None] == [
        (None, "title", "峨边荡族自治县2022年东西部协作建设项目实施方案", "gazetteer"),
        (None, "issuer", "峨边琶族自治县人民政府办公室", "gazetteer")]
    assert normalize(parts, Settings(correct=False)).document.issuer == "峨边琶族自治县人民政府办公室"


def test_a_long_terms_first_or_last_character_read_as_its_lookalike_still_anchors_it():
    """县 read 具 by tesseract (峨边琶族自治具, 已经具人民政府: k1-024, k1-005): a long term whose anchor is a
    look-alike and one inner character any other is mended when the score allows it."""
    assert fix_lookalikes("具住房和城乡建没局", S.correction_min)[0] == "县住房和城乡建设局"
    # seven characters with two slips, one of them no look-alike, stay below correction_min: left as read
    assert fix_lookalikes("峨边琶族自治具", S.correction_min)[0] == "峨边琶族自治具"
    assert fix_lookalikes("马边彝族自治县", S.correction_min)[0] == "马边彝族自治县"     # another county


def test_a_scans_signature_read_half_flags_what_it_lost():
    """k7-025: the signature's date line was misread and the plan kept its issuer with no date and no
    flag; a plan printing neither (the 2026 sample) stays unflagged."""
    from normalizers.doubts import flag_doubts
    from normalizers.records import normalize
    from schemas.types import DocumentParts, Metadata

    def flags(issuer):
        md = Metadata(title="峨边彝族自治县2021年东西部协作项目实施方案", issuer=issuer, plan_year=2021,
                      program="东西部协作")
        parts = DocumentParts("k.pdf", "ab" * 32, 3, "ocr", "scanned", [], md, [],
                              [row(seq="1", name="宜坪乡白芨种植基地建设项目", aid_funds_wan="30")])
        return flag_doubts(normalize(parts, S), S).document.flags
    assert "low_confidence:issue_date" in flags("峨边彝族自治县人民政府办公室")
    assert not any(f.startswith("low_confidence:issue") for f in flags(None))


def test_a_scans_january_deadline_before_the_plan_was_issued_is_doubted():
    """k8-018 (seed 8): 2026.1 | 0 wrapped in a narrow 完成时间 cell, the lone 0 lost by OCR: the deadline
    read 2026-01, months before the plan was issued, flagged only deadline_before_issue (a fact of
    the document, not a doubt). In a scan such a January deadline is also doubted; a later month
    before the issue date (the 2023 plan's 2022-10-30, printed so) and a born-digital plan are not."""
    from normalizers.records import normalize
    from schemas.types import DocumentParts, Metadata
    md = Metadata(title="峨边彝族自治县2026年东西部协作项目实施方案", issue_date="2026-03-18", plan_year=2026,
                  program="东西部协作")

    def flags(deadline, kind="scanned"):
        rows = [row("subtotal", label="改善民生"),
                row(seq="1", name="五渡镇卫生院设备购置项目", aid_funds_wan="30", deadline=deadline)]
        return normalize(DocumentParts("k.pdf", "ab" * 32, 3, "ocr", kind, [], md, [], rows), S).projects[0].flags
    assert flags("2026.1") == ["deadline_before_issue", "low_confidence:deadline"]
    assert flags("2025.10") == ["deadline_before_issue"]
    assert flags("2026.1", "published") == ["deadline_before_issue"]


def test_the_plans_own_county_read_with_two_characters_wrong_is_restored_and_another_county_is_not():
    """k8-024, k8-000, k8-011 (seed 8): tesseract layers read 峨边彝族自治县 as 场边萝族自治县, 贱边薄族自治县,
    战边芭族自治县 in issuers, titles and locations: two characters off, the first no look-alike, so
    neither a look-alike nor the masked gazetteer match reached it. The plans' own county is restored
    where at most two characters slipped (misread, lost or added) and 自治县 reads as printed; the
    neighbouring 马边彝族自治县 and a reading nearer it are left, and a tie goes to the plans' own."""
    from normalizers.lookalikes import fix_own_county
    out, fixes = fix_own_county("场边萝族自治县人民政府办公室")
    assert out == "峨边彝族自治县人民政府办公室" and [(f.original, f.rule) for f in fixes] == [("场边萝族自治县", "own_county")]
    assert fix_own_county("贱边薄族自治县新林镇")[0] == "峨边彝族自治县新林镇"
    for kept in ("马边彝族自治县", "马边萝族自治县", "峨边彝族自治县", "峨边又族自治有具", "凉山彝族自治州"):
        assert fix_own_county(kept) == (kept, [])
    assert fix_reading("战边芭族自治县2025年", S, scanned=True)[0] == "峨边彝族自治县2025年"
    assert fix_reading("战边芭族自治县2025年", S, scanned=False)[0] == "战边芭族自治县2025年"    # born-digital: as printed
    # seeds 7 to 9: 彝族 read as two others, as one, or with a mark added; 自治县 as printed
    for read in ("峨边琶放自治县2023年", "峨边轰自治县2023年", "峨边莱族上自治县2023年"):
        assert fix_own_county(read)[0] == "峨边彝族自治县2023年"
    assert fix_own_county("在峨边莱族自治县")[0] == "在峨边彝族自治县"              # the word before it stays
    for kept in ("在峨边彝族自治县", "场边莱族上自治县", "北川羌族自治县"):        # printed so; three slips
        assert fix_own_county(kept) == (kept, [])
    # k25-010, k25-014, k25-011 (seed 25): 峨边彝族自治 | 县 wrapped in a narrow 建设地点 cell, its last line lost
    out, fixes = fix_own_county("峨边彝族自治")
    assert out == "峨边彝族自治县" and [(f.original, f.rule) for f in fixes] == [("峨边彝族自治", "own_county")]
    assert fix_own_county("峨边琶族自治")[0] == "峨边彝族自治县"
    assert fix_own_county("峨边萝族自治呈")[0] == "峨边彝族自治县"               # k25-035: 县 read 呈
    for kept in ("马边彝族自治", "峨边琶放自治", "实行民族区域自治", "峨边彝族自治州", "峨边琶放自治呈"):
        # another county; three slips (with the 县 lost); no county; another level; three slips
        assert fix_own_county(kept) == (kept, [])


def test_a_bracket_opened_with_an_angle_mark_in_a_scan_is_a_bracket():
    """k26-007 (seed 26, a tesseract layer): 组团式帮扶〈医疗）项目 for 组团式帮扶（医疗）项目, a name wrong; （ read
    as 〈 or 《 before what its ） closes is （ (rule bracket_lookalike); title marks closing as such stay."""
    from normalizers.lookalikes import fix_bracket_marks
    out, fixes = fix_bracket_marks("组团式帮扶〈医疗）项目")
    assert out == "组团式帮扶（医疗）项目" and [(f.original, f.rule) for f in fixes] == [("组团式帮扶〈医疗）项目", "bracket_lookalike")]
    assert fix_bracket_marks("“四季文旅”消费帮扶《二期)项目")[0] == "“四季文旅”消费帮扶（二期）项目"
    for kept in ("《峨边彝族自治县项目管理办法》", "〈二〉", "组团式帮扶（医疗）项目", None):
        assert fix_bracket_marks(kept) == (kept, [])
    assert fix_reading("组团式帮扶〈医疗）项目", S, scanned=False)[0] == "组团式帮扶〈医疗）项目"     # born-digital: as printed


def test_a_scans_doc_number_is_read_from_its_place_on_and_its_lookalikes_repaired():
    """Seed 8: a red header's issuer and 文号 read as one line gave 政府办公室峨边府办发〔2024〕19号
    (k8-038), and tesseract read 函 as 画 (峨边府办画〔2026〕12号). The 文号 starts at the county's short
    name; a scan's 文号 gets the look-alike repairs of its title and issuer, with a corrections row."""
    from extractors.metadata import _from_place
    from normalizers.records import normalize
    from schemas.types import DocumentParts, Metadata
    assert _from_place("政府办公室峨边府办发〔2024〕19号") == "峨边府办发〔2024〕19号"
    assert _from_place("峨边府办发〔2024〕19号") == "峨边府办发〔2024〕19号"
    md = Metadata(title="峨边彝族自治县2026年东西部协作项目实施方案", doc_number="峨边府办画〔2026〕12号",
                  plan_year=2026, program="东西部协作")
    rows = [row(seq="1", name="宜坪乡白芨种植基地建设项目", aid_funds_wan="30")]
    out = normalize(DocumentParts("k.pdf", "ab" * 32, 3, "ocr", "scanned", [], md, [], rows), S)
    assert out.document.doc_number == "峨边府办函〔2026〕12号"
    assert [(c.field, c.original, c.rule) for c in out.corrections] == [("doc_number", "峨边府办画〔2026〕12号", "confusion")]


def test_a_town_opening_a_scans_value_with_its_first_character_lost_is_restored_when_only_one_fits():
    """k11-022 (a rapidocr layer, a heavy blur): the name 金岩乡乌金猪养殖小区建设项目 read 岩乡乌金猪…, unflagged.
    A value opening with a town's or township's name less its first character, which no place opens
    with, gets the place back (rule gazetteer); two places ending so (坪镇: 沙坪镇, 毛坪镇) leave it
    flagged; 乡村 after it is the word, not a township (和乡村振兴); a born-digital value stays."""
    from normalizers.lookalikes import fix_cut_start
    from normalizers.merge import _corrected_field
    assert fix_cut_start("岩乡乌金猪养殖小区建设项目")[0] == "金岩乡乌金猪养殖小区建设项目"
    assert fix_cut_start("竹沟镇供水一张网新建工程")[0] == "黑竹沟镇供水一张网新建工程"
    assert fix_cut_start("坪镇供水一张网新建工程") == ("坪镇供水一张网新建工程", [], True)
    assert fix_cut_start("和乡村振兴有效衔接")[0] == "和乡村振兴有效衔接"
    assert fix_cut_start("金岩乡乌金猪养殖小区建设项目")[1] == []
    value, _, rules, _, _ = _corrected_field("name", ["岩乡乌金猪养殖小区建设项目"], None, S, scanned=False)
    assert value == "岩乡乌金猪养殖小区建设项目" and rules == []
    value, _, rules, _, _ = _corrected_field("name", ["岩乡乌金猪养殖小区建设项目"], None, S, scanned=True)
    assert value == "金岩乡乌金猪养殖小区建设项目" and rules == ["gazetteer"]


def test_a_name_ending_read_with_a_look_alike_in_a_scan_is_the_ending():
    """k26-015 (200 dpi 1-bit, a seal over the first project's name): 指基地建设项自 for …建设项目, and the
    record matched no project; 目 read as 自 or 日 at a value's end is 目 (rule name_ending); a value
    ending as names end, or in another word, stays."""
    from normalizers.lookalikes import fix_name_ending
    out, fixes = fix_name_ending("指基地建设项自")
    assert out == "指基地建设项目" and [(f.original, f.rule) for f in fixes] == [("指基地建设项自", "name_ending")]
    assert fix_name_ending("供水一张网新建工程")[0] == "供水一张网新建工程"
    assert fix_name_ending("幼儿园保教设施建设项日")[0] == "幼儿园保教设施建设项目"
    for kept in ("茶叶种植基地建设项目", "自", "县农业农村局", None):
        assert fix_name_ending(kept) == (kept, [])
    assert fix_reading("茶叶种植基地建设项自", S, scanned=False)[0] == "茶叶种植基地建设项自"     # born-digital: as printed
