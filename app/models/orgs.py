"""Organisations, users and the roles a user holds within an organisation."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, trigram_index

ORG_TYPES = {
    "province_association": "省科协",
    "department": "省科协部门",
    "city_association": "市（州）科协",
    "county_association": "县（市、区）科协",
    "society": "省级学会",
    "member_unit": "高校、院所、企业",
    "finance_department": "财政厅",
    "financial_institution": "金融创投机构",
    "partner_association": "兄弟省市科协",
}


class Org(db.Model):
    __tablename__ = "orgs"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    org_type: Mapped[str] = mapped_column(sa.String(32), index=True)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("orgs.id"))
    city_id: Mapped[int | None] = mapped_column(sa.ForeignKey("orgs.id"))  # the 市州 it belongs to

    parent: Mapped[Org | None] = relationship(remote_side=[id], foreign_keys=[parent_id])

    # the instance list's 所属单位 search, on PostgreSQL (migration 0024)
    __table_args__ = (trigram_index("ix_orgs_name_trgm", "name"),)

    def __repr__(self) -> str:
        return f"<Org {self.code}>"


class User(UserMixin, db.Model):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(100))
    email: Mapped[str | None] = mapped_column(sa.String(254))  # reminders by e-mail, when set
    password_hash: Mapped[str | None] = mapped_column(sa.String(256))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    roles: Mapped[list[RoleAssignment]] = relationship(back_populates="user", lazy="selectin")

    @property
    def is_active(self) -> bool:  # Flask-Login: a deactivated account cannot log in
        return self.active

    def holds(self, role: str, org_id: int) -> bool:
        return any(r.role == role and r.org_id == org_id for r in self.roles)

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class RoleAssignment(db.Model):
    __tablename__ = "role_assignments"
    # holders of a role (all experts: 分配评审专家's pool and its draw) or of a role in an org
    # (who is told of a new task) read from the index alone (migration 0027)
    __table_args__ = (sa.UniqueConstraint("user_id", "org_id", "role"),
                      sa.Index("ix_role_assignments_role_org_user", "role", "org_id", "user_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"), index=True)
    role: Mapped[str] = mapped_column(sa.String(32))

    user: Mapped[User] = relationship(back_populates="roles")
    org: Mapped[Org] = relationship(lazy="joined")
