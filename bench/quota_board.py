"""Quota board benchmark: the 遴选工作台 of an edition with thousands of recommended projects.

    .venv/bin/python bench/quota_board.py --projects 3000 --repeat 5

Setup (temp SQLite, through the app): ``--projects`` recommended 科创项目 over the 21 市州 are
Core-inserted (instance, project, open select_project task; tests/services/selection_rows.py),
never run through the engine; 40 % admitted by 创发部, some placed in the opening (10 per
type), the roadshows (100 over the four sectors) and the showcase. Measures, median of
``--repeat`` runs: (1) quota_board() for 创发部 — every count (quota lines, 市州, sectors,
shortfall warnings) and the first page of candidates with their recommendation; (2) as the
baseline, merely loading the same pool's project rows (one SELECT of every candidate). Prints
both in ms and the ratio board / load. Target: board ≤ 100 ms on SQLite.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import sqlalchemy as sa  # noqa: E402

from workflows.clock import FrozenClock, using_clock  # noqa: E402

from world import SEEDED_AT, setup_app  # noqa: E402

TYPES = ("tech_transfer", "tech_promotion", "tech_challenge", "finance_product")
SECTORS = ("electronics_equipment", "food_textile_energy_chem", "materials_health", "modern_agriculture")


def fill(world, total: int) -> None:
    """``total`` projects over the 21 市州 in groups (type, intent, sector, marks)."""
    from tests.services.selection_rows import add_recommended
    orgs, users = world["orgs"], world["users"]
    cities = [org for code, org in orgs.items() if code.startswith("city_")]
    per_city, rest = divmod(total, len(cities))
    placed = {"opening": 0, "major_roadshow": 0, "showcase": 0}
    for index, city in enumerate(cities):
        n = per_city + (1 if index < rest else 0)
        for group in range(8):
            count = n // 8 + (1 if group < n % 8 else 0)
            if not count:
                continue
            kind, sector = TYPES[group % 4], SECTORS[group % 4]
            admitted = users["sel_innovation"] if group < 3 else None  # ≈ 40 % admitted
            bucket = _bucket(placed, kind, count) if admitted else None
            add_recommended(world["edition"], city, city, kind, count,
                            intent=("opening", "major_roadshow", "showcase")[group % 3],
                            sector=sector, admitted_by=admitted, bucket=bucket,
                            selector_org=orgs["dept_innovation"], title=f"{city.name[:2]}项目")


def _bucket(placed: dict, kind: str, count: int) -> str | None:
    for bucket, limit in (("opening", 30), ("major_roadshow", 100), ("showcase", 200)):
        if placed[bucket] + count <= limit and not (bucket == "opening" and kind == "finance_product"):
            placed[bucket] += count
            return bucket
    return None


def median_ms(action, repeat: int) -> float:
    from app.extensions import db
    times = []
    for _ in range(repeat):
        db.session.expire_all()
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
        db.session.rollback()
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--projects", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, using_clock(FrozenClock(SEEDED_AT)):
        ctx, world = setup_app(Path(tmp) / "bench.sqlite")
        from app.extensions import db
        from app.models import Project
        from app.services.kechuang.selection_board import quota_board
        fill(world, args.projects)
        edition, dept = world["edition"], world["orgs"]["dept_innovation"]
        user = world["users"]["sel_innovation"]
        board = quota_board(edition.id, dept.id, user)
        rows = db.session.scalars(sa.select(Project).where(Project.edition_id == edition.id)).all()
        print(f"{board.total} candidates in the pool ({len(rows)} projects), "
              f"{board.lines[0].used} admitted, first page {len(board.rows)} rows")
        board_ms = median_ms(lambda: quota_board(edition.id, dept.id, user), args.repeat)
        load_ms = median_ms(lambda: db.session.scalars(sa.select(Project).where(
            Project.edition_id == edition.id)).all(), args.repeat)
        print(f"quota board (counts + first page): {board_ms:.1f} ms "
              f"{'≤' if board_ms <= 100 else '>'} 100 ms target")
        print(f"baseline, loading the {len(rows)} project rows: {load_ms:.1f} ms")
        print(f"ratio board / load: {board_ms / load_ms:.2f}")
        ctx.pop()


if __name__ == "__main__":
    main()
