"""The `aidplans` command. Errors become one line of advice; exit 0 all landed, 1 some rejected, 2 usage."""
from __future__ import annotations

import argparse
import os
import sys

COMMANDS = {
    "run": "ingest plan PDFs (files or directories, default raw/) into the curated dataset",
}


def _quiet_prefect() -> None:
    """Embedded Prefect: a temporary local server, no telemetry, warnings only."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_LOGGING_TO_API_ENABLED", "false")


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="aidplans", description="Plan PDFs → a curated parquet dataset of aid projects.")
    sub = ap.add_subparsers(dest="command", metavar="COMMAND")
    run = sub.add_parser("run", help=COMMANDS["run"], description=COMMANDS["run"])
    run.add_argument("paths", nargs="*", default=["raw"], metavar="PATH", help="PDF files or directories (default: raw)")
    run.add_argument("--curated", default="curated", metavar="DIR", help="output dataset (default: curated)")
    return ap


def main(argv: list[str] | None = None) -> int:
    ap = parser()
    args = ap.parse_args(argv)
    if args.command is None:
        ap.print_help()
        return 2
    missing = [p for p in args.paths if not os.path.exists(p)]
    if missing:
        print(f"aidplans: no such file or directory: {', '.join(missing)}. Try: aidplans run raw/", file=sys.stderr)
        return 2
    _quiet_prefect()
    from flows.ingest import ingest
    summary = ingest(paths=args.paths, curated=args.curated)
    for line in summary.lines:
        print(line)
    return summary.exit_code


if __name__ == "__main__":
    sys.exit(main())
