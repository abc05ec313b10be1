"""a grant call's score rule: from how many reviewers the expert score drops one highest and one
lowest total (trimmed mean; our default 5).

Revision ID: 0013
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("grant_calls", schema=None) as batch_op:
        batch_op.add_column(sa.Column("trim_from_reviewers", sa.Integer(), nullable=False,
                                      server_default="5"))


def downgrade() -> None:
    with op.batch_alter_table("grant_calls", schema=None) as batch_op:
        batch_op.drop_column("trim_from_reviewers")
