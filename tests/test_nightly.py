"""The nightly flow against a real HTTP server on 127.0.0.1 publishing the sample PDFs."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest

from conftest import DATA, sample
from flows.curate import overrides_pending
from flows.nightly import nightly, run_nightly
from flows.raw import RawStore
from schemas.settings import Settings

pytestmark = pytest.mark.usefixtures("prefect_harness")
FAST = Settings(http_read_timeout=0.5, http_connect_timeout=1, http_retries=1, http_backoff=0.05,
                max_download_bytes=400_000)
TROUBLE = ["missing.pdf", "slow.pdf", "huge.pdf", "page.pdf"]   # 404, timeout, oversized, not a PDF


class Site(BaseHTTPRequestHandler):
    root: Path
    hits: list[str]

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.hits.append(self.path)
        if self.path == "/loop/":                                       # a listing that redirects to itself
            self.send_response(302)
            self.send_header("Location", "/loop/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if self.path == "/plans/":
            links = sorted(p.name for p in self.root.glob("*.pdf")) + TROUBLE
            body = "".join(f'<li><a href="files/{n}">{n}</a></li>' for n in links)
            body += '<a href="../../etc/passwd.pdf">evil</a><a href="mailto:x@y.pdf">mail</a>'
            return self._send(200, f"<html><body><ul>{body}</ul></body></html>".encode(), "text/html")
        name = self.path.rsplit("/", 1)[-1]
        if name == "slow.pdf":
            time.sleep(2)
            return self._send(200, b"%PDF-1.4 late", "application/pdf")
        if name == "huge.pdf":
            return self._send(200, b"%PDF-1.4\n" + b"0" * 1_000_000, "application/pdf")
        if name == "page.pdf":
            return self._send(200, b"<html>login required</html>", "text/html")
        f = self.root / name
        if not f.exists():
            return self._send(404, b"not found", "text/plain")
        data = f.read_bytes()
        etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.end_headers()
            return None
        return self._send(200, data, "application/pdf", {"ETag": etag, "Last-Modified": formatdate(usegmt=True)})

    def _send(self, code, body, ctype, extra=None):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "site"
    root.mkdir()
    for p in (sample("2023"), sample("2026")):
        shutil.copy(p, root / p.name)
    handler = type("H", (Site,), {"root": root, "hits": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield root, f"http://127.0.0.1:{server.server_port}/plans/", handler.hits
    server.shutdown()


def sources(tmp_path, url, inbox=None):
    f = tmp_path / "sources.toml"
    text = f'[[source]]\nname = "site"\nurl = "{url}"\n'
    if inbox:
        text += f'[[source]]\nname = "inbox"\npath = "{inbox}"\n'
    f.write_text(text)
    return str(f)


def run(tmp_path, src):
    return nightly(sources=src, raw=str(tmp_path / "raw"), curated=str(tmp_path / "curated"), settings=FAST)


def test_first_run_ingests_second_is_a_no_op_then_only_the_new_one(site, tmp_path):
    root, url, hits = site
    src = sources(tmp_path, url)
    first = run(tmp_path, src)
    assert len(first.new) == 2 and first.projects == 24
    problems = "\n".join(first.failed)
    assert "missing.pdf: HTTP error (404" in problems
    assert "slow.pdf: gave up after retries" in problems
    assert "huge.pdf: larger than max_download_bytes" in problems
    assert "page.pdf: not a PDF" in problems
    assert "/etc/passwd.pdf: HTTP error (404" in problems       # a hostile link is only ever a URL
    assert len(first.failed) == 5 and first.exit_code == 1
    curated = tmp_path / "curated"
    snapshot = {p: p.read_bytes() for p in curated.rglob("*.parquet")}

    second = run(tmp_path, src)
    assert second.new == [] and second.projects == 0 and len(second.failed) == 5
    assert {p: p.read_bytes() for p in curated.rglob("*.parquet")} == snapshot

    shutil.copy(DATA / "2026_column_order_shuffled.pdf", root / "2026_reissued.pdf")
    third = run(tmp_path, src)
    assert len(third.new) == 1 and third.new[0].endswith(".pdf")
    docs = pd.read_parquet(curated / "documents")
    assert len(docs) == 2 and len(pd.read_parquet(curated / "projects")) == 24
    reissued = docs[docs["origin"].str.endswith("2026_reissued.pdf")]
    assert len(reissued) == 1 and len(reissued.iloc[0]["alternates"]) == 1   # the first 2026 copy is kept

    store = RawStore(tmp_path / "raw")
    assert len({e.sha256 for e in store.entries}) == 3
    assert all(Path(e.path).name == f"{e.sha256}.pdf" for e in store.entries)   # no names from URLs
    written = {p.name for p in tmp_path.rglob("*") if p.is_file()}
    assert not any("passwd" in n for n in written)


def test_inbox_source_and_missing_sources_file(site, tmp_path, capsys):
    _, url, _ = site
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(sample("2023"), inbox / "dropped.pdf")
    s = run(tmp_path, sources(tmp_path, url, inbox))
    assert any(n.endswith(".pdf") for n in s.new) and len(s.new) == 2     # the inbox copy is the site's 2023 file
    from flows.cli import main
    assert main(["nightly", "--sources", str(tmp_path / "nope.toml")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_one_hostile_source_does_not_stop_the_others(site, tmp_path):
    _, url, hits = site
    f = tmp_path / "sources.toml"
    base = url.rsplit("/plans/", 1)[0]
    f.write_text(f'[[source]]\nname = "looping"\nurl = "{base}/loop/"\n'
                 f'[[source]]\nname = "gone"\npath = "{tmp_path / "no-inbox"}"\n'
                 f'[[source]]\nname = "site"\nurl = "{url}"\n')
    s = run_nightly(str(f), str(tmp_path / "raw"), str(tmp_path / "curated"), FAST)
    assert len(s.new) == 2 and s.projects == 24 and s.exit_code == 1
    problems = "\n".join(s.failed)
    assert f"looping: listing {base}/loop/: redirect loop" in problems
    assert "gone: inbox" in problems and "is not a directory" in problems
    assert len(s.failed) == 7 and hits.count("/loop/") == 1              # a loop is not retried

    runs = [json.loads(r.read_text(encoding="utf-8")) for r in (tmp_path / "curated" / "_runs").glob("*.json")]
    [recorded] = [r for r in runs if r["lines"][-1].startswith("nightly:")]   # the night's own summary
    assert all(any(p in line for line in recorded["lines"]) for p in s.failed)   # every problem in the run summary
    assert len(list((tmp_path / "curated" / "quarantine" / "fetch").glob("*.json"))) == 7


def test_a_no_op_night_starts_no_prefect(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(sample("2026"), inbox / "plan.pdf")
    src = tmp_path / "sources.toml"
    src.write_text(f'[[source]]\nname = "inbox"\npath = "{inbox}"\n')
    first = run_nightly(str(src), str(tmp_path / "raw"), str(tmp_path / "curated"), FAST)
    assert len(first.new) == 1
    before = {p: p.read_bytes() for p in (tmp_path / "curated").rglob("*.parquet")}
    home = tmp_path / "prefect-home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(PREFECT_HOME=str(home), PREFECT_PROFILES_PATH=str(home / "profiles.toml"))
    p = subprocess.run([str(Path(sys.executable).parent / "aidplans"), "nightly", "--sources", str(src),
                        "--raw", str(tmp_path / "raw"), "--curated", str(tmp_path / "curated")],
                       capture_output=True, text=True, env=env, timeout=300)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip().splitlines()[-1] == "nightly: 1 documents listed, 0 new, 0 fetch problems"
    assert not list(home.rglob("*.db"))                                 # no Prefect server was started
    assert {p: p.read_bytes() for p in (tmp_path / "curated").rglob("*.parquet")} == before


def test_a_file_landed_but_never_curated_is_ingested_next_night(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(sample("2023"), inbox / "plan.pdf")
    f = tmp_path / "sources.toml"
    f.write_text(f'[[source]]\nname = "inbox"\npath = "{inbox}"\n')
    RawStore(tmp_path / "raw").add_file(inbox / "plan.pdf", source="inbox:inbox")   # a run stopped after landing
    s = run_nightly(str(f), str(tmp_path / "raw"), str(tmp_path / "curated"), FAST)
    assert len(s.new) == 1 and s.projects == 11 and s.exit_code == 0
    key = pd.read_parquet(tmp_path / "curated" / "documents")["plan_key"].item()
    (tmp_path / "curated" / "overrides.csv").write_text(f"plan_key,seq,field,value,note\n{key},10,location,峨边彝族自治县沙坪镇,\n",
                                                        encoding="utf-8")
    assert overrides_pending(str(tmp_path / "curated"))[0]             # so a night with nothing new still applies it
    s = run_nightly(str(f), str(tmp_path / "raw"), str(tmp_path / "curated"), FAST)
    assert s.new == [] and overrides_pending(str(tmp_path / "curated")) == (False, [])
    projects = pd.read_parquet(tmp_path / "curated" / "projects")
    assert projects.loc[projects["seq"] == 10, "location"].item() == "峨边彝族自治县沙坪镇"
