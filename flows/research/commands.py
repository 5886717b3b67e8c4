"""The researchers' commands behind `aidplans query|export|report|dictionary`: each reads one
commit of the dataset, and any failure is one line with advice (exit 2), never a traceback."""
from __future__ import annotations

import sys
from pathlib import Path

QUERY_FORMATS = ("table", "csv", "json")
EXPORT_FORMATS = ("csv", "xlsx", "parquet", "sqlite")


def run_command(args) -> int:
    """Run one research command; 0 done, 1 `dictionary --check` found a difference, 2 an error."""
    from flows.research.charts import ChartError
    from flows.research.data import DatasetError
    from flows.research.export import ExportError
    from flows.research.query import QueryError
    from flows.research.report import ReportError
    from flows.store import StoreError
    try:
        return {"query": _query, "export": _export, "report": _report, "dictionary": _dictionary}[args.command](args)
    except QueryError as exc:
        first, _, rest = str(exc).partition("\n")
        print(f"aidplans query: {first}; check the SQL against the views below", file=sys.stderr)
        print(rest, file=sys.stderr)
        return 2
    except (DatasetError, ExportError, ReportError, ChartError, StoreError) as exc:
        print(f"aidplans {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"aidplans {args.command}: interrupted; the dataset is unchanged (files are replaced whole, "
              f"so nothing half-written is left under --out)", file=sys.stderr)
        return 130


def _tables(args):
    from flows.research.data import load
    return load(args.curated)


def _query(args) -> int:
    from flows.research.query import render, run
    sys.stdout.write(render(run(_tables(args), args.sql), args.format))
    return 0


def _export(args) -> int:
    from flows.research.export import export
    tables = _tables(args)
    for path in export(tables, args.format, args.out):
        print(f"wrote {path}")
    print(f"exported {', '.join(f'{t.num_rows} {n}' for n, t in tables.items())} from {args.curated}")
    return 0


def _report(args) -> int:
    from flows.research.report import write_report
    path = write_report(_tables(args), args.out, args.curated)
    print(f"wrote {path} (open it in a browser; it needs no server and no network)")
    if args.screenshot:
        from flows.research.browser import BrowserError, view
        try:
            page = view(path, Path(args.screenshot))
        except BrowserError as exc:
            print(f"aidplans report: no screenshot: {exc}", file=sys.stderr)
            return 2
        for line in page.console:
            print(f"aidplans report: the page logged: {line}", file=sys.stderr)
        print(f"wrote {args.screenshot}")
        return 2 if page.console else 0
    return 0


def _dictionary(args) -> int:
    from flows.research.dictionary import render, write
    if args.check:
        out = Path(args.out)
        same = out.exists() and out.read_text(encoding="utf-8") == render()
        print(f"{out} {'matches' if same else 'differs from'} the column declaration (schemas/tables.py)"
              + ("" if same else "; run `aidplans dictionary` to regenerate it"), file=sys.stdout if same else sys.stderr)
        return 0 if same else 1
    try:
        print(f"wrote {write(args.out)}")
    except OSError as exc:
        print(f"aidplans dictionary: cannot write {args.out}: {exc.strerror or exc}; give --out a writable file",
              file=sys.stderr)
        return 2
    return 0
