"""The small pure converters: numbers, dates, text and vocabularies, with round-trip properties."""
from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from normalizers.dates import DateError, parse_date, parse_period
from normalizers.numbers import AmountError, chinese_to_int, parse_amount, parse_capital_amount, parse_count, regrouped
from normalizers.text import compact, squeeze
from normalizers.vocab import abbreviates, canonical_category, contains_place, match_label
from schemas.settings import Settings, SettingsError

DIGITS = "零一二三四五六七八九"


def to_chinese(n: int) -> str:
    """Reference writer of Chinese numerals below 100,000 (for the round trip)."""
    if n == 0:
        return "零"
    out, zero = "", False
    for value, unit in ((10000, "万"), (1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // value % 10
        if d:
            if zero and out:
                out += "零"
            out += DIGITS[d] + unit
            zero = False
        elif out:
            zero = True
    return out


@given(st.integers(min_value=0, max_value=99999))
def test_chinese_numerals_round_trip(n):
    assert chinese_to_int(to_chinese(n)) == n


@given(st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False))
def test_amount_round_trip(d):
    assert parse_amount(f"{d:,}") == pytest.approx(float(d))


@pytest.mark.parametrize("text,wan", [("柒佰伍拾万元整", 750), ("（大写：柒佰伍拾万元整）", 750),
                                      ("叁仟玖佰万元", 3900), ("壹拾万元整", 10)])
def test_capital_amounts(text, wan):
    assert parse_capital_amount(text) == wan


@pytest.mark.parametrize("text,value", [("383", 383.0), ("３８３万元", 383.0), ("1,000.5", 1000.5),
                                        ("", None), ("—", None), ("50000元", 5.0)])
def test_amounts(text, value):
    assert parse_amount(text) == value


def test_two_amounts_stacked_in_one_cell_are_no_amount():
    """k1-027: a broken rule put two rows' amounts in one cell (550000 over 260000); the
    newline was stripped and 550000260000 stood as one. Each line a whole figure: no amount."""
    assert parse_amount("550000\n260000", errors="null") is None
    assert parse_amount("1,240,000\n 570,000.00", errors="null") is None
    with pytest.raises(AmountError, match="several amounts"):
        parse_amount("550000\n260000")
    assert parse_amount("9,383,\n800.00") == 9383800.0      # one figure wrapped in a narrow cell
    assert parse_amount("100\n万元") == 100.0                # a figure over its unit
    assert parse_amount("3150000\n0") == 31500000.0          # a born-digital figure wrapped: a short tail


def test_two_amounts_side_by_side_in_one_cell_are_no_amount():
    """k9-001: the faint rule between 项目总投资 and 东西部协作资金 was lost, a cell held 5,919,200.00 5,669,200.00,
    and the misread-separator repair read 591920000566.92 万元 from it. Two written-out amounts apart on one
    line are several; a figure OCR spaced inside (500 000, 5,919, 200.00) and a figure beside its unit stay one."""
    for two in ("5,919,200.00 5,669,200.00", "4670000 3670000", "2833900.00  2633900.00"):
        assert parse_amount(two, errors="null") is None
    assert parse_amount("500 000") == 500000.0 and parse_amount("5,919, 200.00") == 5919200.0
    assert parse_amount("90 万元") == 90.0 and parse_amount("1 500 000") == 1500000.0


def test_thousands_separators_misread_as_points_are_read_as_separators():
    """k1-011 (1-bit heavy blur): 2,090,200.00 read 2.090.200.00, 660,900.00 read 660.900:00. With
    two separators or more only the last may be the decimal point; one alone is left as read."""
    assert regrouped("2.090.200.00") == "2,090,200.00" and parse_amount("2.090.200.00") == 2090200.0
    assert parse_amount("660.900:00") == 660900.0 and parse_amount("5.323,200.00") == 5323200.0
    assert regrouped("1.500") is None and parse_amount("1.500") == 1.5
    assert regrouped("3,969,800.00") is None                 # read right: nothing to repair
    assert regrouped("1.234.5678") is None and parse_amount("1.234.5678", errors="null") is None


def test_bad_amount_policy():
    with pytest.raises(AmountError):
        parse_amount("约三百")
    assert parse_amount("约三百", errors="null") is None
    assert parse_count("六") == 6 and parse_count("x", errors="null") is None


@pytest.mark.parametrize("text,iso", [("2026年11月", "2026-11"), ("2023年10月30日", "2023-10-30"),
                                      ("2023 年 2 月 7 日", "2023-02-07"), ("2026年", "2026")])
def test_dates_keep_written_precision(text, iso):
    assert parse_date(text) == iso


@given(st.dates())
def test_date_round_trip(d):
    assert parse_date(f"{d.year}年{d.month}月{d.day}日") == d.isoformat() if d.year >= 1000 else True


def test_bad_dates():
    with pytest.raises(DateError):
        parse_date("2026年13月")
    assert parse_date("明年", errors="null") is None


def test_a_month_with_a_letter_read_for_a_figure_is_no_date_and_is_set_right_in_a_scan():
    """k5-034: 2021-1O (O read for 0) was taken for January. A month or day is its digits whole; in a
    scan's reading the letter is set right, a corrections row (digit_lookalike)."""
    from normalizers.lookalikes import fix_digit_letters
    from normalizers.merge import _corrected_field
    assert parse_date("2021-1O", errors="null") is None and parse_date("2021-1\nO", errors="null") is None
    assert parse_date("2026年11月20日") == "2026-11-20" and parse_date("2027.1\n1") == "2027-11"
    assert fix_digit_letters("2021-1O")[0] == "2021-10" and fix_digit_letters("新建蓄水池1O口")[0] == "新建蓄水池10口"
    assert fix_digit_letters("LED灯10盏")[0] == "LED灯10盏" and fix_digit_letters("5G基站") == ("5G基站", [])
    value, _, rules, _, _ = _corrected_field("deadline", ["2021-1O"], None, Settings(), scanned=True)
    assert value == "2021-10" and rules == ["digit_lookalike"]
    value, flag, rules, _, _ = _corrected_field("deadline", ["2021-1O"], None, Settings(), scanned=False)
    assert value is None and rules == []                 # a born-digital plan's text is as written


@pytest.mark.parametrize("text,period", [("2026—2027", "2026-2027"), ("2024-2026年", "2024-2026"),
                                         ("2026", "2026"), ("2021\n2022", "2021-2022"), ("2021年 2022年", "2021-2022")])
def test_periods(text, period):
    """Two years one under the other are their span (k2-031: the dash at the line break lost)."""
    assert parse_period(text) == period


def test_two_years_out_of_order_or_run_together_are_no_period():
    assert parse_period("2022\n2021", errors="null") is None
    assert parse_period("20212022", errors="null") is None


def test_a_scans_period_whose_dash_was_read_as_a_point_is_set_right_with_a_corrections_row():
    """k9-039: 2027-⏎2028 read 2027.⏎2028 was no period (empty). In a scan's reading the point between two
    years is the dash (rule dash_lookalike); a born-digital plan's text, a date and years out of order stay."""
    from normalizers.lookalikes import fix_period_dash
    from normalizers.merge import _corrected_field
    assert fix_period_dash("2027.2028")[0] == "2027-2028" and fix_period_dash("2027年一2028年")[0] == "2027年-2028年"
    for kept in ("2027.12", "2028.2027", "2027.2045", "投资2027.2028万元", None):
        assert fix_period_dash(kept) == (kept, [])
    value, _, rules, _, _ = _corrected_field("construction_period", ["2027.\n2028"], None, Settings(), scanned=True)
    assert value == "2027-2028" and rules == ["dash_lookalike"]
    value, _, rules, _, _ = _corrected_field("construction_period", ["2027.\n2028"], None, Settings(), scanned=False)
    assert value is None and rules == []


def test_a_scans_mouth_read_as_two_marks_and_a_household_read_as_wide_are_set_right_with_corrections_rows():
    """k14-034, k14-005 (rapidocr on 150-dpi 1-bit blurred scans): 带动脱贫人11133人，广均年增收800元 for
    带动脱贫人口133人，户均年增收800元 (口 as 11 or [1, 户 as 广, 脱 as 脫), eleven values wrong. The figure after the
    marks stays whole; a born-digital plan's text and a term written in full stay."""
    from normalizers.lookalikes import fix_split_mouth
    from normalizers.merge import _corrected_field
    assert fix_split_mouth("带动脱贫人[165人")[0] == "带动脱贫人口65人"
    assert fix_split_mouth("带动脱贫人1 186人")[0] == "带动脱贫人口186人"
    for kept in ("带动脱贫人口113人", "脱贫人口利益联结情况", "人11133人", None):
        assert fix_split_mouth(kept) == (kept, [])
    value, _, rules, _, _ = _corrected_field("beneficiary_linkage", ["带动脫贫人11262人，\n广均年增收3300元"], None,
                                             Settings(), scanned=True)
    assert value == "带动脱贫人口262人，户均年增收3300元"
    assert {"split_glyph", "confusion", "variant"} <= set(rules)
    value, _, rules, _, _ = _corrected_field("beneficiary_linkage", ["带动脱贫人11262人"], None, Settings(), scanned=False)
    assert value == "带动脱贫人11262人" and "split_glyph" not in rules


def test_text_squeeze_and_compact():
    assert squeeze("峨边彝族自治县 2023 年\n东西部协作") == "峨边彝族自治县2023年东西部协作"
    assert squeeze("  ") is None
    assert compact("峨边－市中区“x”。") == compact("峨边-市中区\"x\"")


@pytest.mark.parametrize("header,field", [("建设\n地点", "location"), ("其中：市中区拟安排帮扶资金", "aid_funds_wan"),
                                          ("规划投资", "aid_funds_wan"), ("项目建设规模和内容", "content"),
                                          ("实施单位", "implementing_entity"), ("总投资（万元）", "total_investment_wan")])
def test_header_labels(header, field):
    assert match_label(header)[0] == field


def test_header_read_in_traditional_characters_names_its_field():
    # k16-018: rapidocr read the name column's header 项目 as 項目 on a 1-bit blurred scan; the
    # table had no other name header, and the plan was rejected (no project plan table found)
    assert match_label("項目") == ("name", 100.0)
    assert match_label("大堡鎮") == match_label("大堡镇")
    # k22-031: 类别 read 类別 on a turned table page; every category was lost (未分类)
    assert match_label("类別") == ("category", 100.0)



def test_a_header_whose_unit_note_lost_its_opening_bracket_names_its_field():
    # k23-003: 项目总投资（万元） read 项目总 | 投资（ (into a group label) | 万元): the column went
    # unnamed and every total investment was lost, unflagged
    assert match_label("项目总\n万元)") == match_label("项目总")
    assert match_label("项目总\n万元)")[0] == "total_investment_wan"
    assert match_label("元)") == (None, 0.0)


def test_a_label_read_with_look_alikes_names_its_field_below_a_true_reading():
    # k19-029 (200 dpi 1-bit, heavy blur): rapidocr read the names' header 项目 as 项日; no column named
    # the name and the plan was rejected (no project plan table found)
    from normalizers.vocab import LOOKALIKE_LABEL_SCORE
    assert match_label("项日") == ("name", LOOKALIKE_LABEL_SCORE) and LOOKALIKE_LABEL_SCORE < 100.0
    assert match_label("项昌")[0] != "name"                 # 昌 is no look-alike of 目


def test_a_unit_note_in_yuan_is_no_part_of_the_label():
    # k17-011: 项目总投资（元） names the total word for word, as 总投资（万元） does
    assert match_label("项目总投资（元）") == ("total_investment_wan", 100.0)
    assert match_label("总投资(单位：元)") == ("total_investment_wan", 100.0)


def test_unknown_header_scores_low():
    assert match_label("资金来源")[1] < Settings().header_match_min


@pytest.mark.parametrize("printed,canonical", [("人才培育", "人才交流"), ("（一）深化产业协作", "产业合作"),
                                               ("补齐基础短板及拓展基层治理", "基础设施与基层治理"),
                                               ("民生改善", "改善民生")])
def test_categories(printed, canonical):
    assert canonical_category(printed)[0] == canonical


def test_abbreviations_and_places():
    assert abbreviates("县卫健局", "县卫生健康局", 0.4)
    assert abbreviates("峨边彝族自治县、市中区人力资源社会保障局",
                       "峨边彝族自治县人力资源和社会保障局、市中区人力资源和社会保障局", 0.4)
    assert not abbreviates("县教育局", "县卫生健康局", 0.4)
    assert contains_place("峨边", "沙坪镇") and not contains_place("沙坪镇", "大堡镇")


def test_settings_are_checked_with_the_setting_named():
    with pytest.raises(SettingsError, match="header_match_min"):
        Settings(header_match_min=120)
    with pytest.raises(SettingsError, match="max_pages"):
        Settings(max_pages=0)
    with pytest.raises(SettingsError, match="ocr_rec_squeeze"):
        Settings(ocr_rec_squeeze=0.2)
