"""Settings versions: an application reads the call's review criteria and KPI targets of the
version it started with; one started after an edit reads the new ones; history counts them."""
from __future__ import annotations

import copy

import sqlalchemy as sa

from app.extensions import db
from app.models import GrantCall
from app.services.grant.applications import start_application
from app.services.shared import call_settings as cs
from tests.web.formdata import flatten


def _edit(call: GrantCall, user, **changes):
    raw = {**cs.snapshot(cs.CALL, call), **changes}
    from app.views.formrender import unflatten
    from werkzeug.datastructures import MultiDict
    return cs.update_call(call.id, unflatten(MultiDict(flatten(raw))), user)


def test_an_application_keeps_the_criteria_and_targets_it_started_with(world):
    users, orgs = world["users"], world["orgs"]
    call = db.session.get(GrantCall, world["grant_call"].id)
    old_criteria, old_targets = copy.deepcopy(call.review_criteria), copy.deepcopy(call.kpi_targets)
    first = start_application(call.id, orgs["soc_smart_mfg"].id, users["soc_mfg_applicant"])
    criteria = [{"code": "only", "label": "综合评价", "max": "100"}]
    targets = [{**old_targets[0], "target": "999"}]
    version = _edit(call, users["admin"], review_criteria=criteria, kpi_targets=targets)
    assert version.number == 2 and "评审标准" in version.changed and "绩效指标" in version.changed
    other = next(code for code, org in orgs.items()
                 if org.org_type == "society" and code != "soc_smart_mfg")
    applicant = next(u for u in users.values() if any(r.org_id == orgs[other].id for r in u.roles))
    second = start_application(call.id, orgs[other].id, applicant)

    kept = cs.call_settings(first.instance)
    assert kept.version == 1
    assert kept.review_criteria == old_criteria and kept.kpi_targets == old_targets
    new = cs.call_settings(second.instance)
    assert new.version == 2 and [row["label"] for row in new.review_criteria] == ["综合评价"]
    assert str(new.kpi_targets[0]["target"]).startswith("999")
    assert {row.number: row.running for row in cs.history(cs.CALL, call)} == {2: 1, 1: 1}


def test_an_unchanged_save_is_no_new_version(world):
    call = db.session.get(GrantCall, world["grant_call"].id)
    cs.ensure_version(cs.CALL, call)
    saved = _edit(call, world["users"]["admin"])
    assert saved is None, saved.changed
    assert db.session.scalar(sa.select(sa.func.count()).select_from(cs.SettingsVersion)) == 1


def test_an_instances_version_is_read_once_and_each_reader_gets_its_own_copy(world):
    """A saved version never changes: the second read of an instance's settings issues no
    query (a grant step read them on every completion), a later edit of the call does not
    reach it, and a reader that changes what it got does not change the next reader's."""
    users, orgs = world["users"], world["orgs"]
    call = db.session.get(GrantCall, world["grant_call"].id)
    application = start_application(call.id, orgs["soc_smart_mfg"].id, users["soc_mfg_applicant"])
    first = cs.call_settings(application.instance)
    first.kpi_targets[0]["target"] = "changed by a careless reader"
    _edit(call, users["admin"], review_criteria=[{"code": "only", "label": "综合评价", "max": "100"}])
    statements = []

    def record(connection, cursor, statement, *args):
        statements.append(statement)
    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        again = cs.call_settings(application.instance)
        assert again.version == 1 and len(again.review_criteria) > 1
        assert again.kpi_targets[0]["target"] != "changed by a careless reader"
        assert statements == []
        assert again.managing_org_id == call.managing_org_id  # not a setting: from the call itself
        assert len(statements) == 1  # …loaded when first asked for
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
