"""Write the red-seal regression fixtures of tests/test_seal.py (colour scans, 200 dpi, no text layer).

    .venv/bin/python samples/seal_fixtures.py

Both are crops of layout variant s1-000 (reportlab, a red 文件 letterhead, a ruled table with three
header rows), scanned by samples/scanvariants (paper, light blur, noise, colour JPEG) as scan
variant k1-000 is, at 200 dpi:
- `tests/data/scan_seal_over_table_crop.pdf`: the top of the table page with the round red seal of
  the scan generator stamped over the first project's row (and the 类别 / 项目名称 header cells), as
  the generator's `seal: table` axis does.
- `tests/data/scan_red_letterhead_crop.pdf`: the top of the first page: the red letterhead
  (峨边彝族自治县人民政府办公室) and the red rule under the 文号, no seal.
Seeded; needs samples/install_generator_tools.sh (fonts, reportlab). The fixtures are committed.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pypdfium2 as pdfium

HERE = Path(__file__).resolve().parent
for p in (HERE / "scanvariants", HERE / "layouts"):
    sys.path.insert(0, str(p))

import degrade as D  # noqa: E402
import layers as L  # noqa: E402
import scanaxes as A  # noqa: E402
import scanbuild as B  # noqa: E402
import spec as S  # noqa: E402
import variants  # noqa: E402

ROOT = HERE.parent
DATA = ROOT / "tests" / "data"
SEED, INDEX = 1, 0
DPI = 200
QUALITY = 75
TABLE_SHARE = 0.5         # share of the table page's height kept (title, header, first rows)
LETTERHEAD_SHARE = 0.3    # share of the first page's height kept (letterhead, 文号, red rule, title)
AXES = {"dpi": str(DPI), "colour": "colour", "jpeg": "71-90", "blur": "light", "noise": "low", "paper": "white",
        "tilt": "none", "turn": "0", "seal": "table", "rules": "intact", "layer": "none"}


def crop_page(clean, share: float, scan: A.ScanSpec, i: int, seal, width_pt: float, height_pt: float) -> L.PageImage:
    """The top `share` of a clean page image through the scanner, as one stored page."""
    rows = int(clean.shape[0] * share)
    img, _ = B.degrade_page(clean[:rows].copy(), None, scan, i, width_pt > height_pt, seal, False, DPI)
    data, kind = L.encode(img, QUALITY)
    return L.PageImage(data, kind, width_pt, height_pt * rows / clean.shape[0], DPI, [])


def main() -> int:
    import render_reportlab
    spec = S.make_spec(SEED, INDEX)
    scan = A.ScanSpec("k1-000-seal", spec.id, SEED, INDEX, AXES, QUALITY, 11)
    font = render_reportlab.register(B.LAYER_FONT)
    with tempfile.TemporaryDirectory(prefix="seal-fixtures-") as tmp:
        base = variants.build([spec], Path(tmp))[0].pdf
        pdf = pdfium.PdfDocument(str(base))
        sizes = [pdf[i].get_size() for i in range(len(pdf))]
        clean = B.render_pages(pdf, DPI)
        page, centre = B.seal_centre(pdf, spec, "table", DPI)
        pdf.close()
    cover = D.seal_image(int(B.SEAL_RADIUS_MM / 25.4 * DPI), render_reportlab.FONTS[B.LAYER_FONT])
    table = crop_page(clean[page], TABLE_SHARE, scan, page, (centre, cover), *sizes[page])
    letterhead = crop_page(clean[0], LETTERHEAD_SHARE, scan, 0, None, *sizes[0])
    for pages, name in (([table], "scan_seal_over_table_crop.pdf"), ([letterhead], "scan_red_letterhead_crop.pdf")):
        out = L.write_pdf(pages, DATA / name, font, spec.title)
        print(f"wrote {out.relative_to(ROOT)} ({out.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
