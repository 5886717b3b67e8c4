"""Write the resource-bomb fixtures of tests/test_limits.py (seeded: the same bytes each run).

    python samples/bombs.py            # writes tests/data/bomb_*.pdf and large_page_*.pdf

Each file is a small, valid PDF written by hand (no PDF library), so what it claims is
exactly what is in it:

- bomb_huge_mediabox.pdf: one 14400 x 14400 pt page (200 inches, PDF's largest) covered by
  a small scanned image; rendered at 200 dpi it would be 1.6 G pixels.
- bomb_30000px_image.pdf: an A4 page holding one 30000 x 30000 8-bit grey image (858 MB
  decoded), compressed twice with Flate so the file stays small.
- slow_noise_scan_40_pages.pdf: 40 A4 pages, each an image of text-like noise (rows of random
  strokes): OCR finds lines everywhere and reads nothing; slow, not a plan.
- large_page_a0_scan.pdf: a genuine scan (the 2026 sample's first page, 150 dpi) on an
  A0 page (2384 x 3370 pt): too big for max_page_pixels at 200 dpi, readable when scaled down.
"""
from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = ROOT / "tests" / "data"
A4 = (595.0, 842.0)
A0 = (2384.0, 3370.0)


def pdf_bytes(pages: list[tuple[tuple[float, float], dict]]) -> bytes:
    """A PDF of pages, each (size in points, image) with the image drawn over the whole page.
    An image is {"w", "h", "bpc", "filter", "data"}."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")            # filled in below
    tree = add(b"")
    kids = []
    images: dict[int, int] = {}
    for (w, h), img in pages:
        if id(img) not in images:
            head = (f"<< /Type /XObject /Subtype /Image /Width {img['w']} /Height {img['h']} "
                    f"/ColorSpace /DeviceGray /BitsPerComponent {img['bpc']} /Filter {img['filter']} "
                    f"/Length {len(img['data'])} >>\nstream\n").encode()
            images[id(img)] = add(head + img["data"] + b"\nendstream")
        draw = f"q {w:g} 0 0 {h:g} 0 0 cm /Im0 Do Q".encode()
        content = add(b"<< /Length %d >>\nstream\n" % len(draw) + draw + b"\nendstream")
        kids.append(add(f"<< /Type /Page /Parent {tree} 0 R /MediaBox [0 0 {w:g} {h:g}] "
                        f"/Resources << /XObject << /Im0 {images[id(img)]} 0 R >> >> "
                        f"/Contents {content} 0 R >>".encode()))
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {tree} 0 R >>".encode()
    objects[tree - 1] = (f"<< /Type /Pages /Count {len(kids)} /Kids [" +
                         " ".join(f"{k} 0 R" for k in kids) + "] >>").encode()
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, catalog, xref)
    return bytes(out)


def grey_image(a: np.ndarray) -> dict:
    """An 8-bit grey image, Flate-compressed."""
    return {"w": a.shape[1], "h": a.shape[0], "bpc": 8, "filter": "/FlateDecode",
            "data": zlib.compress(np.ascontiguousarray(a, np.uint8).tobytes(), 9)}


def white_image_flated_twice(side: int) -> dict:
    """A side x side 8-bit white image: Flate over Flate, so 858 MB of pixels fit in a few KB."""
    once = zlib.compressobj(9)
    row = b"\xff" * side
    parts = [once.compress(row) for _ in range(side)] + [once.flush()]
    return {"w": side, "h": side, "bpc": 8, "filter": "[/FlateDecode /FlateDecode]",
            "data": zlib.compress(b"".join(parts), 9)}


def noise_page(rng: np.random.Generator, w: int = 827, h: int = 1169, spacing: int = 80) -> np.ndarray:
    """Rows of random dark strokes on white (100 dpi A4): looks like text to a line detector.
    (Rows 22 px apart make one page cost ~15 s of OCR on one core; 80 px apart, ~3 s.)"""
    a = np.full((h, w), 255, np.uint8)
    for top in range(60, h - 60, spacing):
        x = 60
        while x < w - 60:
            sw, sh = int(rng.integers(3, 14)), int(rng.integers(8, 15))
            a[top:top + sh, x:x + sw] = int(rng.integers(0, 90))
            x += sw + int(rng.integers(1, 9))
    return a


def sample_page_image(dpi: int = 150) -> np.ndarray:
    """The first page of the 2026 published sample as a grey scan."""
    doc = pdfium.PdfDocument(str(ROOT / "raw" / "samples" / "2026_shizhong_pairing_plan.published.pdf"))
    arr = doc[0].render(scale=dpi / 72, grayscale=True).to_numpy()
    return arr[..., 0] if arr.ndim == 3 else arr


def main() -> int:
    rng = np.random.default_rng(9)
    small_scan = grey_image(noise_page(rng, 600, 600))
    noise = [grey_image(noise_page(rng)) for _ in range(8)]
    files = {
        "bomb_huge_mediabox.pdf": pdf_bytes([((14400.0, 14400.0), small_scan)]),
        "bomb_30000px_image.pdf": pdf_bytes([(A4, white_image_flated_twice(30000))]),
        "slow_noise_scan_40_pages.pdf": pdf_bytes([(A4, noise[i % len(noise)]) for i in range(40)]),
        "large_page_a0_scan.pdf": pdf_bytes([(A0, grey_image(sample_page_image()))]),
    }
    for name, data in files.items():
        (OUT / name).write_bytes(data)
        print(f"{OUT / name}: {len(data) / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
