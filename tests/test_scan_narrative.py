"""The narrative of a scanned plan where OCR read its punctuation otherwise (issue 11, k1-015: a
tesseract layer over a 150 dpi 1-bit scan): an item's name ending in . or ， before its money
sentence, and the task section's counts paragraph broken off at an amount."""
from __future__ import annotations

from extractors.metadata import extract_metadata
from extractors.narrative import Paragraph, item_name, narrative_items


def test_an_items_name_ends_where_its_money_sentence_begins_whatever_mark_ocr_read():
    """k1-015: 2.党莫乡乌金猪养殖小区建设项目.总投资279万元，… (。 read as .) took the whole
    sentence for the name; no table row matched it, and the item became a project of its own
    (3 spurious, every seq after them shifted)."""
    assert item_name("觉莫乡乌金猪养殖小区建设项目.总投资279万元，拟投入帮扶资金119万元，在觉莫乡新建圈舍。") == \
        ("觉莫乡乌金猪养殖小区建设项目", "总投资279万元，拟投入帮扶资金119万元，在觉莫乡新建圈舍。")
    assert item_name("红花镇林下经济示范园建设项目，总投资536.93万元，拟投入帮扶资金490.29万元。")[0] == \
        "红花镇林下经济示范园建设项目"
    assert item_name("送岗下乡专项行动项目，拟投入帮扶资金66万元。")[0] == "送岗下乡专项行动项目"
    # as printed: the name ends at its 。 ; a comma inside a name before other words stays
    assert item_name("毛坪镇竹笋加工厂房建设项目。总投资153.14万元，拟投入帮扶资金144.59万元。") == \
        ("毛坪镇竹笋加工厂房建设项目", "总投资153.14万元，拟投入帮扶资金144.59万元。")
    assert item_name("杨河乡白芨、花椒种植基地建设项目。拟投入帮扶资金30万元。")[0] == "杨河乡白芨、花椒种植基地建设项目"
    paras = [Paragraph("二、工作任务", 2, 16.0), Paragraph("（一）做强特色产业。投入帮扶资金398万元。", 2, 16.0),
             Paragraph("2.党莫乡乌金猪养殖小区建设项目.总投资279万元，拟投入帮扶资金119万元，在觉莫乡新建圈舍。", 2, 16.0),
             Paragraph("实施地点：峨边彝族自治县觉莫乡", 2, 16.0)]
    item = narrative_items(paras)[0]
    assert item.name == "党莫乡乌金猪养殖小区建设项目" and item.body.startswith("总投资279万元")
    assert item.fields["location"] == "峨边彝族自治县觉莫乡"


def test_the_stated_counts_are_read_when_a_paragraph_breaks_off_at_an_amount():
    """k1-015: the task section's opening paragraph was read as two (OCR sized its lines apart), the
    second opening 3217.4万元。实施项目4类14个: taken for item 3217's number, the reading stopped there and
    the total investment and both counts went unread (and every seq was then doubted)."""
    paras = [Paragraph("峨边彝族自治县2022年乐山市市中区结对帮扶项目实施方案", 2, 22.0),
             Paragraph("二、工作任务", 2, 16.0),
             Paragraph("2022年，市中区计划投入帮扶资金2371.44万元，项目总投资", 2, 16.0),
             Paragraph("3217.4万元。实施项目4类14个，其中：产业协作项目5个，计划投资1758.02万元。", 2, 17.0),
             Paragraph("（一）做强特色产业。投入帮扶资金1758.02万元。", 2, 16.0),
             Paragraph("1.哈曲乡林下经济示范园建设项目。总投资762万元，拟投入帮扶资金432万元。", 2, 16.0)]
    md = extract_metadata(paras)
    assert md.total_investment_wan == 3217.4 and md.total_aid_funds_wan == 2371.44
    assert (md.category_count_stated, md.project_count_stated) == (4, 14)
    paras[3:4] = []                        # an item numbered 6.2022年… still ends the opening text
    paras.insert(3, Paragraph("6.2022年劳务协作技能培训项目。总投资132万元。实施项目4类14个", 2, 16.0))
    assert extract_metadata(paras).project_count_stated is None


def test_an_unnumbered_item_is_found_when_ocr_read_the_comma_after_its_total_as_a_point():
    """k1-007: 红花镇食用菌种植基地建设项目。总投资117万元．拟投入协作资金88万元 (， read as ．) was taken
    for the heading's text; the table's name under a seal (川菌种車) then had no narrative to pair with,
    and the project went unmatched (13 fields) with a spurious record in its place."""
    paras = [Paragraph("二、工作任务", 2, 14.0),
             Paragraph("（一）深化产业合作。以产业兴旺为着力点，投入协作资金1261万元。", 2, 14.0),
             Paragraph("红花镇食用菌种植基地建设项目。总投资117万元．拟投入协作资金88万元，在红花镇新建食用菌种植基地440亩。", 2, 14.0),
             Paragraph("杨河乡白芨加工厂房建设项目。总投资60万元，拟投入协作资金41万元，在杨河乡新建加工厂房。", 2, 14.0)]
    items = narrative_items(paras)
    assert [i.name for i in items] == ["红花镇食用菌种植基地建设项目", "杨河乡白芨加工厂房建设项目"]
    assert items[0].heading == "深化产业合作" and items[0].body.startswith("总投资117万元")


def test_the_task_section_and_its_counts_are_read_through_ocrs_stray_marks():
    """k1-005 (tesseract layer, 150 dpi grey): 二、工作任务 read 三“工作任务 and 3类7个 read 3类？7个; the
    stated total and both counts went unread."""
    paras = [Paragraph("峨边彝族自治县2022年东西部协作建设项目实施方案", 2, 24.0),
             Paragraph("三“工作任务", 2, 17.0),
             Paragraph("2022年，柯桥区计划投入协作资金1328.29万元。实施东西部协作项目3类？7个，其中：产业合作项目4个，"
                       "计划投资1148.63万元；消费帮扶项目2个，计划投资152.66万元。", 2, 17.0),
             Paragraph("（一）深化产业合作。投入协作资金1148.63万元。", 2, 17.0),
             Paragraph("（1）共和乡竹笋种植基地建设项目。拟投入协作资金587.63万元。", 2, 17.0)]
    md = extract_metadata(paras)
    assert (md.total_aid_funds_wan, md.category_count_stated, md.project_count_stated) == (1328.29, 3, 7)
    assert [(c.label, c.count) for c in md.categories_stated] == [("产业合作", 4), ("消费帮扶", 2)]
    assert [i.name for i in narrative_items(paras)] == ["共和乡竹笋种植基地建设项目"]
    paras[1] = Paragraph("二、了工作任务", 2, 17.0)        # k1-000: a stray character before the title
    assert extract_metadata(paras).project_count_stated == 7


def test_the_first_items_heading_is_kept_when_the_task_sections_heading_went_unread():
    """k2-019 (seed 2, tesseract layer): 二、工作任务 read 工作分, so the items were read from the first
    numbered one on and the heading just above it (一是深化产业合作) was lost: three 未分类 projects."""
    paras = [Paragraph("工作分", 1, 17.0),
             Paragraph("2026年，市中区计划投入帮扶资金1787万元。", 1, 15.0),
             Paragraph("一是深化产业合作。以产业兴旺为着力点，投入帮扶资金866万元。", 1, 15.0),
             Paragraph("1.杨村乡魔芋加工厂房建设项目。总投资582万元，拟投入帮扶资金380万元。", 1, 15.0)]
    [item] = narrative_items(paras)
    assert item.heading == "深化产业合作" and item.name == "杨村乡魔芋加工厂房建设项目"


def test_a_body_line_an_ocr_layer_sized_like_the_title_is_not_the_titles_second_line():
    """k2-004 (seed 2, OCRmyPDF layer, 150 dpi): the first body line got the title's 26 pt and, as a
    full line's middle is the page's, was joined to the title as its second centred line: no title
    ending in 实施方案, and the plan was rejected."""
    from schemas.types import Line
    lines = [Line("峨边辆帮自治县2026年东西部协作项目实施方案", 2, 89.2, 66.7, 494.9, 92.7, 26.0),
             Line("为进一步深化柯桥东西部协作，扎实推进系列帮扶项目落地见效，根", 2, 98.7, 98.1, 512.2, 124.1, 26.0),
             Line("据有关文件要求，结合峨边实际，特制定本实施方案。", 2, 70.1, 123.3, 389.4, 149.3, 18.0)]
    assert _page_paragraphs(lines, 160.0, 18.0)[0].text == "峨边辆帮自治县2026年东西部协作项目实施方案"
    title = [Line("峨边彝族自治县2022年乐山市市中区结对帮扶", 2, 80.0, 66.7, 515.0, 92.7, 26.0),
             Line("项目实施方案", 2, 219.0, 98.0, 375.0, 124.0, 26.0)] + lines[2:]
    assert _page_paragraphs(title, 160.0, 18.0)[0].text == "峨边彝族自治县2022年乐山市市中区结对帮扶项目实施方案"


def _page_paragraphs(head: list, body_top: float, body_size: float):
    """paragraphs() of one page: `head`, then six full body lines from `body_top` on."""
    from extractors.narrative import paragraphs
    from schemas.types import Line, Page
    page = head[0].page
    body = [Line("坚持柯桥区所能、峨边所需的原则，强化资金保障，确保各项目顺", page, 70.6, body_top + 1.4 * body_size * k,
                 509.6, body_top + 1.4 * body_size * k + body_size, body_size) for k in range(6)]
    return paragraphs([Page(page, 595.3, 841.9, head + body)])


def test_a_layers_title_words_set_a_few_points_apart_are_read_as_one_line_left_to_right():
    """k2-019 (seed 2, OCRmyPDF layer, 32 pt title): 峨边关族自治县20 | 26年乐山市市中区结对帮扶项目实 stood
    3 pt apart, were two lines with the right one first, and the plan was rejected (no plan_year)."""
    from schemas.types import Line
    lines = [Line("26年乐山市市中区结对帮扶项目实", 1, 234.4, 65.2, 508.7, 97.2, 32.0),
             Line("峨边关族自治县20", 1, 79.5, 68.2, 234.7, 100.2, 32.0),
             Line("施方案", 1, 269.3, 102.9, 315.7, 134.9, 32.0)]
    paras = _page_paragraphs(lines, 143.0, 15.0)
    assert paras[0].text == "峨边关族自治县2026年乐山市市中区结对帮扶项目实施方案"
    assert extract_metadata(paras).plan_year == 2026


def test_a_title_whose_year_was_lost_takes_the_year_of_the_plans_table_and_is_doubted():
    """k4-034 (seed 4, an OCRmyPDF layer): the title read 峨边彝族自治县 年东西部协作建设项目实施方案, its
    year lost, and the plan was rejected (no plan_year). The year is taken from the attached table's
    title, else from the task section, and the scanned plan's title and year are flagged (year_apart)."""
    import pandas as pd
    from normalizers.doubts import year_apart
    paras = [Paragraph("峨边彝族自治县 年东西部协作建设项目实施方案", 1, 22.0),
             Paragraph("二、工作任务", 1, 16.0),
             Paragraph("2023年实施东西部协作建设项目资金2051.65万元。", 1, 16.0),
             Paragraph("（一）深化产业合作。投入协作资金821.67万元。", 1, 16.0),
             Paragraph("峨边彝族自治县2024年东西部协作项目资金计划表", 5, 18.0)]
    assert extract_metadata(paras).plan_year == 2024          # the table's title first
    assert extract_metadata(paras[:4]).plan_year == 2023      # else the task section's
    assert extract_metadata(paras[:1]).plan_year is None
    docs = pd.DataFrame({"doc_id": ["a", "b"], "title": ["峨边彝族自治县 年东西部协作建设项目实施方案",
                                                         "峨边彝族自治县2023年东西部协作建设项目实施方案"],
                         "plan_year": [2023, 2023]})
    assert year_apart(docs, {"a", "b"}) == [("a", None, "title"), ("a", None, "plan_year")]


def test_a_task_section_titled_through_a_misread_and_items_whose_number_lost_its_mark_are_read():
    """k5-034 (tesseract layer): 二、平作任务 (工 read as 平) and items 1五渡镇…项目。总投资… (the 1's
    point lost): the names kept their numbers and the items stood under no section. One character of
    工作任务 may be misread; a number of one or two digits before a money sentence's name is the item's."""
    paras = [Paragraph("二、平作任务", 2, 16.0), Paragraph("（一）推进产业协作。投入帮扶资金436.62万元。", 2, 16.0),
             Paragraph("1五渡镇魔芋种植基地建设项目。总投资322.34万元，拟投入帮扶资金260.23万元。", 2, 16.0),
             Paragraph("10个村集体经济组织参与项目管理。", 2, 16.0)]
    items = narrative_items(paras)
    assert [(i.number, i.name, i.heading) for i in items] == [("1", "五渡镇魔芋种植基地建设项目", "推进产业协作")]
    assert items[0].body.endswith("260.23万元。10个村集体经济组织参与项目管理。")


def test_a_signature_whose_date_ocr_misread_still_gives_its_issuer():
    """k7-027: the signature's date read 2022年1月：日, so the signature was not found and the
    plan lost its issuer; the date stays unread rather than guessed."""
    paras = [Paragraph("峨边彝族自治县2022年乐山市市中区结对帮扶项目实施方案", 1, 22.0),
             Paragraph("（二）强化资金监管。严格执行资金和项目管理办法，做到专款专用。", 3, 16.0),
             Paragraph("峨边莱族自治县农业农村局", 3, 16.0), Paragraph("2022年1月：日", 3, 16.0)]
    md = extract_metadata(paras)
    assert md.issuer == "峨边莱族自治县农业农村局" and md.issue_date is None
    paras[-1] = Paragraph("2022年1月1日", 3, 16.0)
    assert extract_metadata(paras).issue_date is not None


def test_a_title_year_read_with_a_digit_more_takes_the_year_the_body_names_and_is_repaired():
    """k11-035 (seed 11, an OCRmyPDF layer): the title read 峨边蔡族自治县20256年…, the plan was read as
    2025 with no flag and every field missed. The year is the run one digit less that the plan's other
    text names (2026), and the title's run is repaired (rule year_digit)."""
    import pandas as pd
    from normalizers.doubts import year_apart
    from normalizers.lookalikes import fix_year_digit
    title = "峨边彝族自治县20256年东西部协作项目实施方案"
    paras = [Paragraph(title, 1, 22.0),
             Paragraph("为全面做好2026年东西部协作工作，特制定本实施方案。", 1, 16.0),
             Paragraph("二、工作任务", 1, 16.0),
             Paragraph("20256年实施东西部协作建设项目资金2589.56万元。", 1, 16.0),
             Paragraph("计划于2027年9月30日前完成。", 1, 16.0)]
    assert extract_metadata(paras).plan_year == 2026
    assert extract_metadata(paras[:1]).plan_year is None       # nothing else names one of its years: no guess
    assert extract_metadata(paras[:1] + paras[2:3] + [Paragraph("2027年实施东西部协作建设项目资金2589.56万元。", 1, 16.0)]
                            ).plan_year == 2027                 # none of them: the task section's, doubted
    assert fix_year_digit(title, 2026)[0] == "峨边彝族自治县2026年东西部协作项目实施方案"
    assert fix_year_digit(title, 2027) == (title, [])
    assert fix_year_digit("峨边彝族自治县2026年东西部协作项目实施方案", 2026)[1] == []
    docs = pd.DataFrame({"doc_id": ["a"], "title": [title], "plan_year": [2025]})
    assert year_apart(docs, {"a"}) == [("a", None, "title"), ("a", None, "plan_year")]     # 2025 is no year of it


def test_labelled_lines_are_read_with_their_colon_misread_or_lost():
    """k14-008 (a tesseract layer): 责任单位，县文化… 实施主体;… 实施地点峨边葬族自治县金岩乡 (： read as ，
    or ; or lost) were taken for the item's sentence, and the item's content ran on through them
    (five projects' content wrong, unflagged)."""
    from extractors.narrative import labelled, paragraphs
    from schemas.types import Line, Page
    rows = ["（1）“四季文旅”消费帮扶项目。拟投入协作资金99万元，在峨边彝族自治县开展推介活动12场。",
            "实施地点：峨边葬族自治县", "责任单位，县文化广播电视体育和旅游局", "实施主体;县文化广播电视体育和旅游局",
            "（2）移风易俗示范点建设项目。拟投入协作资金22万元，在金岩乡打造场地4处。",
            "实施地点峨边葬族自治县金岩乡", "责任单位；县民族宗教事务局", "完成时限:2028年9月底"]
    lines = [Line(t, 4, 90.0 if t.startswith("（") else 72.0, 100.0 + 20 * i, 72.0 + 14 * len(t), 112.0 + 20 * i, 14.0)
             for i, t in enumerate(rows)]
    paras = [Paragraph("二、工作任务", 4, 14.0), Paragraph("一是深化产业合作。投入协作资金121万元。", 4, 14.0),
             *paragraphs([Page(4, 1000.0, 842.0, lines)])]
    first, second = narrative_items(paras)
    assert first.body == "拟投入协作资金99万元，在峨边彝族自治县开展推介活动12场。"
    assert first.fields["responsible_unit"] == first.fields["implementing_entity"] == "县文化广播电视体育和旅游局"
    assert second.fields == {"location": "峨边葬族自治县金岩乡", "responsible_unit": "县民族宗教事务局",
                             "deadline": "2028年9月底"}
    # a wrapped line that opens with a label's words continues its sentence; a label's words in a
    # sentence are no labelled line
    assert labelled("责任单位要高度重视，实行一把手负责制") is None
    assert labelled("实施主体县农业农村局", marked_only=True) is None
    assert labelled("实施主体县农业农村局") == ("implementing_entity", "县农业农村局")


def test_the_task_totals_are_read_where_a_lost_line_end_broke_the_paragraph():
    """k17-000 (OCRmyPDF layer): 二、工作任务 read OPE作任入, and the layer lost the 元 and the line's end
    after 项目总投资3380万, so the paragraph broke there; k17-025: the counts on the paragraph after the
    total's, and the 文号's bracket read twice over (【2022]】). Totals, counts and 文号 went unread."""
    paras = [Paragraph("峨边彝族自治县2023年东西部协作建设项目实施方案", 2, 24.0),
             Paragraph("OPE作任入", 2, 17.0),
             Paragraph("2023年实施东西部协作建设项目资金2847万元，项目总投资3380万", 2, 17.0),
             Paragraph("实施项目3类10个，其中：产业合作项目5个，计划投资1280万元；", 2, 17.0),
             Paragraph("三、工作保障", 2, 17.0)]
    md = extract_metadata(paras)
    assert (md.total_aid_funds_wan, md.total_investment_wan) == (2847.0, 3380.0)
    assert (md.category_count_stated, md.project_count_stated) == (3, 10)
    paras[3:3] = [Paragraph("一、总体要求", 2, 17.0)] * 3      # counts further on than TASK_SPAN: not this paragraph's
    assert extract_metadata(paras).project_count_stated is None
    cover = [Paragraph("峨边府办发【2022]】15号", 1, 16.0)]
    assert extract_metadata(cover + paras).doc_number == "峨边府办发〔2022〕15号"


def test_items_numbered_in_brackets_ocr_read_as_angle_marks_are_items():
    """k22-002 (a tesseract layer over a 200 dpi 1-bit scan): （1） read 《1） and 〈1）: the items were
    not split off their numbers and the name kept the mark (《1）助残融爱建设项目)."""
    paras = [Paragraph("二、工作任务", 2, 16.0), Paragraph("《一）做强特色产业。投入帮扶资金398万元。", 2, 16.0),
             Paragraph("《1）助残融爱建设项目。总投资279万元，拟投入帮扶资金119万元。", 2, 16.0),
             Paragraph("〈2）大堡镇产业路硬化项目。总投资100万元，拟投入帮扶资金90万元。", 2, 16.0)]
    items = narrative_items(paras)
    assert [i.name for i in items] == ["助残融爱建设项目", "大堡镇产业路硬化项目"]


def test_items_whose_number_ocr_read_as_letters_are_items():
    """k26-007 (a tesseract layer over a 300 dpi 1-bit scan): （1） read (G） and, its （ lost, QT）: the
    items were taken for items printed without a number, their names kept the marks ((G）组团式帮扶…).
    A letter or two read for an item's figure is its number, unknown."""
    paras = [Paragraph("二、工作任务", 2, 16.0), Paragraph("（二）人才支撑。投入协作资金103万元。", 2, 16.0),
             Paragraph("(G）组团式帮扶（医疗）项目。总投资153.02万元，拟投入协作资金103万元。", 2, 16.0),
             Paragraph("QT）哈曲乡产业路硬化项目。总投资210万元，拟投入协作资金200万元。", 2, 16.0),
             Paragraph("〈X）夯实基础设施。补齐饮水、住房、道路等基础设施短板。", 2, 16.0),    # k26-021: a heading's 六
             Paragraph("（1）勒乌乡产业路硬化项目。总投资300万元，拟投入协作资金260万元。", 2, 16.0)]
    items = narrative_items(paras)
    assert [(i.number, i.name, i.heading) for i in items] == [
        ("", "组团式帮扶（医疗）项目", "人才支撑"), ("", "哈曲乡产业路硬化项目", "人才支撑"), ("1", "勒乌乡产业路硬化项目", "夯实基础设施")]
