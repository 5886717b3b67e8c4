"""Dates as plans write them → ISO strings with the precision written (2026年11月 → 2026-11)."""
from __future__ import annotations

import re
import unicodedata
from typing import Literal

Errors = Literal["raise", "null"]

# a month or day is its digits whole: 2021-1O (O read for 0) is no date, not January (k5-034)
_YMD = re.compile(r"(\d{4})\s*[年.\-/]\s*(\d{1,2})(?!\s*[\dA-Za-z])\s*(?:[月.\-/]\s*(?:(\d{1,2})(?!\s*[\dA-Za-z])\s*[日号]?)?)?")
_WRAPPED_DIGITS = re.compile(r"(?<=[\d.\-/])\s+(?=\d)")     # 2027.1⏎1: a number wrapped in its cell
_Y = re.compile(r"^(\d{4})\s*年?(?:底|末)?$")
_PERIOD = re.compile(r"^(\d{4})\s*年?\s*(?:[-—–－~～至到]+\s*(\d{4})\s*年?)?$")
# a period cell's two years apart, the dash between them lost to a scan (2021\n2022, k2-031)
_STACKED_PERIOD = re.compile(r"^(\d{4})年?\s+(\d{4})年?$")


class DateError(ValueError):
    """A phrase that should hold a date does not, or holds an impossible one."""


def _fail(text: str, errors: Errors, why: str) -> None:
    if errors == "raise":
        raise DateError(f"{why}: {text!r}")


def parse_date(text: str | None, errors: Errors = "raise") -> str | None:
    """'2023 年 2 月 7 日' → '2023-02-07', '2026年11月' → '2026-11', '2026年' → '2026'."""
    if text is None or not text.strip():
        return None
    t = _WRAPPED_DIGITS.sub("", unicodedata.normalize("NFKC", text).strip())
    m = _YMD.search(t)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), m.group(3)
        if not 1 <= mo <= 12 or (d is not None and not 1 <= int(d) <= 31):
            _fail(text, errors, "impossible date")
            return None
        return f"{y:04d}-{mo:02d}" + (f"-{int(d):02d}" if d else "")
    m = _Y.match(t)
    if m:
        return m.group(1)
    _fail(text, errors, "not a date")
    return None


def parse_period(text: str | None, errors: Errors = "raise") -> str | None:
    """建设年限: '2026—2027' → '2026-2027', '2026年' → '2026', two years on two lines → their span."""
    if text is None or not text.strip():
        return None
    stacked = _STACKED_PERIOD.match(unicodedata.normalize("NFKC", text).strip())
    if stacked and stacked.group(1) < stacked.group(2):
        return f"{stacked.group(1)}-{stacked.group(2)}"
    t = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    m = _PERIOD.match(t)
    if m:
        return m.group(1) + (f"-{m.group(2)}" if m.group(2) else "")
    _fail(text, errors, "not a construction period")
    return None
