"""随机抽取评审专家: a draw anyone can replay from its record (seed, pool, count).

The pool is sorted by id before drawing, so the same seed over the same pool always gives the
same experts; the seed comes from ``secrets`` and is recorded with the assignment.
"""
from __future__ import annotations

import random
import secrets


def new_seed() -> int:
    return secrets.randbits(64)


def replay_draw(seed: int, pool, count: int) -> list[int]:
    """The ``count`` ids drawn with ``random.Random(seed)`` from ``pool`` sorted by id."""
    ordered = sorted(set(int(i) for i in pool))
    if not 0 < count <= len(ordered):
        raise ValueError("a draw needs 1 to len(pool) experts")
    return random.Random(seed).sample(ordered, count)


def draw_record(pool, count: int, seed: int | None = None) -> dict:
    """A fresh draw, as recorded with the assignment (JSON-ready: the seed as a string)."""
    seed = new_seed() if seed is None else seed
    ordered = sorted(set(int(i) for i in pool))
    return {"seed": str(seed), "pool": ordered, "count": count,
            "drawn": replay_draw(seed, ordered, count)}


def replays(record: dict) -> bool:
    """可复核: replaying the recorded seed over the recorded pool gives the recorded experts."""
    return replay_draw(int(record["seed"]), record["pool"], record["count"]) == record["drawn"]
