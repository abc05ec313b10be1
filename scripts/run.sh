#!/usr/bin/env bash
# The README's run command: install, (re)load the demo into SQLite, serve on 127.0.0.1:5000.
set -euo pipefail
cd "$(dirname "$0")/.."
GRANTFLOW_NO_POSTGRES=1 bash scripts/install.sh
unset DATABASE_URL
# The demo's data sits in the 3rd 科创会's collection period and the 2024 专家团 call: run the
# app "as of" 2023-12-01 09:00 (Beijing time) so its deadlines are still ahead.
export GRANTFLOW_CLOCK_START="${GRANTFLOW_CLOCK_START:-2023-12-01T09:00:00+08:00}"
.venv/bin/grantflow demo --reset
exec .venv/bin/grantflow run --host 127.0.0.1 --port "${PORT:-5000}"
