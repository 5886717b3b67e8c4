#!/usr/bin/env bash
# Generator-only tools for samples/layouts (the born-digital layout generator).
# Never needed at run time or by the README's two commands: only to make new
# layout variants (samples/layouts/make_fixtures.py, benchmarks/robustness.py).
# Debian: LibreOffice Writer (headless docx -> pdf) and three CJK fonts;
# PyPI (into the project's venv): reportlab and python-docx.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends \
    libreoffice-writer-nogui fonts-noto-cjk fonts-arphic-uming fonts-wqy-zenhei
.venv/bin/pip install 'reportlab>=4.0' 'python-docx>=1.1'
echo "generator tools installed: soffice=$(command -v soffice)"
