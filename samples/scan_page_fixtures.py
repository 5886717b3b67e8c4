"""Write the page-orientation and 1-bit regression fixtures of tests/test_scan_pages.py.

    python samples/scan_page_fixtures.py

From page 2 of `raw/scans/2026_shizhong_pairing_plan.image_only.pdf` (body text, 200 dpi grey):
- `tests/data/scan_upside_down_page.pdf`: the page image turned by 180° (fed upside down);
  the pipeline read it as it lay (a few low-confidence characters) before.
- `tests/data/scan_bilevel_150dpi_page.pdf`: the page as a harsh archive scanner keeps it,
  1-bit at 150 dpi (thresholded, no grey), which the OCR models never saw in training.
Deterministic (no randomness); the fixtures are committed.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from extractors.raster import render_gray  # noqa: E402

SOURCE = ROOT / "raw" / "scans" / "2026_shizhong_pairing_plan.image_only.pdf"
DATA = ROOT / "tests" / "data"
PAGE = 1            # 0-based: the second page, body text
THRESHOLD = 160     # grey level below which a 1-bit scanner writes black


def page_image(dpi: int) -> Image.Image:
    doc = pdfium.PdfDocument(str(SOURCE))
    return Image.fromarray(render_gray(doc[PAGE], dpi))


def write(img: Image.Image, dst: Path, dpi: int) -> None:
    img.save(dst, "PDF", resolution=dpi)
    print(f"wrote {dst.relative_to(ROOT)}")


def main() -> int:
    write(page_image(200).rotate(180), DATA / "scan_upside_down_page.pdf", 200)
    grey = np.asarray(page_image(150))
    write(Image.fromarray(np.where(grey < THRESHOLD, 0, 255).astype(np.uint8)).convert("1"),
          DATA / "scan_bilevel_150dpi_page.pdf", 150)
    return 0


if __name__ == "__main__":
    sys.exit(main())
