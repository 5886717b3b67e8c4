"""sources.toml is checked as a whole before anything is fetched: each problem one line naming the
file, the source and the key; the CLI exits 2 without a traceback."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from flows.sources import Source, SourcesError, load_sources

MALFORMED = {
    "url_number": ('[[source]]\nname = "site"\nurl = 123\n', ["'site'", "url: must be text in quotes, got a number 123"]),
    "path_number": ('[[source]]\nname = "inbox"\npath = 5\n', ["'inbox'", "path: must be text in quotes"]),
    "source_list_of_text": ('source = ["a"]\n', ["[[source]] #1", "is text, not a table"]),
    "ipv6": ('[[source]]\nname = "v6"\nurl = "http://[::1/plans/"\n', ["'v6'", "url:", "Invalid IPv6 URL"]),
    "bad_toml": ('[[source]\nname = "x"\n', ["not valid TOML"]),
    "empty": ("", ["no [[source]] entries"]),
    "path_and_url": ('[[source]]\nname = "both"\npath = "in"\nurl = "https://example.gov.cn/"\n',
                     ["'both'", "needs exactly one of path"]),
    "ftp": ('[[source]]\nname = "f"\nurl = "ftp://example.gov.cn/plans/"\n', ["'f'", "url: must be http(s)"]),
    "single_table": ('[source]\nname = "x"\npath = "in"\n', ["an array of tables"]),
    "no_name": ('[[source]]\npath = "in"\n', ["[[source]] #1", "name: missing"]),
    "unknown_key": ('[[source]]\nname = "x"\npath = "in"\nhost = ["a"]\n', ["'x'", "host: unknown key"]),
    "bad_hosts": ('[[source]]\nname = "x"\nurl = "https://a.gov.cn/"\nhosts = ["https://cdn.gov.cn/x"]\n',
                  ["'x'", "hosts: 'https://cdn.gov.cn/x': write a host name"]),
    "wildcard_host": ('[[source]]\nname = "x"\nurl = "https://a.gov.cn/"\nhosts = ["*.gov.cn"]\n',
                      ["'x'", "hosts: '*.gov.cn': wildcards are not followed"]),
    "hosts_not_list": ('[[source]]\nname = "x"\nurl = "https://a.gov.cn/"\nhosts = "cdn.gov.cn"\n',
                       ["'x'", "hosts: must be a list of host names"]),
    "duplicate_name": ('[[source]]\nname = "x"\npath = "a"\n[[source]]\nname = "x"\npath = "b"\n',
                       ["'x'", "name: used by an earlier source"]),
    "no_host": ('[[source]]\nname = "x"\nurl = "http:///plans/"\n', ["'x'", "names no host"]),
}


def write(tmp_path: Path, text: str | bytes) -> Path:
    f = tmp_path / "sources.toml"
    f.write_bytes(text if isinstance(text, bytes) else text.encode())
    return f


@pytest.mark.parametrize("case", MALFORMED)
def test_each_malformed_sources_file_is_one_line_naming_source_and_key(tmp_path, case):
    text, expected = MALFORMED[case]
    f = write(tmp_path, text)
    with pytest.raises(SourcesError) as exc:
        load_sources(f)
    [line] = exc.value.lines
    assert line.startswith(str(f) + ": ") and "\n" not in line
    assert all(e in line for e in expected), line


def test_binary_file_and_directory_are_one_line(tmp_path):
    f = write(tmp_path, bytes(range(256)) * 8)
    with pytest.raises(SourcesError, match="not UTF-8 text"):
        load_sources(f)
    f.write_bytes(b'[[source]]\nname = "x"\x00\n')
    with pytest.raises(SourcesError, match="NUL"):
        load_sources(f)
    with pytest.raises(SourcesError, match="is a directory"):
        load_sources(tmp_path)


def test_every_problem_of_the_file_is_listed_at_once(tmp_path):
    f = write(tmp_path, '[[source]]\nname = "a"\nurl = 123\n[[source]]\nname = "b"\npath = 5\n'
                        '[[source]]\nname = "c"\nurl = "ftp://x/"\n[[source]]\nname = "ok"\npath = "in"\n')
    with pytest.raises(SourcesError) as exc:
        load_sources(f)
    assert [line.split(": ")[1] for line in exc.value.lines] == ["[[source]] 'a'", "[[source]] 'b'", "[[source]] 'c'"]


def test_a_good_file_gives_typed_sources(tmp_path):
    f = write(tmp_path, '[[source]]\nname = "inbox"\npath = "raw/inbox"\n'
                        '[[source]]\nname = "site"\nurl = "https://example.gov.cn/xxgk/"\nhosts = ["CDN.example.gov.cn", "127.0.0.1:8080"]\n')
    assert load_sources(f) == [Source("inbox", path=tmp_path / "raw" / "inbox"),
                               Source("site", url="https://example.gov.cn/xxgk/",
                                      hosts=("cdn.example.gov.cn", "127.0.0.1:8080"))]
    assert load_sources(ROOT / "sources.toml")[0].name == "inbox"       # the shipped file is valid


@pytest.mark.parametrize("case", ["url_number", "source_list_of_text", "ipv6", "binary", "directory"])
def test_the_cli_exits_2_with_one_line_and_no_traceback(tmp_path, case):
    if case == "binary":
        f = write(tmp_path, bytes(range(256)) * 8)
    elif case == "directory":
        f = tmp_path
    else:
        f = write(tmp_path, MALFORMED[case][0])
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect")}
    env.pop("PREFECT_API_URL", None)
    p = subprocess.run([str(Path(sys.executable).parent / "aidplans"), "nightly", "--sources", str(f),
                        "--raw", str(tmp_path / "raw"), "--curated", str(tmp_path / "curated")],
                       capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert p.returncode == 2, p.stderr
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and str(f) in lines[0] and "Traceback" not in p.stderr
    assert not (tmp_path / "raw").exists() and not (tmp_path / "curated").exists()    # nothing fetched
