"""Prefect's temporary server, tied to the life of this process.

Without PREFECT_API_URL, Prefect starts a uvicorn subprocess on first use
(`prefect.server.api.server.SubprocessASGIServer`) and stops it from an `atexit` hook, which
never runs when the process is killed (SIGKILL, or SIGTERM with Python's default handler):
the server then lives on, reparented to init. Here the server is started from the main
thread before any flow runs, with the kernel's parent-death signal set in the child
(`prctl(PR_SET_PDEATHSIG, SIGKILL)`), so however this process ends, the server ends with it.
Prefect's own lazy `SubprocessASGIServer()` calls find this instance and reuse it.

Worker processes (`--workers N`) are spawned by a Prefect thread, so the parent-death signal
(which follows the spawning thread) cannot be used there: `watch_parent` runs in each worker
and ends it when its parent is gone; the workers talk to this process's server (its URL is
put in the settings they inherit) instead of starting their own.
"""
from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import threading
import time

PR_SET_PDEATHSIG = 1


class ServerError(RuntimeError):
    """Prefect's temporary server did not start."""


class _Subprocess:
    """The subprocess module as server.py sees it, with Popen children dying with this process."""

    def __init__(self, parent_pid: int):
        self._libc = ctypes.CDLL(None, use_errno=True)          # loaded before any fork
        self._parent = parent_pid

    def __getattr__(self, name):
        return getattr(subprocess, name)

    def Popen(self, *args, **kwargs):                          # noqa: N802 (the module's own name)
        libc, parent = self._libc, self._parent

        def die_with_parent():
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
            if os.getppid() != parent:                         # the parent died before prctl
                os._exit(1)
        kwargs.setdefault("preexec_fn", die_with_parent)
        return subprocess.Popen(*args, **kwargs)


def start_server() -> str | None:
    """Start the temporary server now, tied to this process; None when a server is configured
    (PREFECT_API_URL) or on a system without prctl (the server then stops at exit as usual)."""
    from prefect.settings import PREFECT_API_URL
    if PREFECT_API_URL.value() or not sys.platform.startswith("linux"):
        return None
    if threading.current_thread() is not threading.main_thread():
        raise RuntimeError("start_server() must run in the main thread (the parent-death signal follows "
                           "the thread that starts the server)")
    from prefect.server.api import server as srv
    if not isinstance(srv.subprocess, _Subprocess):
        srv.subprocess = _Subprocess(os.getpid())
    server = srv.SubprocessASGIServer()
    server.start()
    return server.api_url


def watch_parent(parent_pid: int) -> None:
    """A worker process's initializer: exit as soon as the process that started it is gone."""
    def watch():
        while os.getppid() == parent_pid:
            time.sleep(0.5)
        os._exit(1)
    threading.Thread(target=watch, name="watch-parent", daemon=True).start()
