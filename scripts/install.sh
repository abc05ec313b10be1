#!/usr/bin/env bash
# Installs what grantflow needs on a fresh Debian machine: system packages (when root),
# a virtualenv in .venv with the pinned Python dependencies, and the npm tooling.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages, only those whose commands are missing (Node may come from elsewhere).
# Every setup: WeasyPrint's Pango, the Noto CJK fonts the documents are set in, poppler-utils
# (pdftotext/pdfinfo/pdffonts: the tests read the PDFs back with them).
# GRANTFLOW_BROWSER=1 (set by scripts/test.sh, not by `make run`): the browser tests' Debian
# chromium, driven by Playwright through its path — Playwright never downloads a browser.
need=()
command -v npm >/dev/null || need+=(nodejs npm)
libs=$(ldconfig -p 2>/dev/null || true)
grep -q 'libpangoft2-1.0.so.0' <<<"$libs" || need+=(libpango-1.0-0 libpangoft2-1.0-0)
# HarfBuzz's subsetter: WeasyPrint embeds font subsets with it (fontTools is ~10× slower)
grep -q 'libharfbuzz-subset.so.0' <<<"$libs" || need+=(libharfbuzz-subset0)
command -v fc-list >/dev/null || need+=(fontconfig)
ls /usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc /usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc \
  >/dev/null 2>&1 || need+=(fonts-noto-cjk)
command -v pdftotext >/dev/null || need+=(poppler-utils)
command -v curl >/dev/null || need+=(curl)  # the API guide's commands (tests/api/test_api_guide.py)
if [ "${GRANTFLOW_BROWSER:-}" = 1 ]; then
  command -v chromium >/dev/null || need+=(chromium)
fi
if [ "${GRANTFLOW_NO_POSTGRES:-}" != 1 ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  need+=(postgresql)
fi
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== apt-get install ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "missing system packages: ${need[*]} (install them, or run as root on Debian)" >&2
    exit 1
  fi
fi

export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1  # the test extra's playwright uses Debian's chromium
PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
.venv/bin/python -m pip install -q -e '.[test]' 2>&1 | grep -v '^WARNING: Location' || true
.venv/bin/python -c 'import app, workflows, forms, reports, weasyprint'

# The documents' fonts: TrueType builds of Noto CJK, once (≈1 min; cached under
# ~/.cache/grantflow/fonts or $GRANTFLOW_FONT_DIR). Without them PDFs take seconds each.
.venv/bin/grantflow fonts

if command -v npm >/dev/null; then
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null
  scripts/vendor.sh
fi
