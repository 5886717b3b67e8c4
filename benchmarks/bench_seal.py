"""Benchmark: what lifting red seals adds to rendering a scanned page (extractors/seal.py).

    python benchmarks/bench_seal.py [--repeat 5] [PDF ...]

For every page of the given scans (default: the committed scan fixtures of tests/data), at the
default resolution (Settings.ocr_dpi): the grey rendering the pipeline always does, and what
lift_seals adds on top of it: nothing but the images' metadata on a grey or 1-bit scan, a 36-dpi
colour probe on a colour page, and a colour rendering of each seal's box where a seal is found.
Each figure is the best of `--repeat` runs (a shared machine's noise only adds time).
Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pypdfium2 as pdfium  # noqa: E402

from extractors.raster import render_gray  # noqa: E402
from extractors.seal import has_colour_image, lift_seals  # noqa: E402
from schemas.settings import Settings  # noqa: E402

DEFAULT = sorted((ROOT / "tests" / "data").glob("scan_*.pdf")) + sorted((ROOT / "tests" / "data" / "scans_gen").glob("*.pdf"))


def best(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pdfs", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args(argv)
    settings = Settings()
    dpi = settings.ocr_dpi
    rows: dict[str, list[tuple[float, float]]] = {"grey or 1-bit": [], "colour, no seal": [], "colour, seal": []}
    for f in a.pdfs or DEFAULT:
        doc = pdfium.PdfDocument(str(f))
        for i in range(len(doc)):
            page = doc[i]
            t_grey, grey = best(lambda: render_gray(page, dpi), a.repeat)
            t_lift, (out, seals) = best(lambda: lift_seals(page, grey, dpi, settings), a.repeat)
            kind = "colour, seal" if seals else "colour, no seal" if has_colour_image(page) else "grey or 1-bit"
            rows[kind].append((t_grey, t_lift))
            page.close()
        doc.close()
    print(f"render at {dpi} dpi, best of {a.repeat}; lift_seals added on top of the grey rendering")
    print(f"{'page':18} {'pages':>5} {'grey render ms':>15} {'lift_seals ms':>14} {'added':>7}")
    for kind, r in rows.items():
        if r:
            g, s = sum(x for x, _ in r) / len(r), sum(y for _, y in r) / len(r)
            print(f"{kind:18} {len(r):5d} {g * 1000:15.1f} {s * 1000:14.2f} {s / g:7.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
