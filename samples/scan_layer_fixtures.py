"""Write the tesseract-layer regression fixtures of tests/test_scan_layers.py.

    python samples/scan_layer_fixtures.py     # needs Debian's ocrmypdf and tesseract-ocr-chi-sim

- `tests/data/scan_tesseract_layer_tilted_title_and_table.pdf`: pages 1 (title, body) and 6
  (the 资金计划表) of `raw/scans/2026_shizhong_pairing_plan.image_only.pdf` (tilted -0.5° and
  +0.4°) given a text layer by `ocrmypdf -l chi_sim` (no `--force-ocr`, so the images stay as they were), without `--deskew`: a real
  tesseract 5 layer as archives hold them. It reproduces what issue 11 reported: the title
  set on three lines whose layer sizes differ (the plan was rejected "no plan_year"), words
  spaced apart (`峨 边 芭 族 自治`), 彝 misread, a layer over a tilted image, and a table page
  read across its columns with `|` for the rules.

The fixture is committed; nothing here runs in the tests or the pipeline.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pypdfium2 as pdfium

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "raw" / "scans" / "2026_shizhong_pairing_plan.image_only.pdf"
OUT = ROOT / "tests" / "data" / "scan_tesseract_layer_tilted_title_and_table.pdf"
PAGES = [0, 5]          # 0-based: the title page and the first table page


def pick_pages(src: Path, pages: list[int], dst: Path) -> None:
    """A PDF of the chosen pages of src, their images untouched."""
    out = pdfium.PdfDocument.new()
    out.import_pages(pdfium.PdfDocument(str(src)), pages)
    with open(dst, "wb") as f:
        out.save(f)


def main() -> int:
    if not shutil.which("ocrmypdf"):
        print("scan_layer_fixtures.py: ocrmypdf is missing; apt-get install ocrmypdf tesseract-ocr-chi-sim")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        picked = Path(tmp) / "pages.pdf"
        pick_pages(SOURCE, PAGES, picked)
        subprocess.run(["ocrmypdf", "-q", "-l", "chi_sim", "--jobs", "1", "--output-type", "pdf",
                        str(picked), str(OUT)], check=True)
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
