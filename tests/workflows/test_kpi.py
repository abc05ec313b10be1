"""workflows/kpi.py: 绩效评估 passes only when every KPI target is met."""
from decimal import Decimal as D

from workflows.kpi import entry_counts, evaluate_kpis, reduced_targets, sum_entries

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


# seed 001: alternatives (group), written deliverables (min_words), 抵减 (reductions) ----------

MEDIA = [
    {"code": "national_media", "label": "国家级媒体宣介", "unit": "家", "target": 1, "group": "media"},
    {"code": "local_media", "label": "地方媒体宣介", "unit": "家", "target": 10, "group": "media"},
    {"code": "summary", "label": "会议总结", "unit": "份", "target": 1},
]


def test_a_group_is_met_when_any_of_its_rows_is():
    passed, results = evaluate_kpis(MEDIA, {"local_media": D(12), "summary": D(1)})
    assert passed is True
    assert [(r.code, r.met, r.fulfilled, r.group) for r in results] == [
        ("national_media", False, True, "media"), ("local_media", True, True, "media"),
        ("summary", True, True, None)]


def test_a_group_with_no_row_met_fails():
    passed, results = evaluate_kpis(MEDIA, {"national_media": D(0), "local_media": D(9),
                                            "summary": D(1)})
    assert passed is False
    assert [r.fulfilled for r in results] == [False, False, True]


def test_rows_without_a_group_must_each_be_met():
    passed, _ = evaluate_kpis(MEDIA, {"national_media": D(1), "local_media": D(10)})
    assert passed is False


REPORT = {"code": "think_tank_reports", "label": "高质量智库报告", "unit": "篇", "target": 1,
          "min_words": 5000}


def test_a_written_deliverable_counts_only_with_enough_words():
    assert entry_counts(REPORT, 5000) is True
    assert entry_counts(REPORT, 4999) is False and entry_counts(REPORT, None) is False
    assert entry_counts(TARGETS[0], None) is True  # no min_words: any entry counts


def test_sum_entries_skips_short_reports_and_adds_the_rest():
    entries = [("think_tank_reports", D(1), 6200), ("think_tank_reports", D(1), 4800),
               ("services", D(3), None), ("services", D("2.5"), None)]
    assert sum_entries([REPORT, TARGETS[0]], entries) == {"think_tank_reports": D(1),
                                                          "services": D("5.5")}


INDUSTRY = [{"code": "transfers", "label": "完成技术转移转化", "unit": "项", "target": 5},
            {"code": "typical_cases", "label": "典型案例", "unit": "个", "target": "2"}]


def test_a_reduced_target_is_judged_against_the_reduction():
    actuals = {"transfers": D(3), "typical_cases": D(2)}
    assert evaluate_kpis(INDUSTRY, actuals)[0] is False
    passed, results = evaluate_kpis(INDUSTRY, actuals, {"transfers": "3"})
    assert passed is True
    first, second = results
    assert (first.target, first.call_target, first.reduced, first.met) == (D(3), D(5), True, True)
    assert (second.target, second.call_target, second.reduced) == (D(2), D(2), False)


def test_reduced_targets_keep_only_what_lowers_a_target_of_the_call():
    requested = {"transfers": D(5), "typical_cases": D(1), "unknown": D(0)}
    assert reduced_targets(INDUSTRY, requested) == {"typical_cases": D(1)}
    assert reduced_targets(INDUSTRY, None) == {}


def test_a_target_reduced_to_zero_is_met_without_entries():
    passed, results = evaluate_kpis(INDUSTRY, {"typical_cases": D(2)}, {"transfers": 0})
    assert passed is True and results[0].target == D(0)
