"""Blueprints, one per area, and the one error handler they share."""
from __future__ import annotations

from flask import Flask
from sqlalchemy.orm import joinedload

from ..extensions import db, login_manager
from ..models import User


def register_views(app: Flask) -> None:
    from .converters import DatabaseIdConverter
    app.url_map.converters["int"] = DatabaseIdConverter  # before any route is added
    from . import api, auth, errors, helpers, inbox
    helpers.install(app)
    from . import security_headers
    security_headers.install(app)
    for blueprint in (api.bp, auth.bp, inbox.bp):
        app.register_blueprint(blueprint)
    from . import admin, instances  # 流程实例 /instances, /attachments; 系统管理 /admin, /admin/definitions
    for blueprint in (admin.bp, instances.bp):
        app.register_blueprint(blueprint)
    from .admin_people import bp as admin_people_bp  # 用户与机构: /admin/users, /admin/orgs
    app.register_blueprint(admin_people_bp)
    from .settings import bp as settings_bp  # 届次与申报指南: /admin/settings, /admin/editions…, /admin/calls…
    app.register_blueprint(settings_bp)
    from . import start, tasks  # 发起申报 /start, /start/project, /start/grant/<id>; 办理 /tasks/<id>
    for blueprint in (start.bp, tasks.bp):
        app.register_blueprint(blueprint)
    from . import kpis  # 填报绩效数据 /applications/<id>/kpis
    app.register_blueprint(kpis.bp)
    from . import documents  # 文书 /instances/<id>/documents/…, /editions/<id>/report.pdf; 导出 /exports
    app.register_blueprint(documents.bp)
    from . import figures  # 统计数据 /editions/<id>/figures(.xlsx), /calls/<id>/figures(.xlsx)
    app.register_blueprint(figures.bp)
    from . import awards  # 评选表扬 /awards: 百优/十佳科服保姆, 优质科创项目, 突出贡献单位 (issue 11)
    app.register_blueprint(awards.bp)
    from . import ranking  # 排序与立项 /calls/<id>/ranking; 评审得分构成 /instances/<id>/score.json
    app.register_blueprint(ranking.bp)
    from . import notifications  # 提醒 /notifications/<id>/read, 逾期督办 /overdue; header badge
    notifications.install(app)
    from . import tokens  # API令牌 /account/tokens: create (secret shown once), list, revoke
    tokens.install(app)
    from . import selection  # 科创会遴选工作台 /selection, /editions/<id>/selection[/admit|place|unplace|publish]
    app.register_blueprint(selection.bp)
    from . import request_checks  # control characters and over-long search terms: 404/422, never a 500
    request_checks.install(app)
    errors.install(app)  # service errors and HTTP errors: the page, or problem+json under /api
    from .. import api as rest_api  # the REST API /api/v1 (flask-smorest), docs at /api/v1/docs
    rest_api.install(app)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Every request: the user and their roles (with orgs) in one query, read afresh — a
    deactivated account or a role taken away counts from the next request."""
    user = db.session.get(User, int(user_id), options=[joinedload(User.roles)])
    return user if user is not None and user.active else None
