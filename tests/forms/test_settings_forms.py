"""The settings pages' forms: an edition's further quotas and 入选 department, a call's 整改 months,
and every error of a bad call named at once."""
from forms import load_form
from tests.forms.factories import conference_edition, grant_call, refusal


def test_edition_takes_directed_slots_the_sector_cap_and_the_admitting_department():
    raw = conference_edition()
    raw["quotas"].update(roadshow_sector_max="30", directed_slots={"partner_beijing": "5"})
    raw["selection_departments"]["admission"] = "dept_innovation"
    payload = load_form("conference_edition", raw).payload
    assert payload["quotas"]["directed_slots"] == {"partner_beijing": 5}
    assert payload["quotas"]["roadshow_sector_max"] == 30
    assert payload["selection_departments"]["admission"] == "dept_innovation"


def test_a_negative_directed_slot_is_refused_by_its_label():
    raw = conference_edition()
    raw["quotas"]["directed_slots"] = {"partner_beijing": "-1"}
    errors = refusal("conference_edition", raw)
    assert any("定向名额" in message for messages in errors.values() for message in messages)


def test_call_rectification_months_is_optional_and_bounded():
    assert load_form("grant_call", grant_call()).payload.get("rectification_months") is None
    raw = grant_call()
    raw["rectification_months"] = "0"
    assert list(refusal("grant_call", raw)) == ["rectification_months"]


def test_a_call_with_several_bad_fields_names_each():
    raw = grant_call()
    raw["awards_count"] = "0"
    raw["objective_weight"] = "1.5"
    raw["review_criteria"][0]["max"] = "0"
    errors = refusal("grant_call", raw)
    assert {"awards_count", "objective_weight", "review_criteria.0.max"} <= set(errors)
