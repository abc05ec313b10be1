"""Blueprints, one per area, and the error pages they share."""
from __future__ import annotations

from flask import Flask, render_template

from ..extensions import db, login_manager
from ..models import User


def register_views(app: Flask) -> None:
    from . import api, auth, helpers, inbox
    helpers.install(app)
    for blueprint in (api.bp, auth.bp, inbox.bp):
        app.register_blueprint(blueprint)
    from . import admin, instances  # 流程实例 /instances, /attachments; 系统管理 /admin, /admin/definitions
    for blueprint in (admin.bp, instances.bp):
        app.register_blueprint(blueprint)
    from .admin_people import bp as admin_people_bp  # 用户与机构: /admin/users, /admin/orgs
    app.register_blueprint(admin_people_bp)
    from . import start, tasks  # 发起申报 /start, /start/project, /start/grant/<id>; 办理 /tasks/<id>
    for blueprint in (start.bp, tasks.bp):
        app.register_blueprint(blueprint)
    from . import documents  # 文书 /instances/<id>/documents/…, /editions/<id>/report.pdf; 导出 /exports
    app.register_blueprint(documents.bp)
    from . import notifications  # 提醒 /notifications/<id>/read, 逾期督办 /overdue; header badge
    notifications.install(app)
    app.register_error_handler(404, _error_page(404, "页面不存在", "您访问的页面不存在，或您无权查看。"))
    app.register_error_handler(403, _error_page(403, "无权访问", "您没有执行此操作的权限。"))
    app.register_error_handler(400, _error_page(400, "请求无效", "请求无效或表单已过期，请返回重试。"))
    app.register_error_handler(413, _error_page(413, "文件过大", "上传的文件超过大小限制。"))


def _error_page(code: int, title: str, message: str):
    def handler(_error):
        return render_template("errors/error.html", code=code, title=title, message=message), code
    return handler


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.active else None
