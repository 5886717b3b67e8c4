"""Scripted check: a backfill of ≥200 documents killed mid-run and resumed ends with exactly the right rows.

    python benchmarks/backfill_resume_check.py [--docs 200] [--chunk 25]

Runs `aidplans backfill` in a subprocess, kills its whole process group (SIGKILL) once
about half the chunks have committed, runs the same command again, and compares the
result with an uninterrupted backfill of the same corpus: the same plans, the same
projects, every file accounted for exactly once, no staging files or journal left.
Exit 0 when all holds, 1 otherwise. The corpus is copies of the two samples made distinct
by a trailing PDF comment, spread over a directory tree.
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def make_tree(dest: Path, docs: int) -> int:
    samples = sorted((ROOT / "raw" / "samples").glob("*.pdf"))
    for i in range(docs):
        src = samples[i % len(samples)]
        sub = dest / f"{2015 + i % 9}" / f"batch{i % 4}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"{src.stem}-{i:04d}.pdf").write_bytes(src.read_bytes() + f"\n% archive copy {i}\n".encode())
    return docs


def backfill(archive: Path, work: Path, chunk: int) -> subprocess.Popen:
    (work / "prefect").mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_LOGGING_LEVEL": "ERROR",
           "PREFECT_HOME": str(work / "prefect")}
    return subprocess.Popen([sys.executable, "-m", "flows.cli", "backfill", str(archive), "--raw", str(work / "raw"),
                             "--curated", str(work / "curated"), "--chunk", str(chunk)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=open(work / "stderr.txt", "w"),
                            start_new_session=True, text=True)


def finish(p: subprocess.Popen) -> str:
    """Wait for a backfill; then end its process group (Prefect's embedded server) so pipes close."""
    out, _ = p.communicate()
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    return out


def state(work: Path) -> dict:
    """What the dataset says, independent of which copy of a plan happens to be current."""
    cur = work / "curated"
    docs = pd.read_parquet(cur / "documents")
    projects = pd.read_parquet(cur / "projects")
    from flows.raw import RawStore
    shas = [s for _, d in docs.iterrows() for s in [d["sha256"], *d["alternate_sha256"]]]
    cols = ["plan_year", "seq", "name", "aid_funds_wan", "total_investment_wan", "location", "flags"]
    proj = projects[cols].assign(plan_year=projects["plan_year"].astype(int),
                                 flags=projects["flags"].map(tuple))
    return {
        "plans": sorted(docs["plan_key"]),
        "projects": sorted(map(tuple, proj.astype(str).values.tolist())),
        "files_accounted": len(shas), "distinct_files": len(set(shas)),
        "raw_distinct": len({e.sha256 for e in RawStore(work / "raw").entries}),
        "leftovers": [str(p) for p in cur.rglob(".*.tmp")] + ([str(cur / "_journal.json")]
                                                              if (cur / "_journal.json").exists() else []),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=200)
    ap.add_argument("--chunk", type=int, default=25)
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="aidplans-resume-"))
    archive = tmp / "archive"
    n = make_tree(archive, a.docs)
    chunks = -(-n // a.chunk)
    killed, clean = tmp / "killed", tmp / "clean"

    p = backfill(archive, killed, a.chunk)
    t0 = time.time()
    while len(list((killed / "curated" / "_runs").glob("*.json"))) < chunks // 2 and time.time() - t0 < 1800:
        if p.poll() is not None:
            print(f"the backfill ended before it could be killed (exit {p.returncode}); see {killed / 'stderr.txt'}")
            return 1
        time.sleep(0.2)
    os.killpg(p.pid, signal.SIGKILL)
    p.wait()
    done_at_kill = len(list((killed / "curated" / "_runs").glob("*.json")))
    print(f"killed the backfill after {done_at_kill} of {chunks} chunk commits ({time.time() - t0:.0f} s)")
    r = backfill(archive, killed, a.chunk)
    out = finish(r)
    print("resumed: " + (out.strip().splitlines()[-1] if out.strip() else f"exit {r.returncode}"))
    finish(backfill(archive, clean, a.chunk))
    got, want = state(killed), state(clean)
    checks = {
        "resumed run exit 0": r.returncode == 0,
        "same plans as an uninterrupted run": got["plans"] == want["plans"],
        "same project rows as an uninterrupted run": got["projects"] == want["projects"],
        f"all {n} files accounted for exactly once": got["files_accounted"] == got["distinct_files"] == n,
        f"raw store holds {n} distinct files": got["raw_distinct"] == n,
        "no staging files or journal left": not got["leftovers"],
    }
    for name, ok in checks.items():
        print(f"{'ok  ' if ok else 'FAIL'} {name}")
    print(f"resume check: {sum(checks.values())}/{len(checks)} hold "
          f"({len(got['plans'])} plans, {len(got['projects'])} projects, {n} documents)")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
