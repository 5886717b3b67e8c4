#!/usr/bin/env bash
# Generator-only tools for samples/scanvariants (scans of the generated layout variants).
# Never needed at run time or by the README's two commands: only to make new scan variants
# (samples/scanvariants/make_fixtures.py, benchmarks/robustness.py --scans); the committed
# fixtures in tests/data/scans_gen/ already hold their text layers.
# Debian: OCRmyPDF with tesseract 5 and its Simplified Chinese model (the tesseract layer;
# OCRmyPDF brings pikepdf for the system python, used to fix the output's dates and /ID).
# The layout generator's own tools are needed too: samples/install_generator_tools.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends ocrmypdf tesseract-ocr-chi-sim tesseract-ocr-osd
echo "scan tools installed: $(ocrmypdf --version 2>/dev/null | head -1) tesseract $(tesseract --version 2>&1 | head -1)"
