"""A 市州's projects are looked up from one index that also holds their instances: the
instance list filtered by 市州 reads a city's ~2,000 projects for their instance ids (a
province-wide reader's 市州 filter, instance_views.BY_CITY). From the index on the city alone
PostgreSQL read each project's row from the table — 2,146 pages, ~5 of its ~20 ms; from this
one it reads the index alone (bench/inbox.py: `?status=running&city=成都` 3–7 ms faster).

Revision ID: 0026
Revises: 0025
"""
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_projects_city_org_id", table_name="projects")
    op.create_index("ix_projects_city_instance", "projects", ["city_org_id", "instance_id"])


def downgrade() -> None:
    op.drop_index("ix_projects_city_instance", table_name="projects")
    op.create_index("ix_projects_city_org_id", "projects", ["city_org_id"])
