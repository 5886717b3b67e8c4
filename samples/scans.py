"""Render the scanned samples from the published sample PDFs and the real OCR seed.

    python samples/scans.py      # writes raw/scans/*.pdf and tests/data/scan_*.pdf

- `2023_east_west_plan.ocr_layer.pdf`: each page is an image of the published page, under
  an invisible text layer holding seed 001's real OCR text. Every OCR character is placed on
  the box of the printed character it was read from (a character alignment of the OCR text
  against the published text), so lines and table cells stand where the image shows them.
  The seed read the attachment table twice; the scan holds the table pages twice, one
  reading in each copy's layer.
- `*.image_only.pdf`: the published pages as degraded scans (slight rotation, grey paper,
  blur, noise, JPEG), no text at all. Seeded, so re-running gives the same files.

Needs the published samples (samples/generate.py) and reportlab; used only to make samples.
"""
from __future__ import annotations

import argparse
import difflib
import io
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent))
from generate import FONT, register_font, reproducible_pdfium_save  # noqa: E402

from extractors.pdfpages import page_chars  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SEED_OCR = HERE / "seeds" / "001_35c6adf2904ef309.txt"
LAYER_DPI = 150        # page images under the OCR layer
SCAN_DPI = 200         # image-only scans
_TITLE = re.compile(r"^\S*(资金)?项目(资金)?计划表\s*$")


@dataclass
class Glyph:
    """A printed character of the published PDF: its page (0-based) and box (top-left origin)."""
    text: str
    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    size: float


def published_glyphs(pdf: pdfium.PdfDocument) -> list[Glyph]:
    """Every printed character, read as the pipeline reads a text layer."""
    out = []
    for n in range(len(pdf)):
        page = pdf[n]
        out += [Glyph(c["text"], n, c["x0"], c["top"], c["x1"], c["bottom"], c["size"])
                for c in page_chars(page, page.get_size()[1])]
    return out


def seed_sections(path: Path) -> list[str]:
    """Seed 001 as [body, table reading 1, table reading 2], whitespace removed."""
    lines = path.read_text(encoding="utf-8").splitlines()
    starts = [i for i, ln in enumerate(lines) if _TITLE.match(ln.strip()) and not ln.strip().startswith("附件")]
    bounds = [0, *starts, len(lines)]
    return ["".join(re.sub(r"\s+", "", ln) for ln in lines[a:b]) for a, b in zip(bounds, bounds[1:])]


def printable(text: str) -> str:
    """Characters the embedded font lacks become rare CJK Extension-A ones (still garbage).

    Seed 001's garbled letterhead line is Syloti Nagri, which no CJK font carries; a text
    layer can only hold characters its font has."""
    from reportlab.pdfbase.pdfmetrics import getFont
    cmap = getFont(FONT).face.charToGlyph
    return "".join(c if ord(c) in cmap else chr(0x3400 + ord(c) % 0x1900) for c in text)


def place(ocr: str, glyphs: list[Glyph], page_offset: int = 0) -> list[Glyph]:
    """Each OCR character on the box of the printed character it aligns with.

    Replaced runs share the printed run's boxes; inserted characters squeeze into the box
    of the character before them; OCR text before anything printed goes on its own line.
    """
    printed = "".join(g.text for g in glyphs)
    sm = difflib.SequenceMatcher(None, printed, ocr, autojunk=False)
    out: list[Glyph] = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "delete":
            continue
        if op == "insert" and i1 == 0:
            first = glyphs[0]
            for k, ch in enumerate(ocr[j1:j2]):
                x = 40 + k * first.size * 0.9
                out.append(Glyph(ch, first.page + page_offset, x, first.top - 2.2 * first.size,
                                 x + first.size * 0.9, first.top - 1.2 * first.size, first.size))
            continue
        boxes = glyphs[i1:i2] if op != "insert" else [glyphs[i1 - 1]]
        n = j2 - j1
        groups: dict[int, list[str]] = {}
        for k, ch in enumerate(ocr[j1:j2]):
            groups.setdefault(min(k * len(boxes) // n, len(boxes) - 1), []).append(ch)
        for b, chars in groups.items():
            g = boxes[b]
            x0 = (g.x0 + g.x1) / 2 if op == "insert" else g.x0
            w = (g.x1 - x0) / len(chars)
            for q, ch in enumerate(chars):
                out.append(Glyph(ch, g.page + page_offset, x0 + q * w, g.top, x0 + (q + 1) * w,
                                 g.bottom, g.size))
    return out


def page_jpeg(page, dpi: int) -> bytes:
    img = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=70, optimize=True)
    return buf.getvalue()


def write_layered(pdf: pdfium.PdfDocument, page_order: list[int], layer: list[Glyph], out: Path) -> Path:
    """Pages as images (published page `page_order[k]` on page k) under invisible text."""
    out.parent.mkdir(parents=True, exist_ok=True)
    c = canvas.Canvas(str(out), invariant=1)
    c.setCreator("aidplans samples (scanned style)")
    images = {n: page_jpeg(pdf[n], LAYER_DPI) for n in set(page_order)}
    for k, n in enumerate(page_order):
        w, h = pdf[n].get_size()
        c.setPageSize((w, h))
        c.drawImage(ImageReader(io.BytesIO(images[n])), 0, 0, w, h)
        for g in (g for g in layer if g.page == k):
            natural = stringWidth(g.text, FONT, g.size) or g.size
            t = c.beginText()
            t.setTextRenderMode(3)
            t.setFont(FONT, g.size)
            t.setHorizScale(100 * max(g.x1 - g.x0, 0.5) / natural)
            t.setTextOrigin(g.x0, h - g.bottom + 0.12 * g.size)
            t.textOut(g.text)
            c.drawText(t)
        c.showPage()
    c.save()
    return out


def ocr_layer_sample(published: Path, out: Path) -> Path:
    """The 2023 plan as a scan with the seed's real OCR text as its layer."""
    pdf = pdfium.PdfDocument(str(published))
    glyphs = published_glyphs(pdf)
    landscape = [n for n in range(len(pdf)) if pdf[n].get_size()[0] > pdf[n].get_size()[1]]
    body = [g for g in glyphs if g.page not in landscape]
    table = [g for g in glyphs if g.page in landscape]
    sections = [printable(s) for s in seed_sections(SEED_OCR)]
    layer = place(sections[0], body)
    for copy, reading in enumerate(sections[1:]):
        layer += place(reading, table, page_offset=copy * len(landscape))
    order = [n for n in range(len(pdf)) if n not in landscape] + landscape * len(sections[1:])
    return write_layered(pdf, order, layer, out)


def degrade(img: Image.Image, rng: np.random.Generator) -> Image.Image:
    """What a cheap office scanner does to a page: tilt, grey paper, blur, noise, specks."""
    angle = float(rng.uniform(-0.8, 0.8))
    paper = int(rng.integers(225, 240))
    img = img.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
    img = img.filter(ImageFilter.GaussianBlur(0.7))
    a = np.asarray(img, dtype=np.float32)
    a = a * (paper / 255.0) + rng.normal(0, 7, a.shape)
    specks = rng.random(a.shape) < 0.0004
    a[specks] = rng.uniform(40, 120, specks.sum())
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L")


def image_only_sample(published: Path, out: Path, seed: int, pages: list[int] | None = None,
                      turn: int = 0) -> Path:
    """The published pages as degraded page images, no text layer (`turn`: degrees
    counter-clockwise, a sheet fed the wrong way round)."""
    rng = np.random.default_rng(seed)
    pdf = pdfium.PdfDocument(str(published))
    out.parent.mkdir(parents=True, exist_ok=True)
    c = canvas.Canvas(str(out), invariant=1)
    c.setCreator("aidplans samples (image-only scan)")
    for n in pages if pages is not None else range(len(pdf)):
        w, h = pdf[n].get_size()
        img = degrade(pdf[n].render(scale=SCAN_DPI / 72, grayscale=True).to_pil().convert("L"), rng)
        if turn:
            img = img.rotate(turn, expand=True)
            w, h = (h, w) if turn % 180 else (w, h)
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=60)
        c.setPageSize((w, h))
        c.drawImage(ImageReader(buf), 0, 0, w, h)
        c.showPage()
    c.save()
    return out


def garbage_layer_page(published: Path, out: Path, page: int) -> Path:
    """One real page image under a text layer of junk (rare characters and ruling marks),
    as a weak OCR engine leaves on a ruled table."""
    rng = np.random.default_rng(11)
    pdf = pdfium.PdfDocument(str(published))
    glyphs = [g for g in published_glyphs(pdf) if g.page == page]
    junk = "丨丶丿乀乁乂乄乆乛亅亍冂冖凵匚卩厶|||||[]{}¦ǀ┃│ꠄꠋꠕ"
    junk = printable(junk)
    layer = [Glyph(str(rng.choice(list(junk))), 0, g.x0, g.top, g.x1, g.bottom, g.size)
             for g in glyphs if rng.random() < 0.7]
    return write_layered(pdf, [page], layer, out)


def seal_on_published_page(published: Path, out: Path, page: int = 0) -> Path:
    """A born-digital page with a small red seal image on it (a scan it is not)."""
    from PIL import ImageDraw
    seal = Image.new("RGB", (240, 240), "white")
    ImageDraw.Draw(seal).ellipse((8, 8, 232, 232), outline=(200, 0, 0), width=12)
    src = pdfium.PdfDocument(str(published))
    pdf = pdfium.PdfDocument.new()
    pdf.import_pages(src, [page])
    target = pdf[0]
    img = pdfium.PdfImage.new(pdf)
    bitmap = pdfium.PdfBitmap.from_pil(seal)
    img.set_bitmap(bitmap, pages=[target])
    img.set_matrix(pdfium.PdfMatrix().scale(110, 110).translate(380, 80))
    target.insert_obj(img)
    target.gen_content()
    pdf.save(str(out))
    return reproducible_pdfium_save(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--samples", type=Path, default=ROOT / "raw" / "samples")
    ap.add_argument("--scans", type=Path, default=ROOT / "raw" / "scans")
    ap.add_argument("--fixtures", type=Path, default=ROOT / "tests" / "data")
    a = ap.parse_args(argv)
    register_font()
    p2023 = a.samples / "2023_east_west_plan.published.pdf"
    p2026 = a.samples / "2026_shizhong_pairing_plan.published.pdf"
    written = [
        ocr_layer_sample(p2023, a.scans / "2023_east_west_plan.ocr_layer.pdf"),
        image_only_sample(p2023, a.scans / "2023_east_west_plan.image_only.pdf", seed=2023),
        image_only_sample(p2026, a.scans / "2026_shizhong_pairing_plan.image_only.pdf", seed=2026),
        image_only_sample(p2026, a.fixtures / "scan_image_only_page.pdf", seed=5, pages=[5]),
        garbage_layer_page(p2026, a.fixtures / "scan_garbage_layer_page.pdf", page=5),
        image_only_sample(p2026, a.fixtures / "scan_turned_page.pdf", seed=6, pages=[5], turn=270),
        seal_on_published_page(p2026, a.fixtures / "published_page_with_seal.pdf"),
    ]
    for w in written:
        print(f"wrote {w.relative_to(ROOT) if w.is_relative_to(ROOT) else w}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
