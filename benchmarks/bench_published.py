"""Benchmark: published-PDF throughput and peak memory, one core. Prints figures; asserts nothing.

    python benchmarks/bench_published.py [--copies 50]

Builds a corpus of 2 × COPIES distinct files (the two samples, each copy made unique by a
trailing PDF comment), then in fresh processes pinned to one core:
  1. extraction + normalisation only (the plain functions);
  2. the whole `ingest` Prefect flow into a new curated/ (Prefect start-up excluded: a
     warm-up run of the flow on no files starts the embedded server first).
Peak RSS is the pipeline process's own (ru_maxrss); Prefect's embedded server runs in a
child process and is reported separately when it exists.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from child import run_child  # noqa: E402

TARGET_PAGES_S, TARGET_RSS_MB = 20.0, 500.0


def make_corpus(dest: Path, copies: int) -> list[Path]:
    out = []
    for src in sorted((ROOT / "raw" / "samples").glob("*.pdf")):
        data = src.read_bytes()
        for i in range(copies):
            p = dest / f"{src.stem}.copy{i:04d}.pdf"
            p.write_bytes(data + f"\n% benchmark copy {i}\n".encode())
            out.append(p)
    return out


def child(phase: str, corpus: str, curated: str) -> None:
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    sys.path.insert(0, str(ROOT))
    files = sorted(Path(corpus).glob("*.pdf"))
    if phase == "extract":
        from extractors.document import extract
        from normalizers.records import normalize
        t = time.perf_counter()
        pages = sum(normalize(extract(f)).document.page_count for f in files)
        secs = time.perf_counter() - t
    else:
        os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "ERROR")
        from flows.ingest import ingest
        ingest(paths=[], curated=curated)                      # start-up, excluded
        t = time.perf_counter()
        summary = ingest(paths=[corpus], curated=curated)
        secs = time.perf_counter() - t
        assert summary.rejected == 0, summary.lines[-3:]
        import pypdfium2 as pdfium
        pages = sum(len(pdfium.PdfDocument(str(f))) for f in files)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"phase": phase, "docs": len(files), "pages": pages, "seconds": secs,
                      "pages_per_s": pages / secs, "docs_per_s": len(files) / secs,
                      "peak_rss_mb": rss, "child_peak_rss_mb": kids}))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--copies", type=int, default=50, help="copies of each sample (default 50 → 100 documents)")
    ap.add_argument("--phase", choices=["extract", "flow"], help=argparse.SUPPRESS)
    ap.add_argument("--corpus", help=argparse.SUPPRESS)
    ap.add_argument("--curated", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.phase:
        child(a.phase, a.corpus, a.curated)
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="aidplans-bench-"))
    try:
        corpus = tmp / "corpus"
        corpus.mkdir()
        files = make_corpus(corpus, a.copies)
        print(f"corpus: {len(files)} published documents in {corpus}")
        for phase in ("extract", "flow"):
            m = run_child([sys.executable, __file__, "--phase", phase, "--corpus", str(corpus),
                           "--curated", str(tmp / "curated")], tmp / f"prefect-{phase}")
            ok = "meets" if m["pages_per_s"] >= TARGET_PAGES_S and m["peak_rss_mb"] < TARGET_RSS_MB else "MISSES"
            print(f"{phase:8} {m['docs']} docs {m['pages']} pages in {m['seconds']:.1f} s: "
                  f"{m['pages_per_s']:.1f} pages/s, {m['docs_per_s']:.2f} docs/s, one core; "
                  f"peak RSS {m['peak_rss_mb']:.0f} MB (children {m['child_peak_rss_mb']:.0f} MB) "
                  f"[{ok} target ≥{TARGET_PAGES_S:.0f} pages/s, <{TARGET_RSS_MB:.0f} MB]")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
