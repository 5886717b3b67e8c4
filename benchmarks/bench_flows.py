"""Benchmark the archive flows. Prints figures; asserts nothing.

    python benchmarks/bench_flows.py [--backfill-docs 200] [--archive-docs 1000]

1. backfill of BACKFILL_DOCS distinct files: docs/s and pages/s pinned to one core (threads),
   then unpinned with the default pool (threads) and with --workers 2 (processes);
2. a no-op nightly over an archive of ARCHIVE_DOCS already-ingested documents, published
   both in an inbox directory and on a listing page of a 127.0.0.1 HTTP server: its wall
   time beyond Prefect's start-up (target < 5 s).
Each measurement runs in a fresh process; Prefect's embedded server is started by a
warm-up run first and not counted. The corpus is copies of the two samples, each made a
distinct file by a trailing PDF comment (so two plans, the rest alternates).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


from child import run_child  # noqa: E402


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def corpus(dest: Path, n: int) -> list[Path]:
    from bench_published import make_corpus
    dest.mkdir(parents=True, exist_ok=True)
    return make_corpus(dest, (n + 1) // 2)


def child(args) -> None:
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "ERROR")
    if args.one_core:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    from flows.backfill import backfill
    from flows.ingest import ingest
    from flows.nightly import nightly
    tmp = Path(args.tmp)
    ingest(paths=[], curated=str(tmp / "warmup"))                    # Prefect start-up, excluded
    t = time.perf_counter()
    if args.phase == "backfill":
        s = backfill(directory=args.corpus, raw=str(tmp / f"raw-{args.label}"), curated=str(tmp / f"cur-{args.label}"),
                     chunk_size=50, workers=args.workers, progress=False)
        secs = time.perf_counter() - t
        import pypdfium2 as pdfium
        files = sorted(Path(args.corpus).glob("*.pdf"))
        pages = sum(len(pdfium.PdfDocument(str(f))) for f in files)
        out = {"docs": len(files), "pages": pages, "seconds": secs, "landed": s.landed}
    else:
        s = nightly(sources=args.sources, raw=str(tmp / "raw-archive"), curated=str(tmp / "cur-archive"))
        out = {"seconds": time.perf_counter() - t, "new": len(s.new), "failed": len(s.failed),
               "line": s.lines[-1]}
    print(json.dumps(out))


def spawn(**kw) -> dict:
    cmd = [sys.executable, __file__, "--child"] + [f"--{k.replace('_', '-')}={v}" for k, v in kw.items()
                                                    if k != "one_core" and v is not None]
    cmd += ["--one-core"] if kw.get("one_core") else []
    return run_child(cmd, Path(kw["tmp"]) / f"prefect-{kw.get('label') or kw['phase']}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--backfill-docs", type=int, default=200)
    ap.add_argument("--archive-docs", type=int, default=1000)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    for name in ("phase", "corpus", "tmp", "label", "sources"):
        ap.add_argument(f"--{name}", help=argparse.SUPPRESS)
    ap.add_argument("--workers", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--one-core", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        child(a)
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="aidplans-flows-"))
    try:
        small = tmp / "corpus"
        corpus(small, a.backfill_docs)
        for label, one_core, workers in (("one-core", True, 0), ("pool", False, 0), ("procs2", False, 2)):
            m = spawn(phase="backfill", corpus=str(small), tmp=str(tmp), label=label, one_core=one_core,
                      workers=workers)
            what = {"one-core": "one core, threads", "pool": "default pool (threads), all cores",
                    "procs2": "--workers 2 (processes)"}[label]
            print(f"backfill {m['docs']} docs / {m['pages']} pages in {m['seconds']:.1f} s: "
                  f"{m['docs'] / m['seconds']:.2f} docs/s, {m['pages'] / m['seconds']:.1f} pages/s [{what}]")
        archive = tmp / "archive"
        files = corpus(archive, a.archive_docs)
        spawn(phase="backfill", corpus=str(archive), tmp=str(tmp), label="archive", workers=0)
        handler = partial(QuietHandler, directory=str(archive))
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        (tmp / "sources.toml").write_text(
            f'[[source]]\nname = "archive-inbox"\npath = "{archive}"\n'
            f'[[source]]\nname = "archive-site"\nurl = "http://127.0.0.1:{server.server_port}/"\n')
        first = spawn(phase="nightly", sources=str(tmp / "sources.toml"), tmp=str(tmp))
        quiet = spawn(phase="nightly", sources=str(tmp / "sources.toml"), tmp=str(tmp))
        server.shutdown()
        ok = "meets" if quiet["seconds"] < 5 else "MISSES"
        print(f"nightly, first look at the listing ({len(files)} links): {first['seconds']:.1f} s, {first['new']} new")
        print(f"nightly no-op over {len(files)} ingested documents (inbox + {len(files)} links with "
              f"conditional GET): {quiet['seconds']:.2f} s beyond Prefect start-up, {quiet['new']} new "
              f"[{ok} target < 5 s]")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
