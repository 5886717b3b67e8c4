"""A writer process for the concurrency and crash tests: commits plans through the real store
(lock, journal, renames) without Prefect, so that many trials stay cheap.

    python tests/store_worker.py race PICKLE NAME BARRIER DIR...   commit the plan in each DIR, in step with a peer
    python tests/store_worker.py loop PICKLE DIR N                 warm up, say ready, read a line, then commit
                                                                   versions N, N+1, … of the plan until killed
    python tests/store_worker.py once PICKLE DIR N                 commit version N once (AIDPLANS_CRASH_AFTER_RENAME applies)
"""
from __future__ import annotations

import dataclasses
import pickle
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flows.curate import DocResult, curate  # noqa: E402
from schemas.types import Correction  # noqa: E402


def version(doc, n: int):
    """Version n of a plan: every table carries n (document issuer, project notes, a correction)."""
    d = dataclasses.replace(doc.document, issuer=f"version {n}")
    projects = [dataclasses.replace(p, notes=f"version {n}") for p in doc.projects]
    fix = Correction(d.doc_id, projects[0].project_id, "notes", "", f"version {n}", "cross_witness", None, None, d.plan_year)
    return dataclasses.replace(doc, document=d, projects=projects, corrections=[fix])


def commit(doc, folder: str) -> None:
    summary = curate([DocResult(doc.document.source_file, doc=doc)], folder)
    if summary.error:
        raise SystemExit(summary.error)


def barrier(folder: Path, name: str, peers: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).touch()
    while len(list(folder.iterdir())) < peers:
        time.sleep(0.002)


def main(argv: list[str]) -> None:
    mode, doc = argv[0], pickle.loads(Path(argv[1]).read_bytes())
    if mode == "race":
        name, sync, dirs = argv[2], Path(argv[3]), argv[4:]
        for i, folder in enumerate(dirs):
            barrier(sync / str(i), name, 2)
            commit(doc, folder)
    elif mode == "loop":
        from schemas.models import frame, validate
        n = int(argv[3])
        validate("projects", frame("projects", version(doc, n).projects))     # warm: imports, first use
        print("ready", flush=True)
        sys.stdin.readline()                                                   # "go"
        while True:
            commit(version(doc, n), argv[2])
            n += 1
    elif mode == "once":
        commit(version(doc, int(argv[3])), argv[2])


if __name__ == "__main__":
    main(sys.argv[1:])
