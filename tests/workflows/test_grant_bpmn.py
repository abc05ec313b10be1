"""expert_team_grant (bpmn/expert_team_grant.bpmn + grant_eligibility.dmn) on bare SpiffWorkflow.

Checked here, for the app: DMN COLLECT puts `reason = [each matching rule's value]` in task data
(nothing if no rule matches); decide_eligibility's preScript `reason = []` and postScript
`ineligible_reasons = reason; del reason` leave a plain list (`[]` when eligible).
Messages: `wf.send_event(BpmnEvent(MessageEventDefinition(name), payload={...}))` (BpmnEvent from
SpiffWorkflow.bpmn, the *spiff* MessageEventDefinition), then `wf.do_engine_steps()`. No correlation
needed (none declared; routing to the instance is the app's job). `spiffworkflow:messageVariable`
stores the whole payload as `ranking`; without one the payload is dropped; send_event raises
WorkflowException if nothing waits. The event-based gateway is ONE wf.waiting_events() entry
('MultipleEventDefinition', name None; its messages: task_spec.event_definition.event_definitions).
Multi-instance `reviews` is in completion order. timeDate timers are evaluated once, on starting
to wait. Scripts and conditions run with builtins restricted to len/sum/round, as in the app.
"""
from datetime import datetime, timezone
from pathlib import Path

import pytest
from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.bpmn.exceptions import WorkflowException
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.specs.defaults import EndEvent
from SpiffWorkflow.bpmn.specs.event_definitions import timer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

BPMN_DIR = Path(__file__).resolve().parents[2] / 'bpmn'
PAST, FUTURE = '2000-01-01T00:00:00+08:00', '2099-12-31T23:59:59+08:00'
OFFICER_TASKS = ['formal_review', 'assign_reviewers', 'conclude_publicity', 'issue_approval',
                 'midterm_check', 'evaluate_performance', 're_evaluate']
LANE = {'declare_eligibility': '申报单位', 'submit_application': '申报单位', 'sign_agreement': '申报单位',
        'rectify': '申报单位', 'review_application': '评审专家', 'disburse_funds': '财政经办人',
        'refund': '财政经办人', **dict.fromkeys(OFFICER_TASKS, '项目管理员')}
REASONS = {'inspection_last': '最近一次年检结论为“不合格”', 'inspection_twice': '最近两年年检结论连续为“基本合格”',
           'penalized': '两年内受到行政处罚', 'notified': '两年内被省科协通报并限期整改',
           'barred': '上一年度项目绩效评估不合格已全额退还，取消本年度申报资格'}
CLEAN = dict(inspection_last='合格', inspection_previous='基本合格', penalized=False, notified=False)


@pytest.fixture(scope='module')
def spec():
    parser = SpiffBpmnParser(validator=BpmnValidator())
    parser.add_bpmn_file(str(BPMN_DIR / 'expert_team_grant.bpmn'))
    parser.add_dmn_file(str(BPMN_DIR / 'grant_eligibility.dmn'))
    return parser.get_spec('expert_team_grant'), parser.get_subprocess_specs('expert_team_grant')


@pytest.fixture
def spiff_clock(monkeypatch):
    """Own clock, not the app's: set `.at` to move the time Spiff's timers compare against."""
    class Clock(datetime):
        at = datetime.now(timezone.utc)
        now = classmethod(lambda cls, tz=None: cls.at.astimezone(tz))
    monkeypatch.setattr(timer, 'datetime', Clock)
    return Clock


def start(spec, **data):
    engine = PythonScriptEngine(environment=TaskDataEnvironment(
        {'__builtins__': {'len': len, 'sum': sum, 'round': round}}))
    wf = BpmnWorkflow(*spec, script_engine=engine)
    wf.task_tree.data.update(call_id=1, society_org_id=10, officer_org_id=20, finance_org_id=30,
                             barred=False, apply_deadline=FUTURE, midterm_at=PAST, period_end=PAST)
    wf.task_tree.data.update(data)
    wf.do_engine_steps()
    return wf


def ready(wf):
    """READY user tasks, checking the lane of each against the contract."""
    tasks = wf.get_tasks(state=TaskState.READY, manual=True)
    for t in tasks:
        assert t.task_spec.lane == LANE[t.task_spec.bpmn_id], t.task_spec.bpmn_id
    return tasks


def next_ids(wf):
    return [t.task_spec.bpmn_id for t in ready(wf)]


def waiting(wf):
    return sorted(t.task_spec.bpmn_id for t in wf.get_tasks(state=TaskState.WAITING))


def complete(wf, task, **data):
    if isinstance(task, str):
        [task] = [t for t in ready(wf) if t.task_spec.bpmn_id == task]
    task.data.update(data)
    task.run()
    wf.do_engine_steps()


def send(wf, name, payload=None):
    wf.send_event(BpmnEvent(MessageEventDefinition(name), payload=payload or {}))
    wf.do_engine_steps()


def fire_timers(wf):
    wf.refresh_timers()
    wf.do_engine_steps()


def outcome(wf):
    assert wf.is_completed()
    [end] = wf.get_tasks(state=TaskState.COMPLETED, spec_class=EndEvent)
    return end.task_spec.bpmn_id


def ranking(result, **extra):
    return {'result': result, 'rank': 3, 'combined_score': 88.1, 'publicity_ends_at': PAST, **extra}


def to_submission(spec, **start_data):
    wf = start(spec, **start_data)
    complete(wf, 'declare_eligibility', **CLEAN)
    return wf


def to_review(spec, reviewers, **start_data):
    wf = to_submission(spec, **start_data)
    complete(wf, 'submit_application')
    complete(wf, 'formal_review', formal_review_outcome='accepted')
    complete(wf, 'assign_reviewers', reviewers=reviewers)
    return wf


def to_ranking(spec, **start_data):
    wf = to_review(spec, ['u1', 'u2'], **start_data)
    for task in ready(wf):
        complete(wf, task, review={'reviewer': task.data['reviewer'], 'total': 90, 'comment': '…'})
    assert [(e.event_type, e.name) for e in wf.waiting_events()] == [
        ('MessageEventDefinition', 'ranking_published')]
    return wf


def to_evaluation(spec, spiff_clock):
    """Funded → evaluation, moving the clock through the 2024 call's dates."""
    def at(text):
        spiff_clock.at = datetime.fromisoformat(text)
        fire_timers(wf)

    spiff_clock.at = datetime.fromisoformat('2024-03-20T09:00:00+08:00')
    wf = to_ranking(spec, apply_deadline='2024-04-02T23:59:59+08:00',
                    midterm_at='2024-08-01T09:00:00+08:00', period_end='2024-12-31T23:59:59+08:00')
    send(wf, 'ranking_published', ranking('funded', publicity_ends_at='2024-04-17T18:00:00+08:00'))
    at('2024-04-17T17:59:00+08:00')
    assert (waiting(wf), next_ids(wf)) == (['publicity_period'], [])
    at('2024-04-17T18:00:01+08:00')
    complete(wf, 'conclude_publicity', publicity_outcome='no_objection')
    for step in ('issue_approval', 'sign_agreement', 'disburse_funds'):
        assert next_ids(wf) == [step]
        complete(wf, step)
    at('2024-08-01T09:00:01+08:00')
    complete(wf, 'midterm_check')
    at('2024-12-31T23:00:00+08:00')
    assert (waiting(wf), next_ids(wf)) == (['period_end_wait'], [])
    at('2025-01-02T09:00:00+08:00')
    assert next_ids(wf) == ['evaluate_performance']
    return wf


# -- eligibility ------------------------------------------------------------------------------
@pytest.mark.parametrize('answers, barred, reasons', [
    (dict(CLEAN, inspection_last='不合格'), False, ['inspection_last']),
    (dict(CLEAN, inspection_last='基本合格'), False, ['inspection_twice']),
    (dict(CLEAN, penalized=True), False, ['penalized']),
    (dict(CLEAN, notified=True), False, ['notified']),
    (CLEAN, True, ['barred']),
    (dict(inspection_last='基本合格', inspection_previous='基本合格', penalized=True, notified=True),
     True, ['inspection_twice', 'penalized', 'notified', 'barred']),
])
def test_ineligible_with_every_reason_named(spec, answers, barred, reasons):
    wf = start(spec, barred=barred)
    assert next_ids(wf) == ['declare_eligibility']
    complete(wf, 'declare_eligibility', **answers)
    assert outcome(wf) == 'end_ineligible'
    assert wf.data['ineligible_reasons'] == [REASONS[r] for r in reasons]
    assert 'reason' not in wf.data


def test_eligible_society_gets_an_empty_list_and_may_apply(spec):
    wf = to_submission(spec)
    assert next_ids(wf) == ['submit_application']
    assert ready(wf)[0].data['ineligible_reasons'] == []
    assert 'reason' not in ready(wf)[0].data


# -- application and formal review ------------------------------------------------------------
def test_missing_the_apply_deadline_ends_late(spec):
    wf = to_submission(spec, apply_deadline=PAST)
    fire_timers(wf)
    assert outcome(wf) == 'end_late'


def test_rejected_at_formal_review(spec):
    wf = to_submission(spec)
    complete(wf, 'submit_application')
    complete(wf, 'formal_review', formal_review_outcome='rejected')
    assert outcome(wf) == 'end_rejected'


def test_returned_once_then_accepted(spec):
    wf = to_submission(spec)
    complete(wf, 'submit_application')
    complete(wf, 'formal_review', formal_review_outcome='returned')
    assert next_ids(wf) == ['submit_application']
    assert waiting(wf) == ['timer_apply_deadline']   # the deadline still applies
    complete(wf, 'submit_application')
    complete(wf, 'formal_review', formal_review_outcome='accepted')
    assert next_ids(wf) == ['assign_reviewers']


# -- expert review and ranking ----------------------------------------------------------------
def test_reviewers_work_in_parallel_and_score_is_the_mean(spec):
    wf = to_review(spec, ['u1', 'u2', 'u3'])
    tasks = ready(wf)                                 # all three at once, in the 评审专家 lane
    assert sorted((t.task_spec.bpmn_id, t.data['reviewer']) for t in tasks) == [
        ('review_application', 'u1'), ('review_application', 'u2'), ('review_application', 'u3')]
    totals = {'u1': 85.5, 'u2': 90, 'u3': 71}
    for task in sorted(tasks, key=lambda t: t.data['reviewer'], reverse=True):   # any order
        reviewer = task.data['reviewer']
        complete(wf, task, review={'reviewer': reviewer, 'total': totals[reviewer]})
    assert (waiting(wf), next_ids(wf)) == (['await_ranking'], [])
    [task] = wf.get_tasks(state=TaskState.WAITING)
    assert [r['reviewer'] for r in task.data['reviews']] == ['u3', 'u2', 'u1']   # completion order
    assert task.data['expert_score'] == 82.17


def test_not_funded(spec):
    wf = to_ranking(spec)
    send(wf, 'ranking_published', ranking('not_funded'))
    assert outcome(wf) == 'end_not_funded'
    assert wf.data['ranking'] == ranking('not_funded')


def test_reserve_then_released(spec):
    wf = to_ranking(spec)
    send(wf, 'ranking_published', ranking('reserve'))
    [gateway] = wf.get_tasks(state=TaskState.WAITING)
    messages = sorted(d.name for d in gateway.task_spec.event_definition.event_definitions)
    assert (gateway.task_spec.bpmn_id, messages) == ('gw_reserve', ['reserve_promoted',
                                                                    'reserve_released'])
    send(wf, 'reserve_released', {'note': 'no message variable: payload is dropped'})
    assert outcome(wf) == 'end_not_funded'
    assert wf.data['ranking']['result'] == 'reserve' and 'note' not in wf.data


def test_reserve_then_promoted_goes_to_publicity(spec):
    wf = to_ranking(spec)
    send(wf, 'ranking_published', ranking('reserve'))
    send(wf, 'reserve_promoted', ranking('funded', rank=20))
    with pytest.raises(WorkflowException):
        send(wf, 'reserve_released')                  # the other branch is gone
    fire_timers(wf)                                   # publicity_period
    assert ready(wf)[0].data['ranking'] == ranking('funded', rank=20)
    complete(wf, 'conclude_publicity', publicity_outcome='objection_dismissed')
    assert next_ids(wf) == ['issue_approval']


def test_objection_upheld(spec):
    wf = to_ranking(spec)
    send(wf, 'ranking_published', ranking('funded'))
    fire_timers(wf)
    complete(wf, 'conclude_publicity', publicity_outcome='objection_upheld')
    assert outcome(wf) == 'end_objection_upheld'


# -- funding, implementation, evaluation ------------------------------------------------------
def test_happy_path_to_completed(spec, spiff_clock):
    wf = to_evaluation(spec, spiff_clock)
    complete(wf, 'evaluate_performance', evaluation_passed=True)
    assert outcome(wf) == 'end_completed'
    assert wf.data['expert_score'] == 90


@pytest.mark.parametrize('due, re_passed, end', [
    (FUTURE, True, 'end_completed_after_rectification'),
    (FUTURE, False, 'end_refunded'),
    (PAST, None, 'end_refunded'),                     # 整改期限届满 interrupts rectify
])
def test_failed_evaluation_and_rectification(spec, spiff_clock, due, re_passed, end):
    wf = to_evaluation(spec, spiff_clock)
    complete(wf, 'evaluate_performance', evaluation_passed=False, rectification_due=due)
    fire_timers(wf)
    if re_passed is not None:
        complete(wf, 'rectify')
        complete(wf, 're_evaluate', re_evaluation_passed=re_passed)
    if end == 'end_refunded':
        assert next_ids(wf) == ['refund']
        complete(wf, 'refund')
    assert outcome(wf) == end


def test_every_node_has_a_lane(spec):
    lanes = {s.bpmn_id: s.lane for s in spec[0].task_specs.values() if s.bpmn_id}
    assert len(lanes) == 44 and None not in lanes.values() and lanes['formal_review'] == '项目管理员'
