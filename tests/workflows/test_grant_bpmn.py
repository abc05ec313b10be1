"""expert_team_grant (bpmn/expert_team_grant.bpmn + grant_eligibility.dmn) through workflows.engine.

Checked here, for the app: DMN COLLECT puts `reason = [each matching rule's value]` in task data
(nothing if no rule matches); decide_eligibility's preScript `reason = []` and postScript
`ineligible_reasons = reason; del reason` leave a plain list (`[]` when eligible).
Messages go through engine.deliver_message; no correlation is needed (none declared; routing to
the instance is the app's job). `spiffworkflow:messageVariable` stores the whole payload as
`ranking`; without one the payload is dropped; a message nothing waits for is refused. The
event-based gateway is ONE waiting task, catching both reserve messages. Multi-instance `reviews`
is in completion order. timeDate timers are evaluated once, on starting to wait.
Start data is what the services pass (helpers.GRANT_START, a 2024 call); time is the conftest
`clock`, moved past each timer.
"""
import pytest
from SpiffWorkflow.util.task import TaskState

from workflows import engine
from workflows.engine import EngineError

from .helpers import (ELIGIBLE, GRANT_START, PUBLICITY_ENDS_AT, complete, end_event,
                      grant_at_evaluation, grant_at_review, grant_at_submission,
                      grant_awaiting_ranking, lanes_by_id, pass_timer, ranking, ready_around,
                      ready_lanes, shanghai, specs_of, start)

pytestmark = pytest.mark.usefixtures("clock")

OFFICER_TASKS = ['formal_review', 'assign_reviewers', 'conclude_publicity', 'issue_approval',
                 'midterm_check', 'evaluate_performance', 're_evaluate']
FINANCE_TASKS = ['finance_confirm_award', 'finance_confirm_evaluation']
LANE = {'declare_eligibility': '申报单位', 'submit_application': '申报单位', 'sign_agreement': '申报单位',
        'rectify': '申报单位', 'review_application': '评审专家', 'disburse_funds': '财政经办人',
        'refund': '财政经办人', **dict.fromkeys(OFFICER_TASKS, '项目管理员'),
        **dict.fromkeys(FINANCE_TASKS, '财政厅'), 'concierge_service': '科服保姆'}
REASONS = {'inspection_last': '最近一次年检结论为“不合格”', 'inspection_twice': '最近两年年检结论连续为“基本合格”',
           'penalized': '两年内受到行政处罚', 'notified': '两年内被省科协通报并限期整改',
           'barred': '上一年度项目绩效评估不合格须全额退还项目经费，取消本年度申报资格'}
RECTIFICATION_DUE = '2025-03-31T23:59:59+08:00'


def next_ids(workflow):
    """Names of the ready tasks, checking the lane of each against the contract."""
    pairs = ready_lanes(workflow)
    assert pairs == [(name, LANE[name]) for name, _ in pairs]
    return [name for name, _ in pairs]


def waiting(workflow):
    return sorted(t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.WAITING))


def data(workflow):
    return engine.process_data(workflow)


# -- eligibility ------------------------------------------------------------------------------
@pytest.mark.parametrize('answers, barred, reasons', [
    (dict(ELIGIBLE, inspection_last='不合格'), False, ['inspection_last']),
    (dict(ELIGIBLE, inspection_last='基本合格'), False, ['inspection_twice']),
    (dict(ELIGIBLE, penalized=True), False, ['penalized']),
    (dict(ELIGIBLE, notified=True), False, ['notified']),
    (ELIGIBLE, True, ['barred']),
    (dict(inspection_last='基本合格', inspection_previous='基本合格', penalized=True, notified=True),
     True, ['inspection_twice', 'penalized', 'notified', 'barred']),
])
def test_ineligible_with_every_reason_named(answers, barred, reasons):
    workflow = start('expert_team_grant', barred=barred)
    assert next_ids(workflow) == ['declare_eligibility']
    complete(workflow, 'declare_eligibility', **answers)
    assert end_event(workflow) == 'end_ineligible'
    assert data(workflow)['ineligible_reasons'] == [REASONS[r] for r in reasons]
    assert 'reason' not in data(workflow)


def test_eligible_society_gets_an_empty_list_and_may_apply():
    workflow = grant_at_submission()
    assert next_ids(workflow) == ['submit_application']
    [task] = engine.ready_tasks(workflow)
    assert task.data['ineligible_reasons'] == []
    assert 'reason' not in task.data


# -- application and formal review ------------------------------------------------------------
def test_missing_the_apply_deadline_ends_late(clock):
    workflow = grant_at_submission()
    before, after = ready_around(clock, workflow, GRANT_START['apply_deadline'])
    assert (before, after) == ([('submit_application', LANE['submit_application'])], [])
    assert end_event(workflow) == 'end_late'


def test_rejected_at_formal_review():
    workflow = grant_at_submission()
    complete(workflow, 'submit_application')
    complete(workflow, 'formal_review', formal_review_outcome='rejected')
    assert end_event(workflow) == 'end_rejected'


CORRECTION_DUE = '2024-04-16T23:59:59+08:00'
RETURNED = dict(formal_review_outcome='returned', returned_for_correction=True,
                submission_due=CORRECTION_DUE)


def test_returned_once_then_accepted():
    workflow = grant_at_submission()
    complete(workflow, 'submit_application')
    complete(workflow, 'formal_review', **RETURNED)
    assert next_ids(workflow) == ['submit_application']
    assert waiting(workflow) == ['timer_submission_due']   # now the 补正期限
    complete(workflow, 'submit_application')
    complete(workflow, 'formal_review', formal_review_outcome='accepted')
    assert next_ids(workflow) == ['assign_reviewers']


def test_returned_after_the_apply_deadline_waits_for_the_correction_period(clock):
    workflow = grant_at_submission()
    complete(workflow, 'submit_application')
    clock.set(shanghai(2024, 4, 8, 10, 0))   # 形式审查 after the apply deadline
    complete(workflow, 'formal_review', **RETURNED)
    assert next_ids(workflow) == ['submit_application']   # not ended 逾期未申报
    before, after = ready_around(clock, workflow, CORRECTION_DUE)
    assert (before, after) == ([('submit_application', LANE['submit_application'])], [])
    assert end_event(workflow) == 'end_correction_overdue'


# -- expert review and ranking ----------------------------------------------------------------
def test_reviewers_work_in_parallel_and_score_is_the_mean():
    workflow = grant_at_review(['u1', 'u2', 'u3'])
    assert next_ids(workflow) == ['review_application'] * 3   # all at once, in the 评审专家 lane
    tasks = engine.ready_tasks(workflow)
    assert sorted(t.data['reviewer'] for t in tasks) == ['u1', 'u2', 'u3']
    totals = {'u1': 85.5, 'u2': 90, 'u3': 71}
    for task in sorted(tasks, key=lambda t: t.data['reviewer'], reverse=True):   # any order
        reviewer = task.data['reviewer']
        engine.complete(workflow, task.id, {'review': {'reviewer': reviewer, 'total': totals[reviewer]}})
    assert (waiting(workflow), next_ids(workflow)) == (['await_ranking'], [])
    assert engine.waits_for_message(workflow, 'ranking_published')
    assert [r['reviewer'] for r in data(workflow)['reviews']] == ['u3', 'u2', 'u1']   # completion order
    assert data(workflow)['expert_score'] == 82.17


def test_not_funded():
    workflow = grant_awaiting_ranking()
    engine.deliver_message(workflow, 'ranking_published', ranking('not_funded'))
    assert end_event(workflow) == 'end_not_funded'
    assert data(workflow)['ranking'] == ranking('not_funded')


def test_reserve_waits_at_one_gateway_then_released_drops_the_payload():
    workflow = grant_awaiting_ranking()
    engine.deliver_message(workflow, 'ranking_published', ranking('reserve'))
    assert waiting(workflow) == ['gw_reserve']
    assert engine.waits_for_message(workflow, 'reserve_promoted')
    assert engine.waits_for_message(workflow, 'reserve_released')
    engine.deliver_message(workflow, 'reserve_released', {'note': 'no message variable: dropped'})
    assert end_event(workflow) == 'end_not_funded'
    assert data(workflow)['ranking']['result'] == 'reserve' and 'note' not in data(workflow)


def test_reserve_then_promoted_goes_to_publicity(clock):
    workflow = grant_awaiting_ranking()
    engine.deliver_message(workflow, 'ranking_published', ranking('reserve'))
    engine.deliver_message(workflow, 'reserve_promoted', ranking('funded', rank=20))
    with pytest.raises(EngineError):
        engine.deliver_message(workflow, 'reserve_released', {})   # the other branch is gone
    pass_timer(clock, workflow, 'publicity_period', PUBLICITY_ENDS_AT)
    [task] = engine.ready_tasks(workflow)
    assert task.data['ranking'] == ranking('funded', rank=20)
    complete(workflow, 'conclude_publicity', publicity_outcome='objection_dismissed')
    assert next_ids(workflow) == ['finance_confirm_award']


def test_objection_upheld(clock):
    workflow = grant_awaiting_ranking()
    engine.deliver_message(workflow, 'ranking_published', ranking('funded'))
    pass_timer(clock, workflow, 'publicity_period', PUBLICITY_ENDS_AT)
    complete(workflow, 'conclude_publicity', publicity_outcome='objection_upheld')
    assert end_event(workflow) == 'end_objection_upheld'


def test_finance_declining_the_award_ends_not_funded(clock):
    workflow = grant_awaiting_ranking()
    engine.deliver_message(workflow, 'ranking_published', ranking('funded'))
    pass_timer(clock, workflow, 'publicity_period', PUBLICITY_ENDS_AT)
    complete(workflow, 'conclude_publicity', publicity_outcome='no_objection')
    assert next_ids(workflow) == ['finance_confirm_award']   # 财政厅 joins 立项评审
    complete(workflow, 'finance_confirm_award', finance_outcome='disagreed')
    assert end_event(workflow) == 'end_not_funded'


# -- funding, implementation, evaluation ------------------------------------------------------
def test_finance_disagreeing_with_the_evaluation_sends_it_back(clock):
    workflow = grant_at_evaluation(clock)
    complete(workflow, 'evaluate_performance', evaluation_passed=True)
    assert next_ids(workflow) == ['finance_confirm_evaluation']   # 联合组织绩效评估
    complete(workflow, 'finance_confirm_evaluation', finance_outcome='disagreed')
    assert next_ids(workflow) == ['evaluate_performance']
    complete(workflow, 'evaluate_performance', evaluation_passed=False,
             rectification_due=RECTIFICATION_DUE)
    complete(workflow, 'finance_confirm_evaluation', finance_outcome='agreed')
    assert next_ids(workflow) == ['rectify']


def test_happy_path_through_every_timer_to_completed(clock):
    workflow = grant_at_evaluation(clock)
    assert next_ids(workflow) == ['evaluate_performance']
    complete(workflow, 'evaluate_performance', evaluation_passed=True)
    complete(workflow, 'finance_confirm_evaluation', finance_outcome='agreed')
    assert end_event(workflow) == 'end_completed'
    assert data(workflow)['expert_score'] == 90


def test_a_call_without_concierges_goes_from_funding_to_the_midterm_wait(clock):
    workflow = grant_at_submission(concierges_required=False)
    complete(workflow, 'submit_application')
    complete(workflow, 'formal_review', formal_review_outcome='accepted')
    complete(workflow, 'assign_reviewers', reviewers=['u1'])
    complete(workflow, 'review_application', review={'reviewer': 'u1', 'total': 90})
    engine.deliver_message(workflow, 'ranking_published', ranking('funded'))
    pass_timer(clock, workflow, 'publicity_period', PUBLICITY_ENDS_AT)
    for step, outcome in (('conclude_publicity', {'publicity_outcome': 'no_objection'}),
                          ('finance_confirm_award', {'finance_outcome': 'agreed'}),
                          ('issue_approval', {}), ('sign_agreement', {}), ('disburse_funds', {})):
        complete(workflow, step, **outcome)
    assert next_ids(workflow) == [] and waiting(workflow) == ['midterm_wait']
    pass_timer(clock, workflow, 'midterm_wait', GRANT_START['midterm_at'])
    assert next_ids(workflow) == ['midterm_check']


@pytest.mark.parametrize('re_passed, still_open, end', [
    (True, True, 'end_completed_after_rectification'),
    (False, False, 'end_refunded'),
])
def test_failed_evaluation_then_re_evaluated(clock, re_passed, still_open, end):
    workflow = grant_at_evaluation(clock)
    complete(workflow, 'evaluate_performance', evaluation_passed=False,
             rectification_due=RECTIFICATION_DUE)
    complete(workflow, 'finance_confirm_evaluation', finance_outcome='agreed')
    assert next_ids(workflow) == ['rectify']
    complete(workflow, 'rectify')
    complete(workflow, 're_evaluate', re_evaluation_passed=re_passed, rectification_open=still_open)
    if end == 'end_refunded':
        assert next_ids(workflow) == ['refund']
        complete(workflow, 'refund')
    assert end_event(workflow) == end


def test_failed_re_evaluation_within_the_month_rectifies_again(clock):
    workflow = grant_at_evaluation(clock)
    complete(workflow, 'evaluate_performance', evaluation_passed=False,
             rectification_due=RECTIFICATION_DUE)
    complete(workflow, 'finance_confirm_evaluation', finance_outcome='agreed')
    complete(workflow, 'rectify')
    complete(workflow, 're_evaluate', re_evaluation_passed=False, rectification_open=True)
    assert next_ids(workflow) == ['rectify']   # not the refund: the month still runs
    complete(workflow, 'rectify')
    complete(workflow, 're_evaluate', re_evaluation_passed=True, rectification_open=True)
    assert end_event(workflow) == 'end_completed_after_rectification'


def test_rectification_due_interrupts_rectify_and_refunds(clock):
    workflow = grant_at_evaluation(clock)
    complete(workflow, 'evaluate_performance', evaluation_passed=False,
             rectification_due=RECTIFICATION_DUE)
    complete(workflow, 'finance_confirm_evaluation', finance_outcome='agreed')
    before, after = ready_around(clock, workflow, RECTIFICATION_DUE)   # 整改期限届满
    assert (before, after) == ([('rectify', LANE['rectify'])], [('refund', LANE['refund'])])
    complete(workflow, 'refund')
    assert end_event(workflow) == 'end_refunded'


def test_rectification_due_already_past_goes_straight_to_refund(clock):
    workflow = grant_at_evaluation(clock)   # the clock is one second past period_end
    complete(workflow, 'evaluate_performance', evaluation_passed=False,
             rectification_due=GRANT_START['period_end'])
    complete(workflow, 'finance_confirm_evaluation', finance_outcome='agreed')
    assert next_ids(workflow) == ['refund']
    complete(workflow, 'refund')
    assert end_event(workflow) == 'end_refunded'


def test_every_node_has_a_lane():
    lanes = lanes_by_id(specs_of('expert_team_grant')[0])
    assert len(lanes) == 55 and None not in lanes.values()
    assert {name: lanes[name] for name in LANE} == LANE
