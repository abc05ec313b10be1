"""grant calls: the 补正 period after a 形式审查 return (working days) and the ranking preference
for last year's 优秀 societies (points) — both call settings with our defaults (5 days, 1 point).

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(14, 4).with_variant(sa.String(32), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("grant_calls", schema=None) as batch_op:
        batch_op.add_column(sa.Column("correction_working_days", sa.Integer(), nullable=False,
                                      server_default="5"))
        batch_op.add_column(sa.Column("excellent_priority_points", MONEY, nullable=False,
                                      server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("grant_calls", schema=None) as batch_op:
        batch_op.drop_column("excellent_priority_points")
        batch_op.drop_column("correction_working_days")
