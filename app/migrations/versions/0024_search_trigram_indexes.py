"""The instance list's search at a province's scale on PostgreSQL (bench/inbox.py, 50,000
instances): ILIKE '%text%' on the business key and title cannot use a b-tree index, so every
search read all 50,000 rows (45–100 ms); trigram indexes (pg_trgm, GIN) find the rows of a text
of 3 characters or more from the index, and 所属单位's search (orgs.name) likewise. A text of 1–2
characters has no trigram: the planner then reads the table as before, by LIKE where the text
has no letter with a case (services/reading/instance_views.py). The indexes are written at once
(fastupdate off, ~0.1 ms more per instance written): a GIN pending list must be read through by
every search, and with one the planner chose to read the table instead until the next vacuum.

PostgreSQL only; SQLite has no trigram index (a no-op there). pg_trgm is a trusted extension
(PostgreSQL 13+): the database's owner may create it. The downgrade drops the indexes and keeps
the extension — created "if not exists", it may have been there before, and others may use it.

Revision ID: 0024
Revises: 0023
"""
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

INDEXES = [("ix_process_instances_business_key_trgm", "process_instances", "business_key"),
           ("ix_process_instances_title_trgm", "process_instances", "title"),
           ("ix_orgs_name_trgm", "orgs", "name")]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        op.create_index(name, table, [column], postgresql_using="gin",
                        postgresql_ops={column: "gin_trgm_ops"}, postgresql_with={"fastupdate": "off"})


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
