"""Accounts administration forms: a new user, a password reset, a role assignment, a new org."""
from __future__ import annotations

from marshmallow import fields, validate, validates_schema

from forms import fields as f
from forms.base import FormSchema, error_on
from workflows.processes import ROLE_LABELS

USERNAME = r"[A-Za-z][A-Za-z0-9_.-]{2,63}"
PASSWORD_MIN, PASSWORD_MAX = 10, 128
ROLE_CHOICES = tuple(ROLE_LABELS.items())
CITY_REQUIRED = ("member_unit", "county_association")  # org types that belong to a 市州


def password(label: str) -> fields.String:
    """A password of 10 to 128 characters (hashed by the service, never stored as typed)."""
    length = validate.Length(min=PASSWORD_MIN, max=PASSWORD_MAX,
                             error=f"「{label}」应为{PASSWORD_MIN}至{PASSWORD_MAX}个字符")
    return fields.String(required=True, validate=length,
                         metadata={"label": label, "widget": "password",
                                   "help": f"不少于{PASSWORD_MIN}个字符"})


class NewUserSchema(FormSchema):
    """新建用户: login name, the name people see, an initial password."""
    username = f.pattern_text("用户名", USERNAME, "以字母开头，3至64位字母、数字、下划线、点或连字符",
                              max_chars=64)
    display_name = f.text("姓名", 100)
    password = password("初始密码")


class PasswordResetSchema(FormSchema):
    """重置密码."""
    password = password("新密码")


class RoleAssignmentSchema(FormSchema):
    """添加角色: a role held in one organisation."""
    org_id = f.whole("机构", low=1)
    role = f.choice("角色", ROLE_CHOICES)


class NewOrgSchema(FormSchema):
    """新建机构: code, name, type, parent and — for member units and counties — the 市州."""
    code = f.code("机构代码", help="如 soc_smart_agri，创建后不可修改")
    name = f.text("机构名称", 200)
    org_type = f.text("机构类型", 32)
    parent_id = f.whole("上级机构", low=1, required=False)
    city_id = f.whole("所属市州", low=1, required=False,
                      help="高校、院所、企业和县（市、区）科协须选择所属市（州）")

    @validates_schema
    def city_when_needed(self, data, **kwargs):
        if data.get("org_type") in CITY_REQUIRED and data.get("city_id") is None:
            raise error_on("city_id", "高校、院所、企业和县（市、区）科协须选择「所属市州」")
