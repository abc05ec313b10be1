"""Inbox and lists at a province's scale (bench/inbox.py: 100,000 open tasks, 50,000
instances): the inbox's (role, org) index carries the task's kind, due date, holders and
instance, so counts, filters and the 遴选 grouping read the index alone; a project's edition is
found from its instance in an index; the instance list pages by (updated_at, id).

Revision ID: 0021
Revises: 0020
"""
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

OFFERED = ["role", "org_id", "task_name", "due_at", "candidate_user_id", "claimed_by_id", "instance_id"]


def upgrade() -> None:
    op.drop_index("ix_tasks_inbox", table_name="tasks")
    op.create_index("ix_tasks_offered", "tasks", OFFERED)
    op.create_index("ix_projects_instance_edition", "projects", ["instance_id", "edition_id"])
    op.create_index("ix_process_instances_updated", "process_instances", ["updated_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_process_instances_updated", table_name="process_instances")
    op.drop_index("ix_projects_instance_edition", table_name="projects")
    op.drop_index("ix_tasks_offered", table_name="tasks")
    op.create_index("ix_tasks_inbox", "tasks", ["role", "org_id"])
