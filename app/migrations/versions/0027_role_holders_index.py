"""The holders of a role are read from one index: 分配评审专家 reads every expert (its pool and
its 随机抽取), and each new task's notice the holders of its role in its org. By role alone no
index served, so every assignment of reviewers read the whole role_assignments table (10,000
rows at a province's scale; tests/services/test_query_plans.py).

Revision ID: 0027
Revises: 0026
"""
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_role_assignments_role_org_user", "role_assignments", ["role", "org_id", "user_id"])


def downgrade() -> None:
    op.drop_index("ix_role_assignments_role_org_user", table_name="role_assignments")
