"""Amounts and counts as printed in plans: 383, 1,000.5, ３８３万元, 柒佰伍拾万元整, 六类十三个.

Each parser has an explicit policy for bad values: errors="raise" raises AmountError,
errors="null" returns None. Blank cells and dashes are always None (nothing stated).
"""
from __future__ import annotations

import re
import unicodedata
from typing import Literal

Errors = Literal["raise", "null"]

_BLANK = re.compile(r"^[\s\-—–－/／]*$")
_NUMBER = re.compile(r"^([+-]?\d+(?:\.\d+)?)(万元|万|元)?$")
# one line holding a whole figure by itself: plain digits, or digits in well-formed thousands groups
_WHOLE_FIGURE = re.compile(r"^[+-]?(\d+|\d{1,3}(,\d{3})+)(\.\d+)?(万元|万|元)?$")
# an amount written out in full: with its thousands commas or its cents, or four digits or more
_WRITTEN_OUT = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+(\.\d+)?|\d+\.\d{2}|\d{4,})(万元|万|元)?$")
_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {
    c: i for i, c in enumerate("〇壹贰叁肆伍陆柒捌玖")} | {"两": 2, "贰": 2, "〇": 0, "零": 0}
_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG = {"万": 10_000, "亿": 100_000_000}


class AmountError(ValueError):
    """A cell or phrase that should hold an amount does not."""


# thousands groups whose separators OCR read as points or colons (2.090.200.00, 660.900:00): two
# separators or more, so at most the last one, before one or two digits, is the decimal point
_MISREAD_GROUPS = re.compile(r"^(\d{1,3}(?:[.,:]\d{3})+?)(?:[.:](\d{1,2}))?$")


def parse_amount(text: str | None, errors: Errors = "raise") -> float | None:
    """An amount in 万元 from a table cell or phrase; '' and dashes → None."""
    if text is None or _BLANK.match(text):
        return None
    if stacked(text):
        if errors == "null":
            return None
        raise AmountError(f"several amounts in one cell: {text!r}")
    t = re.sub(r"[,\s]", "", unicodedata.normalize("NFKC", regrouped(text) or text))
    m = _NUMBER.match(t)
    if m:
        value = float(m.group(1))
        return value / 10_000 if m.group(2) == "元" else value
    if errors == "null":
        return None
    raise AmountError(f"not an amount: {text!r}")


def regrouped(text: str) -> str | None:
    """A figure whose thousands separators were misread as points or colons, written with commas
    and a decimal point (2.090.200.00 → 2,090,200.00); None when the text is no such figure (one
    separator alone, 1.500, may be a decimal point: left as read)."""
    t = re.sub(r"\s", "", unicodedata.normalize("NFKC", text))
    m = _MISREAD_GROUPS.match(t)
    if not m or _NUMBER.match(t.replace(",", "")) or sum(t.count(c) for c in ".,:") < 2:
        return None
    whole = re.sub(r"[.,:]", ",", m.group(1))
    return whole + (f".{m.group(2)}" if m.group(2) else "")


def stacked(text: str) -> bool:
    """Two lines or more each holding a whole figure (550000 over 260000), or one line holding two
    written-out amounts apart (5,919,200.00 5,669,200.00: the rule between two columns lost, k9-001):
    amounts of two rows or columns read into one cell, never one amount (a figure wrapped in a narrow
    cell leaves a piece, 9,383, over 800.00, or a short tail, 3150000 over 0; 500 000 may be one figure
    its comma lost); which one is the cell's cannot be told."""
    t = unicodedata.normalize("NFKC", text)
    lines = [re.sub(r"\s", "", ln) for ln in t.splitlines()]
    lines = [ln for ln in lines if ln]
    if len(lines) < 2:
        lines = t.split()
        if len(lines) < 2 or not all(_WRITTEN_OUT.match(w) for w in lines):
            return False
    if not all(_WHOLE_FIGURE.match(ln) for ln in lines):
        return False
    digits = [sum(c.isdigit() for c in ln.split(".")[0]) for ln in lines]
    return 2 * min(digits) >= max(digits)         # figures of like size; 3150000 over 0 is one wrapped


UNIT_SCALE = {"万元": 1.0, "元": 1 / 10_000}


def row_amount(row, fieldname: str) -> float | None:
    """A table row's amount in 万元, whatever unit the table prints (its row.unit); None when blank or unreadable."""
    value = parse_amount(row.text(fieldname), errors="null")
    return None if value is None else round(value * UNIT_SCALE.get(row.unit, 1.0), 6)


def chinese_to_int(text: str) -> int:
    """一 → 1, 十三 → 13, 柒佰伍拾 → 750, 一万二千 → 12000; arabic digits pass through."""
    t = unicodedata.normalize("NFKC", text.strip())
    if t.isdigit():
        return int(t)
    if not t or any(c not in _DIGITS and c not in _UNITS and c not in _BIG for c in t):
        raise AmountError(f"not a Chinese numeral: {text!r}")
    total = section = digit = 0
    for c in t:
        if c in _DIGITS:
            digit = _DIGITS[c]
        elif c in _UNITS:
            section += (digit or 1) * _UNITS[c]
            digit = 0
        else:
            total += (section + digit) * _BIG[c]
            section = digit = 0
    return total + section + digit


def parse_capital_amount(text: str, errors: Errors = "raise") -> float | None:
    """A 大写 amount (柒佰伍拾万元整, 叁仟玖佰万元) in 万元."""
    t = re.sub(r"[（()）大写：:\s]", "", text)
    t = re.sub(r"(元整|元正|整|正)$", "", t)
    t = t.removesuffix("元")
    try:
        if t.endswith("万"):
            return float(chinese_to_int(t[:-1]))
        return chinese_to_int(t) / 10_000
    except AmountError:
        if errors == "null":
            return None
        raise


def parse_count(text: str | None, errors: Errors = "raise") -> int | None:
    """A count written in digits or Chinese numerals."""
    if text is None or not text.strip():
        return None
    try:
        return chinese_to_int(text)
    except AmountError:
        if errors == "null":
            return None
        raise
