"""The ``grantflow`` command: Flask's commands (run, shell, db …) plus grantflow's own."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from flask_migrate import upgrade


def _create_app():
    from . import create_app
    return create_app()


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Create or upgrade the database schema (Alembic) and deploy the BPMN models."""
    upgrade_and_deploy()
    click.echo("数据库已就绪，流程模型已部署。")


def upgrade_and_deploy():
    from .services.definitions import deploy_directory
    upgrade()
    for definition in deploy_directory(current_app.config["BPMN_DIR"]):
        click.echo(f"  {definition.process_key} v{definition.version} ({definition.content_hash[:12]})")


@click.command("demo")
@click.option("--reset", is_flag=True, help="Delete the SQLite database first.")
@with_appcontext
def demo_command(reset: bool):
    """Load reference data and demo instances standing at different steps of both processes."""
    from .demo.scenario import load_demo
    from .demo.summary import print_summary
    if reset:
        _reset_sqlite()
    upgrade_and_deploy()
    print_summary(load_demo())


def _reset_sqlite():
    from .extensions import db
    db.drop_all()
    from sqlalchemy import text
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


@click.command("fire-timers")
@with_appcontext
def fire_timers_command():
    """Fire every due timer once (the scheduler of issue 4 runs this on an interval)."""
    from .services.timers import fire_due_timers
    click.echo(f"已推进 {fire_due_timers()} 个流程实例。")


def register_commands(app) -> None:
    for command in (init_db_command, demo_command, fire_timers_command):
        app.cli.add_command(command)


main = FlaskGroup(create_app=_create_app, help="grantflow — 科创项目与专家团项目全流程管理")
