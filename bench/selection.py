"""Selection at a province's scale (issue 11): the 科创会 quota board over 3,000 recommended
projects and the grant ranking over 200 applications × 5 reviewers, each printed as a ratio
to merely loading the same rows (targets: each ≤ 100 ms on SQLite).

    .venv/bin/python bench/selection.py           # the full sizes
    .venv/bin/python bench/selection.py --quick   # seconds (CI: scripts/bench_quick.sh)

Runs bench/quota_board.py and bench/grant_ranking.py one after the other, each in its own
process (each sets up its own throwaway SQLite database).
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FULL = {"quota_board.py": ["--projects", "3000", "--repeat", "5"],
        "grant_ranking.py": ["--applications", "200", "--reviewers", "5", "--repeat", "15"]}
QUICK = {"quota_board.py": ["--projects", "300", "--repeat", "2"],
         "grant_ranking.py": ["--applications", "20", "--reviewers", "5", "--repeat", "3"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, seconds")
    sizes = QUICK if parser.parse_args().quick else FULL
    for script, args in sizes.items():
        print(f"-- {script} {' '.join(args)}", flush=True)
        done = subprocess.run([sys.executable, str(HERE / script), *args])
        if done.returncode:
            return done.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
