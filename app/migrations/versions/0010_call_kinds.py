"""grant calls of seed 001 as their own kinds: a call's kind (专家团 / 科技服务团 / 品牌活动) picks
its application form and rules; whether its KPI targets may be reduced (可适当抵减) and which of
its values its source document fixes (the others are settings). KPI entries carry the 科创中国
平台 confirmation and a deliverable's 字数; an application keeps the reduced targets 绩效评估
granted.

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("grant_calls", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(32), nullable=False,
                                      server_default="expert_team"))
        batch_op.add_column(sa.Column("reduction_allowed", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column("source_fixed", JSON, nullable=True))
    with op.batch_alter_table("kpi_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("platform_ref", sa.String(100), nullable=True))
        batch_op.add_column(sa.Column("word_count", sa.Integer(), nullable=True))
    with op.batch_alter_table("grant_applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kpi_reductions", JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("grant_applications", schema=None) as batch_op:
        batch_op.drop_column("kpi_reductions")
    with op.batch_alter_table("kpi_entries", schema=None) as batch_op:
        batch_op.drop_column("word_count")
        batch_op.drop_column("platform_ref")
    with op.batch_alter_table("grant_calls", schema=None) as batch_op:
        batch_op.drop_column("source_fixed")
        batch_op.drop_column("reduction_allowed")
        batch_op.drop_column("kind")
