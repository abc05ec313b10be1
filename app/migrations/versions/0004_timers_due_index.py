"""timers: one (due_at, id) index for the sweep's ordered, batched reads

Revision ID: 0004
Revises: 0003
"""
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_timers_due", "timers", ["due_at", "id"])
    op.drop_index("ix_timers_due_at", table_name="timers")


def downgrade():
    op.create_index("ix_timers_due_at", "timers", ["due_at"])
    op.drop_index("ix_timers_due", table_name="timers")
