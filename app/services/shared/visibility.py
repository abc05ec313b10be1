"""Who may see an instance: members of an org it belongs to or was offered to, the people it
was assigned to, and administrators. Anyone else gets "not found" — existence is not revealed."""
from __future__ import annotations

import sqlalchemy as sa

from ...extensions import db
from ...models import InstanceViewer, ProcessInstance, User
from .errors import NotFound
from .read_once import read_once


def is_admin(user: User) -> bool:
    return any(r.role == "admin" for r in user.roles)


def visible_to(user: User):
    """SQL condition on ProcessInstance.id: the instances ``user`` may see."""
    if is_admin(user):
        return sa.true()
    return ProcessInstance.id.in_(sa.select(InstanceViewer.instance_id).where(_viewer_is(user)))


def _viewer_is(user: User):
    """SQL condition on InstanceViewer: a row that lets ``user`` see (theirs, or an org's they
    hold a role in)."""
    return sa.or_(*_viewer_arms(user))


def _viewer_arms(user: User) -> list:
    """_viewer_is as its two index ranges: the rows naming the person, those naming their orgs."""
    return [InstanceViewer.user_id == user.id, InstanceViewer.org_id.in_({r.org_id for r in user.roles})]


def visible_to_each(user: User):
    """visible_to, asked of each instance in turn (EXISTS): for a list read in its index's
    order that stops at the page — cheaper than gathering every visible instance first when
    the person may see thousands, dearer when they may see a few."""
    if is_admin(user):
        return sa.true()
    return sa.exists().where(InstanceViewer.instance_id == ProcessInstance.id, _viewer_is(user))


def visible_count(user: User) -> int:
    """How many instances ``user`` may see, counted on their viewer rows alone: every row names
    an instance that exists (the foreign key cascades), so the instances are not read — for a
    province department's ~12,600 that was a join: 15 against 3 ms on PostgreSQL."""
    if is_admin(user):
        return db.session.scalar(sa.select(sa.func.count()).select_from(ProcessInstance))
    return db.session.scalar(sa.select(sa.func.count(sa.distinct(InstanceViewer.instance_id)))
                             .where(_viewer_is(user)))


def sees_many(user: User, at_least: int) -> bool:
    """Whether ``user`` may see about ``at_least`` instances or more: their viewer rows by name
    and by org, each range counted no further (a province department sees ~12,000, an
    applicant a dozen; an instance seen both ways counts twice, hence "about"). One OR with
    the LIMIT let PostgreSQL scan the table until enough rows matched. Asked once per
    transaction."""
    if is_admin(user):
        return True

    def counted() -> bool:
        counts = [sa.select(sa.func.count()).select_from(
            sa.select(InstanceViewer.instance_id).where(viewer).limit(at_least).subquery()).scalar_subquery()
            for viewer in _viewer_arms(user)]
        return db.session.scalar(sa.select(sum(counts[1:], counts[0]))) >= at_least
    return read_once(("sees_many", user.id, at_least), counted)


def visible_instance(instance_id: int, user: User) -> ProcessInstance:
    """The instance, if ``user`` may see it. Checked once per transaction and user (the instance
    page asks for it, then its documents box): a write or the transaction's end checks again."""
    instance = read_once(("visible_instance", instance_id, user.id), lambda: db.session.scalar(
        sa.select(ProcessInstance).where(ProcessInstance.id == instance_id, visible_to(user))))
    if instance is None:
        raise NotFound("项目或申报不存在")
    return instance
