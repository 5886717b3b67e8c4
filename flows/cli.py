"""The `aidplans` command. Errors become one line of advice; exit 0 all landed, 1 some rejected,
2 usage or environment (a missing path, a dataset that cannot be written, a busy dataset with --no-wait).
The researchers' commands (query, export, report, dictionary: flows/research/) exit 0 done, 2 on an
error (bad SQL, no dataset, an unusable --out), 1 when `dictionary --check` finds the file out of step.

`run` and `backfill` take the dataset's writer lock first, then decide whether anything needs
doing before Prefect is imported: a run over inputs that are all curated at this pipeline
version (with overrides unchanged) finishes without starting Prefect's server, unless a
server is configured (PREFECT_API_URL), which should record every run.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

COMMANDS = {
    "run": "ingest plan PDFs (files or directories, default raw/) into the curated dataset",
    "backfill": "land a directory tree of historical PDFs in raw/ and ingest it, resumably, with progress",
    "nightly": "fetch new documents from the sources file (inboxes, HTTP listings) and ingest only those",
    "serve": "serve the nightly flow on a cron schedule (needs a Prefect server: see README)",
    "query": "run DuckDB SQL over the dataset (views documents, projects, corrections, quarantine)",
    "export": "write the dataset as CSV, XLSX, parquet or SQLite files for other tools",
    "report": "write a static HTML report: charts of the funds, documents, flagged records",
    "dictionary": "write docs/DATA.md, the data dictionary, from the column declaration",
    "review": "write the review queue (flagged values, doubtful corrections, conflicts, quarantined values) "
              "as CSV/XLSX and an HTML page with crops of the printed page",
}
RESEARCH = ("query", "export", "report", "dictionary")
DEFAULT_CRON = "30 2 * * *"


def _embedded_prefect() -> None:
    """Embedded Prefect: a temporary local server unless PREFECT_API_URL is set; no telemetry; warnings only."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
    # a fresh PREFECT_HOME migrates its database first: on a busy machine that outlasts Prefect's 20 s
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


def _api_url() -> str | None:
    from prefect.settings import PREFECT_API_URL
    return PREFECT_API_URL.value()


def _server_configured() -> bool:
    """Whether a Prefect server is configured (environment or the active Prefect profile), decided
    without importing Prefect (seconds), so that a no-op run stays fast."""
    if os.environ.get("PREFECT_API_URL"):
        return True
    import tomllib
    home = Path(os.environ.get("PREFECT_HOME", Path.home() / ".prefect")).expanduser()
    try:
        profiles = tomllib.loads((home / "profiles.toml").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    active = os.environ.get("PREFECT_PROFILE") or profiles.get("active", "ephemeral")
    return bool(profiles.get("profiles", {}).get(active, {}).get("PREFECT_API_URL"))


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="aidplans", description="Plan PDFs → a curated parquet dataset of aid projects.")
    sub = ap.add_subparsers(dest="command", metavar="COMMAND")

    def cmd(name):
        return sub.add_parser(name, help=COMMANDS[name], description=COMMANDS[name])

    def common(p, raw=True, wait=True):
        p.add_argument("--curated", default="curated", metavar="DIR", help="output dataset (default: curated)")
        if wait:
            p.add_argument("--no-wait", action="store_true",
                           help="fail at once (exit 2) when another run is writing the dataset, instead of waiting")
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
    common(sv, wait=False)
    _research_commands(cmd)
    from flows.review.command import add_arguments
    add_arguments(cmd("review"))
    return ap


def _research_commands(cmd) -> None:
    """query, export, report read one commit of the dataset, dictionary the column declaration;
    none writes the dataset."""
    from flows.research.commands import EXPORT_FORMATS, QUERY_FORMATS
    curated = {"default": "curated", "metavar": "DIR", "help": "the dataset (default: curated)"}
    q = cmd("query")
    q.add_argument("sql", metavar="SQL", help='e.g. "select plan_year, sum(aid_funds_wan) from projects group by all"')
    q.add_argument("--curated", **curated)
    q.add_argument("--format", choices=QUERY_FORMATS, default="table", help="output (default: an aligned table)")
    ex = cmd("export")
    ex.add_argument("--format", choices=EXPORT_FORMATS, required=True, help="file format")
    ex.add_argument("--curated", **curated)
    ex.add_argument("--out", metavar="PATH", help="folder (csv, parquet) or file (xlsx, sqlite); default under exports/")
    rp = cmd("report")
    rp.add_argument("--curated", **curated)
    rp.add_argument("--out", default="report", metavar="DIR", help="folder for index.html (default: report)")
    rp.add_argument("--screenshot", metavar="PNG", help="also save a screenshot of the page (needs chromium)")
    di = cmd("dictionary")
    di.add_argument("--out", default="docs/DATA.md", metavar="FILE", help="where to write it (default: docs/DATA.md)")
    di.add_argument("--check", action="store_true", help="write nothing; exit 1 when FILE differs from the declaration")


def main(argv: list[str] | None = None) -> int:
    ap = parser()
    args = ap.parse_args(argv)
    if args.command is None:
        ap.print_help()
        return 2
    if args.command == "review":
        from flows.review.command import run_review          # reads the dataset and the overrides file
        return run_review(args)
    if args.command in RESEARCH:
        from flows.research.commands import run_command       # reads the dataset; never Prefect
        return run_command(args)
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
    if os.path.exists(args.curated) and not os.path.isdir(args.curated):
        print(f"aidplans: --curated {args.curated} is a file, not a dataset folder; give a folder "
              f"(it is created if missing)", file=sys.stderr)
        return 2
    _embedded_prefect()
    if args.command == "serve" and not _api_url():
        print("aidplans: serve needs a Prefect server to keep the schedule. Try: prefect server start, then "
              "export PREFECT_API_URL=http://127.0.0.1:4200/api and run serve again; or run "
              "`aidplans nightly` from cron (README, Scheduling)", file=sys.stderr)
        return 2
    from flows.embedded import ServerError
    from flows.lock import LockBusy
    from flows.store import StoreError
    try:
        summary = _dispatch(args, " ".join(["aidplans"] + (argv if argv is not None else sys.argv[1:])))
    except (StoreError, LockBusy, ServerError) as exc:
        print(f"aidplans: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("aidplans: interrupted; the dataset is as it was before the unfinished commit "
              "(the next run cleans up)", file=sys.stderr)
        return 130
    except Exception as exc:                  # noqa: BLE001 - one line, never a traceback
        from flows.sources import SourcesError
        if not isinstance(exc, SourcesError):
            raise
        print(f"aidplans: {exc}", file=sys.stderr)
        return 2
    if summary is None:
        return 0
    for line in summary.lines:
        print(line, file=sys.stderr if summary.error and line == summary.lines[-1] else sys.stdout)
    return summary.exit_code


def _dispatch(args, command: str):
    if args.command == "run":
        return _run(args, command)
    if args.command == "backfill":
        return _backfill(args, command)
    from flows.sources import load_sources
    load_sources(args.sources)                # fail early, with the file named
    if args.command == "nightly":
        from flows.nightly import run_nightly          # decides its no-op itself, then starts Prefect
        with _writer(args.curated, args.no_wait, command):
            return run_nightly(sources=args.sources, raw=args.raw, curated=args.curated)
    from flows.nightly import nightly
    nightly.serve(name="aidplans-nightly", cron=args.cron,
                  parameters={"sources": os.path.abspath(args.sources), "raw": os.path.abspath(args.raw),
                              "curated": os.path.abspath(args.curated)})
    return None


@contextmanager
def _writer(curated: str, no_wait: bool, command: str):
    """The writer lock for the whole command; yields False (no lock) for a dataset that cannot take
    a lock file (read-only): such a run may still find it has nothing to do."""
    from flows import lock
    from flows.store import CuratedStore, StoreError
    with ExitStack() as stack:
        try:
            stack.enter_context(CuratedStore(curated).writing(wait=not no_wait, note=command))
            writable = True
        except StoreError as exc:
            if not isinstance(exc.__cause__, lock.NotWritable):
                raise
            writable = False
        yield writable


def _must_write(curated: str, writable: bool) -> None:
    from flows.store import StoreError
    if not writable or not os.access(curated, os.W_OK):
        raise StoreError(f"cannot write the dataset at {curated} (read-only or permission denied); "
                         f"make it writable or give --curated another folder; nothing was changed")


def _run(args, command: str):
    from flows.curate import discover, noop_summary, write_run_summary
    started = time.time()
    with _writer(args.curated, args.no_wait, command) as writable:
        noop = None if args.force else \
            noop_summary([str(p) for p in discover(args.paths)], args.curated, started)
        if noop is not None and not _server_configured():
            write_run_summary(args.curated, noop, started)
            return noop
        if noop is None:
            _must_write(args.curated, writable)
        with _prefect():
            from flows.ingest import ingest, task_runner
            flow = ingest.with_options(task_runner=task_runner(args.workers, args.dask))
            return flow(paths=args.paths, curated=args.curated, force=args.force, progress=sys.stderr.isatty())


def _backfill(args, command: str):
    from flows.curate import backfill_line, discover, noop_summary, write_run_summary
    from flows.raw import land
    started = time.time()
    with _writer(args.curated, args.no_wait, command) as writable:
        files = [str(p) for p in discover([args.directory])]
        landed, notes, unreadable = land(files, args.raw, f"backfill:{args.directory}")
        noop = None if unreadable else noop_summary([p for p, _ in landed.values()], args.curated, started)
        if noop is not None and not _server_configured():
            noop.lines = notes + [backfill_line(noop, len(files), len(landed), args.curated)]
            write_run_summary(args.curated, noop, started)
            return noop
        if noop is None:
            _must_write(args.curated, writable)
        with _prefect():
            from flows.backfill import backfill
            return backfill(directory=args.directory, raw=args.raw, curated=args.curated, chunk_size=args.chunk,
                            workers=args.workers, dask_address=args.dask, progress=True)


@contextmanager
def _prefect():
    """Prefect's temporary server tied to this process (no orphan when it is killed), and its URL
    in the settings for the run, so that worker processes use it rather than start their own."""
    from flows.embedded import ServerError, start_server
    try:
        url = start_server()
    except RuntimeError as exc:
        raise ServerError(f"Prefect's temporary server did not start ({str(exc).splitlines()[0][:200]}); "
                          f"run again, or start one with `prefect server start` and set PREFECT_API_URL") from exc
    if url is None:
        yield
        return
    from prefect.settings import PREFECT_API_URL, temporary_settings
    with temporary_settings(updates={PREFECT_API_URL: url}):
        yield


if __name__ == "__main__":
    sys.exit(main())
