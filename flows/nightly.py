"""The `nightly` flow: collect what is new from the sources, land it in raw/, ingest only that.

A no-op night costs a listing request per HTTP source, a conditional GET per known link,
and a stat per inbox file: it grows with new documents, not with the archive.
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow, task

from flows.fetch import FetchError, client, download, pdf_links
from flows.ingest import RunSummary, discover, ingest, write_run_summary
from flows.raw import RawStore
from flows.sources import Source, load_sources
from schemas.settings import Settings


@dataclass
class Collected:
    """What one source gave tonight: newly landed raw files and the problems met."""
    new: dict[str, str] = field(default_factory=dict)     # stored path → origin
    seen: int = 0
    problems: list[str] = field(default_factory=list)


@task(name="collect-source")
def collect_source(source: Source, raw: str, settings: Settings) -> Collected:
    store, out = RawStore(Path(raw)), Collected()
    if source.path is not None:
        if not source.path.is_dir():
            out.problems.append(f"{source.name}: inbox {source.path} is not a directory; create it or fix the sources file")
            return out
        for f in discover([str(source.path)]):
            out.seen += 1
            entry, new = store.add_file(f, source=f"inbox:{source.name}")
            if new:
                out.new[entry.path] = entry.origin
        return out
    with client(settings) as http:
        try:
            links = pdf_links(http, source.url, settings)
        except FetchError as exc:
            out.problems.append(f"{source.name}: listing {exc}")
            return out
        for url in links:
            out.seen += 1
            known = store.by_origin.get(url)
            try:
                d = download(http, url, settings, known.etag if known else None,
                             known.last_modified if known else None)
            except FetchError as exc:
                out.problems.append(str(exc))
                continue
            if d.data is None:
                continue
            entry, new = store.add_bytes(d.data, url, f"http:{source.name}", etag=d.etag,
                                         last_modified=d.last_modified)
            if new:
                out.new[entry.path] = entry.origin
    return out


def quarantine_fetch_problem(curated: str, line: str) -> None:
    qdir = Path(curated) / "quarantine" / "fetch"
    qdir.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha1(line.split(": ", 1)[0].encode()).hexdigest()[:16]
    (qdir / f"{key}.json").write_text(json.dumps({"problem": line, "at": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                  time.gmtime())}, ensure_ascii=False), encoding="utf-8")


@flow(name="nightly", log_prints=False)
def nightly(sources: str = "sources.toml", raw: str = "raw", curated: str = "curated",
            settings: Settings = Settings()) -> RunSummary:
    """Pick up newly published plans from every source and ingest only those."""
    started = time.time()
    new: dict[str, str] = {}
    problems: list[str] = []
    seen = 0
    for source in load_sources(Path(sources)):
        got = collect_source(source, raw, settings)
        new.update(got.new)
        problems += got.problems
        seen += got.seen
    for line in problems:
        quarantine_fetch_problem(curated, line)
    if new:
        summary = ingest(paths=sorted(new), curated=curated, settings=settings, origins=new)
    else:
        summary = RunSummary([], 0, 0, 0, 0)
        write_run_summary(curated, summary, started)
    summary.lines = [f"fetch problem: {p}" for p in problems] + summary.lines
    summary.failed += problems
    summary.rejected += len(problems)
    summary.lines.append(f"nightly: {seen} documents listed, {len(new)} new, {len(problems)} fetch problems")
    return summary
