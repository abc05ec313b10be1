"""科创会 遴选 under quotas (seed 000 §七.5, §八): who places which bucket, the quotas each
mark must keep, and the minimums publishing checks. Pure functions over plain data: the
service (app/services/kechuang/selection.py) and the select_project rule both call them.

``usage``: what is already marked in the edition —
``{"admitted": n, "opening": {type: n}, "directed": {partner_code: n}, "major_roadshow": n,
"sectors": {sector: n}, "showcase": n}``."""
from __future__ import annotations

from forms import choices as c

ADMISSION = "admission"
PITCH_SESSIONS = "pitch_sessions"  # admitted, not in a headline bucket: 集中推介洽谈
HEADLINE_BUCKETS = ("opening", "major_roadshow", "showcase")
OPENING_TYPES = ("tech_promotion", "tech_transfer", "tech_challenge")  # 科技金融创新产品 never

# Our defaults where seed 000 fixes nothing (本系统默认值，可在届次设置中修改): docs/settings.md
DEFAULT_QUOTAS = {"overall_min": 3000, "opening_per_type": 10, "roadshow_min": 80,
                  "roadshow_max": 120, "roadshow_sector_max": None, "showcase_max": None,
                  "directed_slots": {}}
MINIMUMS = (("overall_min", "参会项目总数"), ("roadshow_min", "重大科创项目专场推介项目数"))


def settings(quotas: dict) -> dict:
    return {**DEFAULT_QUOTAS, **(quotas or {})}


def empty_usage() -> dict:
    return {"admitted": 0, "opening": {}, "directed": {}, "major_roadshow": 0, "sectors": {},
            "showcase": 0}


def bucket_owner(bucket: str, departments: dict) -> str | None:
    """The department org code that places ``bucket``. Admission: the key "admission" (it also
    routes every select_project task there), else the department of the opening (创发部)."""
    if bucket == ADMISSION:
        return departments.get(ADMISSION) or departments.get("opening")
    return departments.get(bucket)


def placement_refusal(bucket: str, project: dict, usage: dict, quotas: dict,
                      sectors: list) -> str | None:
    """Why ``project`` (project_type, partner_code, sector) cannot go in ``bucket`` now, or
    None. ``usage`` must not count this project's own placement."""
    q = settings(quotas)
    if bucket == "opening":
        return _opening_refusal(project, usage, q)
    if bucket == "major_roadshow":
        return _roadshow_refusal(project.get("sector"), usage, q, sectors)
    if bucket == "showcase":
        limit = q["showcase_max"]
        if limit is not None and usage["showcase"] >= limit:
            return f"重点科创项目集中推介项目已满{limit}项"
        return None
    return f"「入选推介类别」“{bucket}”不是可遴选的推介类别"


def _opening_refusal(project: dict, usage: dict, q: dict) -> str | None:
    partner = project.get("partner_code")
    if partner:
        limit = q["directed_slots"].get(partner, 0)
        if usage["directed"].get(partner, 0) >= limit:
            return f"开幕式发布给{project.get('partner_name', '该兄弟省市')}的定向名额已满{limit}项"
        return None
    kind = project["project_type"]
    label = c.label_of(c.PROJECT_TYPES, kind)
    if kind not in OPENING_TYPES:
        return f"{label}项目不参加开幕式发布"
    limit = q["opening_per_type"]
    if usage["opening"].get(kind, 0) >= limit:
        return f"开幕式发布的{label}项目已满{limit}项"
    return None


def _roadshow_refusal(sector: str | None, usage: dict, q: dict, sectors: list) -> str | None:
    if not sector or sector not in sectors:
        return "入选重大科创项目专场推介会须选择本届的「专场领域」"
    if usage["major_roadshow"] >= q["roadshow_max"]:
        return f"重大科创项目专场推介会项目已满{q['roadshow_max']}项"
    cap = q["roadshow_sector_max"]
    if cap is not None and usage["sectors"].get(sector, 0) >= cap:
        return f"{c.label_of(c.SECTORS, sector)}专场项目已满{cap}项"
    return None


def reached(usage: dict) -> dict:
    """The count each minimum is measured on."""
    return {"overall_min": usage["admitted"], "roadshow_min": usage["major_roadshow"]}


def shortfalls(usage: dict, quotas: dict) -> list[dict]:
    """Every minimum not reached: code, label, required, reached."""
    q, counts = settings(quotas), reached(usage)
    return [{"minimum": code, "label": label, "required": q[code], "reached": counts[code]}
            for code, label in MINIMUMS if counts[code] < q[code]]


def shortfall_message(short: list[dict]) -> str:
    return "；".join(f"{s['label']}{s['reached']}项，未达到下限{s['required']}项" for s in short)
