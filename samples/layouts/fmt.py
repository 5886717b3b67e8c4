"""How values are printed in a generated plan: amounts, dates, periods, numbers (pure functions).

Amounts are kept as integers in 0.01 万元 (= 100 元) so sums are exact; gold divides by 100.
"""
from __future__ import annotations

import calendar

CN_NUM = "一二三四五六七八九十"


def cn_number(k: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二 (category and heading numbers)."""
    if k <= 10:
        return CN_NUM[k - 1]
    return "十" + CN_NUM[k - 11]


def wan(c: int) -> float:
    """0.01-万元 integer -> 万元 value for gold."""
    return round(c / 100, 2)


def narrative_wan(c: int) -> str:
    """An amount in the narrative: 万元 without trailing zeros (383, 95.68, 12.5)."""
    return f"{c // 100}" if c % 100 == 0 else f"{c / 100:.2f}".rstrip("0")


def table_amount(c: int, unit: str, numbers: str, blank_zero: bool = False) -> str:
    """An amount cell: 万元 or 元; numbers int (plain), dec (two decimals), sep (thousands separators)."""
    if c == 0 and blank_zero:
        return ""
    if unit == "元":
        yuan = c * 100
        if numbers == "int":
            return f"{yuan}"
        if numbers == "dec":
            return f"{yuan}.00"
        return f"{yuan:,}.00"
    if numbers == "int":
        return narrative_wan(c)
    if numbers == "dec":
        return f"{c / 100:.2f}"
    return f"{c / 100:,.2f}" if c % 100 else f"{c // 100:,}"


def deadline_iso(year: int, month: int, day: int | None) -> str:
    return f"{year}-{month:02d}" if day is None else f"{year}-{month:02d}-{day:02d}"


def last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def deadline_text(iso: str, form: str) -> str:
    """A deadline as printed in the table: 年月 | dot | dash | 月底 | 日前 (the last needs a day)."""
    parts = [int(p) for p in iso.split("-")]
    y, m = parts[0], parts[1]
    if form == "日前":
        return f"{y}年{m}月{parts[2]}日前"
    return {"年月": f"{y}年{m}月", "dot": f"{y}.{m}", "dash": f"{y}-{m:02d}", "月底": f"{y}年{m}月底"}[form]


def deadline_narrative(iso: str, form: str) -> str:
    """The same deadline in the narrative: always written out in Chinese (2025年11月, 2025年11月底)."""
    return deadline_text(iso, form if form in ("月底", "日前") else "年月")


def period_text(iso: str, form: str) -> str:
    """建设年限: 2025 | 2025-2026 (dash form) | 2025年至2026年 (至 form)."""
    if "-" not in iso:
        return iso
    a, b = iso.split("-")
    return f"{a}年至{b}年" if form == "至" else f"{a}-{b}"


def cn_date(iso: str) -> str:
    """2025-02-07 -> 2025年2月7日 (signature dates)."""
    y, m, d = (int(p) for p in iso.split("-"))
    return f"{y}年{m}月{d}日"
