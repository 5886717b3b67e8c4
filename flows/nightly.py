"""The nightly run: collect what is new from the sources, land it in raw/, ingest only that.

`run_nightly` (the `aidplans nightly` command) checks the whole sources file first, then
collects from every source with plain functions; one source's trouble is a line in the run
summary, never the end of the run. Only when something needs ingesting (new files, files
landed but never curated, an overrides file that changed) or a Prefect server is set
(PREFECT_API_URL, so it records the run) does it start the Prefect flow `nightly`, which
`aidplans serve` also schedules. A no-op night costs a listing request per HTTP source, a
conditional GET per known link and a stat per inbox file, and no Prefect at all.
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow, task

from flows.fetch import FetchError, client, download, pdf_links, scope_of
from flows.curate import overrides_pending
from flows.ingest import RunSummary, discover, ingest, write_run_summary
from flows.raw import RawStore
from flows.sources import Source, load_sources
from flows.store import CuratedStore
from schemas.settings import Settings

NIGHTLY_SOURCES = ("http:", "inbox:")      # raw/ entries the nightly lands (backfill's are its own)


@dataclass
class Collected:
    """What the sources gave tonight: newly landed raw files and the problems met."""
    new: dict[str, str] = field(default_factory=dict)     # stored path → origin
    seen: int = 0
    problems: list[str] = field(default_factory=list)

    def add(self, other: Collected) -> Collected:
        self.new.update(other.new)
        self.seen += other.seen
        self.problems += other.problems
        return self


def collect_source(source: Source, raw: str, settings: Settings) -> Collected:
    """Land what one source has that raw/ does not; whatever goes wrong is a problem line."""
    try:
        return (_collect_inbox if source.path is not None else _collect_site)(source, RawStore(Path(raw)), settings)
    except OSError as exc:
        return Collected(problems=[f"{source.name}: stopped: {exc.strerror or exc} ({exc.filename or raw}); "
                                   f"check the disk and permissions; the other sources were still fetched"])
    except Exception as exc:       # an unwatched nightly never stops for one source
        return Collected(problems=[f"{source.name}: stopped by an unexpected {type(exc).__name__} ({exc}); "
                                   f"the other sources were still fetched; please report it"])


def _collect_inbox(source: Source, store: RawStore, settings: Settings) -> Collected:
    out = Collected()
    if not source.path.is_dir():
        out.problems.append(f"{source.name}: inbox {source.path} is not a directory; create it or fix the sources file")
        return out
    for f in discover([str(source.path)]):
        out.seen += 1
        try:
            entry, new = store.add_file(f, source=f"inbox:{source.name}")
        except OSError as exc:
            out.problems.append(f"{source.name}: {f}: cannot be read ({exc.strerror}); check its permissions")
            continue
        if new:
            out.new[entry.path] = entry.origin
    return out


def _collect_site(source: Source, store: RawStore, settings: Settings) -> Collected:
    out, scope = Collected(), scope_of(source.url, source.hosts)
    with client(settings) as http:
        try:
            links = pdf_links(http, source.url, scope, settings)
        except FetchError as exc:
            out.problems.append(f"{source.name}: listing {exc}")
            return out
        for url in links:
            out.seen += 1
            known = store.by_origin.get(url)
            try:
                d = download(http, url, scope, settings, known.etag if known else None,
                             known.last_modified if known else None)
            except FetchError as exc:
                out.problems.append(f"{source.name}: {exc}")
                continue
            if d.data is None:
                continue
            entry, new = store.add_bytes(d.data, url, f"http:{source.name}", etag=d.etag,
                                         last_modified=d.last_modified)
            if new:
                out.new[entry.path] = entry.origin
    return out


def pending(raw: str, curated: str, new: dict[str, str]) -> dict[str, str]:
    """Tonight's new files and the nightly's earlier ones never curated (a run stopped after landing)."""
    done = set()
    for row in CuratedStore(Path(curated)).rows("documents", ["sha256", "alternate_sha256"]):
        done |= {row["sha256"], *(row["alternate_sha256"] or [])}
    qdir = Path(curated) / "quarantine" / "files"
    for q in qdir.glob("*.json") if qdir.is_dir() else []:
        try:
            done.add(json.loads(q.read_text(encoding="utf-8")).get("sha256"))
        except (OSError, ValueError, AttributeError):
            continue
    out = dict(new)
    try:
        entries = list(RawStore(Path(raw)).by_origin.values())
    except OSError:
        entries = []                  # every source has already said why raw/ cannot be used
    for e in entries:
        if e.source.startswith(NIGHTLY_SOURCES) and e.sha256 not in done:
            out.setdefault(e.path, e.origin)
    return out


def quarantine_fetch_problem(curated: str, line: str) -> None:
    qdir = Path(curated) / "quarantine" / "fetch"
    qdir.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha1(": ".join(line.split(": ")[:2]).encode()).hexdigest()[:16]     # source and URL
    (qdir / f"{key}.json").write_text(json.dumps({"problem": line, "at": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                  time.gmtime())}, ensure_ascii=False), encoding="utf-8")


def finish(summary: RunSummary, got: Collected, curated: str, started: float) -> RunSummary:
    """The run's summary with every fetch problem in it, noted in quarantine/fetch/ and written to _runs/."""
    try:
        for line in got.problems:
            quarantine_fetch_problem(curated, line)
    except OSError as exc:
        summary.lines.append(f"note: fetch problems not noted in {Path(curated) / 'quarantine' / 'fetch'} "
                             f"({exc.strerror}); they are in this summary")
    summary.lines = [f"fetch problem: {p}" for p in got.problems] + summary.lines
    summary.failed += got.problems
    summary.rejected += len(got.problems)
    last = f"nightly: {got.seen} documents listed, {len(got.new)} new, {len(got.problems)} fetch problems"
    summary.lines.insert(len(summary.lines) - 1 if summary.error else len(summary.lines), last)   # the error stays last
    write_run_summary(curated, summary, started)
    return summary


def _prefect_server() -> bool:
    """Whether a Prefect server is configured (PREFECT_API_URL, in the environment or the profile)."""
    from prefect.settings import PREFECT_API_URL
    return bool(PREFECT_API_URL.value())


collect_task = task(name="collect-source")(collect_source)


@flow(name="nightly", log_prints=False)
def nightly(sources: str = "sources.toml", raw: str = "raw", curated: str = "curated",
            settings: Settings = Settings(), collected: Collected | None = None) -> RunSummary:
    """Pick up newly published plans from every source and ingest only those (`collected`: already fetched)."""
    started = time.time()
    if collected is None:
        collected = Collected()
        for source in load_sources(Path(sources)):
            collected.add(collect_task(source, raw, settings))
    todo = pending(raw, curated, collected.new)
    summary = ingest(paths=sorted(todo), curated=curated, settings=settings, origins=todo)
    return finish(summary, collected, curated, started)


def run_nightly(sources: str, raw: str, curated: str, settings: Settings = Settings()) -> RunSummary:
    """`aidplans nightly`: check the sources file (SourcesError lists every problem), fetch, then ingest
    through Prefect only when there is something to ingest or a Prefect server to record the run."""
    started = time.time()
    srcs = load_sources(Path(sources))
    got = Collected()
    for source in srcs:
        got.add(collect_source(source, raw, settings))
    changed, notes = overrides_pending(curated)
    if pending(raw, curated, got.new) or changed or _prefect_server():
        from flows.embedded import start_server
        start_server()                     # the temporary server dies with this process (None with a server)
        return nightly(sources=sources, raw=raw, curated=curated, settings=settings, collected=got)
    summary = RunSummary(notes, 0, 0, 0, 0)
    return finish(summary, got, curated, started)
