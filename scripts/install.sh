#!/usr/bin/env bash
# Installs what grantflow needs on a fresh Debian machine: system packages (when root),
# a virtualenv in .venv with the pinned Python dependencies, and the npm tooling.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages, only those whose commands are missing (Node may come from elsewhere).
# GRANTFLOW_BROWSER=1 (set by scripts/test.sh, not by `make run`): the browser tests' Debian
# chromium, driven by Playwright through its path — Playwright never downloads a browser —
# and CJK fonts so that Chinese text in their screenshots is not drawn as boxes.
need=()
command -v npm >/dev/null || need+=(nodejs npm)
if [ "${GRANTFLOW_BROWSER:-}" = 1 ]; then
  command -v chromium >/dev/null || need+=(chromium)
  [ -n "$(fc-list :lang=zh 2>/dev/null | head -1)" ] || need+=(fonts-noto-cjk)
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
.venv/bin/python -c 'import app, workflows, forms' 

if command -v npm >/dev/null; then
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
  scripts/vendor.sh
fi
