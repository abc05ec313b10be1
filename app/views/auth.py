"""Login and logout (Flask-Login sessions; passwords hashed; CSRF on the form)."""
from __future__ import annotations

import secrets
from functools import cache
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, Length, ValidationError

from forms.validators import text_problem
from workflows import clock

from ..extensions import db
from ..models import User
from ..services.shared import login_guard

bp = Blueprint("auth", __name__)


class PlainTextInput:
    """WTForms' side of the rule every text field obeys (forms/validators.py): no control
    character; the field's error names it (「用户名」含有不可见的控制字符)."""

    def __call__(self, form, field) -> None:
        problem = text_problem(str(field.label.text), field.data or "")
        if problem:
            raise ValidationError(problem)


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[
        InputRequired("请输入用户名"), PlainTextInput(),
        Length(max=64, message="「用户名」不超过64个字符")])
    password = PasswordField("密码", validators=[
        InputRequired("请输入密码"), PlainTextInput(),
        Length(max=128, message="「密码」不超过128个字符")])


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("inbox.index"))
    form = LoginForm()
    if form.validate_on_submit():
        name, address = form.username.data.strip(), request.remote_addr or "unknown"
        if until := login_guard.locked_until(name, address):  # before the password is tried
            flash(login_guard.lock_message(until), "error")
            retry = max(1, int((until - clock.now()).total_seconds()))
            return render_template("auth/login.html", form=form), 429, {"Retry-After": str(retry)}
        user = db.session.scalar(sa.select(User).filter_by(username=name))
        usable = user is not None and user.active and bool(user.password_hash)
        # Hash the guess even for an unknown user: same message, about the same time
        matches = check_password_hash(user.password_hash if usable else _dummy_hash(),
                                      form.password.data)
        if usable and matches:
            login_guard.record_success(name)
            session.clear()  # a new session: nothing planted before the login carries over
            login_user(user)
            return redirect(_safe_next(request.args.get("next")) or url_for("inbox.index"))
        login_guard.record_failure(name, address)
        flash("用户名或密码错误。", "error")
    return render_template("auth/login.html", form=form)


@cache
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_urlsafe(16))


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths: never redirect to another host after login. Browsers read "\\"
    as "/" and drop tabs and newlines, so "/\\evil" or "/<tab>/evil" would leave the site."""
    if not target or any(ch == "\\" or ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.scheme \
            and not parts.netloc:
        return target
    return None


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    session.clear()
    flash("您已退出登录。", "info")
    return redirect(url_for("auth.login"))
