"""跟踪服务 interim records: an attachment may belong to one follow-up record (its files: visit
notes, photos) — NULL for every other attachment.

Revision ID: 0017
Revises: 0014
"""
import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("follow_up_record_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_attachments_follow_up_record_id", "follow_up_records",
                                    ["follow_up_record_id"], ["id"])
        batch_op.create_index("ix_attachments_follow_up_record_id", ["follow_up_record_id"])


def downgrade():
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_index("ix_attachments_follow_up_record_id")
        batch_op.drop_constraint("fk_attachments_follow_up_record_id", type_="foreignkey")
        batch_op.drop_column("follow_up_record_id")
