#!/usr/bin/env bash
# Every benchmark in bench/ in a quick mode (seconds each): CI runs it so none of them rots
# unnoticed. A benchmark fails here when it crashes or prints no ratio to its baseline, and this
# script fails when a script in bench/ is run by nothing here.
set -euo pipefail
cd "$(dirname "$0")/.."

ran=()
run() {
  local name=$1 out
  shift
  echo "== bench $name (quick)"
  ran+=("$(basename "$1")")
  if ! out=$(.venv/bin/python "$@" 2>&1); then
    echo "$out"; echo "bench $name crashed" >&2; return 1
  fi
  if ! grep -E "ratio|speed-up" <<<"$out"; then
    echo "$out"; echo "bench $name printed no ratio" >&2; return 1
  fi
}

run engine bench/engine.py --n 25      # past the 20 places of one call: a second call opens
run timers bench/timers.py --waiting 2000 --due 100 --repeat 3
run pdf bench/pdf.py --runs 2 --baseline-runs 1 --batch 2 --export 4
run selection bench/selection.py --quick
run inbox bench/inbox.py --quick
ran+=(quota_board.py grant_ranking.py)  # bench/selection.py runs both
run load bench/load.py --quick
run http bench/http_mix.py --quick

for script in bench/*.py; do
  grep -q '__name__ == "__main__"' "$script" || continue  # a module the scripts share
  if [[ " ${ran[*]} " != *" $(basename "$script") "* ]]; then
    echo "bench: $script has no quick run in scripts/bench_quick.sh" >&2; exit 1
  fi
done
