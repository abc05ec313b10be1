"""The rules of the 百优/十佳“科服保姆” 评选 (seed 000 §七（四）), without Flask or a database:
the kinds, the seed's quotas as a round's default data, the allocation per unit, the service
score, and why a nomination is refused (``None`` when it is allowed)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from .dates import end_of_day, shown_day

KINDS = {"association": "科协保姆", "professional": "专业保姆", "society": "学会保姆"}
HONOURS = {"hundred": "百优“科服保姆”", "top_ten": "十佳“科服保姆”"}
SEED_SOURCE = "第三届“科创会”方案（川科协发〔2023〕138号）七（四）"  # seed 000

# seed 000 §七（四）2–3: 百优 110 = 50 + 45 + 15; 科协保姆 省科协 5, 成都 5, other 市州 2 each;
# 专业保姆 省科协 2, 成都 3, other 市州 2 each; 学会保姆 15 by 学会部; 十佳 5/3/2, not allocated.
SEED_QUOTAS = {
    "hundred": {
        "association": {"total": 50, "units": {"province": 5, "city_chengdu": 5}, "other_cities": 2},
        "professional": {"total": 45, "units": {"province": 2, "city_chengdu": 3}, "other_cities": 2},
        "society": {"total": 15, "units": {"dept_societies": 15}, "other_cities": 0},
    },
    "top_ten": {"association": 5, "professional": 3, "society": 2},
}

# The score of a 科服保姆's service records — our defaults (the seed names 服务绩效数据 but no
# formula); 创发部 changes them on the round's page. Each: (label, points per unit).
SCORE_ITEMS = {
    "followed": "跟进项目（个）",
    "follow_ups": "“一单一策”跟踪记录（条）",
    "intents": "达成合作意向（个）",
    "contracts": "签订合同（个）",
    "contract_wan": "合同金额（万元）",
    "landed": "落地见效（个）",
    "grant_services": "专家团科服保姆服务（次）",
}
DEFAULT_WEIGHTS = {"followed": "1", "follow_ups": "0.5", "intents": "2", "contracts": "3",
                   "contract_wan": "0.01", "landed": "5", "grant_services": "2"}


def allocation(quotas: dict, city_codes: list[str]) -> dict[str, dict[str, int]]:
    """{kind: {unit code: 百优 places}}: the named units, and every other 市州 its share."""
    result = {}
    for kind, rule in quotas["hundred"].items():
        units = dict(rule.get("units") or {})
        for code in city_codes:
            if rule.get("other_cities") and code not in units:
                units[code] = int(rule["other_cities"])
        result[kind] = units
    return result


def unallocated(quotas: dict, allocated: dict[str, dict[str, int]]) -> dict[str, int]:
    """{kind: total − what the units were given}: 创发部 fills a positive remainder itself."""
    return {kind: int(rule["total"]) - sum(allocated[kind].values())
            for kind, rule in quotas["hundred"].items()}


def score(counts: dict, weights: dict) -> Decimal:
    return sum((Decimal(str(counts.get(item, 0))) * Decimal(str(weights.get(item, 0)))
                for item in SCORE_ITEMS), start=Decimal(0)).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Nomination:
    """What a nomination would add: the person's kind and unit, and the list."""
    honour: str
    kind: str
    unit: str          # unit code
    unit_name: str


def refusal(wanted: Nomination, *, already: str | None, taken: int, places: int,
            by_unit: str | None, deadline: date | None, at: datetime) -> str | None:
    """Why the nomination is refused, or None. ``already``: the honour the person already has
    in this round; ``taken``/``places``: the unit's (or the kind's) places used and allowed;
    ``by_unit``: the unit the nominator acts for (None: 创发部, any unit); ``deadline``: the
    报送 date (None: not bound), checked at the moment ``at`` against its Shanghai end of day."""
    if already == wanted.honour:
        return f"该科服保姆已在{HONOURS[already]}名单中"
    if already is not None:
        return (f"该科服保姆已在{HONOURS[already]}名单中，百优、十佳“科服保姆”不重复推荐")
    if by_unit is not None and by_unit != wanted.unit:
        return f"该科服保姆属于{wanted.unit_name}，只能由其所在单位推荐"
    if deadline_passed(deadline, at):
        return f"推荐报送已于{shown_day(deadline)}截止"
    if taken >= places:
        what = (f"十佳{KINDS[wanted.kind]}" if wanted.honour == "top_ten"
                else f"百优{KINDS[wanted.kind]}" if by_unit is None  # 创发部: the kind's total
                else f"{wanted.unit_name}的{KINDS[wanted.kind]}")
        return f"{what}名额为{places}名，已推荐{taken}名，不能再推荐"
    return None


def deadline_passed(deadline: date | None, at: datetime) -> bool:
    """A date-only 报送 deadline lasts through its whole Shanghai day (None: no deadline)."""
    return deadline is not None and at > end_of_day(deadline)
