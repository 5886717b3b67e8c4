"""Open a page in headless Chromium (Debian package `chromium`): its DOM after loading, a PNG
screenshot, and every message the page wrote to the console (the report has no scripts, so any
message is an error: a failed load, a script error)."""
from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
CONSOLE = re.compile(r":CONSOLE[^\]]*\]\s*(.*)")
TIMEOUT = 120


class BrowserError(RuntimeError):
    """No headless browser here, or it failed to open the page."""


@dataclass
class PageView:
    dom: str
    console: list[str]
    screenshot: Path | None


def browser() -> str | None:
    """The path of a Chromium-type browser, or None."""
    return next((p for p in map(shutil.which, BROWSERS) if p), None)


def view(page: Path, screenshot: Path | None = None, width: int = 1280, height: int = 2400) -> PageView:
    """Load `page` (a local file) headless: its DOM, its console messages, and a screenshot if asked."""
    exe = browser()
    if exe is None:
        raise BrowserError("no Chromium found (chromium, chromium-browser, google-chrome); install it: "
                           "apt-get install -y chromium fonts-noto-cjk")
    url = Path(page).resolve().as_uri()
    with tempfile.TemporaryDirectory(prefix="aidplans-chromium-") as profile:
        base = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                "--disable-extensions", "--disable-background-networking", f"--user-data-dir={profile}",
                "--enable-logging=stderr", "--v=0", f"--window-size={width},{height}"]
        dom = _run(base + ["--dump-dom", url])
        console = [m.group(1) for m in CONSOLE.finditer(dom.stderr)]
        if screenshot is not None:
            Path(screenshot).parent.mkdir(parents=True, exist_ok=True)
            shot = _run(base + [f"--screenshot={Path(screenshot).resolve()}", url])
            console += [m.group(1) for m in CONSOLE.finditer(shot.stderr)]
            if not Path(screenshot).exists():
                raise BrowserError(f"Chromium wrote no screenshot of {page}: {shot.stderr.strip()[-300:]}")
    return PageView(dom.stdout, console, Path(screenshot) if screenshot else None)


def _run(cmd: list[str]) -> subprocess.CompletedProcess:
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        raise BrowserError(f"Chromium did not finish within {TIMEOUT} s") from exc
    if done.returncode != 0:
        raise BrowserError(f"Chromium failed (exit {done.returncode}): {done.stderr.strip()[-300:]}")
    return done
