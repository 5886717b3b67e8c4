"""Wall time and peak memory of the researchers' commands (query, export in each format, report)
over a dataset of N curated documents (default 1,000 plans, ~12,000 projects), built cheaply by
benchmarks/bench_noop.py's builder. Each command runs in a fresh process pinned to one core.

    .venv/bin/python tools/bench_research.py [--docs 1000] [--keep DIR]
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))


def timed(args: list[str]) -> dict:
    """One run of `aidplans ARGS` on core 0: seconds and its peak RSS in MB (GNU time)."""
    t = time.perf_counter()
    done = subprocess.run(["taskset", "-c", "0", "/usr/bin/time", "-f", "%M", sys.executable, "-m", "flows.cli",
                           *args], cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - t
    if done.returncode:
        raise SystemExit(f"aidplans {' '.join(args)} failed ({done.returncode}): {done.stderr[-1000:]}")
    return {"seconds": round(seconds, 2), "peak_mb": round(int(done.stderr.split()[-1]) / 1024)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--keep", metavar="DIR", help="build (and keep) the dataset here")
    a = ap.parse_args()
    from bench_noop import build
    work = Path(a.keep) if a.keep else Path(tempfile.mkdtemp(prefix="aidplans-bench-research-"))
    try:
        _, curated, _ = build(work, a.docs)
        out = work / "out"
        runs = {"query": ["query", "select plan_year, category, sum(aid_funds_wan) from projects group by all",
                          "--curated", str(curated)]}
        for fmt in ("csv", "xlsx", "parquet", "sqlite"):
            runs[f"export {fmt}"] = ["export", "--format", fmt, "--curated", str(curated), "--out",
                                     str(out / (f"a.{fmt}" if fmt in ("xlsx", "sqlite") else fmt))]
        runs["report"] = ["report", "--curated", str(curated), "--out", str(out / "report")]
        figures = {name: timed(args) for name, args in runs.items()}
        print(json.dumps({"documents": a.docs, "one_core": True, **figures}, indent=1))
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
