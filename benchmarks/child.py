"""Run one benchmark measurement in a fresh process and read back its JSON line.

The child gets its own PREFECT_HOME (no task results cached by an earlier measurement) and
its own process group, which is ended afterwards: Prefect's embedded server must not
outlive it (a server still holding the child's output pipe hangs the parent).
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path


def run_child(cmd: list[str], home: Path) -> dict:
    home.mkdir(parents=True, exist_ok=True)
    out, err = home / "stdout.txt", home / "stderr.txt"
    with open(out, "w") as o, open(err, "w") as e:
        p = subprocess.Popen(cmd, stdout=o, stderr=e, env={**os.environ, "PREFECT_HOME": str(home)},
                             start_new_session=True)
        code = p.wait()
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    if code:
        raise SystemExit(f"benchmark child failed (exit {code}):\n{out.read_text()[-2000:]}\n{err.read_text()[-4000:]}")
    return json.loads(out.read_text().strip().splitlines()[-1])
