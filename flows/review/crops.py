"""Crops of the printed page around each reading of a value, highlighted, for the review page.

The source PDF is found from the dataset's own record of it: `documents.source_file`, its origin,
its alternates, or the landing store (raw/store/<sha[:2]>/<sha256>.pdf beside the dataset), and is
used only when its SHA-256 is the document's (a file changed since is not the one that was read).
Pages are rendered with pypdfium2 once each; every crop is a PNG named by what it shows, so the
same input gives the same files.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from flows.raw import sha256_file

HIGHLIGHT = (255, 214, 0, 90)         # translucent yellow over the reading
OUTLINE = (220, 20, 60, 255)          # and a red frame around it


@dataclass
class Crop:
    """One reading's crop: the PNG (relative to the page's folder) and what it shows."""
    path: str
    reading: str
    page: int
    text: str


class PdfFinder:
    """The PDF a document was read from, checked by its SHA-256 (cached per path)."""

    def __init__(self, curated: Path):
        self.bases = [Path.cwd(), Path(curated).resolve().parent]
        self.curated = Path(curated)
        self._sha: dict[Path, str | None] = {}

    def find(self, doc: dict) -> tuple[Path | None, list[str]]:
        """(the file, or None; the places looked at, for the message when it is gone)."""
        sha = doc["sha256"]
        names = [doc.get("source_file"), doc.get("origin")]
        store = Path("raw") / "store" / sha[:2] / f"{sha}.pdf"
        tried = []
        for name in [n for n in names if n] + [str(store)]:
            for base in self.bases:
                path = (base / name) if not Path(name).is_absolute() else Path(name)
                tried.append(str(path))
                if self._matches(path, sha):
                    return path, tried
        return None, list(dict.fromkeys(tried))

    def _matches(self, path: Path, sha: str) -> bool:
        if path not in self._sha:
            try:
                self._sha[path] = sha256_file(path) if path.is_file() else None
            except OSError:
                self._sha[path] = None
        return self._sha[path] == sha


class Renderer:
    """Renders pages at `dpi` (each page once) and cuts highlighted crops out of them."""

    def __init__(self, out: Path, dpi: float, margin: float, min_width: float):
        self.out, self.scale, self.margin, self.min_width = Path(out), dpi / 72.0, margin, min_width
        self._pages: dict[tuple[Path, int], object] = {}

    def page_image(self, pdf: Path, page: int):
        import pypdfium2 as pdfium
        key = (pdf, page)
        if key not in self._pages:
            doc = pdfium.PdfDocument(str(pdf))
            try:
                self._pages[key] = doc[page - 1].render(scale=self.scale).to_pil().convert("RGB")
            finally:
                doc.close()
        return self._pages[key]

    def crop(self, pdf: Path, sha: str, page: int, box: tuple[float, float, float, float]) -> str:
        """Write the crop around `box` (PDF points) on `page` and return its path under `out`."""
        from PIL import Image, ImageDraw
        x0, top, x1, bottom = box
        name = hashlib.sha1(f"{sha}|{page}|{box}".encode()).hexdigest()[:16] + ".png"
        target = self.out / "crops" / name
        if target.exists():
            return f"crops/{name}"
        img = self.page_image(pdf, page)
        w, h = img.size[0] / self.scale, img.size[1] / self.scale
        cx, half = (x0 + x1) / 2, max((x1 - x0) / 2 + self.margin, self.min_width / 2)
        left, right = max(0.0, cx - half), min(w, cx + half)
        up, down = max(0.0, top - self.margin), min(h, bottom + self.margin)
        s = self.scale
        part = img.crop((int(left * s), int(up * s), int(right * s), int(down * s))).convert("RGBA")
        mark = Image.new("RGBA", part.size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(mark)
        rect = ((x0 - left) * s - 2, (top - up) * s - 2, (x1 - left) * s + 2, (bottom - up) * s + 2)
        draw.rectangle(rect, fill=HIGHLIGHT, outline=OUTLINE, width=3)
        target.parent.mkdir(parents=True, exist_ok=True)
        Image.alpha_composite(part, mark).convert("RGB").save(target, optimize=True)
        return f"crops/{name}"
