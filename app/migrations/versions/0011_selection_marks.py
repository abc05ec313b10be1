"""科创会 遴选 under quotas: the departments' work list of marks (admission / placement) and
the minimums an edition fell short of at its 遴选截止.

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "selection_marks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("edition_id", sa.Integer(), sa.ForeignKey("conference_editions.id"), nullable=False),
        sa.Column("project_id", sa.Integer(), sa.ForeignKey("projects.id"), nullable=False),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("bucket", sa.String(32), nullable=True),
        sa.Column("sector", sa.String(32), nullable=True),
        sa.Column("marked_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.String(500), nullable=True),
        sa.UniqueConstraint("project_id", "stage"),
    )
    op.create_index("ix_selection_marks_edition_id", "selection_marks", ["edition_id"])
    op.create_table(
        "selection_shortfalls",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("edition_id", sa.Integer(), sa.ForeignKey("conference_editions.id"), nullable=False),
        sa.Column("minimum", sa.String(32), nullable=False),
        sa.Column("required", sa.Integer(), nullable=False),
        sa.Column("reached", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("edition_id", "minimum"),
    )


def downgrade() -> None:
    op.drop_table("selection_shortfalls")
    op.drop_index("ix_selection_marks_edition_id", "selection_marks")
    op.drop_table("selection_marks")
