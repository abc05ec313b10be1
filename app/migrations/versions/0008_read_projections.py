"""process instances: the read projections pages need instead of a workflow (diagram progress,
an ended instance's result). Older instances are left NULL here (filling them needs the specs):
``grantflow init-db`` fills them once after upgrading (services/shared/progress.py).

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("process_instances", schema=None) as batch_op:
        batch_op.add_column(sa.Column("progress", JSON, nullable=True))
        batch_op.add_column(sa.Column("outcome_data", JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("process_instances", schema=None) as batch_op:
        batch_op.drop_column("outcome_data")
        batch_op.drop_column("progress")
