"""Locks on a curated dataset: one writer at a time, and readers that see one commit whole.

Two `fcntl.flock` locks on hidden files in the dataset folder (the kernel drops them when a
process dies, however it dies, so a killed run never leaves a stale lock):

- `.aidplans.lock`, exclusive: held by a writing run from reading the current state to the
  end of its commit. The holder writes its pid, command and start time into the file so a
  second writer can say whom it waits for.
- `.aidplans.commit.lock`: exclusive while a commit's files are renamed into place, shared
  by readers (`CuratedStore.snapshot`) while they read the three tables; readers therefore
  wait only for the renames, never for a whole run.

Both are re-entrant within a process (the CLI takes the writer lock before Prefect starts,
the flow and its write task take it again). A dataset on a read-only file system where no
lock file exists yet is read without locks: nobody can write it either.
"""
from __future__ import annotations

import fcntl
import os
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

WRITER = ".aidplans.lock"
COMMIT = ".aidplans.commit.lock"

_held: dict[tuple[str, str], list] = {}     # (folder, lock name) → [fd, count, mode]
_guard = threading.Lock()


class LockBusy(RuntimeError):
    """Another run holds the writer lock and the caller asked not to wait."""


class NotWritable(RuntimeError):
    """The dataset folder cannot take a lock file (read-only, permission denied, not a folder)."""


def holder(root: Path) -> str:
    """Who holds the writer lock, as its holder wrote it ('' when unknown)."""
    try:
        return (Path(root) / WRITER).read_text(encoding="utf-8").strip()
    except OSError:
        return ""


@contextmanager
def writer(root: Path, wait: bool = True, announce=None, note: str = ""):
    """Hold the dataset's writer lock. Busy: print one line and wait, or raise LockBusy (wait=False)."""
    key = (str(Path(root).resolve()), WRITER)
    with _guard:
        if key in _held:
            _held[key][1] += 1
            entry = None
        else:
            entry = True
    if entry is None:
        try:
            yield
        finally:
            _release(key)
        return
    fd = _open(Path(root) / WRITER)
    try:
        if not _try(fd, fcntl.LOCK_EX):
            who = holder(root) or "another process"
            if not wait:
                raise LockBusy(f"{Path(root)} is being written by {who}; wait for it to finish, "
                               f"or run again without --no-wait to wait for it")
            (announce or _stderr)(f"waiting for {Path(root) / WRITER}: held by {who}")
            fcntl.flock(fd, fcntl.LOCK_EX)
        _stamp(fd, note)
    except BaseException:
        os.close(fd)
        raise
    with _guard:
        _held[key] = [fd, 1, fcntl.LOCK_EX]
    try:
        yield
    finally:
        _release(key)


@contextmanager
def commit_view(root: Path, exclusive: bool):
    """The commit lock: exclusive while renaming a commit into place, shared while reading tables."""
    key = (str(Path(root).resolve()), COMMIT)
    with _guard:
        if key in _held:
            _held[key][1] += 1
            fd = None
        else:
            fd = -1
    if fd is None:
        try:
            yield
        finally:
            _release(key)
        return
    if not exclusive and not Path(root).is_dir():
        yield                                   # nothing written yet: nothing to wait for
        return
    try:
        fd = _open(Path(root) / COMMIT)
    except NotWritable:
        if exclusive:
            raise
        yield                                   # a read-only dataset without lock files: nobody writes it
        return
    fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
    with _guard:
        _held[key] = [fd, 1, exclusive]
    try:
        yield
    finally:
        _release(key)


def _open(path: Path) -> int:
    """An fd for flock: read-write (created if missing) when possible, else an existing file read-only."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        first = exc
    try:
        return os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        raise NotWritable(f"{path.parent}: {first.strerror}") from first


def _try(fd: int, mode: int) -> bool:
    try:
        fcntl.flock(fd, mode | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def _stamp(fd: int, note: str) -> None:
    """Write who holds the lock (best effort: a read-only lock file stays as it is)."""
    text = f"pid {os.getpid()}" + (f", {note}" if note else "") + \
        time.strftime(", since %Y-%m-%d %H:%M:%S UTC", time.gmtime())
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, text.encode("utf-8"), 0)
    except OSError:
        pass


def _release(key: tuple[str, str]) -> None:
    with _guard:
        entry = _held[key]
        entry[1] -= 1
        if entry[1]:
            return
        del _held[key]
    fd = entry[0]
    if key[1] == WRITER:
        try:
            os.ftruncate(fd, 0)
        except OSError:
            pass
    os.close(fd)                                # closing the last fd drops the flock


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
