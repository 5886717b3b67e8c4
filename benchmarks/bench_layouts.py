"""Benchmark: what tables without ruling cost. Prints figures; asserts nothing.

    python benchmarks/bench_layouts.py [--repeat 3]

Times extraction + normalisation (the plain functions) of the committed layout fixtures
(tests/data/layouts), one core, grouped by their ruling (full grid, three-line, none): pages/s
and ms per page, best of --repeat passes (noise on a shared machine only adds time).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT / "tests" / "data" / "layouts"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args(argv)
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    from extractors.document import extract
    from normalizers.records import normalize

    axes = json.loads((DATA / "index.json").read_text(encoding="utf-8"))
    groups: dict[str, list[Path]] = {}
    for pdf in sorted(DATA.glob("*.pdf")):
        groups.setdefault(axes[pdf.stem]["ruling"], []).append(pdf)
    extract(groups[next(iter(groups))][0])                    # imports and vocabularies warm
    print(f"{'ruling':12} {'files':>5} {'pages':>5} {'pages/s':>8} {'ms/page':>8}")
    for ruling, files in sorted(groups.items()):
        best = None
        for _ in range(a.repeat):
            t = time.perf_counter()
            pages = sum(normalize(extract(f)).document.page_count for f in files)
            secs = time.perf_counter() - t
            best = secs if best is None else min(best, secs)
        print(f"{ruling:12} {len(files):>5} {pages:>5} {pages / best:>8.1f} {1000 * best / pages:>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
