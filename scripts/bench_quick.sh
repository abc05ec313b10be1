#!/usr/bin/env bash
# Every benchmark in bench/ in a quick mode (seconds each): CI runs it so none of them rots
# unnoticed. A benchmark fails here when it crashes or prints no ratio to its baseline.
set -euo pipefail
cd "$(dirname "$0")/.."

run() {
  local name=$1 out
  shift
  echo "== bench $name (quick)"
  if ! out=$(.venv/bin/python "$@" 2>&1); then
    echo "$out"; echo "bench $name crashed" >&2; return 1
  fi
  if ! grep -E "ratio|speed-up" <<<"$out"; then
    echo "$out"; echo "bench $name printed no ratio" >&2; return 1
  fi
}

run engine bench/engine.py --n 5
run timers bench/timers.py --waiting 2000 --due 100 --repeat 3
run pdf bench/pdf.py --runs 2 --baseline-runs 1 --batch 2
run selection bench/selection.py --quick
run load bench/load.py --quick
