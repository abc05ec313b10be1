#!/usr/bin/env bash
# The README's test command: install everything (chromium for the browser tests too), lint the
# BPMN models, run the whole suite on SQLite, every benchmark in its quick mode, then again on a throwaway PostgreSQL cluster
# started here — without the browser tests and the API contract run, which serve the app from a SQLite file of their own.
set -euo pipefail
cd "$(dirname "$0")/.."
GRANTFLOW_BROWSER=1 bash scripts/install.sh

echo "== bpmnlint"
npx --no-install bpmnlint bpmn/kechuang_project.bpmn bpmn/expert_team_grant.bpmn

echo "== pytest on SQLite"
.venv/bin/python -m pytest

bash scripts/bench_quick.sh

echo "== pytest on PostgreSQL"
source scripts/postgres.sh
start_test_postgres
trap stop_test_postgres EXIT
TEST_DATABASE_URL="$PG_URL" .venv/bin/python -m pytest -m "not browser and not contract"
