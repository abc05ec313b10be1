"""百优/十佳“科服保姆”, 优质科创项目, 突出贡献单位 (seed 000 §七（一）、（四）): concierge kinds, an
award round per edition (quotas, dates, weights as data), nominations and honours.

Revision ID: 0014
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def _chosen(table: str, target: tuple[str, str], *columns) -> None:
    op.create_table(
        table,
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("round_id", sa.Integer(), sa.ForeignKey("award_rounds.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column(target[0], sa.Integer(), sa.ForeignKey(target[1]), nullable=False),
        *columns,
        sa.Column("chosen_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("chosen_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("round_id", target[0]))


def upgrade() -> None:
    op.create_table(
        "concierge_profiles",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"),
                  nullable=False, unique=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("set_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False))
    op.create_table(
        "award_rounds",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("edition_id", sa.Integer(), sa.ForeignKey("conference_editions.id"),
                  nullable=False, unique=True),
        sa.Column("data_cutoff", sa.Date(), nullable=False),
        sa.Column("nomination_deadline", sa.Date(), nullable=False),
        sa.Column("quotas", JSON, nullable=False),
        sa.Column("weights", JSON, nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=True))
    op.create_table(
        "award_nominations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("round_id", sa.Integer(), sa.ForeignKey("award_rounds.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("honour", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("unit_org_id", sa.Integer(), sa.ForeignKey("orgs.id"), nullable=False),
        sa.Column("approved", sa.Boolean(), nullable=False),
        sa.Column("nominated_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("nominated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("round_id", "user_id"))
    _chosen("award_quality_projects", ("project_id", "projects.id"),
            sa.Column("reason", sa.String(500), nullable=False))
    _chosen("award_contribution_units", ("org_id", "orgs.id"),
            sa.Column("reason", sa.String(500), nullable=False))


def downgrade() -> None:
    for table in ("award_contribution_units", "award_quality_projects", "award_nominations",
                  "award_rounds", "concierge_profiles"):
        op.drop_table(table)
