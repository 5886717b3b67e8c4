"""Real processes against one dataset: two writers at once, kills at random moments and right after
each rename of a commit, and no process left behind by a killed run.

Most trials use tests/store_worker.py (the real store: lock, journal, renames; no Prefect) so that
20 trials stay cheap; a few run the `aidplans` command itself.
"""
from __future__ import annotations

import os
import pickle
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT, normalized, sample
from flows import lock
from flows.curate import DocResult, curate
from flows.store import CRASH_HOOK, JOURNAL, CuratedStore
from store_worker import version

WORKER = Path(__file__).with_name("store_worker.py")


def pickled(tmp_path: Path, doc) -> str:
    out = tmp_path / f"{doc.document.doc_id}.pickle"
    out.write_bytes(pickle.dumps(doc))
    return str(out)


def worker(*args: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(WORKER), *args], cwd=ROOT, env={**os.environ, **(env or {})},
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def go(p: subprocess.Popen) -> None:
    """Let a warmed-up loop worker start committing."""
    assert p.stdout.readline().strip() == "ready", p.stderr.read()[-2000:]
    p.stdin.write("go\n")
    p.stdin.flush()


def cli(*args: str) -> subprocess.Popen:
    env = {**os.environ, "PREFECT_LOGGING_LEVEL": "ERROR"}
    env.pop("PREFECT_API_URL", None)
    return subprocess.Popen([sys.executable, "-m", "flows.cli", *args], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def versions(curated: Path, plan_year: int = 2026) -> dict[str, set[str]]:
    """The version marks each table holds for one plan (see store_worker.version)."""
    snap = CuratedStore(curated).snapshot()
    return {"documents": set(snap.documents.loc[snap.documents["plan_year"] == plan_year, "issuer"]),
            "projects": set(snap.projects.loc[snap.projects["plan_year"] == plan_year, "notes"]),
            "corrections": set(snap.corrections.loc[snap.corrections["plan_year"] == plan_year, "corrected"])}


def recover(curated: Path) -> None:
    with CuratedStore(curated).writing():
        pass


def session_processes(sid: int) -> list[int]:
    """Live (non-zombie) processes of a session, from /proc."""
    out = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[3]) == sid and fields[0] != "Z":
            out.append(int(d.name))
    return out


def children(pid: int) -> list[str]:
    found = []
    for d in Path("/proc").iterdir():
        try:
            stat = (d / "stat").read_text()
            if int(stat[stat.rindex(")") + 2:].split()[1]) == pid:
                found.append((d / "cmdline").read_text().replace("\0", " "))
        except (OSError, ValueError):
            continue
    return found


def test_two_writers_at_once_lose_nothing_x20(tmp_path):
    a, b = pickled(tmp_path, normalized(sample("2023"))), pickled(tmp_path, normalized(sample("2026")))
    dirs = [str(tmp_path / f"c{i}") for i in range(20)]
    procs = [worker("race", a, "a", str(tmp_path / "sync"), *dirs), worker("race", b, "b", str(tmp_path / "sync"), *dirs)]
    for p in procs:
        _, err = p.communicate(timeout=600)
        assert p.returncode == 0, err[-2000:]
    for d in map(Path, dirs):
        snap = CuratedStore(d).snapshot()
        assert sorted(snap.documents["plan_year"]) == [2023, 2026], d
        assert sorted(snap.projects.groupby("plan_year").size().tolist()) == [11, 13], d
        assert not (d / JOURNAL).exists() and not list(d.rglob(".*.tmp"))


def test_sigkill_at_random_moments_x20_leaves_one_whole_commit(tmp_path):
    cur = tmp_path / "c"
    other, doc = normalized(sample("2023")), normalized(sample("2026"))
    curate([DocResult(other.document.source_file, doc=other)], str(cur))
    t0 = time.perf_counter()
    curate([DocResult(doc.document.source_file, doc=version(doc, 0))], str(cur))
    one_commit = time.perf_counter() - t0               # kills spread over a few commits, at any load
    untouched = CuratedStore(cur).read("projects").query("plan_year == 2023").reset_index(drop=True)
    job = pickled(tmp_path, doc)
    rng = random.Random(9)
    start = [1000 * (t + 1) for t in range(20)]
    spawned: list[subprocess.Popen] = []

    def spawn(first: int) -> subprocess.Popen:
        spawned.append(worker("loop", job, str(cur), str(first)))
        return spawned[-1]
    try:
        last = moved = 0
        nxt = spawn(start[0])
        for trial in range(20):
            p = nxt
            go(p)
            nxt = spawn(start[trial + 1]) if trial < 19 else None        # the next one warms up meanwhile
            time.sleep(rng.uniform(0.2, max(2.0, 3 * one_commit)))
            os.kill(p.pid, signal.SIGKILL)
            p.wait()
            assert session_processes(p.pid) == []
            seen = versions(cur)                           # a snapshot reader, before anyone recovers
            recover(cur)
            after = versions(cur)
            assert after == seen, f"trial {trial}"
            assert all(len(v) == 1 for v in after.values()) and len(set.union(*after.values())) == 1, after
            n = int(next(iter(after["projects"])).split()[1])
            assert n == last or n >= start[trial], f"trial {trial}: version {n} is neither before ({last}) nor after"
            moved += n > start[trial]                      # a commit done, the kill in a later one
            last = n
            assert not (cur / JOURNAL).exists() and not list(cur.rglob(".*.tmp"))
            kept = CuratedStore(cur).read("projects").query("plan_year == 2023").reset_index(drop=True)
            pd.testing.assert_frame_equal(kept, untouched)
    finally:
        for q in spawned:
            if q.poll() is None:
                q.kill()
                q.wait()
    assert moved >= 3, f"only {moved} of 20 kills came after a finished commit; the kills should spread over commits"


def test_snapshot_readers_see_one_whole_commit_while_a_writer_commits(tmp_path):
    cur = tmp_path / "c"
    doc = normalized(sample("2026"))
    p = worker("loop", pickled(tmp_path, doc), str(cur), "1")
    try:
        go(p)
        t = time.time()
        while time.time() - t < 60 and not (cur / "documents").exists():
            time.sleep(0.05)
        seen = set()
        t = time.time()
        while time.time() - t < 8:
            marks = versions(cur)          # before the first commit lands all three are empty: one state too
            assert all(len(v) <= 1 and v == marks["documents"] for v in marks.values()), marks
            seen |= marks["projects"]
    finally:
        os.kill(p.pid, signal.SIGKILL)
        p.wait()
    assert len(seen) >= 3, f"the writer committed too little to test against: {seen}"


@pytest.mark.parametrize("k", [1, 2, 3])
def test_sigkill_right_after_each_rename_of_a_commit(tmp_path, k):
    cur = tmp_path / "c"
    doc = normalized(sample("2026"))
    curate([DocResult(doc.document.source_file, doc=version(doc, 0))], str(cur))
    p = worker("once", pickled(tmp_path, doc), str(cur), "1", env={CRASH_HOOK: str(k)})
    p.communicate(timeout=300)
    assert p.returncode == -signal.SIGKILL
    assert (cur / JOURNAL).exists()
    plain = {t: set(pd.read_parquet(cur / t)[c]) for t, c in
             (("documents", "issuer"), ("projects", "notes"), ("corrections", "corrected"))}
    assert len(set.union(*plain.values())) == (2 if k < 3 else 1)      # a globbing reader sees the renames so far
    whole = {t: {"version 1"} for t in ("documents", "projects", "corrections")}
    assert versions(cur) == whole                                       # a snapshot reader sees the commit whole
    recover(cur)
    assert versions(cur) == whole and not (cur / JOURNAL).exists() and not list(cur.rglob(".*.tmp"))


def test_no_wait_fails_at_once_naming_the_other_run(tmp_path):
    cur = tmp_path / "c"
    with lock.writer(cur, note="aidplans backfill /archive"):
        t = time.time()
        p = cli("run", str(sample("2023")), "--curated", str(cur), "--no-wait")
        out, err = p.communicate(timeout=120)
    assert p.returncode == 2 and time.time() - t < 60
    assert err.count("\n") == 1 and f"pid {os.getpid()}" in err and "aidplans backfill /archive" in err
    assert "--no-wait" in err and not (cur / "documents").exists()


def test_two_cli_runs_at_once_land_both_plans(tmp_path):
    cur = tmp_path / "c"
    a = cli("run", str(sample("2023")), "--curated", str(cur))
    b = cli("run", str(sample("2026")), "--curated", str(cur))
    results = [p.communicate(timeout=600) for p in (a, b)]
    assert [a.returncode, b.returncode] == [0, 0], results
    assert any("waiting for" in err and ".aidplans.lock" in err for _, err in results)
    snap = CuratedStore(cur).snapshot()
    assert sorted(snap.documents["plan_year"]) == [2023, 2026]
    assert len(snap.projects) == 24


@pytest.mark.parametrize("sig, extra, child", [(signal.SIGKILL, [], "uvicorn"), (signal.SIGTERM, [], "uvicorn"),
                                               (signal.SIGKILL, ["--workers", "2"], "spawn_main")])
def test_a_killed_run_leaves_no_process_behind(tmp_path, sig, extra, child):
    cur = tmp_path / "c"
    p = cli("run", str(ROOT / "raw" / "samples"), str(ROOT / "raw" / "scans"), "--curated", str(cur), *extra)
    deadline = time.time() + 300
    while not any(child in c for c in children(p.pid)) and time.time() < deadline and p.poll() is None:
        time.sleep(0.1)
    assert p.poll() is None, f"the run ended before a {child} process was seen"
    time.sleep(random.Random(sig).uniform(0, 3))
    os.kill(p.pid, sig)                                       # the CLI alone, as a user or a supervisor would
    p.communicate(timeout=60)
    deadline = time.time() + 30
    while session_processes(p.pid) and time.time() < deadline:
        time.sleep(0.2)
    assert session_processes(p.pid) == [], [children(p.pid)]
    recover(cur)
    snap = CuratedStore(cur).snapshot()
    assert len(snap.documents) in (0, 2) and len(snap.projects) == (24 if len(snap.documents) else 0)
    assert not (cur / JOURNAL).exists() and not list(cur.rglob(".*.tmp"))
