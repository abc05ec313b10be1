"""Settings versions: each save of an edition's or a grant call's settings keeps a JSON
snapshot (who, when, number, what changed); running instances read the version they started
with.

Revision ID: 0016
Revises: 0017
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "settings_versions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("subject", sa.String(16), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False, index=True),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("snapshot", JSON, nullable=False),
        sa.Column("changed", JSON, nullable=False),
        sa.Column("saved_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("subject", "subject_id", "number"))
    with op.batch_alter_table("process_instances") as batch:
        batch.add_column(sa.Column("settings_version", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("process_instances") as batch:
        batch.drop_column("settings_version")
    op.drop_table("settings_versions")
