"""What one file may cost: pixels per page image, memory per page being read, seconds per file.

Checked before the cost is paid (a page's size and its images' pixel counts are known before
anything is rendered or decoded), and between pages and OCR steps for time. Each limit
exceeded is one ExtractionError naming the file; the thresholds are in Settings.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

from extractors.errors import MemoryCeilingError, PageTooLargeError, TimeBudgetError
from schemas.settings import Settings

# bytes a page image and its working copies take while it is read, per pixel: measured 5.2
# at 35 Mpx on a scan page (rendering 2, deskew 1, OCR and ruling lines 2); noise pages more
PAGE_BYTES_PER_PIXEL = 8
MB = 2**20


@dataclass(frozen=True)
class Deadline:
    """The moment a file's reading must stop (`max_seconds_per_file` after it started)."""
    path: str
    budget: float
    started: float
    ends: float

    @classmethod
    def start(cls, path, settings: Settings) -> Deadline:
        now = time.monotonic()
        return cls(str(path), settings.max_seconds_per_file, now, now + settings.max_seconds_per_file)

    def check(self, step: str) -> None:
        """Raise TimeBudgetError when the budget is spent; `step` says what was about to start."""
        now = time.monotonic()
        if now > self.ends:
            raise TimeBudgetError(self.path, f"stopped before {step} after {now - self.started:.0f} s; "
                                             f"max_seconds_per_file={self.budget:g}")


def page_pixels(width: float, height: float, dpi: float) -> int:
    """Pixels of a page of width x height points rendered at dpi."""
    return math.ceil(width * dpi / 72) * math.ceil(height * dpi / 72)


def render_dpi(path, number: int, width: float, height: float, settings: Settings) -> tuple[int, str | None]:
    """The dpi a page image is read at, and a note when it is not ocr_dpi: pages whose image at
    ocr_dpi would exceed max_page_pixels are read at the highest dpi that fits, if that is at
    least min_ocr_dpi; otherwise the page is refused (PageTooLargeError)."""
    full = page_pixels(width, height, settings.ocr_dpi)
    if full <= settings.max_page_pixels:
        return settings.ocr_dpi, None
    dpi = int(settings.ocr_dpi * math.sqrt(settings.max_page_pixels / full))
    while dpi > 0 and page_pixels(width, height, dpi) > settings.max_page_pixels:
        dpi -= 1
    size = f"page {number} is {width:.0f} x {height:.0f} pt"
    if dpi < settings.min_ocr_dpi:
        raise PageTooLargeError(str(path), f"{size}: {full / 1e6:,.0f} Mpx at {settings.ocr_dpi} dpi; within "
                                           f"max_page_pixels={settings.max_page_pixels:,} it would be read at "
                                           f"{dpi} dpi < min_ocr_dpi={settings.min_ocr_dpi}")
    return dpi, (f"{size}; read at {dpi} dpi (at {settings.ocr_dpi} dpi its image would be "
                 f"{full / 1e6:.0f} Mpx > max_page_pixels={settings.max_page_pixels:,})")


def check_page_memory(path, number: int, image_bytes: int, pixels: int, settings: Settings) -> None:
    """Refuse a page whose embedded images (decoded) and rendering would take more than max_memory_mb."""
    need = image_bytes + pixels * PAGE_BYTES_PER_PIXEL
    if need > settings.max_memory_mb * MB:
        raise MemoryCeilingError(str(path), f"page {number}: its images would take ~{need / MB:,.0f} MB "
                                            f"({image_bytes / MB:,.0f} MB decoded, {pixels / 1e6:.1f} Mpx "
                                            f"rendered) > max_memory_mb={settings.max_memory_mb}")
