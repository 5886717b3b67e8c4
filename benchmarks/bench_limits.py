"""Benchmark: wall time and peak memory of runs over the resource-bomb fixtures. Prints figures;
asserts nothing.

    python benchmarks/bench_limits.py [--budget SECONDS]

The files (written by samples/bombs.py): a 14400 pt page, a 30000 x 30000 image, a 40-page
noise scan, an A0 scan page, beside the two published samples. In fresh processes:
  1. each file through `flows.ingest.process` in turn (extraction + normalisation): its line,
     its seconds, and the process's peak RSS so far (ru_maxrss never goes down);
  2. the whole `ingest` Prefect flow over all of them into a new curated/ (what `aidplans run`
     does): wall time, peak RSS of the flow's process and of its largest child.
Both with the shipped Settings, then again with max_seconds_per_file=--budget (default 10).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from child import run_child  # noqa: E402

DATA = ROOT / "tests" / "data"
FILES = [DATA / n for n in ("bomb_huge_mediabox.pdf", "bomb_30000px_image.pdf", "slow_noise_scan_40_pages.pdf",
                            "large_page_a0_scan.pdf")] + sorted((ROOT / "raw" / "samples").glob("*.pdf"))
TARGET_RSS_MB = 1536


def peak_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def child_files(budget: float | None) -> dict:
    from flows.ingest import process
    from schemas.settings import Settings
    settings = Settings(max_seconds_per_file=budget) if budget else Settings()
    rows = []
    for f in FILES:
        t = time.perf_counter()
        r = process(f, settings)
        rows.append({"file": f.name, "seconds": round(time.perf_counter() - t, 1), "peak_mb": round(peak_mb()),
                     "line": r.error or f"{len(r.doc.projects)} projects"})
    return {"rows": rows}


def child_flow(budget: float | None, curated: str) -> dict:
    for k, v in (("PREFECT_SERVER_ANALYTICS_ENABLED", "false"), ("PREFECT_LOGGING_LEVEL", "WARNING"),
                 ("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")):
        os.environ.setdefault(k, v)            # as the CLI runs Prefect
    from flows.ingest import ingest
    from schemas.settings import Settings
    settings = Settings(max_seconds_per_file=budget) if budget else Settings()
    t = time.perf_counter()
    summary = ingest([str(f) for f in FILES], curated=curated, settings=settings)
    return {"seconds": round(time.perf_counter() - t, 1), "peak_mb": round(peak_mb()),
            "child_peak_mb": round(peak_mb(resource.RUSAGE_CHILDREN)), "landed": summary.landed,
            "rejected": summary.rejected, "lines": [ln for ln in summary.lines if "bomb" in ln or "noise" in ln
                                                    or "a0" in ln or ln.startswith("total")]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--budget", type=float, default=10.0, help="max_seconds_per_file of the second pass")
    ap.add_argument("--child", choices=["files", "flow"], help=argparse.SUPPRESS)
    ap.add_argument("--child-budget", type=float, default=0.0, help=argparse.SUPPRESS)
    ap.add_argument("--curated", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child == "files":
        print(json.dumps(child_files(a.child_budget or None)))
        return 0
    if a.child == "flow":
        print(json.dumps(child_flow(a.child_budget or None, a.curated)))
        return 0
    me = [sys.executable, __file__]
    with tempfile.TemporaryDirectory() as tmp:
        for label, budget in (("shipped settings", 0.0), (f"max_seconds_per_file={a.budget:g}", a.budget)):
            print(f"== {label}")
            res = run_child(me + ["--child", "files", "--child-budget", str(budget)], Path(tmp) / f"f{budget}")
            for r in res["rows"]:
                print(f"  {r['file']:<42} {r['seconds']:>6.1f} s  peak {r['peak_mb']:>5} MB  {r['line'][:150]}")
            res = run_child(me + ["--child", "flow", "--child-budget", str(budget),
                                  "--curated", str(Path(tmp) / f"cur{budget}")], Path(tmp) / f"w{budget}")
            peak = max(res["peak_mb"], res["child_peak_mb"])
            print(f"  ingest flow over all {len(FILES)} files: {res['seconds']} s, {res['landed']} landed, "
                  f"{res['rejected']} rejected; peak RSS {res['peak_mb']} MB (flow process), "
                  f"{res['child_peak_mb']} MB (largest child); target < {TARGET_RSS_MB} MB: "
                  f"{'met' if peak < TARGET_RSS_MB else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
