"""Fetching from hostile servers (real HTTP servers on 127.0.0.1): every request stays on the listing's
host, every trouble is one line, and the good PDF listed after the trouble still lands."""
from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import sample
from flows.fetch import client, download, scope_of
from flows.nightly import collect_source
from flows.raw import RawStore
from flows.sources import Source
from schemas.settings import Settings

FAST = Settings(http_read_timeout=0.5, http_connect_timeout=1, http_retries=1, http_backoff=0.05,
                http_deadline=2.0, max_listing_bytes=64_000, max_download_bytes=400_000)
PDF = sample("2023").read_bytes()


class Server:
    """A real HTTP server on 127.0.0.1 answering each path with a route: (status, headers, body or callable)."""

    def __init__(self):
        self.routes: dict[str, object] = {}
        self.hits: list[str] = []
        outer = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                outer.hits.append(self.path)
                route = outer.routes.get(self.path)
                if route is None:
                    return self._send(404, {}, b"not found")
                if callable(route):
                    return route(self)
                return self._send(*route)

            def _send(self, code, headers, body):
                self.send_response(code)
                for k, v in {"Content-Length": str(len(body)), **headers}.items():
                    self.send_header(k, v)
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def listing(self, *hrefs: str, path: str = "/plans/") -> str:
        body = "".join(f'<a href="{h}">{h}</a>' for h in hrefs).encode()
        self.routes[path] = (200, {"Content-Type": "text/html; charset=utf-8"}, body)
        return self.base + path

    def pdf(self, path: str) -> str:
        self.routes[path] = (200, {"Content-Type": "application/pdf"}, PDF)
        return self.base + path

    def redirect(self, path: str, to: str, code: int = 302) -> str:
        self.routes[path] = (code, {"Location": to}, b"")
        return self.base + path


@pytest.fixture
def servers():
    made = [Server(), Server()]
    yield made
    for s in made:
        s.httpd.shutdown()


def collect(tmp_path, url, hosts=(), settings=FAST):
    got = collect_source(Source("site", url=url, hosts=hosts), str(tmp_path / "raw"), settings)
    return got, "\n".join(got.problems)


def landed(tmp_path) -> list[str]:
    return [e.origin for e in RawStore(tmp_path / "raw").entries]


def test_off_host_links_are_refused_and_the_rest_lands(servers, tmp_path):
    site, other = servers
    evil = other.pdf("/evil.pdf")
    url = site.listing(evil, "http://localhost:%d/x.pdf" % site.httpd.server_port, "/good.pdf")
    good = site.pdf("/good.pdf")
    got, problems = collect(tmp_path, url)
    assert other.hits == []                                         # nothing was asked of the other host
    assert f"site: {evil}: refused: off the listing's host" in problems
    assert "localhost" in problems and len(got.problems) == 2
    assert all("\n" not in p and "hosts = [...]" in p for p in got.problems)
    assert landed(tmp_path) == [good] and len(got.new) == 1


def test_a_host_the_source_lists_is_followed(servers, tmp_path):
    site, cdn = servers
    file = cdn.pdf("/cdn/plan.pdf")
    got, problems = collect(tmp_path, site.listing(file), hosts=(f"127.0.0.1:{cdn.httpd.server_port}",))
    assert got.problems == [] and landed(tmp_path) == [file]


def test_off_host_redirect_is_refused_and_the_rest_lands(servers, tmp_path):
    site, other = servers
    other.pdf("/x.pdf")
    site.redirect("/away.pdf", other.base + "/x.pdf")
    site.redirect("/listing-moved/", other.base + "/plans/")
    url = site.listing("/away.pdf", "/good.pdf")
    site.pdf("/good.pdf")
    got, problems = collect(tmp_path, url)
    assert other.hits == []
    assert f"{site.base}/away.pdf: refused: off the listing's host (redirected to {other.base}/x.pdf" in problems
    assert landed(tmp_path) == [site.base + "/good.pdf"] and len(got.problems) == 1
    got, problems = collect(tmp_path / "2", site.base + "/listing-moved/")
    assert other.hits == [] and "site: listing" in problems and "refused: off the listing's host" in problems


def test_redirect_loops_and_chains_and_file_targets_are_permanent_failures(servers, tmp_path):
    site, _ = servers
    site.redirect("/loop-a.pdf", "/loop-b.pdf")
    site.redirect("/loop-b.pdf", "/loop-a.pdf")
    for i in range(8):
        site.redirect(f"/chain{i}.pdf", f"/chain{i + 1}.pdf", 301)
    site.redirect("/file.pdf", "file:///etc/passwd")
    site.redirect("/ftp.pdf", "ftp://127.0.0.1/x.pdf")
    site.redirect("/broken.pdf", "http://[::1/x.pdf")
    url = site.listing("/loop-a.pdf", "/chain0.pdf", "/file.pdf", "/ftp.pdf", "/broken.pdf", "/bad\x01name.pdf",
                       "http://127.0.0.1:99999/x.pdf", "/rlo\u202efdp.pdf", "/good.pdf")
    site.pdf("/good.pdf")
    got, problems = collect(tmp_path, url)
    assert "bad\\x01name.pdf: not a usable address (Invalid non-printable ASCII character" in problems
    assert problems.isprintable() or set(problems) - set(filter(str.isprintable, problems)) == {"\n"}
    assert "99999/x.pdf: not a usable address" in problems
    assert "loop-a.pdf: redirect loop (back to" in problems
    assert "chain0.pdf: too many redirects" in problems
    assert "file.pdf: refused: not an http(s) address (redirected to file:///etc/passwd)" in problems
    assert "ftp.pdf: refused: not an http(s) address" in problems
    assert "broken.pdf: redirect without a usable Location" in problems
    assert "rlo\\u202efdp.pdf: HTTP error (404" in problems                  # shown escaped, never printed raw
    assert len(got.problems) == 8 and landed(tmp_path) == [site.base + "/good.pdf"]
    assert site.hits.count("/file.pdf") == 1 and site.hits.count("/loop-a.pdf") == 1   # never retried


def drip(handler):
    """200 OK, then one byte every 0.1 s for a minute: each read is quick, the whole is not."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/pdf")
    handler.send_header("Content-Length", "600")
    handler.end_headers()
    try:
        handler.wfile.write(b"%PDF-")
        for _ in range(595):
            handler.wfile.write(b"0")
            handler.wfile.flush()
            time.sleep(0.1)
    except (BrokenPipeError, ConnectionResetError):
        pass


def test_a_slow_drip_is_stopped_by_the_overall_deadline(servers, tmp_path):
    site, _ = servers
    site.routes["/drip.pdf"] = drip
    site.pdf("/good.pdf")
    started = time.monotonic()
    got, problems = collect(tmp_path, site.listing("/drip.pdf", "/good.pdf"))
    elapsed = time.monotonic() - started
    assert "drip.pdf: not finished within Settings.http_deadline" in problems and len(got.problems) == 1
    assert site.hits.count("/drip.pdf") == 1                     # a deadline is not retried
    assert elapsed < 20                                          # the drip alone would take 60 s
    assert landed(tmp_path) == [site.base + "/good.pdf"]


def test_an_oversized_listing_is_refused_unread(servers, tmp_path):
    site, _ = servers
    site.pdf("/good.pdf")
    big = b"<html>" + b'<a href="/good.pdf">x</a>' * 10_000
    site.routes["/big/"] = (200, {"Content-Type": "text/html"}, big)

    def undeclared(handler):            # no Content-Length: the cap holds while streaming
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()
        try:
            for _ in range(100):
                handler.wfile.write(b"<p>" + b"x" * 10_000 + b"</p>")
        except (BrokenPipeError, ConnectionResetError):
            pass
        handler.close_connection = True
    site.routes["/stream/"] = undeclared
    for path, detail in (("/big/", "bytes declared"), ("/stream/", "over 64000 bytes")):
        got, problems = collect(tmp_path, site.base + path)
        assert f"site: listing {site.base}{path}: listing page larger than max_listing_bytes" in problems
        assert detail in problems and len(got.problems) == 1 and got.new == {}


def test_a_listing_in_gbk_is_read(servers, tmp_path):
    site, _ = servers
    site.pdf("/计划.pdf".encode().decode("latin-1"))      # how the server sees the raw UTF-8 path
    body = '<meta charset="gbk"><a href="/files/a.pdf">二〇二三年实施方案</a>'.encode("gbk")
    site.routes["/gbk/"] = (200, {"Content-Type": "text/html"}, body)
    site.pdf("/files/a.pdf")
    got, problems = collect(tmp_path, site.base + "/gbk/")
    assert got.problems == [] and landed(tmp_path) == [site.base + "/files/a.pdf"]


def test_download_checks_the_first_address_too(servers):
    site, other = servers
    with client(FAST) as http:
        with pytest.raises(Exception, match="refused: off the listing's host"):
            download(http, other.pdf("/x.pdf"), scope_of(site.base + "/plans/"), FAST)
    assert other.hits == []
