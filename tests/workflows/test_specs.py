"""workflows/specs.py: parsing bundles, content hashes per process, refusals, the spec cache."""
import re

import pytest

from workflows.specs import InvalidProcessModel, SpecCache, parse_bundle, read_bundle

from .helpers import BPMN_DIR, FLOWS, one_step_bpmn, real_bundle

USER_TASK = f'<bpmn:userTask id="step" name="填报">{FLOWS}</bpmn:userTask>'


def hashes(files):
    return {p.key: p.content_hash for p in parse_bundle(files)}


def test_real_bundle_gives_both_processes_with_sha256_hashes():
    processes = real_bundle()
    assert set(processes) == {"kechuang_project", "expert_team_grant"}
    for process in processes.values():
        assert re.fullmatch(r"[0-9a-f]{64}", process.content_hash)


def test_real_bundle_names_come_from_the_bpmn():
    assert real_bundle()["kechuang_project"].name == "科创项目"


def test_hashes_are_stable_across_parses():
    files = read_bundle(BPMN_DIR)
    assert hashes(files) == hashes(files)


def test_a_changed_user_task_changes_only_its_process_hash():
    files = read_bundle(BPMN_DIR)
    before = hashes(files)
    assert 'name="提交科创项目"' in files["kechuang_project.bpmn"]
    changed = {**files, "kechuang_project.bpmn":
               files["kechuang_project.bpmn"].replace('name="提交科创项目"', 'name="提交项目"')}
    after = hashes(changed)
    assert after["kechuang_project"] != before["kechuang_project"]
    assert after["expert_team_grant"] == before["expert_team_grant"]


def test_a_changed_decision_table_changes_the_grant_hash_only():
    files = read_bundle(BPMN_DIR)
    before = hashes(files)
    dmn = files["grant_eligibility.dmn"]
    assert "<text>\"两年内受到行政处罚\"</text>" in dmn
    changed = {**files, "grant_eligibility.dmn": dmn.replace(
        "<text>\"两年内受到行政处罚\"</text>", "<text>\"三年内受到行政处罚\"</text>")}
    after = hashes(changed)
    assert after["expert_team_grant"] != before["expert_team_grant"]
    assert after["kechuang_project"] == before["kechuang_project"]


def test_sources_are_the_process_file_and_the_decision_tables_it_calls():
    assert set(real_bundle()["expert_team_grant"].sources) == {
        "expert_team_grant.bpmn", "grant_eligibility.dmn"}
    assert set(real_bundle()["kechuang_project"].sources) == {"kechuang_project.bpmn"}


def test_malformed_xml_is_refused_naming_the_file():
    with pytest.raises(InvalidProcessModel, match=r"^broken\.bpmn: XML"):
        parse_bundle({"broken.bpmn": one_step_bpmn(USER_TASK).replace("</bpmn:process>", "")})


@pytest.mark.parametrize("step", [
    f'<bpmn:bogusTask id="step">{FLOWS}</bpmn:bogusTask>',
    f'<bpmn:userTask id="step" priority="high">{FLOWS}</bpmn:userTask>',
], ids=["unknown-element", "unknown-attribute"])
def test_schema_invalid_bpmn_is_refused_naming_the_file(step):
    with pytest.raises(InvalidProcessModel, match=r"^invalid\.bpmn: "):
        parse_bundle({"invalid.bpmn": one_step_bpmn(step)})


@pytest.fixture
def secret(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("CANARY-7f3a9 secret line", encoding="utf-8")
    return path


def xxe_files(secret, where):
    doctype = f'<!DOCTYPE x [<!ENTITY e SYSTEM "{secret.as_uri()}">]>\n'
    if where == "dmn":
        files = read_bundle(BPMN_DIR)
        dmn = files["grant_eligibility.dmn"].replace("?>", "?>\n" + doctype, 1).replace(
            "<text>\"两年内受到行政处罚\"</text>", "<text>\"&e;\"</text>")
        return {**files, "grant_eligibility.dmn": dmn}
    step = {"name": f'<bpmn:userTask id="step" name="&e;">{FLOWS}</bpmn:userTask>',
            "text": f'<bpmn:userTask id="step" name="x"><bpmn:documentation>&e;'
                    f'</bpmn:documentation>{FLOWS}</bpmn:userTask>'}[where]
    return {"xxe.bpmn": one_step_bpmn(step, doctype=doctype)}


@pytest.mark.parametrize("where", ["name", "text", "dmn"])
def test_external_entities_are_never_read(secret, where):
    files = xxe_files(secret, where)
    assert "&e;" in "".join(files.values())
    try:
        processes = parse_bundle(files)
    except InvalidProcessModel as refused:
        assert "CANARY" not in str(refused)
    else:
        for process in processes:
            assert "CANARY" not in process.spec_json and "CANARY" not in process.name


def test_spec_cache_restores_once_per_hash():
    cache, calls = SpecCache(), []
    process = real_bundle()["kechuang_project"]

    def load():
        calls.append(1)
        return process.spec_json

    first = cache.get(process.content_hash, load)
    second = cache.get(process.content_hash, load)
    assert len(calls) == 1
    assert first is second
    assert first[0].name == "kechuang_project"


def test_spec_cache_keeps_different_hashes_apart():
    cache = SpecCache()
    grant, kechuang = real_bundle()["expert_team_grant"], real_bundle()["kechuang_project"]
    assert cache.get(grant.content_hash, lambda: grant.spec_json)[0].name == "expert_team_grant"
    assert cache.get(kechuang.content_hash, lambda: kechuang.spec_json)[0].name == "kechuang_project"
