"""A process model version may repeat an earlier one's content: making an earlier version
current again deploys it as a new version (the newest version is the current one), so the
(process_key, content_hash) uniqueness goes; (process_key, version) stays.

Revision ID: 0020
Revises: 0019
"""
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

SQLITE_NAMES = {"uq": "uq_%(table_name)s_%(column_0_N_name)s"}  # the unnamed constraints, named


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("process_definitions", naming_convention=SQLITE_NAMES) as table:
            table.drop_constraint("uq_process_definitions_process_key_content_hash", type_="unique")
    else:
        op.drop_constraint("process_definitions_process_key_content_hash_key",
                           "process_definitions", type_="unique")


def downgrade() -> None:
    with op.batch_alter_table("process_definitions") as table:
        table.create_unique_constraint("uq_process_definitions_process_key_content_hash",
                                       ["process_key", "content_hash"])
