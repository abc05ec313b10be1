"""workflows/kpi.py: 绩效评估 passes only when every KPI target is met."""
from decimal import Decimal as D

from workflows.kpi import evaluate_kpis

TARGETS = [
    {"code": "services", "label": "服务企业", "unit": "家", "target": 10},
    {"code": "income", "label": "技术合同额", "unit": "万元", "target": "0.3"},
]


def test_passes_when_every_target_is_met():
    passed, results = evaluate_kpis(TARGETS, {"services": D(12), "income": D("0.5")})
    assert passed is True
    assert [(r.code, r.met) for r in results] == [("services", True), ("income", True)]


def test_fails_when_any_target_is_missed():
    passed, results = evaluate_kpis(TARGETS, {"services": D(12), "income": D("0.29")})
    assert passed is False
    assert [r.met for r in results] == [True, False]


def test_an_actual_equal_to_its_target_is_met():
    passed, _ = evaluate_kpis(TARGETS, {"services": D(10), "income": D("0.3")})
    assert passed is True


def test_missing_actual_counts_as_zero():
    passed, results = evaluate_kpis(TARGETS, {"services": D(12)})
    assert passed is False
    assert results[1].actual == D(0) and results[1].met is False


def test_a_zero_target_is_met_without_entries():
    passed, results = evaluate_kpis([{"code": "x", "label": "X", "target": 0}], {})
    assert passed is True and results[0].unit == ""


def test_decimal_sums_are_exact():
    # 0.7 + 0.1 is 0.7999999999999999 in floats, and Decimal(0.8) is 0.8000000000000000444…;
    # exactly 0.8 against a target of 0.8 must be met
    passed, results = evaluate_kpis([{"code": "income", "label": "L", "target": 0.8}],
                                    {"income": D("0.7") + D("0.1")})
    assert passed is True
    assert results[0].target == results[0].actual == D("0.8")


def test_float_targets_are_read_as_written():
    # Decimal(0.3) would be 0.29999999999999998889…; the target must be exactly 0.3
    _, results = evaluate_kpis([{"code": "income", "label": "L", "target": 0.3}], {})
    assert results[0].target == D("0.3")


def test_results_carry_labels_units_targets_and_actuals():
    _, results = evaluate_kpis(TARGETS[:1], {"services": D(3)})
    r = results[0]
    assert (r.code, r.label, r.unit, r.target, r.actual, r.met) == (
        "services", "服务企业", "家", D(10), D(3), False)
