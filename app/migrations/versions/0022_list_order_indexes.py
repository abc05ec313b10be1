"""Lists at a province's scale, read in their order and stopped at the page (bench/inbox.py):
the inbox index also carries the rest of the inbox's order (created_at, id), so a page's tasks
are chosen from the index alone; overdue tasks are walked by (due_at, id) with the role and org
the 逾期督办 rules look at, stopping at the page instead of sorting every overdue task; the
instance list's (updated_at, id) index carries the business key and title, so a text search
reads them from the index rather than from every row with its serialized workflow.

Revision ID: 0022
Revises: 0021
"""
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

LISTED = ["updated_at", "id"]
OFFERED = ["role", "org_id", "task_name", "due_at", "candidate_user_id", "claimed_by_id", "instance_id"]


def upgrade() -> None:
    op.drop_index("ix_tasks_offered", table_name="tasks")
    op.create_index("ix_tasks_offered", "tasks", OFFERED + ["created_at", "id"])
    op.drop_index("ix_tasks_due_at", table_name="tasks")
    op.create_index("ix_tasks_overdue", "tasks", ["due_at", "id", "role", "org_id"])
    op.drop_index("ix_process_instances_updated", table_name="process_instances")
    op.create_index("ix_process_instances_updated", "process_instances", LISTED + ["business_key", "title"])


def downgrade() -> None:
    op.drop_index("ix_process_instances_updated", table_name="process_instances")
    op.create_index("ix_process_instances_updated", "process_instances", LISTED)
    op.drop_index("ix_tasks_overdue", table_name="tasks")
    op.create_index("ix_tasks_due_at", "tasks", ["due_at"])
    op.drop_index("ix_tasks_offered", table_name="tasks")
    op.create_index("ix_tasks_offered", "tasks", OFFERED)
