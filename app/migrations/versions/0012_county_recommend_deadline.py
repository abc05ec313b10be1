"""区 → 市 → 省 recommendation chain (seed 004): an edition's 县（市、区）科协报送截止 (unset: the
labelled default, a number of days before the 推荐截止).

Revision ID: 0012
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conference_editions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("county_recommend_deadline", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conference_editions", schema=None) as batch_op:
        batch_op.drop_column("county_recommend_deadline")
