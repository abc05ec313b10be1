"""PDF benchmark: the same realistic 申报书 rendered with the project's setup (the prepared
TrueType faces of reports/fonts.py, reports/tuning.py) and with plain WeasyPrint on the system
Noto CJK fonts (same templates and stylesheet), measured in the same run; then batch throughput
for 100 applications.

    .venv/bin/python bench/pdf.py [--baseline-runs 2] [--runs 20] [--batch 100] [--export 40]

Prints per-render times (cold first render, then warm median/min), pages and sizes, the
speed-up ratio baseline / project, and applications per second for the batch rendered in
one process and in a pool of one worker process per core (as ``grantflow worker`` runs one
process per core), with their ratio to plain WeasyPrint: the 9-page 申报书 against ≤ 25 ms a
page warm, the batch's renders beside the ≥ 10 申报书/s that 批量导出 (below) is held to. Not a
test: the machine is noisy (other processes share its cores: the medians move by ±15 %); the
ratios are what to watch.

Then 批量导出 as an officer runs it (``--export N``): N 专家团 applications submitted through the
services, each 申报书 frozen by the worker's job after its submission (timed: renders/s in one
process), then the call's export zip written from those frozen copies (timed: 申报书/s, and its
ratio to the renders).
"""
from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reports import fonts  # noqa: E402
from reports.documents import KINDS  # noqa: E402
from reports.render import RENDERING_GC_THRESHOLDS, Renderer, tune_gc_for_rendering  # noqa: E402
from tests.forms.factories import application, member  # noqa: E402

SENTENCES = (
    "专家团围绕先进材料产业链的关键环节，组织成员深入园区和企业开展技术诊断与需求梳理。",
    "依托天府科技云平台发布科技所能，建立需求清单、服务清单和成果清单，实行一单一策跟踪。",
    "每季度举办一次成果推介与供需对接活动，邀请金融创投机构参与，推动成果在省内转化落地。",
    "建立科服保姆工作机制，由学会秘书处三名工作人员负责平台操作、进度督促和资料归档。",
    "针对企业提出的工艺改进和质量控制难题，组织跨单位联合攻关，形成可推广的技术方案。",
    "加强与市州科协协作，在绵阳、德阳、宜宾设立服务站点，实现线上线下服务相互衔接。",
)


NARRATIVES = ("key_measures", "goals_and_outcomes", "conditions_and_safeguards")


def narrative(chars: int, offset: int) -> str:
    """About ``chars`` 字 of invented text in paragraphs of three sentences."""
    sentences, total, index = [], 0, offset
    while total < chars:
        sentence = SENTENCES[index % len(SENTENCES)]
        sentences.append(sentence)
        total += len(sentence)
        index += 1
    return "\n".join("".join(sentences[i:i + 3]) for i in range(0, len(sentences), 3))


def realistic_application(variant: int = 0, short: bool = False) -> dict:
    """A submitted 申报书 with 5 budget lines and 4 phases: by default three narratives of
    900–1,500 字 and 14 members (9 pages); ``short``: 300–500 字 and 10 members (5 pages)."""
    form = application()
    form["cover"]["project_name"] = f"先进材料产业科技赋能示范项目（第{variant + 1}号）"
    lengths = (500, 400, 300) if short else (1500, 1100, 900)
    for offset, (key, length) in enumerate(zip(NARRATIVES, lengths)):
        form[key] = narrative(length, variant + 2 * offset)
    levels = ["正高", "正高", "正高"] + ["副高"] * 7 + ["中级"] * (0 if short else 4)
    form["team"]["members"] = [member(i, level, is_lead=(i == 0)) for i, level in enumerate(levels)]
    form["budget"]["lines"] = [
        {"item": item, "amount_wan": amount, "fund_type": fund, "basis": basis}
        for item, amount, fund, basis in (
            ("专家咨询与技术服务费", "12", "special", "24人次×0.5万元"),
            ("科技成果推介与供需对接活动", "8", "special", "4场×2万元"),
            ("技术诊断与现场服务差旅费", "6", "special", "30人次×0.2万元"),
            ("典型案例编印与宣传", "4", "special", "2册×2万元"),
            ("科服保姆工作经费", "10", "self", "学会自筹，3名×3.33万元"))]
    return {"form": form, "call": {"name": "2024年度天府科技云专家团“深耕”赋能行动示范项目",
                                   "year": 2024},
            "submitted_at": "2024-03-28T10:15:00+08:00"}


def render(renderer: Renderer, data: dict):
    template, context = KINDS["application"].build(data)
    return renderer.render(template, context, title=context.get("title"))


def timed_renders(renderer: Renderer, data: dict, runs: int) -> tuple[float, list[float], object]:
    """(cold first render, warm times, last result) in seconds."""
    started = time.perf_counter()
    result = render(renderer, data)
    cold = time.perf_counter() - started
    warm = []
    for _ in range(runs):
        started = time.perf_counter()
        result = render(renderer, data)
        warm.append(time.perf_counter() - started)
    return cold, warm, result


def report(name: str, cold: float, warm: list[float], result) -> float:
    median = statistics.median(warm)
    print(f"{name:<34} cold {cold * 1000:6.0f} ms   warm median {median * 1000:6.0f} ms "
          f"(min {min(warm) * 1000:.0f}, n={len(warm)}, {median * 1000 / result.pages:.0f} ms/page)"
          f"   {result.pages} pages, {len(result.pdf) / 1024:.0f} KB")
    return median


_worker_renderer = None


def _render_in_worker(variant: int) -> int:
    global _worker_renderer
    if _worker_renderer is None:
        _worker_renderer = Renderer()
        tune_gc_for_rendering()  # as ``grantflow worker`` does
    return len(render(_worker_renderer, realistic_application(variant)).pdf)


def batch(count: int, workers: int) -> float:
    """Applications per second for ``count`` different applications, each process set up as a
    ``grantflow worker`` process is (its collector tuned for one render after another)."""
    started = time.perf_counter()
    if workers == 1:
        renderer = Renderer()
        with worker_gc():
            for variant in range(count):
                render(renderer, realistic_application(variant))
    else:
        with ProcessPoolExecutor(workers) as pool:
            list(pool.map(_render_in_worker, range(count), chunksize=max(1, count // (workers * 4))))
    return count / (time.perf_counter() - started)


def export_batch(count: int) -> tuple[float, float, float]:
    """(freezing renders/s, export 申报书/s, pages on average) for ``count`` applications of one
    call, on a fresh bench app (bench/world.py) with its own upload directory."""
    import io
    import tempfile
    import sqlalchemy as sa
    from app.demo.scenario import drive_application
    from app.extensions import db
    from app.models import StoredDocument
    from app.services.background.jobs import run_pending_jobs
    from app.services.documents.exports import write_export
    from world import SEEDED_AT, add_societies, setup_app
    from workflows.clock import FrozenClock, using_clock
    clock = FrozenClock(SEEDED_AT)
    with tempfile.TemporaryDirectory() as tmp, using_clock(clock):
        ctx, world = setup_app(Path(tmp) / "export.sqlite", {"UPLOAD_DIR": Path(tmp) / "uploads"})
        try:
            add_societies(world, count)
            for i in range(count):
                drive_application(world, clock, f"bench_soc_{i}", f"bench_applicant_{i}",
                                  until="formal_review")
            started = time.perf_counter()
            run_pending_jobs()  # what ``grantflow worker`` does after each submission
            renders = count / (time.perf_counter() - started)
            frozen = db.session.scalar(sa.select(sa.func.count()).select_from(StoredDocument))
            assert frozen == count, f"{frozen} of {count} 申报书 frozen"
            started = time.perf_counter()
            rows = write_export(world["grant_call"].id, io.BytesIO())
            exported = count / (time.perf_counter() - started)
            assert len(rows) == count and all(row.pages for row in rows), "the zip lacks a 申报书"
            return renders, exported, sum(row.pages for row in rows) / count
        finally:
            ctx.pop()


@contextmanager
def worker_gc():
    """This process's collector as in ``grantflow worker`` for the block, then as it was."""
    saved = gc.get_threshold()
    tune_gc_for_rendering()
    try:
        yield
    finally:
        gc.set_threshold(*saved)
        gc.unfreeze()


class subsetter:
    """WeasyPrint subsets embedded fonts with HarfBuzz when libharfbuzz-subset is installed and
    with fontTools otherwise (much slower on CFF fonts: PDF_NOTES.md measured without it).
    ``with subsetter("fonttools"):`` forces the fontTools path for one measurement."""

    def __init__(self, name: str):
        import weasyprint.pdf.fonts as module
        self.module, self.name, self.saved = module, name, module.harfbuzz_subset

    def __enter__(self):
        if self.name == "fonttools":
            self.module.harfbuzz_subset = None
        return self

    def __exit__(self, *exc):
        self.module.harfbuzz_subset = self.saved


def available_subsetters() -> list[str]:
    import weasyprint.pdf.fonts as module
    return (["harfbuzz"] if module.harfbuzz_subset else []) + ["fonttools"]


def describe(data: dict) -> str:
    form = data["form"]
    return (f"{sum(len(form[key]) for key in NARRATIVES)} 字 of narrative, "
            f"{len(form['team']['members'])} members")


def compare(data: dict, runs: int, baseline_runs: int) -> tuple[float, float, int]:
    """(project, plain WeasyPrint) warm medians in seconds with the default subsetter, and the
    pages; the fontTools subsetter is measured too when HarfBuzz is the default."""
    measured = {}
    for name in available_subsetters():
        with subsetter(name):
            print(f"-- font subsetting by {name}")
            ours_timing = timed_renders(Renderer(), data, runs)
            ours = report("project (prepared TrueType faces)", *ours_timing)
            plain = report("plain WeasyPrint + system Noto CJK",
                           *timed_renders(Renderer(prepared_fonts=False, tuned=False), data,
                                         baseline_runs))
            print(f"   speed-up (plain / project, warm medians): {plain / ours:.1f}×")
            measured.setdefault("default", (ours, plain, ours_timing[2].pages))
    return measured["default"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="warm renders with the project setup")
    parser.add_argument("--baseline-runs", type=int, default=2,
                        help="warm renders with plain WeasyPrint + system Noto CJK (seconds each)")
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--export", type=int, default=40,
                        help="applications submitted, frozen and exported as one call's zip (0: skip)")
    args = parser.parse_args()
    fonts.prepare_all()
    data = realistic_application()

    short = realistic_application(short=True)
    print(f"short 申报书 ({describe(short)}), default font subsetting:")
    report("project (prepared TrueType faces)", *timed_renders(Renderer(), short, args.runs))
    print(f"full 申报书 ({describe(data)}):")
    ours, plain, pages = compare(data, args.runs, args.baseline_runs)
    with worker_gc():
        in_worker = report(f"project, collector {RENDERING_GC_THRESHOLDS[0]:,}/…",
                           *timed_renders(Renderer(), data, args.runs))
    print(f"   speed-up (plain / project in a worker, warm medians): {plain / in_worker:.1f}×")

    workers = os.cpu_count() or 1
    serial = batch(args.batch, 1)
    print(f"batch of {args.batch}: {serial:.1f} applications/s in one process")
    pooled = serial
    if workers > 1:
        pooled = batch(args.batch, workers)
        print(f"batch of {args.batch}: {pooled:.1f} applications/s with {workers} worker processes "
              f"({pooled / serial:.2f}× one process)")
    targets(ours, in_worker, plain, pages, pooled, workers)
    if args.export:
        renders, exported, export_pages = export_batch(args.export)
        print(f"批量导出 of {args.export} submitted 申报书 ({export_pages:.1f} pages each): the "
              f"worker froze them at {renders:.1f}/s in one process after their submissions; the "
              f"export zipped the frozen copies at {exported:.0f} 申报书/s — ratio export / "
              f"renders {exported / renders:.0f}× (target ≥ 10 申报书/s: "
              f"{'met' if exported >= 10 else 'not met'})")


def targets(ours: float, in_worker: float, plain: float, pages: int, pooled: float,
            workers: int) -> None:
    """The two figures of the targets, each with its ratio to plain WeasyPrint in this run (its
    batch rate estimated from its warm renders: a batch of it would take minutes)."""
    per_page, worker_per_page = ours * 1000 / pages, in_worker * 1000 / pages
    plain_per_page, plain_rate = plain * 1000 / pages, workers / plain
    print(f"target ≤ 25 ms/page warm: {per_page:.1f} ms/page ({pages} pages; "
          f"{worker_per_page:.1f} in a worker) — plain WeasyPrint {plain_per_page:.1f} ms/page, "
          f"speed-up {plain_per_page / per_page:.1f}× ({'met' if per_page <= 25 else 'not met'})")
    print(f"rendering a batch (what the worker does as submissions arrive, or a re-render of "
          f"every one): {pooled:.1f} 申报书/s with {workers} processes — plain WeasyPrint at most "
          f"~{plain_rate:.1f}/s (its warm render × {workers}), ratio {pooled / plain_rate:.1f}× "
          f"({'at' if pooled >= 10 else 'below'} the 10/s of the batch target, which 批量导出 "
          f"below is measured against)")


if __name__ == "__main__":
    main()
