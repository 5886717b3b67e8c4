"""Make a batch of variants: spec -> PDF (reportlab, or docx through one LibreOffice call) + gold + axes.

Used by make_fixtures.py and benchmarks/robustness.py. Each variant writes `<id>.pdf`,
`<id>.gold.json` and `<id>.axes.json` into the output folder.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import doc
import gold
import spec as S


@dataclass
class Variant:
    spec: S.PlanSpec
    pdf: Path
    gold: Path


def pick(seed: int, n: int, renderers: set[str] | None = None, start: int = 0,
         where: dict[str, str] | None = None) -> list[S.PlanSpec]:
    """The first n specs of `seed` (from index `start`) whose renderer is allowed and whose
    axes have the values in `where`."""
    out, i = [], start
    while len(out) < n:
        s = S.make_spec(seed, i)
        if (renderers is None or s.renderer in renderers) and all(s.axes.get(k) == v for k, v in (where or {}).items()):
            out.append(s)
        i += 1
        if i - start > 50 * n + 50:
            raise ValueError(f"no variants with renderer in {sorted(renderers or [])} and axes {where or {}}")
    return out


def short_axes(axes: dict) -> str:
    """A compact one-token-per-axis form for one-line reports."""
    return " ".join(f"{v}" for k, v in axes.items())


def write_sidecars(s: S.PlanSpec, out_dir: Path) -> Path:
    (out_dir / f"{s.id}.axes.json").write_text(json.dumps(s.axes, ensure_ascii=False, indent=1) + "\n",
                                               encoding="utf-8")
    return gold.write(s, out_dir)


def build(specs: list[S.PlanSpec], out_dir: Path) -> list[Variant]:
    """Render every spec into out_dir; docx variants are converted in one soffice call."""
    out_dir.mkdir(parents=True, exist_ok=True)
    done: dict[str, Path] = {}
    docx_specs = [s for s in specs if s.renderer == "docx"]
    for s in specs:
        if s.renderer == "reportlab":
            import render_reportlab
            done[s.id] = render_reportlab.render(doc.build(s), s.axes, s.font, out_dir / f"{s.id}.pdf", s.id)
    if docx_specs:
        import render_docx
        done.update(render_docx.render_many([(doc.build(s), s) for s in docx_specs], out_dir))
    for s in specs:
        s.axes["table_pages"] = "one" if table_pages(done[s.id]) == 1 else "several"
    return [Variant(s, done[s.id], write_sidecars(s, out_dir)) for s in specs]


def table_pages(pdf: Path) -> int:
    """Landscape pages: how many pages the attachment table really took."""
    import pypdfium2 as pdfium
    doc_ = pdfium.PdfDocument(str(pdf))
    try:
        return sum(1 for i in range(len(doc_)) if doc_[i].get_width() > doc_[i].get_height())
    finally:
        doc_.close()
