"""系统管理 · 用户与机构: accounts, passwords, role assignments and organisations (admins only)."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from workflows.processes import ROLE_LABELS

from ..models import ORG_TYPES
from ..services.shared import api_tokens, directory, people
from ..services.shared.errors import InvalidInput
from .helpers import org_choices, refusal_goes_back

bp = Blueprint("admin_people", __name__, url_prefix="/admin")

NEW_USER_FIELDS = ("username", "display_name", "password")
NEW_ORG_FIELDS = ("code", "name", "org_type", "parent_id", "city_id")


@bp.before_request
def admins_only():
    """Log in first; then only holders of the 系统管理员 role get past (403 otherwise)."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    people.check_admin(current_user)  # 403 otherwise; the API asks the same (api/admin.py)
    return None


def posted(names) -> dict[str, str]:
    return {name: request.form.get(name, "") for name in names}


@bp.get("/users")
def users():
    search = request.args.get("q", "").strip()
    return render_template("admin_people/users.html", users=directory.find_users(current_user, search),
                           search=search)


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    if request.method == "GET":
        return render_template("admin_people/user_new.html", form=request.form, errors={})
    try:
        user = people.create_user(posted(NEW_USER_FIELDS), current_user)
    except InvalidInput as refused:
        return render_template("admin_people/user_new.html", form=request.form,
                               errors=refused.errors), 422
    flash(f"已创建用户“{user.display_name}”，请为其添加角色。", "success")
    return redirect(url_for(".user", user_id=user.id))


@bp.get("/users/<int:user_id>")
def user(user_id: int):
    return user_page(user_id)


def user_page(user_id: int, form=None, errors=None, status: int = 200):
    account = directory.get_user(user_id, current_user)
    return render_template("admin_people/user.html", account=account, form=form or {},
                           errors=errors or {}, org_groups=directory.org_groups(current_user),
                           places={role: people.allowed_org_types(role) for role in people.ROLE_ORG_TYPES},
                           tokens=api_tokens.tokens_of(account)), status


@bp.post("/users/<int:user_id>/roles")
@refusal_goes_back(".users")
def add_role(user_id: int):
    try:
        assignment = people.assign_role(user_id, request.form.get("org_id"),
                                        request.form.get("role"), current_user)
    except InvalidInput as refused:
        return user_page(user_id, request.form, refused.errors, 422)
    flash(f"已添加角色：{assignment.org.name} · {ROLE_LABELS[assignment.role]}。", "success")
    return redirect(url_for(".user", user_id=user_id))


@bp.post("/roles/<int:assignment_id>/remove")
@refusal_goes_back(".users")
def remove_role(assignment_id: int):
    removed = people.remove_role(assignment_id, current_user)
    flash(f"已移除角色：{removed.org.name} · {ROLE_LABELS[removed.role]}。", "success")
    return redirect(url_for(".user", user_id=removed.user_id))


@bp.post("/users/<int:user_id>/active")
@refusal_goes_back(".users")
def set_active(user_id: int):
    active = request.form.get("active") == "1"
    people.set_active(user_id, active, current_user)
    flash("账号已启用。" if active else "账号已停用，该用户不能再登录。", "success")
    return redirect(url_for(".user", user_id=user_id))


@bp.post("/users/<int:user_id>/password")
def reset_password(user_id: int):
    try:
        account = people.reset_password(user_id, request.form.get("password", ""), current_user)
    except InvalidInput as refused:
        return user_page(user_id, errors=refused.errors, status=422)
    flash(f"已重置“{account.display_name}”的密码，请告知本人。", "success")
    return redirect(url_for(".user", user_id=user_id))


@bp.get("/orgs")
def orgs():
    return render_template("admin_people/orgs.html", groups=directory.org_groups(current_user),
                           people_count=directory.people_per_org(), names=directory.org_names())


@bp.route("/orgs/new", methods=["GET", "POST"])
def new_org():
    if request.method == "GET":
        return _org_form({})
    try:
        org = people.create_org(posted(NEW_ORG_FIELDS), current_user)
    except InvalidInput as refused:
        return _org_form(refused.errors), 422
    flash(f"已创建机构“{org.name}”。", "success")
    return redirect(url_for(".orgs"))


def _org_form(errors: dict):
    return render_template("admin_people/org_new.html", form=request.form, errors=errors,
                           org_types=ORG_TYPES, org_groups=directory.org_groups(current_user),
                           cities=org_choices("city_association"))
