"""消息: notices of decisions and new tasks beside reminders — the 消息 page lists a person's
notices newest first (index on user, created_at). Event notices need no other change: their
kinds are new values of ``kind`` (String(32)), and a decision with no task to follow has
task_id NULL, which the (user, task, kind) unique constraint never counts as a duplicate.

Revision ID: 0015
Revises: 0014
"""
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index("ix_notifications_user_created", ["user_id", "created_at"], unique=False)


def downgrade():
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_user_created")
