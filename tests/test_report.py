"""`aidplans report` on the sample dataset: the charts (real SVG from Altair + vl-convert) with
Chinese labels in a named CJK font, provenance and flags, no network; and the page opened in
headless Chromium with a screenshot (fails on a console message or a missing chart)."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from flows.cli import main
from flows.research import report
from flows.research.browser import browser, view
from flows.research.charts import CJK_FONT
from flows.research.data import load
from test_query import sample_dataset

pytestmark = pytest.mark.usefixtures("prefect_harness")
CHARTS = ("by-year-category", "by-partner", "by-town")
NEEDS_CHROMIUM = pytest.mark.skipif(browser() is None, reason="chromium is not installed "
                                    "(apt-get install -y chromium fonts-noto-cjk; .ci/run installs it)")


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    assert main(["report", "--curated", str(sample_dataset()), "--out", str(out)]) == 0
    return out / "index.html"


def charts_in(dom: str) -> dict[str, str]:
    """Each chart figure's markup by its id."""
    return dict(re.findall(r'<figure class="chart" id="([\w-]+)">(.*?)</figure>', dom, re.S))


@pytest.mark.parametrize("location, town", [("宜坪乡", "宜坪乡"), ("大堡镇新火村", "大堡镇"), ("新林镇茗新村", "新林镇"),
                                            ("峨边彝族自治县沙坪镇", "沙坪镇"), ("茗新村", "新林镇"),
                                            ("峨边、浙江、福建", report.NO_TOWN), (None, report.NO_TOWN)])
def test_town_of_a_location(location, town):
    assert report.town(location) == town


def test_the_page_has_three_svg_charts_with_chinese_labels_and_the_cjk_font(page):
    html = page.read_text(encoding="utf-8")
    charts = charts_in(html)
    assert set(charts) == set(CHARTS)
    for svg in charts.values():
        assert svg.startswith("<svg") and 'class="marks"' in svg and "<path" in svg
        fonts = set(re.findall(r'<text[^>]*font-family="([^"]*)"', svg))
        assert fonts == {CJK_FONT}, fonts                 # every label in the CJK font
    texts = " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", charts["by-year-category"]))
    assert {"产业合作", "改善民生", "基础设施与基层治理"} <= set(texts.split()) and "2023" in texts
    assert "浙江省绍兴市柯桥区" in charts["by-partner"] and "宜坪乡" in charts["by-town"]
    assert f'font-family:"{CJK_FONT}"' in html


def test_the_page_lists_provenance_and_flags_and_loads_nothing_from_outside(page):
    html = page.read_text(encoding="utf-8")
    docs = load(sample_dataset())["documents"].to_pylist()
    for d in docs:
        assert d["sha256"] in html and d["source_file"] in html
    assert "deadline_before_issue" in html and html.count("shared_amount") == 2
    assert "医养结合康养产业园建设工程" in html and "not_a_pdf.pdf" in html          # a flagged project; quarantine
    assert "<script" not in html and not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", html)
    assert "@import" not in html and "url(" not in html


def test_the_cjk_font_is_installed_where_the_page_is_read():
    if shutil.which("fc-match") is None:
        pytest.skip("fontconfig (fc-match) is not installed")
    family = subprocess.run(["fc-match", "-f", "%{family}", f"{CJK_FONT}:lang=zh-cn"], capture_output=True,
                            text=True).stdout
    assert CJK_FONT in family, f"{CJK_FONT} is not installed (apt-get install -y fonts-noto-cjk); got {family!r}"


@NEEDS_CHROMIUM
def test_the_report_opens_in_headless_chromium_without_errors(page, tmp_path):
    shot = tmp_path / "report.png"
    seen = view(page, shot)
    assert seen.console == []
    charts = charts_in(seen.dom)
    assert set(charts) == set(CHARTS) and all("<svg" in svg and "<path" in svg for svg in charts.values())
    assert shot.stat().st_size > 50_000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@NEEDS_CHROMIUM
def test_the_browser_check_sees_a_console_error_and_a_missing_chart(page, tmp_path):
    broken = tmp_path / "broken.html"
    html = page.read_text(encoding="utf-8")
    html = re.sub(r'(<figure class="chart" id="by-town">).*?(</figure>)', r"\1\2", html, flags=re.S)
    broken.write_text(html.replace("</body>", "<script>console.error('chart failed')</script></body>"))
    seen = view(broken)
    assert any("chart failed" in line for line in seen.console)
    assert "<svg" not in charts_in(seen.dom)["by-town"]


@NEEDS_CHROMIUM
def test_report_screenshot_option(tmp_path, capsys):
    shot = tmp_path / "s.png"
    assert main(["report", "--curated", str(sample_dataset()), "--out", str(tmp_path / "r"),
                 "--screenshot", str(shot)]) == 0
    assert shot.exists() and "wrote" in capsys.readouterr().out


def test_an_unusable_out_is_one_line_exit_2(tmp_path, capsys):
    (tmp_path / "f").write_text("x")
    assert main(["report", "--curated", str(sample_dataset()), "--out", str(tmp_path / "f")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is a file" in err


def test_an_empty_dataset_gives_a_page_without_charts(tmp_path, capsys):
    (tmp_path / "curated" / "documents").mkdir(parents=True)
    assert main(["report", "--curated", str(tmp_path / "curated"), "--out", str(tmp_path / "r")]) == 0
    html = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    assert "no charts" in html and "<svg" not in html and "0 plans, 0 projects" in html
