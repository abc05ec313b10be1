"""Reads that grew with the whole table are read from an index range instead
(tests/services/test_query_plans.py plans them):
- the holders of a role: 分配评审专家 reads every expert (its pool and its 随机抽取), and each new
  task's notice the holders of its role in its org. By role alone no index served, so every
  assignment of reviewers read the whole role_assignments table (10,000 rows at a province's
  scale: 1.06 → 0.47 ms);
- whether a call's ranking is out (a ranked application), asked for each call on every instance
  list page to offer its 公示名单: the whole grant_applications table was read (5,000 a year:
  1.3 ms at one year's, 0.007 ms from this index). It replaces the index on call_id alone,
  which the (call_id, society_org_id) unique constraint already served;
- the completion of a task, read when someone finds it handled meanwhile (the loser of a race
  is told by whom and when): the whole audit trail was read, every step of every instance.

Revision ID: 0027
Revises: 0026
"""
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_role_assignments_role_org_user", "role_assignments", ["role", "org_id", "user_id"])
    op.drop_index("ix_grant_applications_call_id", table_name="grant_applications")
    op.create_index("ix_grant_applications_call_rank", "grant_applications", ["call_id", "rank"])
    op.create_index("ix_audit_events_task_id", "audit_events", ["task_id"])


def downgrade() -> None:
    op.drop_index("ix_audit_events_task_id", table_name="audit_events")
    op.drop_index("ix_grant_applications_call_rank", table_name="grant_applications")
    op.create_index("ix_grant_applications_call_id", "grant_applications", ["call_id"])
    op.drop_index("ix_role_assignments_role_org_user", table_name="role_assignments")
