"""Scan PDFs: page images, with no text, with a rapidocr layer, or with a tesseract layer by OCRmyPDF.

- `write_pdf`: one image per page (JPEG, or lossless for 1-bit pages) and, optionally, invisible text
  lines on the boxes they were read from (as OCR tools write searchable PDFs). reportlab invariant
  mode: the same images give the same bytes.
- `rapidocr_lines`: each line rapidocr (its default models and settings) reads on a page image.
- `ocrmypdf`: Debian's `ocrmypdf -l chi_sim` (tesseract 5) over an image-only scan, with or without
  `--deskew --rotate-pages`; dates, XMP ids, /ID and the layers' random XObject names are then fixed with pikepdf so the output is
  byte-identical from run to run.
"""
from __future__ import annotations

import io
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from doc import KEYWORDS, SUBJECT

LAYER_SIZE_PER_BOX = 0.8        # a text line's type size is about this share of its box height


class ScanToolError(Exception):
    """A scan tool (OCRmyPDF, tesseract's chi_sim, a font) is missing or failed."""


@dataclass
class PageImage:
    data: bytes                 # encoded image
    kind: str                   # "jpeg" or "png"
    width_pt: float
    height_pt: float
    dpi: int
    lines: list[tuple[str, float, float, float, float]]   # text, x0, top, x1, bottom in points (top-left origin)


def encode(img: Image.Image, quality: int | None) -> tuple[bytes, str]:
    """JPEG at `quality`, or PNG for 1-bit pages (scanners store those losslessly: G4/JBIG2)."""
    buf = io.BytesIO()
    if img.mode == "1" or quality is None:
        img.save(buf, "PNG", optimize=True)
        return buf.getvalue(), "png"
    img.save(buf, "JPEG", quality=quality)
    return buf.getvalue(), "jpeg"


_ENGINE = []


def rapidocr_lines(data: bytes, dpi: int) -> list[tuple[str, float, float, float, float]]:
    """Lines read by rapidocr (default models, one thread) on the stored page image, boxes in points."""
    if not _ENGINE:
        from rapidocr import RapidOCR
        _ENGINE.append(RapidOCR(params={"Global.log_level": "error",
                                        "EngineConfig.onnxruntime.intra_op_num_threads": 1,
                                        "EngineConfig.onnxruntime.inter_op_num_threads": 1}))
    img = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    res = _ENGINE[0](img)
    if res is None or not getattr(res, "txts", None):
        return []
    k = 72.0 / dpi
    out = []
    for box, txt in zip(res.boxes, res.txts):
        xs, ys = [p[0] for p in box], [p[1] for p in box]
        if txt.strip():
            out.append((txt.strip(), min(xs) * k, min(ys) * k, max(xs) * k, max(ys) * k))
    return out


def write_pdf(pages: list[PageImage], out: Path, font: str, title: str) -> Path:
    """The pages as a scan PDF; lines (if any) as invisible text (render mode 3) fitted to their boxes."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas
    c = canvas.Canvas(str(out), invariant=1)
    c.setCreator("aidplans samples/scanvariants (scan of a SYNTHETIC plan)")
    c.setTitle(title)
    c.setSubject(SUBJECT)
    c.setKeywords(KEYWORDS)
    for p in pages:
        c.setPageSize((p.width_pt, p.height_pt))
        c.drawImage(ImageReader(io.BytesIO(p.data)), 0, 0, p.width_pt, p.height_pt)
        for text, x0, top, x1, bottom in p.lines:
            size = max(2.0, (bottom - top) * LAYER_SIZE_PER_BOX)
            natural = stringWidth(text, font, size) or size
            t = c.beginText()
            t.setTextRenderMode(3)
            t.setFont(font, size)
            t.setHorizScale(100 * max(x1 - x0, 0.5) / natural)
            t.setTextOrigin(x0, p.height_pt - bottom + 0.15 * (bottom - top))
            t.textOut(text)
            c.drawText(t)
        c.showPage()
    c.save()
    return out


FIX_METADATA = r"""
import sys, pikepdf
pdf = pikepdf.open(sys.argv[1], allow_overwriting_input=True)
if "/Metadata" in pdf.Root:
    del pdf.Root["/Metadata"]
for k in ("/CreationDate", "/ModDate"):
    if k in pdf.docinfo:
        pdf.docinfo[k] = "D:20000101000000Z"
for n, page in enumerate(pdf.pages):          # OCRmyPDF names each page's text layer /OCR-<random>
    xobjects = page.obj.get("/Resources", {}).get("/XObject", {})
    for name in [k for k in xobjects.keys() if k.startswith("/OCR-")]:
        fixed = f"/OCR-page{n + 1}"
        xobjects[fixed] = xobjects[name]
        del xobjects[name]
        contents = page.obj.Contents
        for s in (contents if isinstance(contents, pikepdf.Array) else [contents]):
            s.write(s.read_bytes().replace(name.encode() + b" ", fixed.encode() + b" "))
pdf.save(sys.argv[1], static_id=True, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.preserve)
"""


def ocrmypdf(src: Path, out: Path, fix: bool, timeout: int = 1800) -> Path:
    """tesseract's chi_sim layer by OCRmyPDF (one core), then made reproducible."""
    exe = shutil.which("ocrmypdf")
    if not exe:
        raise ScanToolError("ocrmypdf is not installed: run samples/install_scan_tools.sh")
    cmd = [exe, "-l", "chi_sim", "--output-type", "pdf", "--jobs", "1", "--optimize", "0", "--quiet"]
    if fix:
        cmd += ["--deskew", "--rotate-pages"]
    env = {**os.environ, "OMP_THREAD_LIMIT": "1", "SOURCE_DATE_EPOCH": "946684800"}
    r = subprocess.run([*cmd, str(src), str(out)], capture_output=True, text=True, env=env, timeout=timeout)
    if r.returncode != 0:
        raise ScanToolError(f"ocrmypdf failed on {src} (exit {r.returncode}): {r.stderr.strip()[-400:]}; "
                            "is tesseract-ocr-chi-sim installed? run samples/install_scan_tools.sh")
    python = "/usr/bin/python3"     # Debian's ocrmypdf brings pikepdf for the system python
    r = subprocess.run([python, "-c", FIX_METADATA, str(out)], capture_output=True, text=True)
    if r.returncode != 0:
        raise ScanToolError(f"cannot make {out} reproducible with pikepdf: {r.stderr.strip()[-300:]}")
    return out
