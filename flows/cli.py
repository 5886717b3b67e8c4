"""The `aidplans` command. Errors become one line of advice; exit 0 all landed, 1 some rejected, 2 usage."""
from __future__ import annotations

import argparse
import os
import sys

COMMANDS = {
    "run": "ingest plan PDFs (files or directories, default raw/) into the curated dataset",
    "backfill": "land a directory tree of historical PDFs in raw/ and ingest it, resumably, with progress",
    "nightly": "fetch new documents from the sources file (inboxes, HTTP listings) and ingest only those",
    "serve": "serve the nightly flow on a cron schedule (needs a Prefect server: see README)",
}
DEFAULT_CRON = "30 2 * * *"


def _embedded_prefect() -> None:
    """Embedded Prefect: a temporary local server unless PREFECT_API_URL is set; no telemetry; warnings only."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")


def _api_url() -> str | None:
    from prefect.settings import PREFECT_API_URL
    return PREFECT_API_URL.value()


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="aidplans", description="Plan PDFs → a curated parquet dataset of aid projects.")
    sub = ap.add_subparsers(dest="command", metavar="COMMAND")

    def cmd(name):
        return sub.add_parser(name, help=COMMANDS[name], description=COMMANDS[name])

    def common(p, raw=True):
        p.add_argument("--curated", default="curated", metavar="DIR", help="output dataset (default: curated)")
        if raw:
            p.add_argument("--raw", default="raw", metavar="DIR", help="raw landing zone (default: raw)")

    def runner(p):
        p.add_argument("--workers", type=int, default=0, metavar="N",
                       help="worker processes for extraction (default: threads in one process)")
        p.add_argument("--dask", metavar="ADDRESS", help="run tasks on an existing Dask cluster (needs prefect-dask)")

    run = cmd("run")
    run.add_argument("paths", nargs="*", default=["raw"], metavar="PATH", help="PDF files or directories (default: raw)")
    run.add_argument("--force", action="store_true", help="re-process documents already in the dataset")
    common(run, raw=False)
    runner(run)
    bf = cmd("backfill")
    bf.add_argument("directory", metavar="DIR", help="directory tree of PDFs")
    bf.add_argument("--chunk", type=int, default=25, metavar="N", help="documents per atomic commit (default: 25)")
    common(bf)
    runner(bf)
    ni = cmd("nightly")
    ni.add_argument("--sources", default="sources.toml", metavar="FILE", help="sources file (default: sources.toml)")
    common(ni)
    sv = cmd("serve")
    sv.add_argument("--cron", default=DEFAULT_CRON, help=f"schedule (default: '{DEFAULT_CRON}', 02:30 daily)")
    sv.add_argument("--sources", default="sources.toml", metavar="FILE")
    common(sv)
    return ap


def main(argv: list[str] | None = None) -> int:
    ap = parser()
    args = ap.parse_args(argv)
    if args.command is None:
        ap.print_help()
        return 2
    inputs = {"run": getattr(args, "paths", []), "backfill": [getattr(args, "directory", "")],
              "nightly": [getattr(args, "sources", "")], "serve": [getattr(args, "sources", "")]}[args.command]
    missing = [p for p in inputs if not os.path.exists(p)]
    if missing:
        hint = {"run": "aidplans run raw/", "backfill": "aidplans backfill /path/to/archive",
                "nightly": "aidplans nightly --sources sources.toml", "serve": "aidplans serve --sources sources.toml"}
        print(f"aidplans: no such file or directory: {', '.join(missing)}. Try: {hint[args.command]}", file=sys.stderr)
        return 2
    if getattr(args, "workers", 0) < 0 or getattr(args, "chunk", 1) < 1:
        print("aidplans: --workers must be >= 0 and --chunk >= 1", file=sys.stderr)
        return 2
    _embedded_prefect()
    if args.command == "serve" and not _api_url():
        print("aidplans: serve needs a Prefect server to keep the schedule. Try: prefect server start, then "
              "export PREFECT_API_URL=http://127.0.0.1:4200/api and run serve again; or run "
              "`aidplans nightly` from cron (README, Scheduling)", file=sys.stderr)
        return 2
    from flows.sources import SourcesError
    try:
        summary = _dispatch(args)
    except SourcesError as exc:
        print(f"aidplans: {exc}", file=sys.stderr)
        return 2
    if summary is None:
        return 0
    for line in summary.lines:
        print(line)
    return summary.exit_code


def _dispatch(args):
    if args.command == "run":
        from flows.ingest import ingest, task_runner
        flow = ingest.with_options(task_runner=task_runner(args.workers, args.dask))
        return flow(paths=args.paths, curated=args.curated, force=args.force, progress=sys.stderr.isatty())
    if args.command == "backfill":
        from flows.backfill import backfill
        return backfill(directory=args.directory, raw=args.raw, curated=args.curated, chunk_size=args.chunk,
                        workers=args.workers, dask_address=args.dask, progress=True)
    from flows.nightly import nightly
    from flows.sources import load_sources
    load_sources(args.sources)                # fail early, with the file named
    if args.command == "nightly":
        return nightly(sources=args.sources, raw=args.raw, curated=args.curated)
    nightly.serve(name="aidplans-nightly", cron=args.cron,
                  parameters={"sources": os.path.abspath(args.sources), "raw": os.path.abspath(args.raw),
                              "curated": os.path.abspath(args.curated)})
    return None


if __name__ == "__main__":
    sys.exit(main())
