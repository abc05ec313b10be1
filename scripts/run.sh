#!/usr/bin/env bash
# The README's run command: install, (re)load the demo into SQLite, serve on 127.0.0.1:5000.
set -euo pipefail
cd "$(dirname "$0")/.."
GRANTFLOW_NO_POSTGRES=1 bash scripts/install.sh
unset DATABASE_URL
.venv/bin/grantflow demo --reset
exec .venv/bin/grantflow run --host 127.0.0.1 --port "${PORT:-5000}"
