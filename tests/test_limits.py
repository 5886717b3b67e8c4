"""Resource limits: a page too large to render, an image too large to decode, a file that takes
too long, memory running out. Each is one line naming the file; the rest of the run lands.
The fixtures are written by samples/bombs.py (seeded)."""
from __future__ import annotations

import pytest

import extractors.scanread
from conftest import DATA, sample
from extractors.pdf import read_pdf
from flows.ingest import ingest, process
from schemas.settings import Settings, SettingsError

HUGE_MEDIABOX = DATA / "bomb_huge_mediabox.pdf"
HUGE_IMAGE = DATA / "bomb_30000px_image.pdf"
NOISE_SCAN = DATA / "slow_noise_scan_40_pages.pdf"
A0_SCAN = DATA / "large_page_a0_scan.pdf"


def one_line(path, error: str, reason: str) -> None:
    assert error.startswith(f"{path}: {reason} (") and "\n" not in error
    assert "); " in error                                    # ... then what to do


def test_a_14400_pt_page_is_refused_before_anything_is_rendered():
    r = process(HUGE_MEDIABOX, Settings())
    one_line(HUGE_MEDIABOX, r.error, "page too large to read")
    assert "14400 x 14400 pt" in r.error and "max_page_pixels=25,000,000" in r.error
    assert "25 dpi < min_ocr_dpi=100" in r.error


def test_a_30000_pixel_image_is_refused_before_it_is_decoded():
    r = process(HUGE_IMAGE, Settings())
    one_line(HUGE_IMAGE, r.error, "reading it would exceed the memory ceiling")
    assert "max_memory_mb=512" in r.error and "2,575 MB decoded" in r.error


def test_a_large_page_is_read_at_a_lower_dpi_that_still_reads():
    content = read_pdf(A0_SCAN, A0_SCAN.read_bytes(), Settings())
    assert content.warnings == [f"{A0_SCAN}: page 1 is 2384 x 3370 pt; read at 126 dpi (at 200 dpi its image "
                                f"would be 62 Mpx > max_page_pixels=25,000,000)"]
    text = "".join(ln.text for p in content.pages for ln in p.lines)
    assert "峨边彝族自治县2026年乐山市市中区结对帮扶项目实施方案" in text
    assert content.pages[0].width == 2384                    # positions stay in points


def test_a_page_below_the_floor_is_refused_not_read_blind():
    r = process(A0_SCAN, Settings(max_page_pixels=5_000_000))
    one_line(A0_SCAN, r.error, "page too large to read")
    assert "56 dpi < min_ocr_dpi=100" in r.error


def test_a_slow_scan_stops_at_its_time_budget():
    r = process(NOISE_SCAN, Settings(max_seconds_per_file=1.0, ocr_workers=1))
    one_line(NOISE_SCAN, r.error, "took longer than its time budget")
    assert "max_seconds_per_file=1)" in r.error and "stopped before" in r.error
    assert "page 40" not in r.error                            # stopped early, not after reading it all


def test_the_budget_is_checked_between_pages_of_a_born_digital_file():
    path = sample("2026")
    r = process(path, Settings(max_seconds_per_file=1e-9))
    one_line(path, r.error, "took longer than its time budget")
    assert "stopped before page 1" in r.error


def test_running_out_of_memory_is_one_line(monkeypatch):
    def no_memory(*args, **kwargs):
        raise MemoryError()
    monkeypatch.setattr(extractors.scanread, "ocr_chars", no_memory)
    path = DATA / "scan_image_only_page.pdf"
    r = process(path, Settings())
    one_line(path, r.error, "ran out of memory")


@pytest.mark.usefixtures("prefect_harness")
def test_the_rest_of_the_run_lands(tmp_path):
    summary = ingest([str(HUGE_MEDIABOX), str(HUGE_IMAGE), str(sample("2026"))], curated=str(tmp_path))
    assert summary.landed == 1 and summary.rejected == 2 and summary.projects == 13
    rejected = [ln for ln in summary.lines if str(HUGE_MEDIABOX) in ln or str(HUGE_IMAGE) in ln]
    assert len(rejected) == 2 and all("\n" not in ln for ln in rejected)


@pytest.mark.parametrize("bad", [dict(max_page_pixels=10), dict(min_ocr_dpi=300), dict(max_memory_mb=1),
                                 dict(max_seconds_per_file=0)])
def test_limits_are_checked_when_settings_are_made(bad):
    with pytest.raises(SettingsError):
        Settings(**bad)
