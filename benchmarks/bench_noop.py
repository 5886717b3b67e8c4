"""A no-op over 1,000 curated documents: wall time of `aidplans run` and `aidplans backfill` when
every input is already curated at this pipeline version (issue 9's target: well under 2 s beyond
Python's start-up, on one core).

The dataset is built cheaply: 1,000 distinct PDFs (a sample plan with a trailing comment that
changes its hash), and their rows committed straight through the store (each a plan of its own:
own doc_id, sha256 and plan_key, spread over 25 plan years). Each command runs in a fresh process
pinned to one core (taskset), three times; the best and the median are printed, beside the
start-up of a bare Python and of `aidplans --help`.

    .venv/bin/python benchmarks/bench_noop.py [--docs 1000] [--keep DIR]
"""
from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build(work: Path, n: int) -> tuple[Path, Path, Path]:
    """n PDFs under work/archive, their rows in work/curated, landed in work/raw."""
    import pandas as pd

    from extractors.document import extract
    from flows.raw import land
    from flows.store import Batch, CuratedStore
    from normalizers.records import normalize
    from schemas.models import frame
    samples = sorted((ROOT / "raw" / "samples").glob("*.pdf"))
    plans = [(s, normalize(extract(s))) for s in samples]
    archive, curated = work / "archive", work / "curated"
    docs, projects = [], []
    for i in range(n):
        src, plan = plans[i % len(plans)]
        data = src.read_bytes() + f"\n% copy {i}\n".encode()
        path = archive / f"y{i % 25}" / f"{src.stem}-{i}.pdf"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        sha = hashlib.sha256(data).hexdigest()
        year = 2000 + i % 25
        d = dataclasses.replace(plan.document, doc_id=sha[:16], sha256=sha, source_file=str(path), origin=str(path),
                                plan_year=year, plan_key=hashlib.sha1(f"plan {i}".encode()).hexdigest()[:16])
        docs.append(d)
        projects += [dataclasses.replace(p, doc_id=d.doc_id, project_id=f"{d.doc_id}-{p.seq}", plan_year=year)
                     for p in plan.projects]
    batch = Batch(frame("documents", docs), frame("projects", projects), frame("corrections", []), set())
    CuratedStore(curated).commit(batch)
    land([str(p) for p in sorted(archive.rglob("*.pdf"))], str(work / "raw"), f"backfill:{archive}")
    assert len(pd.read_parquet(curated / "documents")) == n
    return archive, curated, work / "raw"


def timed(cmd: list[str], runs: int = 3) -> dict:
    env = {**os.environ}
    env.pop("PREFECT_API_URL", None)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        done = subprocess.run(["taskset", "-c", "0", *cmd], cwd=ROOT, env=env, capture_output=True, text=True)
        times.append(time.perf_counter() - t)
        if done.returncode:
            raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr[-2000:]}")
    return {"best_s": round(min(times), 3), "median_s": round(statistics.median(times), 3),
            "last_line": done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--keep", metavar="DIR", help="build the dataset here and keep it")
    args = ap.parse_args()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench_noop-"))
    try:
        t = time.perf_counter()
        archive, curated, raw = build(work, args.docs)
        built = time.perf_counter() - t
        py = [sys.executable]
        figures = {
            "documents": args.docs, "build_s": round(built, 1),
            "python_startup": timed(py + ["-c", "pass"]),
            "aidplans_help": timed(py + ["-m", "flows.cli", "--help"]),
            "run_noop": timed(py + ["-m", "flows.cli", "run", str(archive), "--curated", str(curated)]),
            "backfill_noop": timed(py + ["-m", "flows.cli", "backfill", str(archive), "--raw", str(raw),
                                         "--curated", str(curated)]),
        }
        for name in ("run_noop", "backfill_noop"):
            figures[name]["beyond_startup_s"] = round(figures[name]["best_s"] - figures["python_startup"]["best_s"], 3)
        print(json.dumps(figures, ensure_ascii=False, indent=1))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
