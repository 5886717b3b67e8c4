"""raw/ as an immutable, content-addressed landing zone with a manifest.

Each file is kept once, as `store/<sha[:2]>/<sha256>.pdf`; `manifest.jsonl` has one line
per version seen: origin (original path or URL), source, first_seen, size, sha256, and the
HTTP validators (ETag, Last-Modified) or the file's mtime used to skip unchanged inputs
without reading them. A changed file under a known origin is a new version; the old one
stays. Lines are appended and fsynced; a torn last line (a crash mid-write) is ignored.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

MANIFEST = "manifest.jsonl"


@dataclass(frozen=True)
class RawEntry:
    sha256: str
    size: int
    origin: str
    source: str
    first_seen: str
    path: str                       # the stored copy, relative to the raw root's parent
    mtime: float | None = None
    etag: str | None = None
    last_modified: str | None = None


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class RawStore:
    def __init__(self, root: Path):
        self.root = Path(root)
        (self.root / "store").mkdir(parents=True, exist_ok=True)
        self.entries: list[RawEntry] = []
        self.by_sha: dict[str, RawEntry] = {}
        self.by_origin: dict[str, RawEntry] = {}      # latest version per origin
        self._load()

    def _load(self) -> None:
        path = self.root / MANIFEST
        if not path.exists():
            return
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                e = RawEntry(**json.loads(line))
            except (json.JSONDecodeError, TypeError):
                continue   # a torn last line from a crash
            self._index(e)

    def _index(self, e: RawEntry) -> None:
        self.entries.append(e)
        self.by_sha.setdefault(e.sha256, e)
        self.by_origin[e.origin] = e

    def stored_path(self, sha: str) -> Path:
        return self.root / "store" / sha[:2] / f"{sha}.pdf"

    def unchanged_local(self, path: Path) -> RawEntry | None:
        """The entry for a local file whose origin, size and mtime are as recorded (no read needed)."""
        e = self.by_origin.get(str(path))
        if e is None or e.mtime is None:
            return None
        st = path.stat()
        return e if st.st_size == e.size and abs(st.st_mtime - e.mtime) < 1e-6 else None

    def add_bytes(self, data: bytes, origin: str, source: str, *, mtime: float | None = None,
                  etag: str | None = None, last_modified: str | None = None) -> tuple[RawEntry, bool]:
        """Land content; returns (entry, is_new_version). Known content under a known origin is a no-op."""
        sha = hashlib.sha256(data).hexdigest()
        prev = self.by_origin.get(origin)
        if prev is not None and prev.sha256 == sha:
            if (mtime, etag, last_modified) != (prev.mtime, prev.etag, prev.last_modified):
                self._append(RawEntry(**{**asdict(prev), "mtime": mtime, "etag": etag,
                                         "last_modified": last_modified}))
            return self.by_origin[origin], False
        is_new = sha not in self.by_sha
        target = self.stored_path(sha)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.parent / f".{sha}.{os.getpid()}.tmp"
            with open(tmp, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        entry = RawEntry(sha, len(data), origin, source, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                         str(target), mtime, etag, last_modified)
        self._append(entry)
        return entry, is_new

    def add_file(self, path: Path, source: str) -> tuple[RawEntry, bool]:
        """Land a local file, skipping it unread when its size and mtime are as last seen."""
        known = self.unchanged_local(path)
        if known is not None:
            return known, False
        return self.add_bytes(path.read_bytes(), str(path), source, mtime=path.stat().st_mtime)

    def _append(self, e: RawEntry) -> None:
        with open(self.root / MANIFEST, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(asdict(e), ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        self._index(e)


def land(files: list[str], raw: str, source: str) -> tuple[dict[str, tuple[str, str]], list[str], list[str]]:
    """Copy files into the raw store: sha256 → (stored path, origin) for each distinct content; a line
    for each file whose content an earlier one already brought (both named as given); and a line
    for each file that cannot be read."""
    store = RawStore(Path(raw))
    out: dict[str, tuple[str, str]] = {}
    notes, failed = [], []
    for f in files:
        try:
            entry, _ = store.add_file(Path(f), source=source)
        except OSError as exc:
            if exc.filename and not str(exc.filename).startswith(str(f)):
                raise                                  # raw/ itself cannot be written: not this file's fault
            failed.append(f"{f}: cannot be read ({exc.strerror}); check the file and its permissions")
            continue
        if entry.sha256 in out and out[entry.sha256][1] != f:
            notes.append(f"{f}: same content as {out[entry.sha256][1]}; landed once")
        out.setdefault(entry.sha256, (entry.path, f))
    return out, notes, failed
