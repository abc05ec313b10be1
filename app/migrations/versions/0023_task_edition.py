"""A 科创项目's tasks carry its 科创会 edition, in the inbox index: a 创发部's inbox shows its
thousands of 遴选 tasks as one line per edition, counted on every inbox page — through each
task's project that was a search per task (~17 ms for 15,000 on SQLite, bench/inbox.py); from
the index alone it is a range read. A project's edition never changes, so the copy cannot
drift; open tasks of existing projects get theirs here.

Revision ID: 0023
Revises: 0022
"""
import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

OFFERED = ["role", "org_id", "task_name", "due_at", "candidate_user_id", "claimed_by_id", "instance_id",
           "created_at", "id"]


def upgrade() -> None:
    op.drop_index("ix_tasks_offered", table_name="tasks")
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(sa.Column("edition_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_tasks_edition_id", "conference_editions", ["edition_id"], ["id"])
    op.execute("UPDATE tasks SET edition_id = (SELECT projects.edition_id FROM projects"
               " WHERE projects.instance_id = tasks.instance_id)")
    op.create_index("ix_tasks_offered", "tasks", OFFERED + ["edition_id"])


def downgrade() -> None:
    op.drop_index("ix_tasks_offered", table_name="tasks")
    with op.batch_alter_table("tasks") as batch:
        batch.drop_constraint("fk_tasks_edition_id", type_="foreignkey")
        batch.drop_column("edition_id")
    op.create_index("ix_tasks_offered", "tasks", OFFERED)
